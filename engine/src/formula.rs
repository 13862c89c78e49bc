//! Evaluating one formula node, whatever its kind: tables, series, dates, calls.
//! The common number and yes/no forms go through `fast.rs` first.

use std::sync::Arc;

use chrono::{Datelike, Days, NaiveDate};
use dsl::program::{BinaryOp, Key, Local, Node, NodeKind, UnaryOp};
use dsl::Code;
use rust_decimal::Decimal;
use smallvec::SmallVec;

use crate::budget;
use crate::builtins;
use crate::error::EvalError;
use crate::fast::{decimal, truth};
use crate::value::{Table, Value};

pub(crate) type Locals<'a> = Option<(&'a Value, &'a Value)>;

pub(crate) fn overflow(node: &Node) -> EvalError {
    EvalError::new(
        Code::Overflow,
        node.span,
        "the result is too large to compute exactly",
    )
    .help("check the input figures: an amount of more than 28 digits is not plausible")
}

pub(crate) fn is_arithmetic(op: BinaryOp) -> bool {
    matches!(
        op,
        BinaryOp::Add | BinaryOp::Subtract | BinaryOp::Multiply | BinaryOp::Divide
    )
}

pub(crate) fn arithmetic(
    node: &Node,
    op: BinaryOp,
    x: Decimal,
    y: Decimal,
) -> Result<Decimal, EvalError> {
    let result = match op {
        BinaryOp::Add => x.checked_add(y),
        BinaryOp::Subtract => x.checked_sub(y),
        BinaryOp::Multiply => x.checked_mul(y),
        BinaryOp::Divide if y.is_zero() => return Err(divide_by_zero(node)),
        _ => x.checked_div(y),
    };
    result.ok_or_else(|| overflow(node))
}

#[cold]
pub(crate) fn not_a_number(node: &Node) -> EvalError {
    EvalError::new(
        Code::Overflow,
        node.span,
        "expected a number here (an internal inconsistency)",
    )
    .help("please report this rule file: the checker typed this formula as a number")
}

/// Evaluates one node.
pub(crate) fn eval(node: &Node, values: &[Value], locals: Locals) -> Result<Value, EvalError> {
    // The common, cheap forms are handled here, in a small function; the rest in
    // `eval_other`, whose larger frame the hot recursion then does not pay for.
    match &node.kind {
        NodeKind::Numeric(op, a, b) => {
            let mut failure = None;
            let x = decimal(a, values, locals, &mut failure);
            let y = decimal(b, values, locals, &mut failure);
            if let Some(error) = failure {
                return Err(error);
            }
            Ok(if is_arithmetic(*op) {
                Value::Number(arithmetic(node, *op, x, y)?)
            } else {
                Value::Bool(compare(*op, x.cmp(&y)))
            })
        }
        NodeKind::Number(n) => Ok(Value::Number(*n)),
        NodeKind::Slot(slot) => match &values[*slot as usize] {
            Value::Failed(error) => Err((**error).clone()),
            value => Ok(value.clone()),
        },
        NodeKind::Is { .. } | NodeKind::Binary(BinaryOp::And | BinaryOp::Or, ..) => {
            truth(node, values, locals).map(Value::Bool)
        }
        NodeKind::When { arms, otherwise } => {
            for (condition, value) in arms {
                if truth(condition, values, locals)? {
                    return eval(value, values, locals);
                }
            }
            eval(otherwise, values, locals)
        }
        _ => eval_other(node, values, locals),
    }
}

