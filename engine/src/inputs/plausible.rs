//! Figures outside an input's plausible range (`between 50 % and 110 %`).
//!
//! The usual slips of an analyst give figures far outside what an agreement
//! implies: a percentage typed as a fraction (0.97 for 97 %), an amount in
//! thousands, no places at all. The rule file states each input's plausible range;
//! a figure outside it is an error (or a warning, where the rule file says so) that
//! names the likely slip, so a wrong figure never passes quietly.

use dsl::program::{Bound, PlausibleRange};
use dsl::types::{NumKind, Type};
use dsl::{Code, Diagnostic};
use rust_decimal::Decimal;

use crate::value::Value;

/// Where a figure is written, so that help shows how to write it there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Written {
    /// An input file (TOML): `planned_occupancy = 97`.
    InputFile,
    /// A cell of a tariff file (CSV or XLSX).
    Cell,
}

impl Written {
    /// How `percent` is written for `leaf` here.
    fn percent(self, leaf: &str, percent: &str) -> String {
        match self {
            Written::InputFile => format!("`{leaf} = {percent}`"),
            Written::Cell => format!("`{percent}` in the cell"),
        }
    }

    /// How `percent` is written with its sign here.
    fn with_sign(self, percent: &str) -> String {
        match self {
            Written::InputFile => format!("`\"{percent} %\"`"),
            Written::Cell => format!("`{percent} %` in the cell"),
        }
    }
}

/// A plausible range of figures brought to each number of decimals a figure may
/// have: at `s` decimals, the least and the most mantissa of a figure inside it. A
/// figure is then surely inside by two comparisons of its digits, without
/// `Decimal`'s general comparison (most cells of a tariff file); one that is not, or
/// at a scale where the range's bounds do not fit, is for [`check`] to judge.
#[derive(Debug, Clone)]
pub(crate) struct ScaledRange {
    bounds: [(i128, i128); 29],
}

/// Powers of ten, up to 10²⁸ (the most decimals a figure has).
const TENS: [i128; 29] = {
    let mut tens = [1i128; 29];
    let mut i = 1;
    while i < 29 {
        tens[i] = tens[i - 1] * 10;
        i += 1;
    }
    tens
};

impl ScaledRange {
    /// The range at every scale; none for a range of dates.
    pub(crate) fn new(range: &PlausibleRange) -> Option<ScaledRange> {
        let bound = |b: &Option<Bound>| match b {
            None => Some(None),
            Some(Bound::Number(n)) => Some(Some(*n)),
            Some(Bound::Date(_)) => None,
        };
        let (low, high) = (bound(&range.low)?, bound(&range.high)?);
        let mut bounds = [(i128::MAX, i128::MIN); 29];
        for (scale, at) in bounds.iter_mut().enumerate() {
            // The least mantissa at `scale` not below `low`, the most not above `high`;
            // where one does not fit, no figure of that scale is surely inside.
            let least = match low {
                None => Some(i128::MIN),
                Some(low) => scaled(low, scale as u32, true),
            };
            let most = match high {
                None => Some(i128::MAX),
                Some(high) => scaled(high, scale as u32, false),
            };
            if let (Some(least), Some(most)) = (least, most) {
                *at = (least, most);
            }
        }
        Some(ScaledRange { bounds })
    }

    /// True when `value` is surely inside the range; false when it is outside, or
    /// may be.
    #[inline]
    pub(crate) fn surely_within(&self, value: &Value) -> bool {
        let Value::Number(n) = value else {
            return false;
        };
        let (least, most) = self.bounds[(n.scale() as usize).min(28)];
        let m = n.mantissa();
        least <= m && m <= most
    }
}

/// `n` times 10^`scale`, rounded up (`up`) or down to a whole number, if it fits.
fn scaled(n: Decimal, scale: u32, up: bool) -> Option<i128> {
    let (m, s) = (n.mantissa(), n.scale());
    if scale >= s {
        return m.checked_mul(*TENS.get((scale - s) as usize)?);
    }
    let ten = *TENS.get((s - scale) as usize)?;
    Some(match up {
        true => -((-m).div_euclid(ten)),
        false => m.div_euclid(ten),
    })
}

/// True if `value` may be a percentage written as a fraction (a figure of a
/// percentage above 0 and below 1 %): what [`fraction_for_percent`] looks at
/// further. Decided from the figure's digits alone, without multiplying it.
#[inline]
pub(crate) fn may_be_fraction(value: &Value, ty: &Type) -> bool {
    let (
        Value::Number(n),
        Type::Number {
            kind: NumKind::Percent,
            ..
        },
    ) = (value, ty)
    else {
        return false;
    };
    // Above 0 and below 0.01: a mantissa m of scale s, 0 < m < 10^(s-2).
    let (m, s) = (n.mantissa(), n.scale() as usize);
    m > 0 && s >= 2 && TENS.get(s - 2).is_none_or(|ten| m < *ten)
}

