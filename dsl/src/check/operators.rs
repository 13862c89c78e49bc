//! What the operators do to types: `a op b` is well-typed or not, and if not, a
//! title and help line an analyst understands.

use crate::ast::BinaryOp;
use crate::types::{self, Dimension, Type};

/// The type of `a op b`, applying the operation entry by entry when a side is a table.
pub(super) fn binary_type(op: BinaryOp, a: &Type, b: &Type) -> Option<Type> {
    use BinaryOp::*;
    match (a, b) {
        (Type::Table { key, value }, Type::Table { key: k2, value: v2 })
            if matches!(op, Add | Subtract | Multiply | Divide) =>
        {
            (key == k2).then_some(())?;
            Some(Type::Table {
                key: key.clone(),
                value: Box::new(binary_type(op, value, v2)?),
            })
        }
        (Type::Table { key, value }, s) | (s, Type::Table { key, value })
            if matches!(op, Add | Subtract | Multiply | Divide)
                && !matches!(s, Type::Table { .. }) =>
        {
            let inner = if matches!(a, Type::Table { .. }) {
                binary_type(op, value, s)?
            } else {
                binary_type(op, s, value)?
            };
            Some(Type::Table {
                key: key.clone(),
                value: Box::new(inner),
            })
        }
        _ => match op {
            Add | Subtract => match (a, b) {
                (Type::Date, Type::Number { dim, .. }) if *dim == Dimension::DAYS => {
                    Some(Type::Date)
                }
                (Type::Number { dim, .. }, Type::Date) if *dim == Dimension::DAYS && op == Add => {
                    Some(Type::Date)
                }
                (Type::Date, Type::Date) if op == Subtract => Some(Type::DAYS),
                _ => types::add(a, b, op == Subtract),
            },
            Multiply => types::multiply(a, b, false),
            Divide => types::multiply(a, b, true),
            Less | LessEq | Greater | GreaterEq => {
                let ordered = a.is_number() || *a == Type::Date;
                (ordered && types::comparable(a, b)).then_some(Type::Bool)
            }
            Equal | NotEqual => {
                let scalar = !matches!(a, Type::Table { .. } | Type::Series(_));
                (scalar && types::comparable(a, b)).then_some(Type::Bool)
            }
            And | Or => (*a == Type::Bool && *b == Type::Bool).then_some(Type::Bool),
            Where => matches!(a, Type::Table { .. }).then(|| a.clone()),
            Each => match a {
                Type::Table { key, .. } => Some(Type::Table {
                    key: key.clone(),
                    value: Box::new(b.clone()),
                }),
                _ => None,
            },
        },
    }
}

/// A title and a help line for two operands that do not combine.
pub(super) fn explain_mismatch(op: BinaryOp, a: &Type, b: &Type) -> (String, String) {
    use BinaryOp::*;
    let percent_and_money = |x: &Type, y: &Type| {
        x.is_dimensionless() && y.dimension() == Some(Dimension::MONEY)
            || y.is_dimensionless() && x.dimension() == Some(Dimension::MONEY)
    };
    let months = |x: &Type| x.dimension().is_some_and(|d| d.months != 0);
    let in_time = |x: &Type| {
        x.dimension()
            .is_some_and(|d| d.hours != 0 || d.days != 0 || d.weeks != 0 || d.months != 0)
    };
    match op {
        Add | Subtract if (months(a) || months(b)) && (*a == Type::Date || *b == Type::Date) => (
            format!("cannot {} {b} and {a}", if op == Add { "add" } else { "subtract" }),
            "a month is no fixed number of days: move a date by months with `add_months(date, n)`".into(),
        ),
        Add | Subtract | Less | LessEq | Greater | GreaterEq | Equal | NotEqual
            if in_time(a) && in_time(b) =>
        (
            format!("{a} and {b} are in units of time that do not convert exactly"),
            "7 days make a week and 24 hours a day, but hours into days would divide and a month is no number of days: convert one side yourself, e.g. `hours / (24 hours/day)`".into(),
        ),
        Add | Subtract if percent_and_money(a, b) => (
            format!("cannot {} {b} and {a}", if op == Add { "add" } else { "subtract" }),
            "a percentage cannot be added to an amount; multiply it by an amount first, e.g. `cost × overhead_rate`".into(),
        ),
        Add | Subtract => (
            format!("cannot {} {b} and {a}", if op == Add { "add" } else { "subtract" }),
            "only values of the same unit can be added or subtracted".into(),
        ),
        Multiply | Divide => (
            format!("cannot {} {a} by {b}", if op == Multiply { "multiply" } else { "divide" }),
            "multiply and divide numbers (amounts, percentages, days, counts)".into(),
        ),
        Where | Each => (
            format!("`where` and `each` work on a table; this is {a}"),
            "write `table where condition`, using `key` and `value` in the condition".into(),
        ),
        And | Or => (
            format!("`and`/`or` combine yes/no values, not {a} and {b}"),
            "compare the values first, e.g. `places > 0 and occupancy <= 100 %`".into(),
        ),
        _ => (
            format!("cannot compare {a} with {b}"),
            "compare values of the same kind: amounts with amounts, dates with dates".into(),
        ),
    }
}
