//! Types and units, checked before anything is evaluated.
//!
//! A number carries a dimension — powers of kroner and of units of time
//! (hours, days, weeks, months; see `units.rs` for how they convert) — so that
//! `money × percent` is money, `money / days` is kroner per day and
//! `money + percent` is refused. A [`NumKind`] says how a dimensionless
//! number reads (a percentage, a year, a plain count); it never changes what
//! may be added to what, except that a year is a point in time: year − year
//! is a count of years and year + year makes no sense.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Powers of kroner and of the units of time: `kr/day` is `{ money: 1, days: -1 }`,
/// `hours/week` is `{ hours: 1, weeks: -1 }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Dimension {
    pub money: i8,
    pub hours: i8,
    pub days: i8,
    pub weeks: i8,
    /// A month is no fixed number of days: it converts to nothing.
    pub months: i8,
}

impl Dimension {
    pub const NONE: Dimension = Dimension {
        money: 0,
        hours: 0,
        days: 0,
        weeks: 0,
        months: 0,
    };
    pub const MONEY: Dimension = Dimension {
        money: 1,
        ..Dimension::NONE
    };
    pub const DAYS: Dimension = Dimension {
        days: 1,
        ..Dimension::NONE
    };
    pub const HOURS: Dimension = Dimension {
        hours: 1,
        ..Dimension::NONE
    };
    pub const WEEKS: Dimension = Dimension {
        weeks: 1,
        ..Dimension::NONE
    };
    pub const MONTHS: Dimension = Dimension {
        months: 1,
        ..Dimension::NONE
    };
    pub const PER_DAY: Dimension = Dimension {
        money: 1,
        days: -1,
        ..Dimension::NONE
    };

    fn combine(self, other: Dimension, sign: i8) -> Option<Dimension> {
        let f = |a: i8, b: i8| a.checked_add(b.checked_mul(sign)?);
        Some(Dimension {
            money: f(self.money, other.money)?,
            hours: f(self.hours, other.hours)?,
            days: f(self.days, other.days)?,
            weeks: f(self.weeks, other.weeks)?,
            months: f(self.months, other.months)?,
        })
    }

    fn times(self, other: Dimension) -> Option<Dimension> {
        self.combine(other, 1)
    }

    fn per(self, other: Dimension) -> Option<Dimension> {
        self.combine(other, -1)
    }
}

/// How a dimensionless number reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NumKind {
    Plain,
    Integer,
    Percent,
    Year,
}

/// The key of a table: years, or named parties.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KeyType {
    /// `per year`: integer keys.
    Year,
    /// `per municipality`: text keys (names of parties, offers, …).
    Label,
    /// Dates, such as the months of a billing period (`months(from, to)`).
    Date,
}

/// Index of a choice type (`one of …`) in the program.
pub type ChoiceId = u32;

/// The type of a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Type {
    Number {
        dim: Dimension,
        kind: NumKind,
    },
    Date,
    Bool,
    Text,
    Choice(ChoiceId),
    Table {
        key: KeyType,
        value: Box<Type>,
    },
    Series(Box<Type>),
    /// The type of something that already failed to check; never reported twice.
    Error,
}

impl Type {
    pub const MONEY: Type = Type::Number {
        dim: Dimension::MONEY,
        kind: NumKind::Plain,
    };
    pub const PERCENT: Type = Type::Number {
        dim: Dimension::NONE,
        kind: NumKind::Percent,
    };
    pub const NUMBER: Type = Type::Number {
        dim: Dimension::NONE,
        kind: NumKind::Plain,
    };
    pub const INTEGER: Type = Type::Number {
        dim: Dimension::NONE,
        kind: NumKind::Integer,
    };
    pub const YEAR: Type = Type::Number {
        dim: Dimension::NONE,
        kind: NumKind::Year,
    };
    pub const DAYS: Type = Type::Number {
        dim: Dimension::DAYS,
        kind: NumKind::Plain,
    };

    /// A number of the given dimension, read plainly.
    pub fn number(dim: Dimension) -> Type {
        Type::Number {
            dim,
            kind: NumKind::Plain,
        }
    }

    /// The dimension, if this is a number.
    pub fn dimension(&self) -> Option<Dimension> {
        match self {
            Type::Number { dim, .. } => Some(*dim),
            _ => None,
        }
    }

    /// True for a number of any unit.
    pub fn is_number(&self) -> bool {
        matches!(self, Type::Number { .. })
    }

