//! An analyst's slips that make an input file not TOML, said in their words.
//!
//! TOML's own message for `2024-02-30` is "invalid date-time / value is out of
//! range", and for a decimal comma `0,45` "expected newline, `#`". Where TOML
//! cannot read a file, the value at the place of the error is looked at: a date
//! that does not exist names the month's length; a number with commas says how it
//! is written in TOML. Anything else keeps TOML's message.

use std::ops::Range;

use chrono::NaiveDate;
use dsl::span::SourceFile;
use dsl::{Code, Diagnostic};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The diagnostic for a slip at byte `at` of `file`, which TOML could not read.
pub(super) fn diagnose(file: &SourceFile, at: usize) -> Option<Diagnostic> {
    let (value, range) = value_at(&file.text, at)?;
    let d = date(value).or_else(|| comma(value))?;
    Some(
        Diagnostic::error(Code::BadInput, format!("{}: {}", file.name, d.title))
            .label_in(file.clone(), range.start..range.start + d.length, d.label)
            .help(d.help),
    )
}

/// What a slip is, and how long its text is.
struct Slip {
    title: String,
    label: String,
    help: String,
    length: usize,
}

/// The value written after the last `=` before `at` on its line, and where it is.
fn value_at(text: &str, at: usize) -> Option<(&str, Range<usize>)> {
    let at = at.min(text.len());
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text.get(at..)?.find('\n').map_or(text.len(), |i| at + i);
    let equals = line_start + text.get(line_start..at)?.rfind('=')?;
    let after = text.get(equals + 1..line_end)?;
    let start = equals + 1 + (after.len() - after.trim_start().len());
    let value = text.get(start..line_end)?;
    let end = value
        .find([' ', '\t', '#', '\r', '}', ']'])
        .unwrap_or(value.len());
    let value = value.get(..end)?;
    Some((value, start..start + end))
}

/// A date (`2024-02-30`, also with a time) that is not in the calendar.
fn date(value: &str) -> Option<Slip> {
    let digits = |range: Range<usize>| -> Option<u32> {
        let part = value.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if value.get(4..5) != Some("-") || value.get(7..8) != Some("-") {
        return None;
    }
    let year = i32::try_from(year).ok()?;
    if NaiveDate::from_ymd_opt(year, month, day).is_some() {
        return None;
    }
    let label = match month {
        1..=12 => {
            let name = MONTHS[month as usize - 1];
            format!("{name} {year} has {} days", days_in_month(year, month)?)
        }
        _ => format!("there is no month {month:02}; months are 01 to 12"),
    };
    let label = if day == 0 && (1..=12).contains(&month) {
        String::from("days are counted from 01")
    } else {
        label
    };
    Some(Slip {
        title: format!("{} is not a date", &value[..10]),
        label,
        help: String::from("write a date that exists, as YYYY-MM-DD"),
        length: 10,
    })
}

fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = match month {
        12 => NaiveDate::from_ymd_opt(year + 1, 1, 1)?,
        _ => NaiveDate::from_ymd_opt(year, month + 1, 1)?,
    };
    u32::try_from(next.signed_duration_since(first).num_days()).ok()
}

