//! Operations on two values: their type, and the exact conversions between units
//! of time that make them combine (`days + hours` in hours, `kr/hour × days` in kr).

use rust_decimal::Decimal;

use crate::ast::{BinaryOp, Expr};
use crate::diagnostic::Code;
use crate::program::{Node, NodeKind};
use crate::span::Span;
use crate::types::{Dimension, KeyType, Type};
use crate::units;

use super::super::operators::{binary_type, explain_mismatch};
use super::Typer;

impl Typer<'_> {
    pub(super) fn binary(
        &mut self,
        span: Span,
        op: BinaryOp,
        a: &Expr,
        b: &Expr,
        types: &[Type],
    ) -> (Node, Type) {
        let (left, lt) = self.expr(a, types);
        let (right, rt) = if matches!(op, BinaryOp::Where | BinaryOp::Each) {
            let (key, value) = match &lt {
                Type::Table { key, value } => {
                    let key = match key {
                        KeyType::Year => Type::YEAR,
                        KeyType::Label => Type::Text,
                        KeyType::Date => Type::Date,
                    };
                    (key, (**value).clone())
                }
                _ => (Type::Error, Type::Error),
            };
            self.locals.push((key, value));
            let outer = self.each_body.replace(b.span);
            let typed = if op == BinaryOp::Where {
                (self.expect_type(b, types, &Type::Bool), Type::Bool)
            } else {
                self.expr(b, types)
            };
            self.each_body = outer;
            self.locals.pop();
            typed
        } else {
            self.expr(b, types)
        };
        // Units of time convert where the conversion is exact: `days + hours` adds in
        // hours, `kr/day + kr/hour` in kr/day, `date + weeks` in days.
        let (mut left, mut lt, mut right, mut rt) = (left, lt, right, rt);
        if matches!(
            op,
            BinaryOp::Add
                | BinaryOp::Subtract
                | BinaryOp::Less
                | BinaryOp::LessEq
                | BinaryOp::Greater
                | BinaryOp::GreaterEq
                | BinaryOp::Equal
                | BinaryOp::NotEqual
        ) {
            match (innermost_dim(&lt), innermost_dim(&rt)) {
                (Some(dl), Some(dr)) if dl != dr => {
                    if let Some(f) = units::factor(dr, dl) {
                        (right, rt) = scaled(right, &rt, f, dl);
                    } else if let Some(f) = units::factor(dl, dr) {
                        (left, lt) = scaled(left, &lt, f, dr);
                    }
                }
                _ => {}
            }
            if lt == Type::Date {
                if let Some(f) = innermost_dim(&rt).and_then(|d| units::factor(d, Dimension::DAYS))
                {
                    (right, rt) = scaled(right, &rt, f, Dimension::DAYS);
                }
            }
        }
        let ty = if lt == Type::Error || rt == Type::Error {
            Type::Error
        } else {
            match binary_type(op, &lt, &rt) {
                Some(t) => t,
                None => {
                    let (title, mut help) = explain_mismatch(op, &lt, &rt);
                    if self.each_body == Some(span) {
                        help.push_str(&format!(
                            "; `each` and `where` take all that follows them as the formula for \
                             each entry: if `{}` is meant on the table they give, put that in \
                             brackets, `(a each …) {} b`",
                            symbol(op),
                            symbol(op)
                        ));
                    }
                    self.error(
                        Code::UnitMismatch,
                        span,
                        title,
                        "these do not combine",
                        help,
                    )
                }
            }
        };
        // An operation on two plain numbers is marked as such, so the engine can
        // compute it on decimals directly, without looking at what kind of value it has.
        let numeric =
            lt.is_number() && rt.is_number() && !matches!(op, BinaryOp::And | BinaryOp::Or);
        let kind = if numeric {
            NodeKind::Numeric(op, Box::new(left), Box::new(right))
        } else {
            NodeKind::Binary(op, Box::new(left), Box::new(right))
        };
        let node = Node { kind, span };
        // A product that mixes units of time is one unit where that is exact:
        // kr/hour × days is 24 × kr.
        if matches!(op, BinaryOp::Multiply | BinaryOp::Divide) {
            if let Some((dim, f)) = innermost_dim(&ty).and_then(units::simplified) {
                return scaled(node, &ty, f, dim);
            }
        }
        (node, ty)
    }
}

/// An operator as it is written.
fn symbol(op: BinaryOp) -> &'static str {
    use BinaryOp::*;
    match op {
        Add => "+",
        Subtract => "-",
        Multiply => "×",
        Divide => "/",
        Less => "<",
        LessEq => "<=",
        Greater => ">",
        GreaterEq => ">=",
        Equal => "==",
        NotEqual => "!=",
        And => "and",
        Or => "or",
        Where => "where",
        Each => "each",
    }
}

/// The dimension of a number, or of the numbers of a table or series.
fn innermost_dim(ty: &Type) -> Option<Dimension> {
    match ty {
        Type::Number { dim, .. } => Some(*dim),
        Type::Table { value, .. } | Type::Series(value) => innermost_dim(value),
        _ => None,
    }
}

/// A type with its numbers in another dimension (after an exact conversion).
fn with_dim(ty: &Type, to: Dimension) -> Type {
    match ty {
        Type::Number { kind, .. } => Type::Number {
            dim: to,
            kind: if to == Dimension::NONE {
                *kind
            } else {
                crate::types::NumKind::Plain
            },
        },
        Type::Table { key, value } => Type::Table {
            key: key.clone(),
            value: Box::new(with_dim(value, to)),
        },
        Type::Series(value) => Type::Series(Box::new(with_dim(value, to))),
        other => other.clone(),
    }
}

/// A value converted to another unit of time by a whole factor (exact).
fn scaled(node: Node, ty: &Type, factor: Decimal, to: Dimension) -> (Node, Type) {
    let ty = with_dim(ty, to);
    if factor == Decimal::ONE {
        return (node, ty);
    }
    let span = node.span;
    let f = Box::new(Node {
        kind: NodeKind::Number(factor),
        span,
    });
    let kind = if ty.is_number() {
        NodeKind::Numeric(BinaryOp::Multiply, Box::new(node), f)
    } else {
        NodeKind::Binary(BinaryOp::Multiply, Box::new(node), f)
    };
    (Node { kind, span }, ty)
}
