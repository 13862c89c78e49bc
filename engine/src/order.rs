//! The order of two decimals, as rust_decimal gives it, without its general
//! path for the common case.
//!
//! Every check and every `min`/`max` compares two decimals, often of different
//! scales (a figure of 28 decimals against `20_000 kr`); rust_decimal rescales
//! one of them 32 bits at a time, which costs several times the comparison.
//! Here the signs are compared first, then the magnitudes, the one of lower
//! scale multiplied by the power of ten between them as one 128-bit integer,
//! when the product cannot overflow (it can when both are large); otherwise
//! rust_decimal's own comparison is used. The magnitudes are read from the
//! decimal's bytes, without `mantissa()`'s negation.

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

/// A decimal's mantissa (its magnitude, below 2^96), scale and sign, read
/// from its bytes: no branch, unlike `mantissa()`, which negates.
#[inline(always)]
fn parts(d: Decimal) -> (u128, u32, bool) {
    let [f0, f1, f2, f3, l0, l1, l2, l3, m0, m1, m2, m3, h0, h1, h2, h3] = d.serialize();
    let flags = u32::from_le_bytes([f0, f1, f2, f3]);
    let magnitude = u128::from(u32::from_le_bytes([l0, l1, l2, l3]))
        | u128::from(u32::from_le_bytes([m0, m1, m2, m3])) << 32
        | u128::from(u32::from_le_bytes([h0, h1, h2, h3])) << 64;
    (magnitude, (flags >> 16) & 0xFF, flags >> 31 == 1)
}

/// The order of `a` and `b` (as `a.cmp(&b)`): by sign, then by magnitude.
#[inline(always)]
pub(crate) fn order(a: Decimal, b: Decimal) -> Ordering {
    let (magnitude_a, scale_a, negative_a) = parts(a);
    let (magnitude_b, scale_b, negative_b) = parts(b);
    // A zero is neither (`-0` equals `0`).
    let negative_a = negative_a && magnitude_a != 0;
    let negative_b = negative_b && magnitude_b != 0;
    if negative_a != negative_b {
        return match negative_a {
            true => Ordering::Less,
            false => Ordering::Greater,
        };
    }
    let by_magnitude = if scale_a == scale_b {
        magnitude_a.cmp(&magnitude_b)
    } else {
        // `low` is the magnitude of lower scale, raised to the other's.
        let (low, high, reversed) = match scale_a < scale_b {
            true => (magnitude_a, magnitude_b, false),
            false => (magnitude_b, magnitude_a, true),
        };
        let Some(&power) = POWERS.get(scale_a.abs_diff(scale_b) as usize) else {
            return a.cmp(&b);
        };
        // Below 2^128 when the bits of the two factors add up to at most 128.
        let bits = 256 - low.leading_zeros() - power.leading_zeros();
        if bits > 128 {
            return a.cmp(&b);
        }
        let raised = low * power;
        match reversed {
            false => raised.cmp(&high),
            true => high.cmp(&raised),
        }
    };
    match negative_a {
        true => by_magnitude.reverse(),
        false => by_magnitude,
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
        let mut numbers: Vec<Decimal> = (texts.iter())
            .map(|t| Decimal::from_str(t).expect("a decimal"))
            .collect();
        // Parsed, `-0` loses its sign; negated, a zero keeps it.
        numbers.extend([-Decimal::ZERO, -Decimal::new(0, 3)]);
        assert!(numbers.iter().any(|n| n.is_zero() && n.is_sign_negative()));
        numbers
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
    fn orders_as_rust_decimal_does_for_every_pair_of_tricky_numbers() {
        let tricky = crate::quotient::tests::tricky();
        for &a in &tricky {
            for &b in &tricky {
                assert_eq!(order(a, b), a.cmp(&b), "{a:?} and {b:?}");
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
