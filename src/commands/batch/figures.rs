//! A figure as a CSV or XLSX cell shows it: a percentage in percent (97, not
//! 0.97), an amount rounded to the øre, the shortest exact text of the result.
//!
//! Most figures of a batch have digits that fit 64 bits: those are rounded and
//! written there, in one step per cell ([`figure_into`]); any other goes the long
//! way, through [`rounded`] and [`decimal_into`], which give the same text.

use dsl::types::{NumKind, Type};
use rust_decimal::{Decimal, RoundingStrategy};

/// How a result's figures are shown in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A percentage, in percent.
    Percent,
    /// An amount of money, rounded to the øre.
    Amount,
    /// Any other number, as it is.
    Plain,
}

impl Shape {
    /// How a figure of type `ty` is shown.
    pub fn of(ty: &Type) -> Shape {
        match ty {
            Type::Number {
                kind: NumKind::Percent,
                ..
            } => Shape::Percent,
            Type::Number { dim, .. } if dim.money != 0 => Shape::Amount,
            _ => Shape::Plain,
        }
    }
}

/// A number as a CSV or XLSX cell shows it: a percentage in percent, an amount
/// rounded to the øre (halves away from zero, as Danish amounts are rounded);
/// `None` for a percentage beyond exact arithmetic in percent.
pub fn rounded(n: Decimal, ty: &Type) -> Option<Decimal> {
    match Shape::of(ty) {
        Shape::Percent => n.checked_mul(Decimal::ONE_HUNDRED),
        Shape::Amount => Some(to_ore(n)),
        Shape::Plain => Some(n),
    }
}

/// Appends `n` shown as `shape` shows it — the text [`decimal_into`] gives of
/// [`rounded`] — with `point` before its decimals. Returns false, having
/// written nothing, for a percentage beyond exact arithmetic in percent.
#[inline]
pub fn figure_into(n: Decimal, shape: Shape, point: char, out: &mut String) -> bool {
    match in_64_bits(n, shape) {
        Some((digits, scale)) => digits_into(n.is_sign_negative(), digits, scale, point, out),
        None => match shape {
            Shape::Percent => match n.checked_mul(Decimal::ONE_HUNDRED) {
                Some(n) => decimal_into(n, point, out),
                None => return false,
            },
            Shape::Amount => decimal_into(to_ore(n), point, out),
            Shape::Plain => decimal_into(n, point, out),
        },
    }
    true
}

/// The digits and scale of `n` shown as `shape`, when they fit 64 bits and the
/// scale is at most 19 (a percentage: its digits as they are, two decimals
/// fewer; an amount: cut to two decimals, half an øre or more away from zero).
#[inline]
fn in_64_bits(n: Decimal, shape: Shape) -> Option<(u64, u32)> {
    let scale = n.scale();
    let digits = u64::try_from(n.mantissa().unsigned_abs()).ok()?;
    if scale > 19 {
        return None;
    }
    match (shape, scale.checked_sub(2)) {
        (Shape::Plain, _) | (Shape::Amount, None | Some(0)) => Some((digits, scale)),
        (Shape::Percent, Some(less)) => Some((digits, less)),
        (Shape::Percent, None) => Some((digits.checked_mul(TENS_64[(2 - scale) as usize])?, 0)),
        (Shape::Amount, Some(cut)) => {
            let ten = TENS_64[cut as usize];
            let whole = digits / ten;
            let rest = digits - whole * ten;
            // Half or more of the last øre: away from zero (a tenth of the digits
            // or less, plus one, fits).
            Some((whole + u64::from(rest >= ten - rest), 2))
        }
    }
}

/// Appends the number of `digits` with `scale` decimals (negative or not) as its
/// shortest exact text: no trailing zeros, `0` for zero (never `-0`).
fn digits_into(negative: bool, mut digits: u64, mut scale: u32, point: char, out: &mut String) {
    while scale > 0 && digits.is_multiple_of(10) {
        digits /= 10;
        scale -= 1;
    }
    if digits == 0 {
        out.push('0');
        return;
    }
    if negative {
        out.push('-');
    }
    let mut buffer = itoa::Buffer::new();
    pointed_into(buffer.format(digits), scale as usize, point, out);
}

/// Appends the digits of a whole number with `point` before its last `scale`
/// (`0,05` for `5` with two decimals). Always inlined: called once per figure
/// written, it cost 245 instructions per offer of one agreement as a call.
#[inline(always)]
fn pointed_into(digits: &str, scale: usize, point: char, out: &mut String) {
    if scale == 0 {
        out.push_str(digits);
    } else if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        out.push_str(whole);
        out.push(point);
        out.push_str(fraction);
    } else {
        out.push('0');
        out.push(point);
        for _ in digits.len()..scale {
            out.push('0');
        }
        out.push_str(digits);
    }
}

