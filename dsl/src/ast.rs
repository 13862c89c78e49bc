//! The syntax tree of one rule file.
//!
//! The AST is what the analyst wrote, nothing more: names are still strings,
//! nothing is resolved and no type is known. It exists so that the parser
//! (the only code that sees pest) and the checker (which resolves names,
//! units and the base agreement) can be written separately. Every node keeps
//! the [`Span`] of its text, because every diagnostic the checker emits points
//! at the exact place an analyst must edit.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::span::Span;

/// A name as written, with its place in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A parsed rule file: its header and its declarations in file order.
#[derive(Debug, Clone)]
pub struct File {
    pub header: Header,
    pub declarations: Vec<Declaration>,
}

/// `agreement "name" extends "base" source "..." valid from D to D`.
#[derive(Debug, Clone)]
pub struct Header {
    pub name: String,
    pub name_span: Span,
    pub extends: Option<(String, Span)>,
    pub source: Option<String>,
    pub valid: Option<(NaiveDate, NaiveDate)>,
}

/// What every named declaration may carry besides its body.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// `[§5.6]`: the section of the agreement the rule comes from.
    pub citation: Option<String>,
    /// `"Døgntakst"`: the name shown in tables.
    pub label: Option<String>,
    /// Marked `override`: replaces the base agreement's declaration.
    pub is_override: bool,
}

/// One top-level declaration.
#[derive(Debug, Clone)]
pub enum Declaration {
    Input(Input),
    Value(Value),
    Check(Check),
    Part(Part),
    Example(Example),
    /// `cite name [§] "label"`: a base's value, cited by this agreement.
    Cite(Cite),
    /// `reading name [§] "label": a … b … taken a`: an ambiguous passage as a switch.
    Reading(Reading),
    /// `drop check name "why"`: a base's rule this agreement does not have.
    Drop(Drop),
}

/// `drop check overhead_within_cap "the agreement sets no cap"`.
#[derive(Debug, Clone)]
pub struct Drop {
    /// `input`, `param`, `define`, `reading`, `check` or `part`.
    pub kind: String,
    pub name: Name,
    pub reason: Option<String>,
    pub span: Span,
}

/// `reading notice [§] "label": one_month [§] "…" current_month [§] "…" taken one_month "why"`.
///
/// Where the agreement's text admits several readings, the rule file names them
/// all, each with the section it rests on, and says which one it takes and why.
#[derive(Debug, Clone)]
pub struct Reading {
    pub name: Name,
    pub meta: Meta,
    pub alternatives: Vec<Alternative>,
    pub taken: Name,
    /// Why this reading is taken.
    pub reason: Option<String>,
    pub span: Span,
}

/// One alternative of a [`Reading`].
#[derive(Debug, Clone)]
pub struct Alternative {
    pub name: Name,
    pub citation: Option<String>,
    pub label: Option<String>,
}

/// `cite capital [§5.4] "C. Kapitalomkostninger"`.
#[derive(Debug, Clone)]
pub struct Cite {
    pub name: Name,
    pub meta: Meta,
    pub span: Span,
}

/// `input places: number`: a figure the user supplies per offer.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: Name,
    pub meta: Meta,
    pub ty: TypeExpr,
    /// `gathered gross_budget over rows of the same operator`: a table built from
    /// the rows of a tariff file.
    pub gathered: Option<Gathering>,
    /// `between 50 % and 110 %`: where the input's figures plausibly lie.
    pub plausible: Option<Box<Plausible>>,
    pub default: Option<Expr>,
    pub span: Span,
}

/// `gathered gross_budget over rows of the same operator`: an input table whose
/// entries are the rows of a tariff file in the same group as the row evaluated,
/// each keyed by its row's name and holding that row's `value`.
#[derive(Debug, Clone)]
pub struct Gathering {
    /// The figure each row gives (an input or a formula of the row).
    pub value: Name,
    /// The text input whose equal values make a group (`operator`).
    pub group: Name,
    pub span: Span,
}

/// The range an input's figures plausibly lie in (`between 50 % and 110 %`, `at least
/// 1`, `at most 25 % else warning`). Each bound is a literal in the input's unit.
#[derive(Debug, Clone)]
pub struct Plausible {
    pub low: Option<Expr>,
    pub high: Option<Expr>,
    /// `else warning`: a figure outside is a warning, not an error.
    pub warning: bool,
    pub span: Span,
}

