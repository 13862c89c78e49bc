//! Readings: the agreement's ambiguous passages as named switches.
//!
//! A `reading` is a constant of a choice type whose choices are its alternatives;
//! its value is the alternative taken. Formulas test it with `is`, so everything
//! that depends on it is ordinary checked code, and switching it (from the command
//! line) changes one constant and nothing else.

use crate::ast::{self, Name, ScalarTypeExpr, TypeExpr, TypeExprKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{AlternativeRule, Node, NodeKind, ReadingRule, SlotId};
use crate::span::Sources;
use crate::types::Type;

use super::typing::Typer;

/// The choice type of a reading: one of its alternatives.
pub(super) fn declared_type(reading: &ast::Reading, typer: &mut Typer) -> Type {
    let alternatives = reading.alternatives.iter().map(|a| a.name.clone());
    typer.declared_type(&TypeExpr {
        kind: TypeExprKind::Scalar(ScalarTypeExpr::Choice(alternatives.collect())),
        span: reading.span,
    })
}

/// The reading's value (the alternative taken), reporting a reading that cannot be
/// taken: fewer than two alternatives, or `taken` naming none of them.
pub(super) fn taken(
    reading: &ast::Reading,
    sources: &Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Node {
    if reading.alternatives.len() < 2 {
        diagnostics.push(
            Diagnostic::error(
                Code::OneReading,
                format!(
                    "the reading `{}` has {} alternative",
                    reading.name.text,
                    reading.alternatives.len()
                ),
            )
            .label(
                sources,
                reading.name.span,
                "a reading needs two or more alternatives",
            )
            .help(
                "list every reading the text admits, each with its section; a passage with one \
                 reading is a `param`",
            ),
        );
    }
    let index = position(reading, &reading.taken).unwrap_or_else(|| {
        let names: Vec<&str> = alternative_names(reading).collect();
        let help = super::did_you_mean(
            &reading.taken.text,
            names.iter().copied(),
            &format!("take one of the alternatives: {}", names.join(", ")),
        );
        diagnostics.push(
            Diagnostic::error(
                Code::UnknownVariant,
                format!(
                    "the reading `{}` takes `{}`, which is not one of its alternatives",
                    reading.name.text, reading.taken.text
                ),
            )
            .label(
                sources,
                reading.taken.span,
                "not an alternative of this reading",
            )
            .help(help),
        );
        0
    });
    Node {
        kind: NodeKind::Choice(index),
        span: reading.taken.span,
    }
}

/// The reading as the program lists it.
pub(super) fn rule(reading: &ast::Reading, slot: SlotId) -> ReadingRule {
    let taken = position(reading, &reading.taken).unwrap_or(0);
    ReadingRule {
        name: reading.name.text.clone(),
        slot,
        label: reading.meta.label.clone(),
        citation: reading.meta.citation.clone(),
        alternatives: reading
            .alternatives
            .iter()
            .map(|a| AlternativeRule {
                name: a.name.text.clone(),
                label: a.label.clone(),
                citation: a.citation.clone(),
            })
            .collect(),
        taken,
        chosen: taken,
        reason: reading.reason.clone(),
        span: reading.span,
    }
}

fn position(reading: &ast::Reading, name: &Name) -> Option<u32> {
    alternative_names(reading)
        .position(|a| a == name.text)
        .map(|i| i as u32)
}

fn alternative_names(reading: &ast::Reading) -> impl Iterator<Item = &str> {
    reading.alternatives.iter().map(|a| a.name.text.as_str())
}