    /// True for numbers that are dimensionless (plain, percent, integer, year).
    pub fn is_dimensionless(&self) -> bool {
        self.dimension() == Some(Dimension::NONE)
    }

    /// True for a number that is a year.
    pub fn is_year(&self) -> bool {
        matches!(
            self,
            Type::Number {
                kind: NumKind::Year,
                ..
            }
        )
    }
}

/// The words a declared type is written with (`input x: percent`): the grammar's
/// `basic_type`, for an editor to offer.
pub const TYPE_WORDS: &[&str] = &[
    "money",
    "percent",
    "number",
    "integer",
    "year",
    "date",
    "yes/no",
    "text",
    "kr/day",
    "kr/hour",
    "kr/week",
    "kr/month",
    "days",
    "hours",
    "weeks",
    "months",
    "hours/week",
    "hours/day",
    "days/week",
];

/// Result of `a + b` / `a - b` for numbers; `None` if the units differ.
pub fn add(a: &Type, b: &Type, subtract: bool) -> Option<Type> {
    let (Type::Number { dim: da, kind: ka }, Type::Number { dim: db, kind: kb }) = (a, b) else {
        return None;
    };
    if da != db {
        return None;
    }
    let kind = match (ka, kb) {
        (NumKind::Year, NumKind::Year) if subtract => NumKind::Integer,
        (NumKind::Year, NumKind::Year) => return None,
        (NumKind::Year, NumKind::Plain | NumKind::Integer) => NumKind::Year,
        (NumKind::Plain | NumKind::Integer, NumKind::Year) if !subtract => NumKind::Year,
        (_, NumKind::Year) | (NumKind::Year, _) => return None,
        (x, y) if x == y => *x,
        _ => NumKind::Plain,
    };
    Some(Type::Number { dim: *da, kind })
}

/// Result of `a × b` or `a / b` for numbers.
pub fn multiply(a: &Type, b: &Type, divide: bool) -> Option<Type> {
    let (Type::Number { dim: da, kind: ka }, Type::Number { dim: db, kind: kb }) = (a, b) else {
        return None;
    };
    if *ka == NumKind::Year || *kb == NumKind::Year {
        return None;
    }
    let dim = if divide { da.per(*db)? } else { da.times(*db)? };
    let kind = match (ka, kb) {
        (NumKind::Integer, NumKind::Integer) if !divide => NumKind::Integer,
        // A percentage of a percentage, or of a count, is still a share.
        (NumKind::Percent, NumKind::Percent) if !divide => NumKind::Percent,
        (NumKind::Percent, NumKind::Plain | NumKind::Integer)
        | (NumKind::Plain | NumKind::Integer, NumKind::Percent)
            if dim == Dimension::NONE && !divide =>
        {
            NumKind::Percent
        }
        _ => NumKind::Plain,
    };
    Some(Type::Number { dim, kind })
}

/// The type two branches of a `when` share, if any.
pub fn unify(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Error, t) | (t, Type::Error) => Some(t.clone()),
        (Type::Number { dim: da, kind: ka }, Type::Number { dim: db, kind: kb }) if da == db => {
            let kind = if ka == kb {
                *ka
            } else if *ka == NumKind::Year || *kb == NumKind::Year {
                return None;
            } else {
                NumKind::Plain
            };
            Some(Type::Number { dim: *da, kind })
        }
        (Type::Table { key: k1, value: v1 }, Type::Table { key: k2, value: v2 }) if k1 == k2 => {
            Some(Type::Table {
                key: k1.clone(),
                value: Box::new(unify(v1, v2)?),
            })
        }
        (x, y) if x == y => Some(x.clone()),
        _ => None,
    }
}

