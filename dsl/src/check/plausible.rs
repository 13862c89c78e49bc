//! Plausible ranges of inputs: `between 50 % and 110 %`, `at least 1`.
//!
//! A bound is a literal in the input's own unit — a percentage for a percentage, an
//! amount for an amount, a date for a date — so the range itself cannot be the slip it
//! is meant to catch. The engine tests every figure an input file gives against it.

use crate::ast::{self, Expr};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{Bound, Node, NodeKind, PlausibleRange};
use crate::span::Sources;
use crate::types::{NumKind, Type};

use super::typing::Typer;

/// The checked range of an input of type `ty`, or `None` after reporting why not.
pub(super) fn range(
    plausible: &ast::Plausible,
    ty: &Type,
    sources: &Sources,
    typer: &mut Typer,
) -> Option<PlausibleRange> {
    let scalar = innermost(ty);
    if !matches!(scalar, Type::Number { .. } | Type::Date | Type::Error) {
        typer.diagnostics().push(
            Diagnostic::error(Code::WrongType, format!("{scalar} has no plausible range"))
                .label(sources, plausible.span, "a range is for numbers and dates")
                .help("remove the range; a yes/no, a text or a choice is checked by its type"),
        );
        return None;
    }
    let mut bound = |expr: &Option<Expr>| -> Result<Option<Bound>, ()> {
        let Some(expr) = expr else { return Ok(None) };
        let (node, found) = typer.expr(expr, &[]);
        let value = match node.kind {
            NodeKind::Number(n) => Some(Bound::Number(n)),
            NodeKind::Date(d) => Some(Bound::Date(d)),
            NodeKind::Unary(_, inner) => match inner.kind {
                NodeKind::Number(n) => Some(Bound::Number(-n)),
                _ => None,
            },
            _ => None,
        };
        match (value, agrees(scalar, &found)) {
            (Some(value), Ok(())) => Ok(Some(value)),
            (value, result) => {
                let help = result.err().filter(|_| value.is_some()).unwrap_or_default();
                let help = if help.is_empty() {
                    format!("write the bound as {scalar}")
                } else {
                    help
                };
                typer.diagnostics().push(
                    Diagnostic::error(
                        Code::UnitMismatch,
                        format!("a bound of {found} for an input of {scalar}"),
                    )
                    .label(sources, expr.span, format!("this is {found}"))
                    .help(help),
                );
                Err(())
            }
        }
    };
    let (Ok(low), Ok(high)) = (bound(&plausible.low), bound(&plausible.high)) else {
        return None;
    };
    if let (Some(l), Some(h)) = (&low, &high) {
        if l > h {
            typer.diagnostics().push(
                Diagnostic::error(
                    Code::WrongArguments,
                    "the range is empty: its low bound is above its high bound",
                )
                .label(sources, plausible.span, "low above high")
                .help("write the lower bound first: `between LOW and HIGH`"),
            );
            return None;
        }
    }
    Some(PlausibleRange {
        low,
        high,
        warning: plausible.warning,
        span: plausible.span,
        shown: sources.slice(plausible.span).trim().to_string(),
    })
}

/// The type of one figure of an input: the entries of a table, the points of a series.
fn innermost(ty: &Type) -> &Type {
    match ty {
        Type::Table { value, .. } | Type::Series(value) => innermost(value),
        t => t,
    }
}

/// Whether a bound of type `found` suits an input of type `scalar`: the same unit,
/// and a percentage only for a percentage (`50 %`, never `0.5`).
fn agrees(scalar: &Type, found: &Type) -> Result<(), String> {
    match (scalar, found) {
        (Type::Date, Type::Date) | (Type::Error, _) | (_, Type::Error) => Ok(()),
        (Type::Number { dim: a, kind: ka }, Type::Number { dim: b, kind: kb }) if a == b => {
            match (ka == &NumKind::Percent, kb == &NumKind::Percent) {
                (true, false) => Err(String::from(
                    "the input is a percentage: write the bound with %, e.g. `50 %`",
                )),
                (false, true) => Err(String::from(
                    "the input is not a percentage: write the bound without %",
                )),
                _ => Ok(()),
            }
        }
        _ => Err(String::new()),
    }
}

/// A worked example's given figure for an input, outside the input's plausible range:
/// the figure as a [`Bound`], if the given is a literal (or a table of literals) and
/// one of its figures lies outside.
pub(super) fn given_outside(range: &PlausibleRange, node: &Node) -> Option<Bound> {
    // Only a figure of the range's own kind is tested (a series' `complete_until`
    // date is no percentage).
    let same_kind = |a: &Bound, b: &Bound| std::mem::discriminant(a) == std::mem::discriminant(b);
    let outside = |b: Bound| {
        let below = range
            .low
            .as_ref()
            .is_some_and(|l| same_kind(l, &b) && b < *l);
        let above = range
            .high
            .as_ref()
            .is_some_and(|h| same_kind(h, &b) && b > *h);
        (below || above).then_some(b)
    };
    match &node.kind {
        NodeKind::Number(n) => outside(Bound::Number(*n)),
        NodeKind::Date(d) => outside(Bound::Date(*d)),
        NodeKind::Unary(_, inner) => match inner.kind {
            NodeKind::Number(n) => outside(Bound::Number(-n)),
            _ => None,
        },
        NodeKind::Table(entries) => entries.iter().find_map(|(_, v)| given_outside(range, v)),
        _ => None,
    }
}
