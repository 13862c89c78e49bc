//! The fast paths: numbers as plain decimals and conditions as plain booleans.
//!
//! Most of an agreement's formulas are arithmetic on amounts and comparisons. Moving
//! each intermediate result as a generic `Value` inside a `Result` costs more than
//! the arithmetic itself (it goes through memory, and reading it back stalls), so
//! these functions return a `Decimal` or a `bool` and fall back to `formula::eval`
//! for anything else.

use chrono::NaiveDate;
use dsl::program::{BinaryOp, Node, NodeKind, UnaryOp};
use rust_decimal::Decimal;

use crate::error::EvalError;
use crate::formula::{
    compare, divide_by_zero, eval, is_arithmetic, not_a_number, overflow, Locals,
};
use crate::value::Value;

/// The decimal a number node evaluates to; a failure goes to `failure` (and the
/// decimal returned is then meaningless). A decimal alone is returned in registers,
/// where a `Result` holding one would go through memory — a cost larger than the
/// arithmetic itself, on the engine's hottest path.
pub(crate) fn decimal(
    node: &Node,
    values: &[Value],
    locals: Locals,
    failure: &mut Option<EvalError>,
) -> Decimal {
    let mut fail = |error: EvalError| {
        failure.get_or_insert(error);
        Decimal::ZERO
    };
    match &node.kind {
        NodeKind::Number(n) => *n,
        NodeKind::Slot(slot) => match &values[*slot as usize] {
            Value::Number(n) => *n,
            Value::Failed(error) => fail((**error).clone()),
            _ => fail(not_a_number(node)),
        },
        NodeKind::Numeric(op, a, b) if is_arithmetic(*op) => {
            let x = decimal(a, values, locals, failure);
            let y = decimal(b, values, locals, failure);
            if failure.is_some() {
                return Decimal::ZERO;
            }
            let result = match op {
                BinaryOp::Add => x.checked_add(y),
                BinaryOp::Subtract => x.checked_sub(y),
                BinaryOp::Multiply => x.checked_mul(y),
                _ if y.is_zero() => return fail_with(failure, divide_by_zero(node)),
                _ => x.checked_div(y),
            };
            match result {
                Some(n) => n,
                None => fail_with(failure, overflow(node)),
            }
        }
        NodeKind::When { arms, otherwise } => {
            for (condition, value) in arms {
                match truth(condition, values, locals) {
                    Ok(true) => return decimal(value, values, locals, failure),
                    Ok(false) => {}
                    Err(error) => return fail_with(failure, error),
                }
            }
            decimal(otherwise, values, locals, failure)
        }
        // A rate read from a series on a computed date: looked up in place. Anything
        // unusual (no value on the date, say) takes the general path, which reports it.
        NodeKind::On(series, day) => {
            if let (NodeKind::Slot(slot), Some(day)) =
                (&series.kind, quick_date(day, values, locals))
            {
                if let Value::Series(s) = &values[*slot as usize] {
                    if let Some(Value::Number(n)) = s.on(day) {
                        return *n;
                    }
                }
            }
            match eval(node, values, locals) {
                Ok(Value::Number(n)) => n,
                Ok(_) => fail(not_a_number(node)),
                Err(error) => fail(error),
            }
        }
        _ => match eval(node, values, locals) {
            Ok(Value::Number(n)) => n,
            Ok(_) => fail(not_a_number(node)),
            Err(error) => fail(error),
        },
    }
}

/// The date a node gives, when it is a date literal or `date(y, m, d)` of plain
/// numbers; `None` sends the caller down the general path.
fn quick_date(node: &Node, values: &[Value], locals: Locals) -> Option<NaiveDate> {
    match &node.kind {
        NodeKind::Date(d) => Some(*d),
        NodeKind::Call(dsl::builtins::Builtin::Date, args) if args.len() == 3 => {
            let mut failure = None;
            let mut part = |i: usize| {
                let n = decimal(&args[i], values, locals, &mut failure);
                (n.scale() == 0)
                    .then(|| i64::try_from(n.mantissa()).ok())
                    .flatten()
            };
            let (y, m, d) = (part(0)?, part(1)?, part(2)?);
            if failure.is_some() {
                return None;
            }
            NaiveDate::from_ymd_opt(
                i32::try_from(y).ok()?,
                u32::try_from(m).ok()?,
                u32::try_from(d).ok()?,
            )
        }
        _ => None,
    }
}

/// Evaluates a yes/no node: conditions, comparisons, checks. Like `decimal`, it
/// keeps the common forms off the path of a generic value.
pub(crate) fn truth(node: &Node, values: &[Value], locals: Locals) -> Result<bool, EvalError> {
    match &node.kind {
        NodeKind::Bool(b) => Ok(*b),
        NodeKind::Slot(slot) => match &values[*slot as usize] {
            Value::Bool(b) => Ok(*b),
            Value::Failed(error) => Err((**error).clone()),
            _ => Ok(false),
        },
        NodeKind::Numeric(op, a, b) if !is_arithmetic(*op) => {
            let mut failure = None;
            let x = decimal(a, values, locals, &mut failure);
            let y = decimal(b, values, locals, &mut failure);
            match failure {
                None => Ok(compare(*op, x.cmp(&y))),
                Some(error) => Err(error),
            }
        }
        NodeKind::Is {
            subject,
            negated,
            variants,
        } => {
            let chosen = match (&subject.kind, locals) {
                (NodeKind::Slot(slot), _) => match &values[*slot as usize] {
                    Value::Choice(c) => Some(*c),
                    Value::Failed(error) => return Err((**error).clone()),
                    _ => None,
                },
                _ => match eval(subject, values, locals)? {
                    Value::Choice(c) => Some(c),
                    _ => None,
                },
            };
            Ok(chosen.is_some_and(|c| variants.contains(&c) != *negated))
        }
        NodeKind::Binary(BinaryOp::And, a, b) => {
            Ok(truth(a, values, locals)? && truth(b, values, locals)?)
        }
        NodeKind::Binary(BinaryOp::Or, a, b) => {
            Ok(truth(a, values, locals)? || truth(b, values, locals)?)
        }
        NodeKind::Unary(UnaryOp::Not, inner) => Ok(!truth(inner, values, locals)?),
        _ => Ok(matches!(eval(node, values, locals)?, Value::Bool(true))),
    }
}

#[cold]
fn fail_with(failure: &mut Option<EvalError>, error: EvalError) -> Decimal {
    failure.get_or_insert(error);
    Decimal::ZERO
}
