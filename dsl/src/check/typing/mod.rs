//! Resolving names and checking units: AST expressions become typed [`Node`]s.
//!
//! An error is reported where it happens and the expression gets
//! [`Type::Error`], which every rule accepts silently — so one mistake is
//! reported once, not again by everything that uses it.

use std::collections::HashMap;

use chrono::NaiveDate;
use std::sync::Arc;

use crate::ast::{Expr, ExprKind, LiteralUnit, Name, ScalarTypeExpr};
use crate::ast::{TypeExpr, TypeExprKind, UnaryOp};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{Local, Node, NodeKind, SlotId};
use crate::span::{Sources, Span};
use crate::types::{self, Dimension, KeyType, Type};
use rust_decimal::Decimal;

mod calls;
mod operations;
mod tables;

/// Types expressions against the slots of one agreement.
pub(crate) struct Typer<'a> {
    sources: &'a Sources,
    names: &'a HashMap<String, SlotId>,
    diagnostics: &'a mut Vec<Diagnostic>,
    choices: Vec<Vec<String>>,
    /// The key and value types of the tables being filtered, innermost last.
    locals: Vec<(Type, Type)>,
    /// The formula after the innermost `each` or `where` being typed: an operation
    /// there that does not combine may have been meant on the table it gives.
    each_body: Option<Span>,
    /// The agreement's period of validity: `valid_from` and `valid_to` in formulas.
    period: (NaiveDate, NaiveDate),
    /// The base's rules this agreement drops: a use of one is explained as such.
    dropped: Vec<String>,
}