#[inline(never)]
fn eval_other(node: &Node, values: &[Value], locals: Locals) -> Result<Value, EvalError> {
    Ok(match &node.kind {
        // `eval` handles these itself and never passes them here.
        NodeKind::Numeric(..)
        | NodeKind::Number(_)
        | NodeKind::Slot(_)
        | NodeKind::Is { .. }
        | NodeKind::When { .. }
        | NodeKind::Binary(BinaryOp::And | BinaryOp::Or, ..) => return eval(node, values, locals),
        NodeKind::Date(d) => Value::Date(*d),
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Text(t) => Value::Text(t.clone()),
        NodeKind::Choice(c) => Value::Choice(*c),
        NodeKind::Local(which) => match (which, locals) {
            (Local::Key, Some((k, _))) => k.clone(),
            (Local::Value, Some((_, v))) => v.clone(),
            _ => Value::Unset,
        },
        NodeKind::Unary(op, inner) => match (op, eval(inner, values, locals)?) {
            (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
            (UnaryOp::Negate, v) => negate(&v, node)?,
            _ => Value::Unset,
        },
        NodeKind::Binary(BinaryOp::Where, table, condition) => {
            let Value::Table(t) = eval(table, values, locals)? else {
                return Ok(Value::Unset);
            };
            budget::table(t.entries.len(), node)?;
            let mut kept = Vec::new();
            for (key, value) in &t.entries {
                let key_value = key_to_value(key);
                if eval(condition, values, Some((&key_value, value)))? == Value::Bool(true) {
                    kept.push((key.clone(), value.clone()));
                }
            }
            Value::Table(Arc::new(Table { entries: kept }))
        }
        NodeKind::Binary(BinaryOp::Each, table, formula) => {
            let Value::Table(t) = eval(table, values, locals)? else {
                return Ok(Value::Unset);
            };
            budget::table(t.entries.len(), node)?;
            let mut entries = Vec::with_capacity(t.entries.len());
            for (key, value) in &t.entries {
                let key_value = key_to_value(key);
                entries.push((
                    key.clone(),
                    eval(formula, values, Some((&key_value, value)))?,
                ));
            }
            Value::Table(Arc::new(Table { entries }))
        }
        NodeKind::Binary(op, a, b) => {
            let left = eval(a, values, locals)?;
            let right = eval(b, values, locals)?;
            binary(node, *op, &left, &right)?
        }
        NodeKind::Call(builtin, args) => {
            let mut evaluated: SmallVec<[Value; 4]> = SmallVec::new();
            for arg in args {
                evaluated.push(eval(arg, values, locals)?);
            }
            let args = evaluated;
            // `has` looks through its table; inside `each` or `where`, once per entry.
            if let (dsl::builtins::Builtin::Has, Some(_), Some(Value::Table(t))) =
                (builtin, locals, args.first())
            {
                budget::spend(t.entries.len(), node)?;
            }
            builtins::call(*builtin, &args, node)?
        }
        NodeKind::Index(table, key) => {
            let t = eval(table, values, locals)?;
            let k = eval(key, values, locals)?;
            let Value::Table(t) = t else {
                return Ok(Value::Unset);
            };
            // A lookup goes through the table; inside `each` or `where`, once per
            // entry. (Outside them, a formula makes a bounded number of lookups.)
            if locals.is_some() {
                budget::spend(t.entries.len(), node)?;
            }
            let key = value_to_key(&k)
                .ok_or_else(|| EvalError::new(Code::MissingKey, key.span, "not a valid key"))?;
            match t.get(&key) {
                Some(v) => v.clone(),
                None => {
                    let known: Vec<String> = t.entries.iter().map(|(k, _)| show_key(k)).collect();
                    return Err(EvalError::new(
                        Code::MissingKey,
                        node.span,
                        format!("the table has no entry for {}", show_key(&key)),
                    )
                    .help(if known.is_empty() {
                        String::from("the table is empty; add the entry to the input file")
                    } else {
                        format!(
                            "it has entries for {}; add {} to the input file",
                            known.join(", "),
                            show_key(&key)
                        )
                    }));
                }
            }
        }
        NodeKind::On(series, date) => {
            let Value::Date(d) = eval(date, values, locals)? else {
                return Ok(Value::Unset);
            };
            // A series named directly is read where it is, without copying it.
            let owned;
            let s = match &series.kind {
                NodeKind::Slot(slot) => &values[*slot as usize],
                _ => {
                    owned = eval(series, values, locals)?;
                    &owned
                }
            };
            let s = match s {
                Value::Series(s) => s,
                Value::Failed(error) => return Err((**error).clone()),
                _ => return Ok(Value::Unset),
            };
            match s.on(d) {
                Some(v) => v.clone(),
                None if s.known_until().is_some_and(|until| d > until) => {
                    let until = s.known_until().map(|u| u.to_string()).unwrap_or_default();
                    let mut error = EvalError::new(
                        Code::SeriesIncomplete,
                        node.span,
                        format!("the series is known up to {until} only; its value on {d} is not"),
                    )
                    .help(format!(
                        "a rate may have changed after {until}: add the values from its source up to {d} \
                         to the input file's table, and `complete_until = DATE` for the day up to which you checked"
                    ));
                    if let NodeKind::Slot(slot) = &series.kind {
                        error.about = Some(*slot);
                    }
                    return Err(error);
                }
                None => {
                    let first = s.points.first().map(|(d, _)| d.to_string());
                    return Err(EvalError::new(
                        Code::NoValueOnDate,
                        node.span,
                        format!("the series has no value on or before {d}"),
                    )
                    .help(match first {
                        Some(first) => format!("its first value is from {first}; add the value in force on {d} to the input or reference data"),
                        None => format!("the series is empty; add the value in force on {d} to the input or reference data"),
                    }));
                }
            }
        }
        NodeKind::Table(entries) => table_literal(entries, values, locals)?,
    })
}

fn table_literal(
    entries: &[(Key, Node)],
    values: &[Value],
    locals: Locals,
) -> Result<Value, EvalError> {
    let mut table = Vec::new();
    let mut points = Vec::new();
    let mut complete_until = None;
    for (key, node) in entries {
        let value = eval(node, values, locals)?;
        match (key, value) {
            (Key::Date(d), value) => points.push((*d, value)),
            (Key::Label(l), Value::Date(d)) if &**l == dsl::program::COMPLETE_UNTIL => {
                complete_until = Some(d)
            }
            (other, value) => table.push((other.clone(), value)),
        }
    }
    if !points.is_empty() {
        points.sort_by_key(|(d, _)| *d);
        return Ok(Value::Series(Arc::new(crate::value::Series {
            points,
            complete_until,
        })));
    }
    Ok(Value::Table(Arc::new(Table { entries: table })))
}

fn key_to_value(key: &Key) -> Value {
    match key {
        Key::Year(y) => Value::Number(Decimal::from(*y)),
        Key::Label(l) => Value::Text(l.clone()),
        Key::Date(d) => Value::Date(*d),
    }
}

fn value_to_key(value: &Value) -> Option<Key> {
    match value {
        Value::Date(d) => Some(Key::Date(*d)),
        Value::Number(n) if n.fract().is_zero() => i64::try_from(*n).ok().map(Key::Year),
        Value::Text(t) => Some(Key::Label(t.clone())),
        _ => None,
    }
}

/// A key as shown in messages.
pub fn show_key(key: &Key) -> String {
    match key {
        Key::Year(y) => y.to_string(),
        Key::Label(l) => format!("\"{l}\""),
        Key::Date(d) => d.to_string(),
    }
}

/// The negation of a number, or of every number of a table.
fn negate(value: &Value, node: &Node) -> Result<Value, EvalError> {
    Ok(match value {
        Value::Number(n) => Value::Number(-*n),
        Value::Table(t) => {
            budget::table(t.entries.len(), node)?;
            let mut entries = Vec::with_capacity(t.entries.len());
            for (k, v) in &t.entries {
                entries.push((k.clone(), negate(v, node)?));
            }
            Value::Table(Arc::new(Table { entries }))
        }
        other => other.clone(),
    })
}

pub(crate) fn binary(node: &Node, op: BinaryOp, a: &Value, b: &Value) -> Result<Value, EvalError> {
    use BinaryOp::*;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (*x, *y);
            let number = |r: Option<Decimal>| r.map(Value::Number).ok_or_else(|| overflow(node));
            match op {
                Add => number(x.checked_add(y)),
                Subtract => number(x.checked_sub(y)),
                Multiply => number(x.checked_mul(y)),
                Divide if y.is_zero() => Err(divide_by_zero(node)),
                Divide => number(x.checked_div(y)),
                _ => Ok(Value::Bool(compare(op, x.cmp(&y)))),
            }
        }
        (Value::Table(t), Value::Table(u)) if matches!(op, Add | Subtract) => {
            // Adding tables adds by key; a key missing on one side counts as 0
            // there (a municipality that bought places in one year only).
            budget::table(t.entries.len().saturating_add(u.entries.len()), node)?;
            let zero = Value::Number(Decimal::ZERO);
            let (in_t, in_u) = (t.lookup(), u.lookup());
            let mut entries = Vec::with_capacity(t.entries.len().max(u.entries.len()));
            for (key, x) in &t.entries {
                entries.push((
                    key.clone(),
                    binary(node, op, x, in_u.get(key).unwrap_or(&zero))?,
                ));
            }
            for (key, y) in u.entries.iter().filter(|(k, _)| in_t.get(k).is_none()) {
                entries.push((key.clone(), binary(node, op, &zero, y)?));
            }
            Ok(Value::Table(Arc::new(Table { entries })))
        }
        (Value::Table(t), Value::Table(u)) if matches!(op, Multiply | Divide) => {
            entry_by_entry(t, u, node, |x, y| binary(node, op, x, y))
        }
        (Value::Table(t), s) | (s, Value::Table(t))
            if matches!(op, Add | Subtract | Multiply | Divide) =>
        {
            budget::table(t.entries.len(), node)?;
            let table_left = matches!(a, Value::Table(_));
            let mut entries = Vec::with_capacity(t.entries.len());
            for (key, x) in &t.entries {
                let v = if table_left {
                    binary(node, op, x, s)?
                } else {
                    binary(node, op, s, x)?
                };
                entries.push((key.clone(), v));
            }
            Ok(Value::Table(Arc::new(Table { entries })))
        }
        (Value::Date(d), Value::Number(n)) | (Value::Number(n), Value::Date(d))
            if matches!(op, Add | Subtract) =>
        {
            let days = i64::try_from(n.trunc()).ok().and_then(|days| match op {
                Subtract => days.checked_neg(),
                _ => Some(days),
            });
            let moved = days.and_then(|days| match days >= 0 {
                true => d.checked_add_days(Days::new(days.unsigned_abs())),
                false => d.checked_sub_days(Days::new(days.unsigned_abs())),
            });
            moved.map(Value::Date).ok_or_else(|| {
                let sign = if op == Subtract { "-" } else { "+" };
                EvalError::new(
                    Code::Overflow,
                    node.span,
                    format!("{d} {sign} {n} days is outside the calendar"),
                )
                .help("check the number of days: a date lies between the years -262143 and 262142")
            })
        }
        (Value::Date(x), Value::Date(y)) if op == Subtract => {
            Ok(Value::Number(Decimal::from((*x - *y).num_days())))
        }
        (Value::Date(x), Value::Date(y)) => Ok(Value::Bool(compare(op, x.cmp(y)))),
        (x, y) if matches!(op, Equal | NotEqual) => Ok(Value::Bool((x == y) == (op == Equal))),
        _ => Ok(Value::Unset),
    }
}

