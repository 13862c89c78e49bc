//! How a number, a year and a date are written in an input file: one spelling
//! each, read strictly, so that a mistyped figure is an error and never another
//! figure.
//!
//! A number is digits, with `-` in front of a negative one and `.` before its
//! decimals (a file of semicolons writes a decimal comma, see `rows.rs`). Its
//! digits may be grouped by three with `_`, a space or a no-break space — the same
//! one throughout — since none of them can be taken for a decimal point: `1_234`,
//! `1 234 567.89`. Nothing else is read: no `+` (`12+3` is not 15, nor 123), no
//! leading zero, no exponent, no group of two or four digits (`1_0000` is a typo of
//! something). A unit may follow, if it is the input's: `%`, `pct` or `pp` for a
//! percentage, `kr` or `kr.` for an amount, `kr/day` for an amount per day,
//! `days` for a number of days — `budget = "5 %"` is an error, not 5 kr.
//!
//! A year, as the key of a table, is written with four digits (`2020`, never
//! `02020` or `+2020`), and a date as `2020-05-01`: one key per year and date.

use std::str::FromStr;

use chrono::NaiveDate;
use dsl::types::{Dimension, NumKind, Type};
use rust_decimal::Decimal;

/// The most significant digits a number may have: what takst computes exactly.
const MAX_DIGITS: usize = 28;

/// Why a text is not a number of the input's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NotRead {
    /// Not written as a number is; why, and the number meant where that is clear.
    Malformed { why: String, meant: Option<String> },
    /// A unit of another type: the unit, and what it measures ("a percentage").
    Unit {
        unit: String,
        measures: &'static str,
    },
    /// More digits than takst computes exactly.
    TooPrecise,
}

impl NotRead {
    /// What is wrong, for a message about `text`.
    pub(crate) fn what(&self, text: &str, ty: &Type) -> String {
        match self {
            NotRead::Malformed { why, .. } => format!("`{text}` is not a number: {why}"),
            NotRead::Unit { measures, .. } => {
                format!("`{text}` is written as {measures}, but this input is {ty}")
            }
            NotRead::TooPrecise => format!(
                "`{text}` has more than {MAX_DIGITS} digits, more than takst computes exactly"
            ),
        }
    }
}

/// How a number of this type is written: "without a unit, or with `kr` or `kr.`".
pub(crate) fn units_allowed(ty: &Type) -> String {
    let units: Vec<String> = units_of(ty).iter().map(|u| format!("`{u}`")).collect();
    match units.as_slice() {
        [] => String::from("without a unit"),
        [one] => format!("without a unit, or with {one}"),
        [most @ .., last] => format!("without a unit, or with {} or {last}", most.join(", ")),
    }
}

/// The units a number of this type may be written with, in lower case.
fn units_of(ty: &Type) -> &'static [&'static str] {
    const PER_DAY: Dimension = Dimension::PER_DAY;
    match ty {
        Type::Number {
            kind: NumKind::Percent,
            dim: Dimension::NONE,
        } => &["%", "pct", "pp"],
        Type::Number { dim, .. } if *dim == Dimension::MONEY => &["kr", "kr."],
        Type::Number { dim, .. } if *dim == PER_DAY => &["kr/day", "kr/dag", "kr./dag"],
        Type::Number { dim, .. } if *dim == Dimension::DAYS => &["days", "day", "dage", "dag"],
        Type::Number { dim, .. } if *dim == Dimension::HOURS => &["hours", "hour", "timer", "time"],
        Type::Number { dim, .. } if *dim == Dimension::WEEKS => &["weeks", "week", "uger", "uge"],
        Type::Number { dim, .. } if *dim == Dimension::MONTHS => {
            &["months", "month", "måneder", "måned"]
        }
        Type::Number { dim, .. } => dsl::units::UNITS
            .iter()
            .find(|(word, d)| d == dim && word.contains('/'))
            .map(|(word, _)| std::slice::from_ref(word))
            .unwrap_or(&[]),
        _ => &[],
    }
}