/// A number written with commas: a decimal comma (`0,45`), thousands
/// (`1,500,000`), or either (`1,500`).
fn comma(value: &str) -> Option<Slip> {
    let length = value
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, ',' | '+' | '-' | '_')))
        .unwrap_or(value.len());
    let number = value.get(..length)?.trim_end_matches(',');
    let unsigned = number.trim_start_matches(['+', '-']);
    let parts: Vec<&str> = unsigned.split(',').collect();
    let digits = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if parts.len() < 2 || !parts.iter().all(digits) {
        return None;
    }
    let sign = &number[..number.len() - unsigned.len()];
    let whole: String = parts.concat();
    let thousands = parts[0].len() <= 3 && parts[1..].iter().all(|p| p.len() == 3);
    let (label, help) = match parts.as_slice() {
        [units, decimals] if !thousands => (
            String::from("a decimal comma"),
            format!("write {sign}{units}.{decimals}, not {number}, in TOML (a decimal point)"),
        ),
        [units, decimals] => {
            // `1.500` would read as fifteen hundred to a Danish eye: `1.5`.
            let shortest = match decimals.trim_end_matches('0') {
                "" => "0",
                shortest => shortest,
            };
            (
                String::from("a comma in a number"),
                format!(
                    "TOML numbers have no commas: write {sign}{units}.{shortest} for a decimal, \
                     or {sign}{whole} (or {sign}{units}_{decimals}) for thousands"
                ),
            )
        }
        _ if thousands => (
            String::from("thousands separated by commas"),
            format!(
                "write {sign}{} or {sign}{whole}: TOML separates thousands with `_`",
                parts.join("_")
            ),
        ),
        _ => return None,
    };
    Some(Slip {
        title: format!("{number} is not a TOML number"),
        label,
        help,
        length: number.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(text: &str) -> Option<(String, String, String)> {
        let file = SourceFile::new("offer.toml", text);
        let at = text.find('=').map_or(0, |i| i + 3);
        let d = diagnose(&file, at)?;
        let label = d.labels.first()?;
        let marked = text[label.range.clone()].to_string();
        Some((d.title, format!("{marked}: {}", label.message), d.help?))
    }

    #[test]
    fn a_date_not_in_the_calendar_names_the_length_of_its_month() {
        let (title, label, _) = said("decided = 2024-02-30\n").expect("a slip");
        assert_eq!(title, "offer.toml: 2024-02-30 is not a date");
        assert_eq!(label, "2024-02-30: February 2024 has 29 days");
        let (_, label, _) = said("decided = 2023-02-29\n").expect("a slip");
        assert_eq!(label, "2023-02-29: February 2023 has 28 days");
        let (_, label, _) = said("decided = 2024-04-31T10:00:00 # a time too\n").expect("a slip");
        assert_eq!(label, "2024-04-31: April 2024 has 30 days");
        let (_, label, _) = said("decided = 2024-13-01\n").expect("a slip");
        assert_eq!(
            label,
            "2024-13-01: there is no month 13; months are 01 to 12"
        );
        assert!(said("decided = 2024-02-29\n").is_none());
    }

    #[test]
    fn a_decimal_comma_is_written_with_a_point() {
        let (title, label, help) = said("interest_rate = 0,45\n").expect("a slip");
        assert_eq!(title, "offer.toml: 0,45 is not a TOML number");
        assert_eq!(label, "0,45: a decimal comma");
        assert_eq!(help, "write 0.45, not 0,45, in TOML (a decimal point)");
        let (_, _, help) = said("result = -3,25 # a deficit\n").expect("a slip");
        assert_eq!(help, "write -3.25, not -3,25, in TOML (a decimal point)");
    }

    #[test]
    fn thousands_with_commas_are_written_with_underscores() {
        let (_, label, help) = said("budget = 1,500,000\n").expect("a slip");
        assert_eq!(label, "1,500,000: thousands separated by commas");
        assert_eq!(
            help,
            "write 1_500_000 or 1500000: TOML separates thousands with `_`"
        );
        // One comma before three digits could be either: both are named, none guessed.
        let (_, label, help) = said("budget = 1,500\n").expect("a slip");
        assert_eq!(label, "1,500: a comma in a number");
        assert_eq!(
            help,
            "TOML numbers have no commas: write 1.5 for a decimal, or 1500 (or 1_500) for thousands"
        );
    }

    #[test]
    fn other_mistakes_keep_the_message_of_toml() {
        assert!(said("budget = 95 000 000\n").is_none());
        assert!(said("name = \"Lindely, Engen\"\n").is_none());
        assert!(said("budget = 1,5,3\n").is_none());
    }
}
