//! The builtin functions: their names, their types and their documentation.
//!
//! To add a builtin: add a variant to [`Builtin`], a row to [`BUILTINS`]
//! (name, signature and a one-line description for `docs/language.md`), its
//! typing rule in [`result_type`], and its evaluation in the engine's
//! `builtins.rs`. A test fails until `docs/language.md` documents it.

use crate::types::{unify, Dimension, KeyType, NumKind, Type};

/// A builtin function, resolved at check time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    Min,
    Max,
    Round,
    Floor,
    Ceil,
    Abs,
    Sum,
    Count,
    Average,
    Share,
    Allocate,
    Has,
    Merge,
    SumBy,
    OnePer,
    Spread,
    Months,
    ShiftYears,
    ReserveBalance,
    ReserveByOrigin,
    ReserveUsed,
    ReserveDrawn,
    ReserveExpired,
    DeficitUncovered,
    Date,
    DaysInYear,
    DaysInMonth,
    StartOfMonth,
    EndOfMonth,
    AddMonths,
    YearOf,
    MonthOf,
    DayOf,
    IsLeapYear,
}

/// The name, signature and purpose of each builtin.
pub const BUILTINS: &[(&str, Builtin, &str, &str)] = &[
    (
        "min",
        Builtin::Min,
        "min(a, b, …) or min(table)",
        "the smallest value",
    ),
    (
        "max",
        Builtin::Max,
        "max(a, b, …) or max(table)",
        "the largest value",
    ),
    (
        "round",
        Builtin::Round,
        "round(x) or round(x, decimals)",
        "rounds half away from zero",
    ),
    (
        "floor",
        Builtin::Floor,
        "floor(x)",
        "rounds down to a whole number",
    ),
    (
        "ceil",
        Builtin::Ceil,
        "ceil(x)",
        "rounds up to a whole number",
    ),
    ("abs", Builtin::Abs, "abs(x)", "the value without its sign"),
    (
        "sum",
        Builtin::Sum,
        "sum(table)",
        "adds the values of a table",
    ),
    (
        "count",
        Builtin::Count,
        "count(table)",
        "the number of entries of a table",
    ),
    (
        "average",
        Builtin::Average,
        "average(a, b, …) or average(table)",
        "the mean",
    ),
    (
        "share",
        Builtin::Share,
        "share(table)",
        "each value as a share of the table's total",
    ),
    (
        "allocate",
        Builtin::Allocate,
        "allocate(amount, weights)",
        "splits an amount by weights, exact to the øre: the parts add up to the amount",
    ),
    (
        "has",
        Builtin::Has,
        "has(table, key)",
        "yes if the table has the key",
    ),
    (
        "merge",
        Builtin::Merge,
        "merge(table, table)",
        "the entries of both tables; the second wins where both have a key",
    ),
    (
        "sum_by",
        Builtin::SumBy,
        "sum_by(table, groups)",
        "adds the entries of each group: the results of departments by the offer each belongs to",
    ),
    (
        "one_per",
        Builtin::OnePer,
        "one_per(table, groups)",
        "the value each group's entries share (an offer's unit, from its departments); an error if they differ",
    ),
    (
        "spread",
        Builtin::Spread,
        "spread(amounts, groups, weights)",
        "splits each group's amount over its entries by weights, exact to the øre (year by year for tables per year)",
    ),
    (
        "months",
        Builtin::Months,
        "months(from, to)",
        "the months from one date to another (both included): a table of the days of each",
    ),
    (
        "shift_years",
        Builtin::ShiftYears,
        "shift_years(table, n)",
        "the same table with every year moved n years on: a result of year t as the tariff of t + 2",
    ),
    (
        "reserve_balance",
        Builtin::ReserveBalance,
        "reserve_balance(results, life)",
        "the reserve at the end of each year: surpluses set aside, used oldest first, expiring after `life` years",
    ),
    (
        "reserve_by_origin",
        Builtin::ReserveByOrigin,
        "reserve_by_origin(results, life)",
        "what is left of each year's reserve after the last year, by the year it arose",
    ),
    (
        "reserve_used",
        Builtin::ReserveUsed,
        "reserve_used(results, life)",
        "how much of the reserves each year's deficit used (oldest first)",
    ),
    (
        "reserve_drawn",
        Builtin::ReserveDrawn,
        "reserve_drawn(results, life)",
        "what each year's deficit took from each earlier year's reserve (oldest first): a table per year of tables by year of origin",
    ),
    (
        "reserve_expired",
        Builtin::ReserveExpired,
        "reserve_expired(results, life)",
        "reserves left unused after their life, by the year they expired",
    ),
    (
        "deficit_uncovered",
        Builtin::DeficitUncovered,
        "deficit_uncovered(results, life)",
        "the part of each year's deficit the reserves could not cover",
    ),
    ("date", Builtin::Date, "date(year, month, day)", "a date"),
    (
        "days_in_year",
        Builtin::DaysInYear,
        "days_in_year(year)",
        "365, or 366 in a leap year",
    ),
    (
        "days_in_month",
        Builtin::DaysInMonth,
        "days_in_month(date)",
        "28 to 31",
    ),
    (
        "start_of_month",
        Builtin::StartOfMonth,
        "start_of_month(date)",
        "the 1st of the month",
    ),
    (
        "end_of_month",
        Builtin::EndOfMonth,
        "end_of_month(date)",
        "the last day of the month",
    ),
    (
        "add_months",
        Builtin::AddMonths,
        "add_months(date, n)",
        "the same day n months later (the month's last day if it has fewer days)",
    ),
    (
        "year_of",
        Builtin::YearOf,
        "year_of(date)",
        "the year of a date",
    ),
    (
        "month_of",
        Builtin::MonthOf,
        "month_of(date)",
        "the month of a date, 1 to 12",
    ),
    (
        "day_of",
        Builtin::DayOf,
        "day_of(date)",
        "the day of the month",
    ),
    (
        "is_leap_year",
        Builtin::IsLeapYear,
        "is_leap_year(year)",
        "yes for a leap year",
    ),
];