/// What a unit measures, if it is one of takst's.
fn measured_by(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "%" | "pct" | "pp" => "a percentage",
        "kr" | "kr." => "an amount (kr)",
        "kr/day" | "kr/dag" | "kr./dag" => "an amount per day",
        "days" | "day" | "dage" | "dag" => "a number of days",
        "hours" | "hour" | "timer" | "time" => "a number of hours",
        "weeks" | "week" | "uger" | "uge" => "a number of weeks",
        "months" | "month" | "måneder" | "måned" => "a number of months",
        "kr/hour" => "an amount per hour",
        "kr/week" => "an amount per week",
        "kr/month" => "an amount per month",
        "hours/week" => "hours per week",
        "hours/day" => "hours per day",
        "days/week" => "days per week",
        _ => return None,
    })
}

/// The characters that may group digits by three.
fn is_grouping(c: char) -> bool {
    matches!(c, '_' | ' ' | '\u{a0}' | '\u{202f}')
}

/// Reads `text` as a number of type `ty` (a percentage is returned as written:
/// `5.5 %` is 5.5).
pub(crate) fn read_number(text: &str, ty: &Type) -> Result<Decimal, NotRead> {
    let text = trimmed(text);
    let n = match plain_decimal(text) {
        Some(n) => n,
        None => read_written(text, ty)?,
    };
    // Three decimals are rare, so this costs a cell of a tariff file one test.
    if n.scale() == 3 {
        if let Some(slip) = thousands_point(text, ty) {
            return Err(slip);
        }
    }
    Ok(n)
}

/// An amount written with one `.` before three digits (`420.000`): a Danish
/// thousands point, read as a decimal point, would make it 420 kr. An amount has
/// two decimals (øre), so this is refused, saying both ways to write it.
fn thousands_point(text: &str, ty: &Type) -> Option<NotRead> {
    let Type::Number { dim, .. } = ty else {
        return None;
    };
    if dim.money == 0 {
        return None;
    }
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let number = rest.split(|c: char| c.is_whitespace()).next()?;
    let (whole, decimals) = number.split_once('.')?;
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(whole, 1..=3) || whole.starts_with('0') || !digits(decimals, 3..=3) {
        return None;
    }
    let why = format!(
        "an amount has two decimals (øre), so the `.` may be a Danish thousands point: \
         write {sign}{whole}{decimals} if that is meant, or {sign}{whole}.{} for {sign}{whole}.{} kr",
        &decimals[..2],
        &decimals[..2]
    );
    Some(NotRead::Malformed {
        why,
        meant: Some(format!("{sign}{whole}{decimals}")),
    })
}