/// Two tables with the same keys combined entry by entry; a key of the first
/// missing from the second is an error naming it.
pub(crate) fn entry_by_entry(
    t: &Table,
    u: &Table,
    node: &Node,
    mut combine: impl FnMut(&Value, &Value) -> Result<Value, EvalError>,
) -> Result<Value, EvalError> {
    budget::table(t.entries.len().saturating_add(u.entries.len()), node)?;
    let in_u = u.lookup();
    let mut entries = Vec::with_capacity(t.entries.len());
    for (key, x) in &t.entries {
        let Some(y) = in_u.get(key) else {
            return Err(EvalError::new(
                Code::MissingKey,
                node.span,
                format!("the right-hand table has no entry for {}", show_key(key)),
            )
            .help("tables combined entry by entry need the same keys"));
        };
        entries.push((key.clone(), combine(x, y)?));
    }
    // An entry only on the right would be dropped without a word: the tables must
    // have the same keys both ways.
    if u.entries.len() != entries.len() {
        let in_t = t.lookup();
        if let Some((key, _)) = u.entries.iter().find(|(k, _)| in_t.get(k).is_none()) {
            return Err(EvalError::new(
                Code::MissingKey,
                node.span,
                format!("the left-hand table has no entry for {}", show_key(key)),
            )
            .help("tables combined entry by entry need the same keys"));
        }
    }
    Ok(Value::Table(Arc::new(Table { entries })))
}

pub(crate) fn compare(op: BinaryOp, ordering: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        BinaryOp::Less => ordering == Less,
        BinaryOp::LessEq => ordering != Greater,
        BinaryOp::Greater => ordering == Greater,
        BinaryOp::GreaterEq => ordering != Less,
        BinaryOp::Equal => ordering == Equal,
        BinaryOp::NotEqual => ordering != Equal,
        _ => false,
    }
}

pub(crate) fn divide_by_zero(node: &Node) -> EvalError {
    EvalError::new(Code::DivisionByZero, node.span, "division by zero")
        .help("the divisor is 0 — check the inputs it is computed from (e.g. places or occupancy)")
}

/// The year of a date, as a value.
pub(crate) fn year_value(date: NaiveDate) -> Value {
    Value::Number(Decimal::from(date.year()))
}