/// `n` rounded to two decimals, halves away from zero, as
/// `round_dp_with_strategy(2, MidpointAwayFromZero)` rounds it (the same value and
/// scale): in 64 bits when its digits fit them (most amounts), the long way otherwise.
fn to_ore(n: Decimal) -> Decimal {
    let scale = n.scale();
    let magnitude = n.mantissa().unsigned_abs();
    let (mut whole, rest, ten) = match (scale.checked_sub(2), u64::try_from(magnitude)) {
        (None | Some(0), _) => return n,
        (Some(cut @ 1..=19), Ok(digits)) => {
            let ten = TENS_64[cut as usize];
            let whole = digits / ten;
            (
                u128::from(whole),
                u128::from(digits - whole * ten),
                u128::from(ten),
            )
        }
        (Some(cut @ 1..=28), _) => {
            let ten = 10u128.pow(cut);
            let whole = magnitude / ten;
            (whole, magnitude - whole * ten, ten)
        }
        _ => return n.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
    };
    // Half or more of the last øre: away from zero.
    if rest >= ten - rest {
        whole += 1;
    }
    // A tenth of `n`'s digits or less, plus one: within its 96 bits.
    Decimal::from_parts(
        whole as u32,
        (whole >> 32) as u32,
        (whole >> 64) as u32,
        n.is_sign_negative(),
        2,
    )
}

/// Appends `n` as its shortest exact text (`normalize`d: no trailing zeros), with
/// `point` before its decimals; digit by digit, without `Display`'s detours.
pub fn decimal_into(n: Decimal, point: char, out: &mut String) {
    let mut scale = n.scale();
    let magnitude = n.mantissa().unsigned_abs();
    // Most figures fit 64 bits, where division is fast.
    if let (Ok(digits), true) = (u64::try_from(magnitude), scale <= 19) {
        digits_into(n.is_sign_negative(), digits, scale, point, out);
        return;
    }
    let mut buffer = [0u8; 40];
    let mut at = buffer.len();
    let mut digits = magnitude;
    while scale > 0 && digits.is_multiple_of(10) {
        digits /= 10;
        scale -= 1;
    }
    if digits == 0 {
        out.push('0');
        return;
    }
    if n.is_sign_negative() {
        out.push('-');
    }
    // Larger ones give their low 19 digits at a time.
    loop {
        let (high, mut low) = match u64::try_from(digits) {
            Ok(small) => (0, small),
            Err(_) => (digits / TEN_19, (digits % TEN_19) as u64),
        };
        let mut count = 0;
        while low > 0 || (high > 0 && count < 19) {
            at -= 1;
            buffer[at] = b'0' + (low % 10) as u8;
            low /= 10;
            count += 1;
        }
        if high == 0 {
            break;
        }
        digits = high;
    }
    // ok: the buffer holds ASCII digits only.
    let digits = std::str::from_utf8(&buffer[at..]).unwrap_or_default();
    pointed_into(digits, scale as usize, point, out);
}

const TEN_19: u128 = 10_000_000_000_000_000_000;

/// Ten to the power of 0 to 19: what fits 64 bits.
const TENS_64: [u64; 20] = {
    let mut tens = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        tens[i] = tens[i - 1] * 10;
        i += 1;
    }
    tens
};

#[cfg(test)]
mod tests {
    use super::*;
    use dsl::types::Dimension;
    use std::str::FromStr;

    #[test]
    fn decimals_are_written_as_normalize_writes_them() {
        for text in [
            "0",
            "-0",
            "0.00",
            "1",
            "-1",
            "10",
            "1909.19",
            "1909.10",
            "0.061",
            "-0.0001",
            "123456789012345678901234567.8",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "10000000000000000000",
            "100000000000000000000000",
            "9999999999999999999",
            "18446744073709551615",
            "18446744073709551616",
            "1844674407370955161.5",
            "0.1844674407370955161",
            "0.00000000000000000001",
            "-0.0000000000000000001",
            "-12.50",
            "100.001",
            "5000000.00",
        ] {
            let n = Decimal::from_str(text).expect(text);
            let mut out = String::new();
            decimal_into(n, '.', &mut out);
            assert_eq!(out, n.normalize().to_string(), "{text}");
        }
        let mut out = String::new();
        decimal_into(
            Decimal::from_str("-1234.5").expect("a number"),
            ',',
            &mut out,
        );
        assert_eq!(out, "-1234,5");
    }