/// The builtin with this name.
pub fn lookup(name: &str) -> Option<Builtin> {
    BUILTINS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, b, ..)| *b)
}

/// The name of a builtin.
pub fn name(builtin: Builtin) -> &'static str {
    BUILTINS
        .iter()
        .find(|(_, b, ..)| *b == builtin)
        .map_or("?", |(n, ..)| n)
}

/// The signature text of a builtin, for messages.
pub fn signature(builtin: Builtin) -> &'static str {
    BUILTINS
        .iter()
        .find(|(_, b, ..)| *b == builtin)
        .map_or("?", |(_, _, s, _)| s)
}

/// Why a call does not type-check.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// Wrong number of arguments.
    Arity,
    /// Argument `index` has the wrong type; the text says what was expected.
    Argument(usize, String),
}

/// The type of a call to `builtin` with arguments of these types.
pub fn result_type(builtin: Builtin, args: &[Type]) -> Result<Type, CallError> {
    use Builtin::*;
    if args.contains(&Type::Error) {
        return Ok(Type::Error);
    }
    let number = |i: usize| -> Result<&Type, CallError> {
        match args.get(i) {
            Some(t) if t.is_number() => Ok(t),
            Some(_) => Err(CallError::Argument(i, "a number".into())),
            None => Err(CallError::Arity),
        }
    };
    let date = |i: usize| -> Result<(), CallError> {
        match args.get(i) {
            Some(Type::Date) => Ok(()),
            Some(_) => Err(CallError::Argument(i, "a date".into())),
            None => Err(CallError::Arity),
        }
    };
    let whole = |i: usize| -> Result<(), CallError> {
        match args.get(i) {
            Some(t) if t.is_dimensionless() => Ok(()),
            Some(_) => Err(CallError::Argument(
                i,
                "a whole number without a unit".into(),
            )),
            None => Err(CallError::Arity),
        }
    };
    let table = |i: usize| -> Result<(&KeyType, &Type), CallError> {
        match args.get(i) {
            Some(Type::Table { key, value }) => Ok((key, value)),
            Some(_) => Err(CallError::Argument(i, "a table".into())),
            None => Err(CallError::Arity),
        }
    };
    let arity = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(CallError::Arity)
        }
    };
    let integer = Type::Number {
        dim: Dimension::NONE,
        kind: NumKind::Integer,
    };
    // A function of a table per year takes a table of such tables (per offer, per
    // unit …) too, and does each separately.
    if let Some(inner) = lifted(builtin, args) {
        let ty = result_type(builtin, &inner)?;
        return Ok(Type::Table {
            key: KeyType::Label,
            value: Box::new(ty),
        });
    }
    match builtin {
        Min | Max if args.len() > 1 && args.iter().any(|a| matches!(a, Type::Table { .. })) => {
            let mut ty = args[0].clone();
            for (i, arg) in args.iter().enumerate().skip(1) {
                ty = entry_by_entry(&ty, arg)
                    .ok_or_else(|| CallError::Argument(i, format!("{ty}, or a number like it")))?;
            }
            Ok(ty)
        }
        Min | Max | Average => {
            if let [Type::Table { value, .. }] = args {
                return if value.is_number() {
                    Ok((**value).clone())
                } else {
                    Err(CallError::Argument(0, "a table of numbers".into()))
                };
            }
            let first = args.first().ok_or(CallError::Arity)?;
            let ordered = first.is_number() || (*first == Type::Date && builtin != Average);
            if !ordered {
                return Err(CallError::Argument(0, "a number".into()));
            }
            let mut ty = first.clone();
            for (i, arg) in args.iter().enumerate().skip(1) {
                ty = unify(&ty, arg).ok_or_else(|| CallError::Argument(i, format!("{ty}")))?;
            }
            Ok(ty)
        }
        Round | Floor | Ceil | Abs => {
            let ok = args.first().is_some_and(numbers);
            if !ok {
                return Err(if args.is_empty() {
                    CallError::Arity
                } else {
                    CallError::Argument(0, "a number".into())
                });
            }
            match (builtin, args.len()) {
                (Round, 2) => whole(1)?,
                (_, 1) => {}
                _ => return Err(CallError::Arity),
            }
            Ok(args[0].clone())
        }
        Sum => {
            arity(1)?;
            let (_, value) = table(0)?;
            if value.is_number() {
                Ok(value.clone())
            } else {
                Err(CallError::Argument(0, "a table of numbers".into()))
            }
        }
        Count => {
            arity(1)?;
            table(0)?;
            Ok(integer)
        }
        Share => {
            arity(1)?;
            let (key, value) = table(0)?;
            if !value.is_number() {
                return Err(CallError::Argument(0, "a table of numbers".into()));
            }
            Ok(Type::Table {
                key: key.clone(),
                value: Box::new(Type::PERCENT),
            })
        }
        Allocate => {
            arity(2)?;
            let amount = number(0)?.clone();
            let (key, value) = table(1)?;
            if !value.is_number() {
                return Err(CallError::Argument(
                    1,
                    "a table of numbers (the weights)".into(),
                ));
            }
            Ok(Type::Table {
                key: key.clone(),
                value: Box::new(amount),
            })
        }
        Has => {
            arity(2)?;
            let (key, _) = table(0)?;
            let ok = match (key, &args[1]) {
                (KeyType::Year, t) => t.is_dimensionless(),
                (KeyType::Label, t) => *t == Type::Text,
                (KeyType::Date, t) => *t == Type::Date,
            };
            if ok {
                Ok(Type::Bool)
            } else {
                Err(CallError::Argument(1, "a key of the table".into()))
            }
        }
        Months => {
            arity(2)?;
            date(0)?;
            date(1)?;
            Ok(Type::Table {
                key: KeyType::Date,
                value: Box::new(Type::DAYS),
            })
        }
        ShiftYears => {
            arity(2)?;
            match table(0)? {
                (KeyType::Year, value) => {
                    whole(1)?;
                    Ok(Type::Table {
                        key: KeyType::Year,
                        value: Box::new(value.clone()),
                    })
                }
                _ => Err(CallError::Argument(0, "a table per year".into())),
            }
        }
        ReserveBalance | ReserveByOrigin | ReserveUsed | ReserveDrawn | ReserveExpired
        | DeficitUncovered => {
            arity(2)?;
            match table(0)? {
                (KeyType::Year, value)
                    if value.dimension() == Some(crate::types::Dimension::MONEY) => {}
                _ => return Err(CallError::Argument(0, "a table of amounts per year".into())),
            }
            whole(1)?;
            let per_year = Type::Table {
                key: KeyType::Year,
                value: Box::new(Type::MONEY),
            };
            Ok(if builtin == ReserveDrawn {
                Type::Table {
                    key: KeyType::Year,
                    value: Box::new(per_year),
                }
            } else {
                per_year
            })
        }
        Merge => {
            arity(2)?;
            let (k1, v1) = table(0)?;
            let (k2, v2) = table(1)?;
            match (k1 == k2, unify(v1, v2)) {
                (true, Some(value)) => Ok(Type::Table {
                    key: k1.clone(),
                    value: Box::new(value),
                }),
                _ => Err(CallError::Argument(
                    1,
                    format!("a table like the first, {}", args[0]),
                )),
            }
        }
        SumBy | OnePer => {
            arity(2)?;
            let (key, value) = table(0)?;
            let numbers = |t: &Type| match t {
                Type::Table { value, .. } => value.is_number(),
                t => t.is_number(),
            };
            if builtin == SumBy && !numbers(value) {
                return Err(CallError::Argument(0, "a table of numbers".into()));
            }
            match table(1)? {
                (k, Type::Text) if k == key => Ok(Type::Table {
                    key: KeyType::Label,
                    value: Box::new(value.clone()),
                }),
                _ => Err(CallError::Argument(
                    1,
                    "a table of texts with the same keys (the group of each entry)".into(),
                )),
            }
        }
        Spread => {
            arity(3)?;
            let (_, amount) = table(0)?;
            let (key, _) = table(1)?;
            let (weight_key, weight) = table(2)?;
            let money_or_table = |t: &Type| match t {
                Type::Table {
                    key: KeyType::Year,
                    value,
                } => value.is_number(),
                t => t.is_number(),
            };
            if !money_or_table(amount) {
                return Err(CallError::Argument(
                    0,
                    "a table of amounts (or of amounts per year) by group".into(),
                ));
            }
            if !matches!(&args[1], Type::Table { value, .. } if **value == Type::Text) {
                return Err(CallError::Argument(
                    1,
                    "a table of texts: the group of each entry".into(),
                ));
            }
            let same_shape = weight_key == key
                && match (amount, weight) {
                    (Type::Table { .. }, Type::Table { value, .. }) => value.is_number(),
                    (Type::Table { .. }, _) => false,
                    (_, w) => w.is_number(),
                };
            if !same_shape {
                return Err(CallError::Argument(
                    2,
                    "weights with the keys of the groups, per year if the amounts are".into(),
                ));
            }
            Ok(Type::Table {
                key: key.clone(),
                value: Box::new(amount.clone()),
            })
        }
        Date => {
            arity(3)?;
            whole(0)?;
            whole(1)?;
            whole(2)?;
            Ok(Type::Date)
        }
        DaysInYear => {
            arity(1)?;
            whole(0)?;
            Ok(Type::DAYS)
        }
        DaysInMonth => {
            arity(1)?;
            date(0)?;
            Ok(Type::DAYS)
        }
        StartOfMonth | EndOfMonth => {
            arity(1)?;
            date(0)?;
            Ok(Type::Date)
        }
        AddMonths => {
            arity(2)?;
            date(0)?;
            whole(1)?;
            Ok(Type::Date)
        }
        YearOf => {
            arity(1)?;
            date(0)?;
            Ok(Type::YEAR)
        }
        MonthOf | DayOf => {
            arity(1)?;
            date(0)?;
            Ok(integer)
        }
        IsLeapYear => {
            arity(1)?;
            whole(0)?;
            Ok(Type::Bool)
        }
    }
}

