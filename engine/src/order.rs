//! The order of two decimals, as rust_decimal gives it, without its general
//! path for the common case.
//!
//! Every check and every `min`/`max` compares two decimals, often of different
//! scales (a figure of 28 decimals against `20_000 kr`); rust_decimal rescales
//! one of them 32 bits at a time, which costs several times the comparison.
//! Here the number of lower scale is multiplied by the power of ten between
//! them as one 128-bit integer, when the product cannot overflow (it can when
//! both are large); otherwise rust_decimal's own comparison is used.

use std::cmp::Ordering;

use rust_decimal::Decimal;

/// 10⁰ to 10²⁸: every difference of two scales.
const POWERS: [u128; 29] = {
    let mut powers = [1u128; 29];
    let mut i = 1;
    while i < powers.len() {
        powers[i] = powers[i - 1] * 10;
        i += 1;
    }
    powers
};

/// The order of `a` and `b` (as `a.cmp(&b)`).
#[inline(always)]
pub(crate) fn order(a: Decimal, b: Decimal) -> Ordering {
    let (scale_a, scale_b) = (a.scale(), b.scale());
    let (mantissa_a, mantissa_b) = (a.mantissa(), b.mantissa());
    if scale_a == scale_b {
        return mantissa_a.cmp(&mantissa_b);
    }
    // `low` is the mantissa of lower scale, raised to the other's.
    let (low, high, reversed) = match scale_a < scale_b {
        true => (mantissa_a, mantissa_b, false),
        false => (mantissa_b, mantissa_a, true),
    };
    let Some(&power) = POWERS.get(scale_a.abs_diff(scale_b) as usize) else {
        return a.cmp(&b);
    };
    // Below 2¹²⁷ when the bits of the two factors add up to at most 127.
    let bits = 256 - low.unsigned_abs().leading_zeros() - power.leading_zeros();
    if bits > 127 {
        return a.cmp(&b);
    }
    let raised = low * power as i128;
    match reversed {
        false => raised.cmp(&high),
        true => high.cmp(&raised),
    }
}

/// `a < b`.
#[inline(always)]
pub(crate) fn less(a: Decimal, b: Decimal) -> bool {
    order(a, b) == Ordering::Less
}

/// `a <= b`.
#[inline(always)]
pub(crate) fn less_eq(a: Decimal, b: Decimal) -> bool {
    order(a, b) != Ordering::Greater
}

/// `a == b` (of value: `1.50` equals `1.5`).
#[inline(always)]
pub(crate) fn equal(a: Decimal, b: Decimal) -> bool {
    order(a, b) == Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// Numbers of every scale and size: zero of both signs, the smallest and
    /// largest mantissas, figures that differ only past the 20th decimal.
    fn numbers() -> Vec<Decimal> {
        let texts = [
            "0",
            "-0",
            "0.000",
            "1",
            "-1",
            "1.0",
            "1.50",
            "1.5",
            "-1.5",
            "20000",
            "20000.0000000000000000000001",
            "19999.999999999999999999999999",
            "0.0000000000000000000000000001",
            "-0.0000000000000000000000000001",
            "0.073",
            "7.3",
            "100",
            "4301.2767123287671232876712329",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "7922816251426433759354395033.5",
            "7.9228162514264337593543950335",
            "-7.9228162514264337593543950335",
            "365",
            "366.00",
            "2025",
            "739251",
            "0.95",
            "0.9500000000000000000000000001",
            "12345678901234567890",
            "-12345678901234567890.12345678",
        ];
        texts
            .iter()
            .map(|t| Decimal::from_str(t).expect("a decimal"))
            .collect()
    }

    #[test]
    fn orders_as_rust_decimal_does_for_every_pair() {
        let numbers = numbers();
        for &a in &numbers {
            for &b in &numbers {
                assert_eq!(order(a, b), a.cmp(&b), "{a} and {b}");
                assert_eq!(less(a, b), a < b, "{a} < {b}");
                assert_eq!(less_eq(a, b), a <= b, "{a} <= {b}");
                assert_eq!(equal(a, b), a == b, "{a} == {b}");
            }
        }
    }

    #[test]
    fn orders_as_rust_decimal_does_for_products_and_quotients() {
        // Figures as a tariff makes them: quotients of 28 decimals against
        // sums of a few, at every scale between.
        let numbers = numbers();
        let mut made = Vec::new();
        for &a in &numbers {
            for &b in &numbers {
                made.extend(a.checked_div(b));
                made.extend(a.checked_mul(b));
                made.extend(a.checked_add(b));
            }
        }
        for (i, &a) in made.iter().enumerate().step_by(7) {
            for &b in made.iter().skip(i % 5).step_by(11) {
                assert_eq!(order(a, b), a.cmp(&b), "{a} and {b}");
            }
        }
    }
}
