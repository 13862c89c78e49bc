//! An override keeps the unit of what it overrides.
//!
//! An override that writes a rate without `%` would replace a percentage with a
//! plain number and multiply every pension by a hundred; the base's rules were
//! written for a percentage. So an override's type is compared with the type of the
//! declaration it replaces, and a different unit is an error at the overriding line.

use crate::diagnostic::{Code, Diagnostic};
use crate::span::{Sources, Span};
use crate::types::{NumKind, Type};

use super::merge::{Merged, ValueDecl};
use super::typing::Typer;

/// Reports every override whose unit differs from the declaration it replaces.
pub(super) fn keep_units(merged: &Merged, types: &[Type], sources: &Sources, typer: &mut Typer) {
    for (i, &(slot, replaced)) in merged.replaced.iter().enumerate() {
        // Through a chain of bases, the nearest base's declaration is the one to compare.
        if merged.replaced[i + 1..].iter().any(|&(s, _)| s == slot) {
            continue;
        }
        let Some(new) = merged.values.get(slot) else {
            continue;
        };
        let Some(new_type) = types.get(slot) else {
            continue;
        };
        let before = typer.diagnostics().len();
        let old_type = match replaced {
            ValueDecl::Input(input) => typer.declared_type(&input.ty),
            ValueDecl::Value(value) => typer.expr(&value.expr, types).1,
            // A reading is a choice: its alternatives may change.
            ValueDecl::Reading(_) => continue,
        };
        // The base's formula, typed again among the overrides, may trip over them;
        // that is not this file's mistake.
        typer.diagnostics().truncate(before);
        if same_unit(&old_type, new_type) {
            continue;
        }
        let name = &new.name().text;
        let help = match (percent(&old_type), literal_number(new, sources)) {
            (true, Some(number)) => format!(
                "write `{number} %`: the base's `{name}` is a percentage, and its rules use it as one"
            ),
            _ => format!(
                "an override keeps the unit of what it overrides: write {old_type} here, or give the new rule a name of its own"
            ),
        };
        typer.diagnostics().push(
            Diagnostic::error(
                Code::UnitMismatch,
                format!("`{name}` overrides {old_type} with {new_type}"),
            )
            .label(sources, span_of(new), format!("this is {new_type}"))
            .label(
                sources,
                replaced.name().span,
                format!("the base declares {old_type}"),
            )
            .help(help),
        );
    }
}

/// True if a value of type `new` can stand where the base used `old`: the same
/// dimension, a percentage for a percentage, a year for a year, the same keys.
fn same_unit(old: &Type, new: &Type) -> bool {
    match (old, new) {
        (Type::Error, _) | (_, Type::Error) => true,
        (Type::Number { dim: d1, kind: k1 }, Type::Number { dim: d2, kind: k2 }) => {
            let is = |k: &NumKind, what: NumKind| *k == what;
            d1 == d2
                && is(k1, NumKind::Percent) == is(k2, NumKind::Percent)
                && is(k1, NumKind::Year) == is(k2, NumKind::Year)
        }
        (Type::Table { key: k1, value: v1 }, Type::Table { key: k2, value: v2 }) => {
            k1 == k2 && same_unit(v1, v2)
        }
        (Type::Series(a), Type::Series(b)) => same_unit(a, b),
        (Type::Choice(_), Type::Choice(_)) => true,
        (a, b) => a == b,
    }
}

fn percent(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Number {
            kind: NumKind::Percent,
            ..
        }
    )
}

/// The number an override is written as, if it is a bare literal (`= 12.5`).
fn literal_number(decl: &ValueDecl, sources: &Sources) -> Option<String> {
    let ValueDecl::Value(value) = decl else {
        return None;
    };
    let text = sources.slice(value.expr.span).trim().to_string();
    let numeric = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '_');
    numeric.then_some(text)
}

/// Where the overriding declaration's type or formula is written.
fn span_of(decl: &ValueDecl) -> Span {
    match decl {
        ValueDecl::Input(input) => input.ty.span,
        ValueDecl::Value(value) => value.expr.span,
        ValueDecl::Reading(reading) => reading.span,
    }
}
