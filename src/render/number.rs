//! Formatting a value by its type: `1.234.567,89 kr` (Danish) or `1,234,567.89 kr` (English).

use dsl::types::{Dimension, KeyType, NumKind, Type};
use dsl::Program;
use engine::{show_key, Value};
use rust_decimal::{Decimal, RoundingStrategy};

/// How numbers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Locale {
    /// 1.234.567,89 kr
    Da,
    /// 1,234,567.89 kr
    En,
}

impl Locale {
    fn separators(self) -> (char, char) {
        match self {
            Locale::Da => ('.', ','),
            Locale::En => (',', '.'),
        }
    }

    /// A number with grouped thousands and exactly `decimals` decimals (rounded half away from zero).
    pub fn number(self, n: Decimal, decimals: u32) -> String {
        let rounded = n.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
        self.digits(rounded, Some(decimals))
    }

    /// A number with as many decimals as it has (trailing zeros dropped).
    pub fn plain(self, n: Decimal) -> String {
        self.digits(n.normalize(), None)
    }

    /// A figure's unit in this locale's words: `dage`, `kr/dag`, `timer/uge`; a
    /// unit of time above the line in the singular when the figure `shown` is one
    /// (`1 dag`), below it always so (`kr/time`).
    pub fn unit(self, dim: Dimension, shown: &str) -> String {
        // Each unit: plural, singular, its power.
        let words: [(&str, &str, i8); 5] = match self {
            Locale::Da => [
                ("kr", "kr", dim.money),
                ("timer", "time", dim.hours),
                ("dage", "dag", dim.days),
                ("uger", "uge", dim.weeks),
                ("måneder", "måned", dim.months),
            ],
            Locale::En => [
                ("kr", "kr", dim.money),
                ("hours", "hour", dim.hours),
                ("days", "day", dim.days),
                ("weeks", "week", dim.weeks),
                ("months", "month", dim.months),
            ],
        };
        let one = shown == "1";
        let part = |name: &str, power: i8| match power {
            1 => name.to_string(),
            p => format!("{name}^{p}"),
        };
        let top: Vec<String> = (words.iter())
            .filter(|(.., power)| *power > 0)
            .map(|&(plural, singular, power)| {
                part(if one && power == 1 { singular } else { plural }, power)
            })
            .collect();
        let bottom: Vec<String> = (words.iter())
            .filter(|(.., power)| *power < 0)
            .map(|&(_, singular, power)| part(singular, -power))
            .collect();
        let top = if top.is_empty() {
            String::from("1")
        } else {
            top.join("·")
        };
        if bottom.is_empty() {
            top
        } else {
            format!("{top}/{}", bottom.join("·"))
        }
    }

    fn digits(self, n: Decimal, decimals: Option<u32>) -> String {
        let (group, point) = self.separators();
        let text = match decimals {
            Some(d) => format!("{:.*}", d as usize, n.abs()),
            None => n.abs().to_string(),
        };
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(group);
            }
            grouped.push(c);
        }
        let sign = if n.is_sign_negative() && !n.is_zero() {
            "-"
        } else {
            ""
        };
        if fraction.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}{point}{fraction}")
        }
    }
}

/// A value as shown in a table.
/// A date as chrono writes it (`2025-01-01`), without its formatting machinery
/// for a year of four digits (a check's message may show two dates on every row).
fn date_text(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let year = d.year();
    if !(0..=9999).contains(&year) {
        return d.to_string();
    }
    let mut digits = [0u8; 10];
    let mut put = |at: usize, n: u32, width: usize| {
        let mut n = n;
        for i in (0..width).rev() {
            digits[at + i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, year.unsigned_abs(), 4);
    put(5, d.month(), 2);
    put(8, d.day(), 2);
    digits[4] = b'-';
    digits[7] = b'-';
    // ok: ASCII digits and dashes only.
    String::from_utf8(digits.to_vec()).unwrap_or_else(|_| d.to_string())
}

pub fn format_value(value: &Value, ty: &Type, program: &Program, locale: Locale) -> String {
    match (value, ty) {
        (Value::Unset, _) | (Value::Failed(_), _) => String::from("—"),
        (Value::Number(n), Type::Number { dim, kind }) => match (*dim, kind) {
            (Dimension::NONE, NumKind::Percent) => match n.checked_mul(Decimal::ONE_HUNDRED) {
                Some(p) => format!("{} %", locale.plain(round_to(p, 4))),
                // Beyond 28 digits in percent: shown as the fraction it is.
                None => format!("{} (as a fraction)", locale.plain(*n)),
            },
            (Dimension::NONE, NumKind::Year) => n.normalize().to_string(),
            (Dimension::NONE, _) => locale.plain(round_to(*n, 4)),
            (Dimension::MONEY, _) => format!("{} kr", locale.number(*n, 2)),
            (d, _) => {
                let shown = match d {
                    Dimension::DAYS => locale.plain(round_to(*n, 2)),
                    d if d.money == 1 => locale.number(*n, 2),
                    _ => locale.plain(round_to(*n, 4)),
                };
                let unit = locale.unit(d, &shown);
                format!("{shown} {unit}")
            }
        },
        (Value::Number(n), _) => locale.plain(*n),
        (Value::Date(d), _) => date_text(*d),
        (Value::Bool(b), _) => String::from(if *b { "yes" } else { "no" }),
        (Value::Text(t), _) => t.to_string(),
        (Value::Choice(c), Type::Choice(id)) => program
            .choices
            .get(*id as usize)
            .and_then(|v| v.get(*c as usize))
            .cloned()
            .unwrap_or_default(),
        (Value::Choice(c), _) => c.to_string(),
        (Value::Table(t), Type::Table { value, key }) => {
            let entries: Vec<String> = t
                .entries
                .iter()
                .map(|(k, v)| {
                    let k = match key {
                        KeyType::Year | KeyType::Date => show_key(k),
                        KeyType::Label => show_key(k).trim_matches('"').to_string(),
                    };
                    format!("{k}: {}", format_value(v, value, program, locale))
                })
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        (Value::Series(s), Type::Series(value)) => {
            let entries: Vec<String> = s
                .points
                .iter()
                .map(|(d, v)| format!("{d}: {}", format_value(v, value, program, locale)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        _ => String::from("?"),
    }
}

fn round_to(n: Decimal, decimals: u32) -> Decimal {
    n.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        use chrono::{Datelike, NaiveDate};
        let mut days = vec![
            NaiveDate::MIN,
            NaiveDate::MAX,
            NaiveDate::from_ymd_opt(0, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(-1, 12, 31).unwrap(),
            NaiveDate::from_ymd_opt(5, 3, 9).unwrap(),
            NaiveDate::from_ymd_opt(999, 10, 10).unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
            NaiveDate::from_ymd_opt(10000, 1, 1).unwrap(),
        ];
        let mut day = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        while day.year() < 2026 {
            days.push(day);
            day = day.succ_opt().unwrap();
        }
        for d in days {
            assert_eq!(date_text(d), d.to_string());
        }
    }

    #[test]
    fn danish_and_english_amounts() {
        let n = Decimal::from_str("1234567.891").unwrap();
        assert_eq!(Locale::Da.number(n, 2), "1.234.567,89");
        assert_eq!(Locale::En.number(n, 2), "1,234,567.89");
        assert_eq!(
            Locale::Da.number(Decimal::from_str("-999.995").unwrap(), 2),
            "-1.000,00"
        );
        assert_eq!(Locale::Da.plain(Decimal::from_str("2.500").unwrap()), "2,5");
    }
}