    #[test]
    fn amounts_are_rounded_to_the_ore_as_rust_decimal_rounds_them() {
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "0.005",
            "-0.005",
            "0.0049999",
            "-0.0049999",
            "1.005",
            "1.015",
            "-1.015",
            "2.675",
            "12345.674999",
            "12345.675",
            "-0.001",
            "0.001",
            "1.1",
            "7",
            "-7.00",
            "0.125",
            "0.135",
            "184467440737095517.15",
            "18446744073709551.6155",
            "1844674407370955161.55",
            "0.0000000000000000000000000005",
            "-0.0000000000000000000000000005",
            "79228162514264337593543950335",
            "7922816251426433759354395033.5",
            "-7922816251426433759354395.0335",
            "0.99999999999999999999",
            "99999999999999999.995",
            "-99999999999999999.995",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // Figures as an evaluation leaves them: a division's 28 digits, and more.
        for i in 1..400i64 {
            let n = Decimal::from(i * 7919 - 1_000_000) / Decimal::from(i * 13 + 3);
            texts.push(n.to_string());
            texts.push((n * Decimal::from(1000)).to_string());
            texts.push(Decimal::new(i * 5 - 1000, (i % 6) as u32).to_string());
        }
        for text in &texts {
            let n = Decimal::from_str(text).expect(text);
            let long = n.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            let quick = to_ore(n);
            assert_eq!(quick, long, "{text}");
            assert_eq!(quick.to_string(), long.to_string(), "{text}");
            assert_eq!(quick.is_sign_negative(), long.is_sign_negative(), "{text}");
        }
    }

    /// A figure written in one step is the text of the long way, for every shape,
    /// at the edges of 64 bits and of 19 decimals, rounding halves both ways.
    #[test]
    fn figures_in_one_step_are_the_long_ways_text() {
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "0.00",
            "-0.000",
            "0.005",
            "-0.005",
            "0.0049999",
            "0.00499999999999999999",
            "1.005",
            "-1.015",
            "2.675",
            "12345.675",
            "99.995",
            "-99.995",
            "0.994999",
            "7",
            "-7.00",
            "100",
            "0.1",
            "0.01",
            "0.001",
            "-0.0001",
            "1234567.891234",
            "-25000.5",
            "5000000",
            "18446744073709551615",
            "-18446744073709551615",
            "18446744073709551616",
            "1844674407370955161.5",
            "18446744073709551.615",
            "0.1844674407370955161",
            "0.18446744073709551615",
            "0.0000000000000000001",
            "0.00000000000000000001",
            "-0.0000000000000000005",
            "9999999999999999999",
            "999999999999999999.9",
            "99999999999999999.995",
            "184467440737095517",
            "1844674407370955162",
            "79228162514264337593543950335",
            "-7922816251426433759354395.0335",
            "0.0000000000000000000000000001",
            "7922816251426433759354395033.5",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // The largest digits of 64 bits, and one more, at every scale.
        for scale in 0..=22 {
            for digits in [i128::from(u64::MAX), i128::from(u64::MAX) + 1] {
                for n in [digits, -digits] {
                    texts.push(Decimal::from_i128_with_scale(n, scale).to_string());
                }
            }
        }
        for i in 1..400i64 {
            let n = Decimal::from(i * 7919 - 1_000_000) / Decimal::from(i * 13 + 3);
            texts.push(n.to_string());
            texts.push((n * Decimal::from(1000)).to_string());
            texts.push(Decimal::new(i * 5 - 1000, (i % 21) as u32).to_string());
            texts.push(Decimal::new(i64::MAX - i, (i % 22) as u32).to_string());
        }
        let percent = Type::Number {
            dim: Dimension::NONE,
            kind: NumKind::Percent,
        };
        let amount = Type::Number {
            dim: Dimension::MONEY,
            kind: NumKind::Plain,
        };
        let days = Type::Number {
            dim: Dimension::DAYS,
            kind: NumKind::Plain,
        };
        for text in &texts {
            let n = Decimal::from_str(text).expect(text);
            for (ty, shape) in [
                (&percent, Shape::Percent),
                (&amount, Shape::Amount),
                (&days, Shape::Plain),
            ] {
                assert_eq!(Shape::of(ty), shape);
                for point in ['.', ','] {
                    let mut quick = String::from("x");
                    let written = figure_into(n, shape, point, &mut quick);
                    let mut long = String::from("x");
                    if let Some(shown) = rounded(n, ty) {
                        // The long way: rust_decimal's own rounding and text.
                        let shown = match shape {
                            Shape::Amount => {
                                n.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
                            }
                            _ => shown,
                        };
                        long.push_str(
                            &shown
                                .normalize()
                                .to_string()
                                .replace('.', &point.to_string()),
                        );
                    }
                    assert_eq!(written, rounded(n, ty).is_some(), "{text} {shape:?}");
                    assert_eq!(quick, long, "{text} {shape:?}");
                }
            }
        }
    }
}