/// A figure of `name` outside its range: the diagnostic, without its label (the
/// caller points at the figure). `None` if the figure is plausible.
pub(crate) fn check(
    name: &str,
    value: &Value,
    ty: &Type,
    range: &PlausibleRange,
    written: Written,
) -> Option<Diagnostic> {
    let figure = match value {
        Value::Number(n) => Bound::Number(*n),
        Value::Date(d) => Bound::Date(*d),
        _ => return None,
    };
    let below = range.low.as_ref().is_some_and(|low| figure < *low);
    let above = range.high.as_ref().is_some_and(|high| figure > *high);
    if !below && !above {
        return None;
    }
    let side = if below { "below" } else { "above" };
    let title = format!(
        "`{name}` is {}, {side} what is plausible for it ({})",
        shown(&figure, ty),
        range.shown
    );
    let diagnostic = if range.warning {
        Diagnostic::warning(Code::Implausible, title)
    } else {
        Diagnostic::error(Code::Implausible, title)
    };
    Some(diagnostic.help(likely_slip(name, &figure, ty, range, written)))
}

/// What the analyst most likely meant, or what to check.
fn likely_slip(
    name: &str,
    figure: &Bound,
    ty: &Type,
    range: &PlausibleRange,
    written: Written,
) -> String {
    let leaf = name.rsplit('.').next().unwrap_or(name);
    if let (Bound::Number(n), Type::Number { kind, .. }) = (figure, ty) {
        let fits = |m: Decimal| {
            let b = Bound::Number(m);
            range.low.as_ref().is_none_or(|l| b >= *l)
                && range.high.as_ref().is_none_or(|h| b <= *h)
        };
        if *kind == NumKind::Percent {
            // 0.97 typed for 97 %: the figure read is 0.97 %, i.e. 0.0097.
            if let Some(meant) = n.checked_mul(Decimal::ONE_HUNDRED).filter(|m| fits(*m)) {
                let typed = meant.normalize();
                let percent = shown(&Bound::Number(meant), ty);
                let percent = percent.trim_end_matches(" %");
                return format!(
                    "did you mean {percent} %? A percentage is written in percent: {}, not {typed}",
                    written.percent(leaf, percent)
                );
            }
        }
        for (factor, how) in [(1_000, "in thousands"), (1_000_000, "in millions")] {
            if let Some(meant) = n.checked_mul(Decimal::from(factor)).filter(|m| fits(*m)) {
                if *kind != NumKind::Percent && !n.is_zero() {
                    return format!(
                        "is the figure {how}? {} would be plausible; write the whole figure",
                        shown(&Bound::Number(meant), ty)
                    );
                }
            }
        }
    }
    format!(
        "check the figure: the agreement's rule file expects `{leaf}` {}; if the figure is right, \
         the range in the rule file must be widened",
        range.shown
    )
}

/// A figure as written in messages: `97 %`, `1234.5 kr`, `2024-05-01`.
fn shown(figure: &Bound, ty: &Type) -> String {
    match (figure, ty) {
        (Bound::Date(d), _) => d.to_string(),
        (Bound::Number(n), Type::Number { kind, dim }) => {
            if *kind == NumKind::Percent {
                match n.checked_mul(Decimal::ONE_HUNDRED) {
                    Some(p) => format!("{} %", p.normalize()),
                    None => format!("{} (as a fraction)", n.normalize()),
                }
            } else if dim.money == 0 && dim.days == 0 {
                n.normalize().to_string()
            } else {
                format!("{} {dim}", n.normalize())
            }
        }
        (Bound::Number(n), _) => n.normalize().to_string(),
    }
}