impl<'a> Typer<'a> {
    pub(crate) fn new(
        sources: &'a Sources,
        names: &'a HashMap<String, SlotId>,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Typer {
            sources,
            names,
            diagnostics,
            choices: Vec::new(),
            locals: Vec::new(),
            each_body: None,
            period: (NaiveDate::MIN, NaiveDate::MAX),
            dropped: Vec::new(),
        }
    }

    /// The names of the base's rules the agreement drops.
    pub(crate) fn set_dropped(&mut self, dropped: Vec<String>) {
        self.dropped = dropped;
    }

    /// Sets the agreement's period of validity, read as `valid_from` and `valid_to`.
    /// Without one they are the earliest and the latest day, so that no rule about
    /// the period fails for an agreement that states none.
    pub(crate) fn set_period(&mut self, period: Option<(NaiveDate, NaiveDate)>) {
        if let Some(period) = period {
            self.period = period;
        }
    }

    pub(crate) fn sources(&self) -> &'a Sources {
        self.sources
    }

    pub(crate) fn diagnostics(&mut self) -> &mut Vec<Diagnostic> {
        self.diagnostics
    }

    pub(crate) fn into_choices(self) -> Vec<Vec<String>> {
        self.choices
    }

    fn error(&mut self, code: Code, span: Span, title: String, label: &str, help: String) -> Type {
        let d = Diagnostic::error(code, title)
            .label(self.sources, span, label)
            .help(help);
        self.diagnostics.push(d);
        Type::Error
    }

    /// The type an input declares.
    pub(crate) fn declared_type(&mut self, ty: &TypeExpr) -> Type {
        match &ty.kind {
            TypeExprKind::Scalar(s) => self.scalar_type(s),
            TypeExprKind::Table { value, keys } => {
                keys.iter()
                    .fold(self.scalar_type(value), |inner, key| Type::Table {
                        key: if key.text == "year" {
                            KeyType::Year
                        } else {
                            KeyType::Label
                        },
                        value: Box::new(inner),
                    })
            }
            TypeExprKind::Series(value) => Type::Series(Box::new(self.scalar_type(value))),
        }
    }

    fn scalar_type(&mut self, ty: &ScalarTypeExpr) -> Type {
        match ty {
            ScalarTypeExpr::Basic(word) => match word.as_str() {
                "money" => Type::MONEY,
                "kr/day" | "kr/hour" | "kr/week" | "kr/month" | "hours/week" | "hours/day"
                | "days/week" | "hours" | "weeks" | "months" => {
                    Type::number(crate::units::dimension(word).unwrap_or(Dimension::NONE))
                }
                "percent" => Type::PERCENT,
                "integer" => Type::INTEGER,
                "year" => Type::YEAR,
                "date" => Type::Date,
                "days" => Type::DAYS,
                "yes/no" => Type::Bool,
                "text" => Type::Text,
                _ => Type::NUMBER,
            },
            ScalarTypeExpr::Choice(variants) => {
                let mut names: Vec<String> = Vec::new();
                for v in variants {
                    if names.contains(&v.text) {
                        self.error(
                            Code::Duplicate,
                            v.span,
                            format!("`{}` is listed twice", v.text),
                            "listed again here",
                            "list each choice once".into(),
                        );
                    } else {
                        names.push(v.text.clone());
                    }
                }
                self.choices.push(names);
                Type::Choice((self.choices.len() - 1) as u32)
            }
        }
    }

    /// The slot a name refers to, reporting it if unknown.
    pub(crate) fn slot_of(&mut self, name: &Name) -> Option<SlotId> {
        if let Some(&slot) = self.names.get(&name.text) {
            return Some(slot);
        }
        let variant_of = self.choices.iter().any(|c| c.contains(&name.text));
        let help = if self.dropped.contains(&name.text) {
            format!(
                "this agreement drops `{0}` (`drop … {0}`); drop or override what uses it too, or keep it",
                name.text
            )
        } else if variant_of {
            format!(
                "`{0}` is one of the choices of an input; test it with `is`: `… is {0}`",
                name.text
            )
        } else {
            super::did_you_mean(
                &name.text,
                self.names.keys().map(String::as_str),
                "declare it with `input`, `param` or `define`, or check the spelling",
            )
        };
        self.error(
            Code::UnknownName,
            name.span,
            format!("unknown name `{}`", name.text),
            if self.dropped.contains(&name.text) {
                "dropped by the agreement that extends this one"
            } else {
                "not declared in this agreement or its bases"
            },
            help,
        );
        None
    }

    /// Types `expr` where a value of type `expected` is needed.
    /// The condition of a check: yes/no, or a table of yes/no (true if per entry).
    pub(crate) fn condition(&mut self, expr: &Expr, types: &[Type]) -> (Node, bool) {
        let (node, found) = self.expr(expr, types);
        match &found {
            Type::Bool | Type::Error => (node, false),
            Type::Table { value, .. } if **value == Type::Bool => (node, true),
            _ => {
                self.error(
                    Code::WrongType,
                    expr.span,
                    format!("expected yes/no, found {found}"),
                    &format!("this is {found}"),
                    "a check is yes/no, or yes/no for every entry of a table (`places each value >= 0`)".into(),
                );
                (node, false)
            }
        }
    }

    pub(crate) fn expect_type(&mut self, expr: &Expr, types: &[Type], expected: &Type) -> Node {
        if let (Type::Choice(c), ExprKind::Name(name)) = (expected, &expr.kind) {
            // One of the choice's own names is that choice, as after `is`, even where
            // an input has the same name.
            let is_variant = self
                .choices
                .get(*c as usize)
                .is_some_and(|v| v.contains(&name.text));
            if is_variant || !self.names.contains_key(&name.text) {
                let variant = self.variant(*c, name);
                return Node {
                    kind: NodeKind::Choice(variant.unwrap_or(0)),
                    span: expr.span,
                };
            }
        }
        let (node, found) = self.expr(expr, types);
        if !fits(expected, &found) {
            self.error(
                Code::WrongType,
                expr.span,
                format!("expected {expected}, found {found}"),
                &format!("this is {found}"),
                format!("write {expected} here"),
            );
        } else if percent_for_number(expected, &found) && !is_zero(&node) {
            // `given planned_occupancy = 0.97`: a fraction where a percentage is meant.
            let written = self.sources.slice(expr.span).trim().to_string();
            let meant = written
                .parse::<Decimal>()
                .ok()
                .and_then(|n| Some((n, n.checked_mul(Decimal::ONE_HUNDRED)?)));
            let help = match meant {
                Some((n, meant)) => format!(
                    "write the percentage with %: `{written}` is {n} %, or did you mean `{} %`?",
                    meant.normalize()
                ),
                None => String::from("make it a percentage: multiply by 100 %, or write it with %"),
            };
            self.error(
                Code::UnitMismatch,
                expr.span,
                format!("expected {expected}, found {found}"),
                &format!("this is {found}, not a percentage"),
                help,
            );
        }
        node
    }

    fn variant(&mut self, choice: u32, name: &Name) -> Option<u32> {
        let variants = self
            .choices
            .get(choice as usize)
            .cloned()
            .unwrap_or_default();
        if let Some(i) = variants.iter().position(|v| *v == name.text) {
            return Some(i as u32);
        }
        let help = super::did_you_mean(
            &name.text,
            variants.iter().map(String::as_str),
            &format!("the choices are: {}", variants.join(", ")),
        );
        self.error(
            Code::UnknownVariant,
            name.span,
            format!("`{}` is not one of the choices", name.text),
            "not a choice of this input",
            help,
        );
        None
    }

    /// Types an expression.
    pub(crate) fn expr(&mut self, expr: &Expr, types: &[Type]) -> (Node, Type) {
        let span = expr.span;
        let node = |kind| Node { kind, span };
        match &expr.kind {
            ExprKind::Number(value, unit) => {
                let ty = match unit {
                    LiteralUnit::None => Type::NUMBER,
                    LiteralUnit::Percent => Type::PERCENT,
                    LiteralUnit::Quantity(dim) => Type::number(*dim),
                };
                (node(NodeKind::Number(*value)), ty)
            }
            ExprKind::Date(d) => (node(NodeKind::Date(*d)), Type::Date),
            ExprKind::Bool(b) => (node(NodeKind::Bool(*b)), Type::Bool),
            ExprKind::Text(t) => (node(NodeKind::Text(Arc::from(t.as_str()))), Type::Text),
            ExprKind::Name(name) => {
                if let Some((key, value)) = self.locals.last() {
                    match name.text.as_str() {
                        "key" => return (node(NodeKind::Local(Local::Key)), key.clone()),
                        "value" => return (node(NodeKind::Local(Local::Value)), value.clone()),
                        _ => {}
                    }
                }
                if !self.names.contains_key(&name.text) {
                    match name.text.as_str() {
                        "valid_from" => return (node(NodeKind::Date(self.period.0)), Type::Date),
                        "valid_to" => return (node(NodeKind::Date(self.period.1)), Type::Date),
                        _ => {}
                    }
                }
                match self.slot_of(name) {
                    Some(slot) => (node(NodeKind::Slot(slot)), types[slot as usize].clone()),
                    None => (node(NodeKind::Bool(false)), Type::Error),
                }
            }
            ExprKind::Unary(op, inner) => {
                let (inner_node, ty) = self.expr(inner, types);
                let ok = match op {
                    UnaryOp::Not => matches!(ty, Type::Bool | Type::Error),
                    UnaryOp::Negate => numeric(&ty) || ty == Type::Error,
                };
                let ty = if ok {
                    ty
                } else {
                    let what = if *op == UnaryOp::Not {
                        "yes/no"
                    } else {
                        "a number"
                    };
                    self.error(
                        Code::WrongType,
                        inner.span,
                        format!("expected {what}, found {ty}"),
                        &format!("this is {ty}"),
                        format!(
                            "`{}` applies to {what}",
                            if *op == UnaryOp::Not { "not" } else { "-" }
                        ),
                    )
                };
                (node(NodeKind::Unary(*op, Box::new(inner_node))), ty)
            }
            ExprKind::Binary(op, a, b) => self.binary(span, *op, a, b, types),
            ExprKind::Call { function, args } => self.call(span, function, args, types),
            ExprKind::Index(table, key) => {
                let (t, tt) = self.expr(table, types);
                let (k, kt) = self.expr(key, types);
                let ty = match &tt {
                    Type::Table {
                        key: KeyType::Year,
                        value,
                    } if kt.is_dimensionless() => (**value).clone(),
                    Type::Table {
                        key: KeyType::Label,
                        value,
                    } if kt == Type::Text => (**value).clone(),
                    Type::Table {
                        key: KeyType::Date,
                        value,
                    } if kt == Type::Date => (**value).clone(),
                    Type::Error => Type::Error,
                    _ if kt == Type::Error => Type::Error,
                    Type::Table { .. } => self.error(
                        Code::WrongType,
                        key.span,
                        format!("this table is not indexed by {kt}"),
                        "wrong kind of key",
                        "a table per year takes a year, a table of names a text, a table of months a date".into(),
                    ),
                    Type::Series(_) => self.error(
                        Code::WrongType,
                        span,
                        "a series is read on a date, not with [ ]".into(),
                        "a series of values by date",
                        "write `series on DATE`, e.g. `discount_rate on date(year - 1, 5, 1)`"
                            .into(),
                    ),
                    _ => self.error(
                        Code::WrongType,
                        table.span,
                        format!("only a table can be indexed; this is {tt}"),
                        "not a table",
                        "declare the input as a table, e.g. `input history: percent per year`"
                            .into(),
                    ),
                };
                (node(NodeKind::Index(Box::new(t), Box::new(k))), ty)
            }
            ExprKind::On(series, date) => {
                let (s, st) = self.expr(series, types);
                let d = self.expect_type(date, types, &Type::Date);
                let ty = match st {
                    Type::Series(value) => *value,
                    Type::Error => Type::Error,
                    other => self.error(
                        Code::WrongType,
                        series.span,
                        format!("`on` reads a series of values by date; this is {other}"),
                        "not a series",
                        "declare it as `series of …`".into(),
                    ),
                };
                (node(NodeKind::On(Box::new(s), Box::new(d))), ty)
            }
            ExprKind::Is {
                subject,
                negated,
                variants,
            } => {
                let (s, st) = self.expr(subject, types);
                let mut ids = Vec::new();
                match st {
                    Type::Choice(c) => {
                        for v in variants {
                            ids.extend(self.variant(c, v));
                        }
                    }
                    Type::Error => {}
                    other => {
                        self.error(
                            Code::WrongType,
                            subject.span,
                            format!("`is` tests a choice; this is {other}"),
                            "not a choice",
                            "compare numbers, dates and texts with `==`".into(),
                        );
                    }
                }
                let kind = NodeKind::Is {
                    subject: Box::new(s),
                    negated: *negated,
                    variants: ids,
                };
                (node(kind), Type::Bool)
            }
            ExprKind::When { arms, otherwise } => {
                let mut typed_arms = Vec::new();
                let (other, mut ty) = self.expr(otherwise, types);
                for (condition, value) in arms {
                    let c = self.expect_type(condition, types, &Type::Bool);
                    let (v, vt) = self.expr(value, types);
                    ty = match types::unify(&ty, &vt) {
                        Some(t) => t,
                        None => self.error(
                            Code::UnitMismatch,
                            value.span,
                            format!("the cases give different kinds of value: {vt} and {ty}"),
                            &format!("this case gives {vt}"),
                            "every case of a `when` must give the same unit".into(),
                        ),
                    };
                    typed_arms.push((c, v));
                }
                (
                    node(NodeKind::When {
                        arms: typed_arms,
                        otherwise: Box::new(other),
                    }),
                    ty,
                )
            }
            ExprKind::Table(entries) => self.table(span, entries, types),
        }
    }
}

