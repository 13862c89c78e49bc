//! Where each name stands in a rule file, and what it names there: the index that go to
//! definition, find references, hover and renaming-free navigation work from.

use std::ops::Range;

use dsl::ast::{self, Declaration, Expr, ExprKind, MessagePart, ScalarTypeExpr, TypeExprKind};

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    /// An input, param, define or reading: a value formulas use.
    Value,
    /// A name in a formula: a value, or a variant of a choice (`given kind = shelter`).
    ValueOrVariant,
    Part,
    Check,
    /// A variant of a choice (`one of a, b`) or an alternative of a reading.
    Variant,
    /// A builtin function.
    Function,
}

/// One name in the text.
#[derive(Debug, Clone)]
pub struct Occurrence {
    pub name: String,
    pub range: Range<usize>,
    pub space: Space,
    /// The declaration of the name (not a use of it); an `override` is both.
    pub declares: bool,
    /// Declared with `override`: it also stands for the base's declaration.
    pub overrides: bool,
}

/// Every name of a file, in the order of the text.
pub fn occurrences(file: &ast::File) -> Vec<Occurrence> {
    let mut found = Names(Vec::new());
    for declaration in &file.declarations {
        found.declaration(declaration);
    }
    found.0.sort_by_key(|o| o.range.start);
    found.0
}

struct Names(Vec<Occurrence>);

impl Names {
    fn add(&mut self, name: &ast::Name, space: Space, declares: bool, overrides: bool) {
        self.0.push(Occurrence {
            name: name.text.clone(),
            range: name.span.range(),
            space,
            declares,
            overrides,
        });
    }

    fn uses(&mut self, name: &ast::Name, space: Space) {
        self.add(name, space, false, false);
    }

    fn declaration(&mut self, declaration: &Declaration) {
        match declaration {
            Declaration::Input(input) => {
                self.add(&input.name, Space::Value, true, input.meta.is_override);
                let scalar = match &input.ty.kind {
                    TypeExprKind::Scalar(s) | TypeExprKind::Series(s) => s,
                    TypeExprKind::Table { value, .. } => value,
                };
                if let ScalarTypeExpr::Choice(variants) = scalar {
                    for v in variants {
                        self.add(v, Space::Variant, true, false);
                    }
                }
                if let Some(default) = &input.default {
                    self.expr(default);
                }
            }
            Declaration::Value(value) => {
                self.add(&value.name, Space::Value, true, value.meta.is_override);
                self.expr(&value.expr);
            }
            Declaration::Reading(reading) => {
                self.add(&reading.name, Space::Value, true, reading.meta.is_override);
                for alternative in &reading.alternatives {
                    self.add(&alternative.name, Space::Variant, true, false);
                }
                self.uses(&reading.taken, Space::Variant);
            }
            Declaration::Check(check) => {
                self.add(&check.name, Space::Check, true, check.meta.is_override);
                for part in &check.parts {
                    self.uses(part, Space::Part);
                }
                self.expr(&check.condition);
                for piece in &check.message {
                    if let MessagePart::Figure(figure) = piece {
                        self.expr(figure);
                    }
                }
            }
            Declaration::Part(part) => {
                self.add(&part.name, Space::Part, true, part.meta.is_override);
                for output in &part.outputs {
                    self.uses(output, Space::Value);
                }
            }
            Declaration::Example(example) => {
                for (name, expr) in &example.givens {
                    self.uses(name, Space::Value);
                    self.expr(expr);
                }
                for expect in &example.expects {
                    self.expr(expect);
                }
            }
            Declaration::Cite(cite) => self.uses(&cite.name, Space::Value),
            Declaration::Drop(drop) => {
                let space = match drop.kind.as_str() {
                    "check" => Space::Check,
                    "part" => Space::Part,
                    _ => Space::Value,
                };
                self.uses(&drop.name, space);
            }
        }
    }

    /// The names in a formula; nesting is bounded by the language's bracket limit, and
    /// an operator chain is walked without recursion on its left side.
    fn expr(&mut self, expr: &Expr) {
        let mut current = expr;
        loop {
            match &current.kind {
                ExprKind::Name(name) => self.uses(name, Space::ValueOrVariant),
                ExprKind::Call { function, args } => {
                    self.uses(function, Space::Function);
                    for arg in args {
                        self.expr(arg);
                    }
                }
                ExprKind::Unary(_, inner) => {
                    current = inner;
                    continue;
                }
                ExprKind::Binary(_, left, right)
                | ExprKind::Index(left, right)
                | ExprKind::On(left, right) => {
                    self.expr(right);
                    current = left;
                    continue;
                }
                ExprKind::Is {
                    subject, variants, ..
                } => {
                    for v in variants {
                        self.uses(v, Space::Variant);
                    }
                    current = subject;
                    continue;
                }
                ExprKind::When { arms, otherwise } => {
                    for (condition, value) in arms {
                        self.expr(condition);
                        self.expr(value);
                    }
                    current = otherwise;
                    continue;
                }
                ExprKind::Table(entries) => {
                    for (_, _, value) in entries {
                        self.expr(value);
                    }
                }
                ExprKind::Number(..)
                | ExprKind::Date(_)
                | ExprKind::Bool(_)
                | ExprKind::Text(_) => {}
            }
            return;
        }
    }
}

/// The occurrence at a byte offset (a cursor just after a name is on it).
pub fn at(occurrences: &[Occurrence], offset: usize) -> Option<&Occurrence> {
    let after = occurrences.partition_point(|o| o.range.start <= offset);
    occurrences[..after]
        .iter()
        .rev()
        .find(|o| o.range.start <= offset && offset <= o.range.end)
}

/// True if two occurrences can name the same thing.
pub fn same_space(a: Space, b: Space) -> bool {
    use Space::*;
    match (a, b) {
        (ValueOrVariant, Value | Variant | ValueOrVariant) => true,
        (Value | Variant, ValueOrVariant) => true,
        (a, b) => a == b,
    }
}