/// True if values of the two types can be compared with `<`, `==`, ….
pub fn comparable(a: &Type, b: &Type) -> bool {
    match (a, b) {
        (Type::Error, _) | (_, Type::Error) => true,
        (Type::Number { dim: da, .. }, Type::Number { dim: db, .. }) => da == db,
        (x, y) => x == y,
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |name: &str, power: i8| match power {
            1 => name.to_string(),
            p => format!("{name}^{p}"),
        };
        let mut top = Vec::new();
        let mut bottom = Vec::new();
        // A unit of time reads in the plural above the line (`hours`), singular below
        // it (`kr/hour`).
        let units = [
            ("kr", "kr", self.money),
            ("hours", "hour", self.hours),
            ("days", "day", self.days),
            ("weeks", "week", self.weeks),
            ("months", "month", self.months),
        ];
        for (plural, singular, power) in units {
            if power > 0 {
                top.push(part(plural, power));
            } else if power < 0 {
                bottom.push(part(singular, -power));
            }
        }
        let top = if top.is_empty() {
            String::from("1")
        } else {
            top.join("·")
        };
        if bottom.is_empty() {
            write!(f, "{top}")
        } else {
            write!(f, "{top}/{}", bottom.join("·"))
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Number { dim, kind } if *dim == Dimension::NONE => f.write_str(match kind {
                NumKind::Plain => "a number",
                NumKind::Integer => "an integer",
                NumKind::Percent => "a percentage",
                NumKind::Year => "a year",
            }),
            Type::Number { dim, .. } if *dim == Dimension::MONEY => f.write_str("an amount (kr)"),
            Type::Number { dim, .. } if *dim == Dimension::DAYS => f.write_str("a number of days"),
            Type::Number { dim, .. } if *dim == Dimension::HOURS => {
                f.write_str("a number of hours")
            }
            Type::Number { dim, .. } if *dim == Dimension::WEEKS => {
                f.write_str("a number of weeks")
            }
            Type::Number { dim, .. } if *dim == Dimension::MONTHS => {
                f.write_str("a number of months")
            }
            Type::Number { dim, .. } => write!(f, "a quantity in {dim}"),
            Type::Date => f.write_str("a date"),
            Type::Bool => f.write_str("yes/no"),
            Type::Text => f.write_str("a text"),
            Type::Choice(_) => f.write_str("a choice"),
            Type::Table { .. } => {
                // `money per year per department` reads "a table of an amount (kr)
                // per year by name": the keys innermost first.
                let mut keys = Vec::new();
                let mut leaf = self;
                while let Type::Table { key, value } = leaf {
                    keys.push(key);
                    leaf = value;
                }
                write!(f, "a table of {leaf}")?;
                for key in keys.iter().rev() {
                    f.write_str(match key {
                        KeyType::Year => " per year",
                        KeyType::Label => " by name",
                        KeyType::Date => " by date",
                    })?;
                }
                Ok(())
            }
            Type::Series(value) => write!(f, "a series of {value} by date"),
            Type::Error => f.write_str("an unknown type"),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_type_words_are_the_grammars() {
        let grammar = include_str!("grammar.pest");
        let rule = grammar
            .split("\nbasic_type")
            .nth(1)
            .and_then(|r| r.split("~ !ident_char").next())
            .expect("the basic_type rule");
        let mut words: Vec<&str> = rule.split('"').skip(1).step_by(2).collect();
        let mut listed = super::TYPE_WORDS.to_vec();
        words.sort();
        listed.sort();
        assert_eq!(words, listed);
    }

    use super::*;

    #[test]
    fn money_times_percent_is_money() {
        assert_eq!(
            multiply(&Type::MONEY, &Type::PERCENT, false),
            Some(Type::MONEY)
        );
    }

    #[test]
    fn money_per_number_per_days_is_money_per_day() {
        let per_place = multiply(&Type::MONEY, &Type::NUMBER, true).unwrap();
        let per_day = multiply(&per_place, &Type::DAYS, true).unwrap();
        assert_eq!(per_day.dimension(), Some(Dimension::PER_DAY));
        assert_eq!(per_day.to_string(), "a quantity in kr/day");
    }

    #[test]
    fn money_plus_percent_is_refused() {
        assert_eq!(add(&Type::MONEY, &Type::PERCENT, false), None);
    }

    #[test]
    fn year_arithmetic() {
        assert_eq!(add(&Type::YEAR, &Type::NUMBER, true), Some(Type::YEAR));
        assert_eq!(add(&Type::YEAR, &Type::YEAR, true), Some(Type::INTEGER));
        assert_eq!(add(&Type::YEAR, &Type::YEAR, false), None);
        assert_eq!(multiply(&Type::YEAR, &Type::NUMBER, false), None);
    }

    #[test]
    fn percent_and_number_add_to_a_number() {
        assert_eq!(
            add(&Type::NUMBER, &Type::PERCENT, false),
            Some(Type::NUMBER)
        );
    }

    #[test]
    fn a_date_is_not_comparable_with_money() {
        assert!(!comparable(&Type::Date, &Type::MONEY));
        assert!(comparable(&Type::PERCENT, &Type::NUMBER));
    }
}
