//! The typing rule of each builtin: the type of a call from its arguments' types.

use super::{lifts_over_tables, Builtin};
use crate::types::{unify, Dimension, KeyType, NumKind, Type};

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
        Clamp => {
            let [x, low, high] = args else {
                return Err(CallError::Arity);
            };
            let mut ty = x.clone();
            for (i, bound) in [(1, low), (2, high)] {
                let joined =
                    if matches!(ty, Type::Table { .. }) || matches!(bound, Type::Table { .. }) {
                        entry_by_entry(&ty, bound)
                    } else {
                        unify(&ty, bound)
                    };
                ty = joined
                    .ok_or_else(|| CallError::Argument(i, format!("{ty}, or a number like it")))?;
            }
            if !numbers(&ty) && ty != Type::Date {
                return Err(CallError::Argument(0, "a number or a date".into()));
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
            // (amount, weights) or (amount, weights, decimals)
            match args.len() {
                2 => {}
                3 => whole(2)?,
                _ => return Err(CallError::Arity),
            }
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
            // (results, life) or (results, life, carry_deficits): the third, a yes/no,
            // chooses the signed ledger.
            match args.get(2) {
                None if args.len() == 2 => {}
                Some(Type::Bool) if args.len() == 3 => {}
                Some(_) if args.len() == 3 => {
                    return Err(CallError::Argument(
                        2,
                        "yes or no: whether a deficit the reserves cannot cover is carried".into(),
                    ))
                }
                _ => return Err(CallError::Arity),
            }
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
        Concat => {
            if args.len() < 2 {
                return Err(CallError::Arity);
            }
            match args.iter().position(|a| *a != Type::Text) {
                Some(i) => Err(CallError::Argument(i, "a text".into())),
                None => Ok(Type::Text),
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