/// A percentage written as a bare number between 0 and 1 (`overhead_rate = 0.045`) whose
/// hundredfold would be as plausible: read as 0.045 %, but most likely meant as 4.5 %.
/// Only a warning — a small rate may be right — and silenced by writing the `%`.
pub(crate) fn fraction_for_percent(
    name: &str,
    value: &Value,
    ty: &Type,
    range: &PlausibleRange,
    written: Written,
) -> Option<Diagnostic> {
    // A percentage above 0 and below 1 %: typed as a fraction between 0 and 1.
    let (Value::Number(n), true) = (value, may_be_fraction(value, ty)) else {
        return None;
    };
    let typed = n.checked_mul(Decimal::ONE_HUNDRED)?;
    let meant = Bound::Number(*n * Decimal::ONE_HUNDRED);
    let fits = range.low.as_ref().is_none_or(|l| meant >= *l)
        && range.high.as_ref().is_none_or(|h| meant <= *h);
    if !fits {
        return None;
    }
    let leaf = name.rsplit('.').next().unwrap_or(name);
    let typed = typed.normalize();
    let percent = (typed * Decimal::ONE_HUNDRED).normalize();
    Some(
        Diagnostic::warning(
            Code::Implausible,
            format!("`{name}` is written {typed}, which is read as {typed} % — did you mean {percent} %?"),
        )
        .help(format!(
            "a percentage is written in percent: {}; if {typed} % is meant, write it with the sign: {}",
            written.percent(leaf, &percent.to_string()),
            written.with_sign(&typed.to_string())
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    const FIGURES: [&str; 24] = [
        "0",
        "-0",
        "0.00",
        "1",
        "-1",
        "0.5",
        "0.50",
        "-0.5",
        "0.01",
        "0.0099",
        "0.0100001",
        "0.009999999999999999999999999",
        "110",
        "1.1",
        "1.10000000000000000000000001",
        "0.000000000000000000000000001",
        "-0.000000000000000000000000001",
        "5000000",
        "79228162514264337593543950335",
        "-79228162514264337593543950335",
        "7922816251426433759354395033.5",
        "0.0000000000000000000000000001",
        "18446744073709551616",
        "18446744073709551615.5",
    ];

    #[test]
    fn a_figure_surely_within_its_range_is_within_it() {
        let range = |low: Option<&str>, high: Option<&str>| PlausibleRange {
            low: low.map(|l| Bound::Number(Decimal::from_str(l).unwrap())),
            high: high.map(|h| Bound::Number(Decimal::from_str(h).unwrap())),
            warning: false,
            span: dsl::span::Span::default(),
            shown: String::new(),
        };
        let mut sure = 0;
        for (low, high) in [
            (Some("0.5"), Some("1.1")),
            (Some("0"), None),
            (None, Some("0.01")),
            (Some("-1"), Some("79228162514264337593543950335")),
            (Some("-0.0000000000000000000000000001"), Some("0.0099")),
            (
                Some("0.0000000000000000000000000001"),
                Some("1.10000000000000000000000001"),
            ),
            (Some("-79228162514264337593543950335"), Some("-0.5")),
            (Some("18446744073709551615.5"), None),
        ] {
            let r = range(low, high);
            let scaled = ScaledRange::new(&r).expect("numbers");
            for f in FIGURES {
                let value = Value::Number(Decimal::from_str(f).unwrap());
                let outside = check("x", &value, &Type::PERCENT, &r, Written::Cell).is_some();
                let within = scaled.surely_within(&value);
                if within {
                    assert!(!outside, "{f} in {low:?}..{high:?}");
                }
                // Exact wherever the bounds fit the figure's scale.
                let (least, most) = scaled.bounds[Decimal::from_str(f).unwrap().scale() as usize];
                if least <= most && !(least == i128::MIN && most == i128::MAX) {
                    assert_eq!(within, !outside, "{f} in {low:?}..{high:?}");
                }
                sure += usize::from(within);
            }
        }
        assert!(sure > 20, "{sure}");
    }

    #[test]
    fn a_figure_that_may_be_a_fraction_is_every_one_that_is() {
        let range = PlausibleRange {
            low: Some(Bound::Number(Decimal::from_str("0").unwrap())),
            high: Some(Bound::Number(Decimal::from_str("1").unwrap())),
            warning: true,
            span: dsl::span::Span::default(),
            shown: String::new(),
        };
        let mut caught = 0;
        for f in FIGURES {
            let value = Value::Number(Decimal::from_str(f).unwrap());
            let warned =
                fraction_for_percent("x", &value, &Type::PERCENT, &range, Written::Cell).is_some();
            let typed = Decimal::from_str(f)
                .unwrap()
                .checked_mul(Decimal::ONE_HUNDRED);
            let small = typed.is_some_and(|t| t > Decimal::ZERO && t < Decimal::ONE);
            assert_eq!(may_be_fraction(&value, &Type::PERCENT), small, "{f}");
            assert!(!warned || small, "{f}");
            caught += usize::from(warned);
        }
        assert!(caught >= 3, "{caught}");
        let money = Value::Number(Decimal::from_str("0.005").unwrap());
        assert!(!may_be_fraction(&money, &Type::MONEY));
    }
}