/// [`read_number`] the long way, character by character, saying what is wrong.
fn read_written(text: &str, ty: &Type) -> Result<Decimal, NotRead> {
    let text = trimmed(text);
    let malformed = |why: &str, meant: Option<String>| NotRead::Malformed {
        why: why.to_string(),
        meant,
    };
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    if let Some(after) = rest.strip_prefix('+') {
        let meant = read_number(after, ty).ok().map(|n| format!("{sign}{n}"));
        return Err(malformed("write it without `+`", meant));
    }
    // The whole part: digits, grouped by three or not at all.
    let grouped = || {
        malformed(
            "digits are grouped by three (`1_234_567`), or not at all",
            Some(format!("{sign}{}", plain(rest))),
        )
    };
    let mut digits = String::new();
    let mut separator: Option<char> = None;
    let mut group = 0;
    let mut end = 0;
    for (at, c) in rest.char_indices() {
        if c.is_ascii_digit() {
            if at != end {
                break;
            }
            digits.push(c);
            group += 1;
            end = at + 1;
            continue;
        }
        let next = rest[at + c.len_utf8()..].chars().next();
        if !is_grouping(c)
            || digits.is_empty()
            || at != end
            || !next.is_some_and(|d| d.is_ascii_digit())
        {
            break;
        }
        // A separator between digits: three digits, then no digit, must follow it;
        // before it, three digits (one to three before the first).
        let ahead: Vec<char> = rest[at + c.len_utf8()..].chars().take(4).collect();
        let three = ahead.iter().take(3).filter(|d| d.is_ascii_digit()).count() == 3;
        let fourth = ahead.get(3).is_some_and(char::is_ascii_digit);
        let before = match separator {
            None => group <= 3,
            Some(s) => s == c && group == 3,
        };
        if !three || fourth || !before {
            return Err(grouped());
        }
        separator = Some(c);
        group = 0;
        end = at + c.len_utf8();
    }
    if separator.is_some() && group != 3 {
        return Err(grouped());
    }
    let mut after = &rest[end..];
    // The decimals.
    let mut decimals = String::new();
    if let Some(fraction) = after.strip_prefix('.') {
        let count = fraction.chars().take_while(char::is_ascii_digit).count();
        decimals.push_str(&fraction[..count]);
        after = &fraction[count..];
        if count == 0 {
            let meant = (!digits.is_empty()).then(|| format!("{sign}{digits}"));
            return Err(malformed("a `.` is followed by the decimals", meant));
        }
    }
    if digits.is_empty() {
        let meant = (!decimals.is_empty()).then(|| format!("{sign}0.{decimals}"));
        let why = match (decimals.is_empty(), text.is_empty()) {
            (false, _) => "write a 0 before the `.`",
            (true, true) => "the field is empty",
            (true, false) => "it does not start with a digit",
        };
        return Err(malformed(why, meant));
    }
    if digits.len() > 1 && digits.starts_with('0') {
        let trimmed = digits.trim_start_matches('0');
        let whole = if trimmed.is_empty() { "0" } else { trimmed };
        let meant = match decimals.is_empty() {
            true => format!("{sign}{whole}"),
            false => format!("{sign}{whole}.{decimals}"),
        };
        return Err(malformed("write it without leading zeros", Some(meant)));
    }
    // The unit, if any.
    let written = after.trim_start();
    let unit = written.to_lowercase();
    if !unit.is_empty() && !units_of(ty).contains(&unit.as_str()) {
        if let Some(measures) = measured_by(&unit) {
            return Err(NotRead::Unit { unit, measures });
        }
        let exponent = unit.starts_with('e')
            && unit[1..].starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
        let why = match unit.chars().next() {
            Some(',') => "a `,` is not read; write `.` before the decimals, and group digits by three with `_` or a space",
            Some('e') if exponent => "write the number out in full, without an exponent",
            Some('+' | '-' | '*' | '/' | '×' | '(' | ')') => "write one number, not a calculation",
            Some('.') => "write one `.`, before the decimals; group digits by three with `_` or a space",
            Some('x' | 'o' | 'b') if digits == "0" => "write the number in decimal digits",
            Some(c) if is_grouping(c) || c.is_ascii_digit() => {
                "digits are grouped by three (`1_234_567`), or not at all"
            }
            _ => {
                let number = &text[..text.len() - after.len()];
                let why = format!(
                    "`{written}` after `{number}` is not read; this input is written {}",
                    units_allowed(ty)
                );
                return Err(malformed(&why, None));
            }
        };
        return Err(malformed(why, None));
    }
    if digits.trim_start_matches('0').len() + decimals.len() > MAX_DIGITS {
        return Err(NotRead::TooPrecise);
    }
    let written = match decimals.is_empty() {
        true => format!("{sign}{digits}"),
        false => format!("{sign}{digits}.{decimals}"),
    };
    Decimal::from_str(&written).map_err(|_| NotRead::TooPrecise)
}