/// True for a percentage, or a table of percentages.
fn is_percentage(ty: &Type) -> bool {
    match ty {
        Type::Number { kind, .. } => *kind == crate::types::NumKind::Percent,
        Type::Table { value, .. } => is_percentage(value),
        _ => false,
    }
}

/// True if a value of type `found` may stand where `expected` is declared.
fn fits(expected: &Type, found: &Type) -> bool {
    match (expected, found) {
        (Type::Error, _) | (_, Type::Error) => true,
        (Type::Number { dim: a, .. }, Type::Number { dim: b, .. }) => a == b,
        (Type::Table { key: k1, value: v1 }, Type::Table { key: k2, value: v2 }) => {
            k1 == k2 && fits(v1, v2)
        }
        (Type::Series(a), Type::Series(b)) => fits(a, b),
        (a, b) => a == b,
    }
}

/// True where a percentage is expected and a plain number is given: the same
/// dimension, but `0.97` is not `97 %`.
fn percent_for_number(expected: &Type, found: &Type) -> bool {
    use crate::types::NumKind;
    match (expected, found) {
        (Type::Table { value: a, .. }, Type::Table { value: b, .. })
        | (Type::Series(a), Type::Series(b)) => percent_for_number(a, b),
        (
            Type::Number {
                kind: NumKind::Percent,
                ..
            },
            Type::Number {
                kind: NumKind::Plain | NumKind::Integer,
                ..
            },
        ) => true,
        _ => false,
    }
}

/// A literal 0, which reads the same as a number or a percentage.
fn is_zero(node: &Node) -> bool {
    matches!(node.kind, NodeKind::Number(n) if n.is_zero())
}

fn numeric(ty: &Type) -> bool {
    match ty {
        Type::Table { value, .. } => numeric(value),
        t => t.is_number(),
    }
}
