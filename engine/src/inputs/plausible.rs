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
    let (
        Value::Number(n),
        Type::Number {
            kind: NumKind::Percent,
            ..
        },
    ) = (value, ty)
    else {
        return None;
    };
    let typed = n.checked_mul(Decimal::ONE_HUNDRED)?;
    if typed <= Decimal::ZERO || typed >= Decimal::ONE {
        return None;
    }
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