/// `text` without white space around it; without a look at the characters when it
/// begins and ends with a visible ASCII character (most cells).
pub(crate) fn trimmed(text: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x7f);
    let bytes = text.as_bytes();
    if visible(bytes.first()) && visible(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// A number written plainly — digits, a `-` in front, a `.` before decimals, no
/// leading zero, no grouping, no unit, at most [`MAX_DIGITS`] digits — read without
/// a copy (most cells of a tariff file); `None` for anything else, which
/// [`read_number`] reads the long way, or refuses. What this reads, the long way
/// reads the same.
pub(crate) fn plain_decimal(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    // Up to 19 digits, in one pass over 64 bits.
    if bytes.len() <= 20 {
        let (negative, body) = match bytes.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, bytes),
        };
        // The digits from `at` on, added to `mantissa` (past 19 digits the sum is
        // thrown away: the long way reads it); where they end.
        let digits = |mut at: usize, mantissa: &mut u64| {
            while let Some(d) = body
                .get(at)
                .map(|b| b.wrapping_sub(b'0'))
                .filter(|d| *d <= 9)
            {
                *mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
                at += 1;
            }
            at
        };
        let mut mantissa = 0u64;
        let whole = digits(0, &mut mantissa);
        let (end, point) = match body.get(whole) {
            Some(b'.') => (digits(whole + 1, &mut mantissa), true),
            _ => (whole, false),
        };
        // Anything but digits and one point between them is for the long way.
        if end != body.len() {
            return None;
        }
        let scale = end - whole - usize::from(point);
        let count = whole + scale;
        let fits = count <= 19 && whole > 0 && (!point || scale > 0);
        if fits && !(whole > 1 && body[0] == b'0') && !(negative && mantissa == 0) {
            let (lo, mid) = (mantissa as u32, (mantissa >> 32) as u32);
            return Some(Decimal::from_parts(lo, mid, 0, negative, scale as u32));
        }
        if count <= 19 {
            return None;
        }
    }
    let (negative, body) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let (whole, fraction) = match body.iter().position(|&b| b == b'.') {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let digits = |part: &[u8]| !part.is_empty() && part.iter().all(u8::is_ascii_digit);
    if !digits(whole) || (whole.len() > 1 && whole[0] == b'0') || !fraction.is_none_or(digits) {
        return None;
    }
    let fraction = fraction.unwrap_or_default();
    let significant = whole.iter().skip_while(|&&b| b == b'0').count() + fraction.len();
    if significant > MAX_DIGITS {
        return None;
    }
    let mut mantissa: i128 = 0;
    for &b in whole.iter().chain(fraction) {
        mantissa = mantissa * 10 + i128::from(b - b'0');
    }
    // `-0` is left to the long way, which keeps its sign as written.
    if negative && mantissa == 0 {
        return None;
    }
    let mantissa = if negative { -mantissa } else { mantissa };
    Decimal::try_from_i128_with_scale(mantissa, u32::try_from(fraction.len()).ok()?).ok()
}

/// The digits and decimal point of `text`, without grouping characters.
fn plain(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_ascii_digit() || is_grouping(*c) || *c == '.')
        .filter(|c| !is_grouping(*c))
        .collect()
}

/// The year a table's key is, written with four digits; or the year meant, if
/// it is written otherwise (`02020`, `+2020`, ` 2020`), or none if it is no year.
pub(crate) fn read_year(key: &str) -> Result<i64, Option<i64>> {
    let canonical =
        key.len() == 4 && key.bytes().all(|b| b.is_ascii_digit()) && !key.starts_with('0');
    let year = key.trim().trim_start_matches('+').parse::<i64>().ok();
    match (canonical, year) {
        (true, Some(year)) => Ok(year),
        (_, Some(year)) if (1000..=9999).contains(&year) => Err(Some(year)),
        _ => Err(None),
    }
}

/// The date a key is, written `2020-05-01`; or the date meant, if it is written
/// otherwise (`2020-5-1`), or none if it is no date.
pub(crate) fn read_date(key: &str) -> Result<NaiveDate, Option<NaiveDate>> {
    match NaiveDate::parse_from_str(key.trim(), "%Y-%m-%d") {
        Ok(date) if date.format("%Y-%m-%d").to_string() == key => Ok(date),
        Ok(date) => Err(Some(date)),
        Err(_) => Err(None),
    }
}

#[cfg(test)]
mod tests;