/// Whether a value is a fixed figure of the agreement or a formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// `param`: a figure of the agreement; may not depend on inputs.
    Param,
    /// `define`: a formula over inputs, parameters and other definitions.
    Define,
}

/// `param x = …` or `define x = …`.
#[derive(Debug, Clone)]
pub struct Value {
    pub kind: ValueKind,
    pub name: Name,
    pub meta: Meta,
    pub expr: Expr,
    pub span: Span,
}

/// How serious a failed check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

/// `check name [§]: condition else error "message"`.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: Name,
    pub meta: Meta,
    /// `for notice, bill`: the parts the check belongs to (every part that computes
    /// what it uses, if none are named).
    pub parts: Vec<Name>,
    pub condition: Expr,
    pub severity: Severity,
    pub message: Vec<MessagePart>,
    pub span: Span,
}

/// A piece of a check's message: text, or a figure written in braces.
#[derive(Debug, Clone)]
pub enum MessagePart {
    Text(String),
    /// `{overhead_rate}`: shown with its unit when the check fails.
    Figure(Expr),
}

/// `part tariff "Døgntakst": a, b, c`: a named set of results.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: Name,
    pub meta: Meta,
    pub outputs: Vec<Name>,
    pub span: Span,
}

/// A worked example the tool verifies.
#[derive(Debug, Clone)]
pub struct Example {
    pub title: String,
    pub title_span: Span,
    pub citation: Option<String>,
    pub givens: Vec<(Name, Expr)>,
    pub expects: Vec<Expr>,
    pub span: Span,
}

/// A type as written in an input declaration.
#[derive(Debug, Clone)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

/// The shapes a declared type can take.
#[derive(Debug, Clone)]
pub enum TypeExprKind {
    Scalar(ScalarTypeExpr),
    /// `percent per year`, `money per municipality`; `money per year per offer`
    /// is a table per offer of tables per year (keys innermost first).
    Table {
        value: ScalarTypeExpr,
        keys: Vec<Name>,
    },
    /// `series of percent`.
    Series(ScalarTypeExpr),
}

/// A single-valued type as written.
#[derive(Debug, Clone)]
pub enum ScalarTypeExpr {
    /// `money`, `percent`, …, as the keyword was written.
    Basic(String),
    /// `one of children, adults, shelter`.
    Choice(Vec<Name>),
}

/// An expression with its span.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// The unit written after a number literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiteralUnit {
    None,
    Percent,
    /// `kr`, `kr/day`, `hours/week`, …: a quantity of this dimension.
    Quantity(crate::types::Dimension),
}

/// A key of a table literal.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyLiteral {
    Integer(i64),
    Text(String),
    Date(NaiveDate),
}

/// Operators with two operands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinaryOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Equal,
    NotEqual,
    And,
    Or,
    /// `table where condition`
    Where,
    /// `table each formula`
    Each,
}

impl BinaryOp {
    /// True for `<`, `<=`, `>`, `>=`, `==` and `!=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Less
                | BinaryOp::LessEq
                | BinaryOp::Greater
                | BinaryOp::GreaterEq
                | BinaryOp::Equal
                | BinaryOp::NotEqual
        )
    }
}

/// Operators with one operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnaryOp {
    Negate,
    Not,
}

/// The expression forms of the language.
#[derive(Debug, Clone)]
pub enum ExprKind {
    Number(Decimal, LiteralUnit),
    Date(NaiveDate),
    Bool(bool),
    Text(String),
    Name(Name),
    Call {
        function: Name,
        args: Vec<Expr>,
    },
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `table[key]`
    Index(Box<Expr>, Box<Expr>),
    /// `series on date`
    On(Box<Expr>, Box<Expr>),
    /// `choice is a` / `choice is not (a, b)`
    Is {
        subject: Box<Expr>,
        negated: bool,
        variants: Vec<Name>,
    },
    /// `when c then x … otherwise y` (and `if c then x else y`)
    When {
        arms: Vec<(Expr, Expr)>,
        otherwise: Box<Expr>,
    },
    /// `{ key: value, … }`
    Table(Vec<(KeyLiteral, Span, Expr)>),
}