/// True for a number, or a table (of tables) of numbers.
fn numbers(ty: &Type) -> bool {
    match ty {
        Type::Table { value, .. } => numbers(value),
        t => t.is_number(),
    }
}

/// True for the functions of a table per year that also take a table of such tables.
pub fn lifts_over_tables(builtin: Builtin) -> bool {
    use Builtin::*;
    matches!(
        builtin,
        ShiftYears
            | ReserveBalance
            | ReserveByOrigin
            | ReserveUsed
            | ReserveDrawn
            | ReserveExpired
            | DeficitUncovered
    )
}

/// The arguments with the outer table taken off the first, if the call is lifted.
fn lifted(builtin: Builtin, args: &[Type]) -> Option<Vec<Type>> {
    let Some(Type::Table {
        key: KeyType::Label,
        value,
    }) = args.first()
    else {
        return None;
    };
    if !lifts_over_tables(builtin) || !matches!(**value, Type::Table { .. }) {
        return None;
    }
    let mut inner = args.to_vec();
    inner[0] = (**value).clone();
    Some(inner)
}

/// The type of `min`/`max` of a table and a number or table, taken entry by entry.
fn entry_by_entry(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Table { key, value }, Type::Table { key: k2, value: v2 }) => {
            (key == k2).then_some(())?;
            Some(Type::Table {
                key: key.clone(),
                value: Box::new(entry_by_entry(value, v2)?),
            })
        }
        (Type::Table { key, value }, s) | (s, Type::Table { key, value }) => Some(Type::Table {
            key: key.clone(),
            value: Box::new(entry_by_entry(value, s)?),
        }),
        _ if a.is_number() => unify(a, b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_has_a_row() {
        for (name, builtin, ..) in BUILTINS {
            assert_eq!(lookup(name), Some(*builtin));
        }
    }

    #[test]
    fn allocate_returns_a_table_of_the_amount() {
        let weights = Type::Table {
            key: KeyType::Label,
            value: Box::new(Type::MONEY),
        };
        let t = result_type(Builtin::Allocate, &[Type::MONEY, weights]).unwrap();
        assert_eq!(
            t,
            Type::Table {
                key: KeyType::Label,
                value: Box::new(Type::MONEY)
            }
        );
    }

    #[test]
    fn min_of_money_and_percent_is_refused() {
        assert!(matches!(
            result_type(Builtin::Min, &[Type::MONEY, Type::PERCENT]),
            Err(CallError::Argument(1, _))
        ));
    }

    #[test]
    fn date_needs_three_arguments() {
        assert_eq!(
            result_type(Builtin::Date, &[Type::YEAR]),
            Err(CallError::Arity)
        );
    }
}
