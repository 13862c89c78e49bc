//! Inputs gathered across the rows of a tariff file:
//! `input operator_gross_budgets: money per offer gathered gross_budget over rows of the same operator`.
//!
//! The declaration names what each row gives (`gross_budget`, an input or a
//! formula of the row) and what makes rows a group (`operator`, a text input).
//! Checked here: the input is a table by name of the figure's own type, the group
//! is a text input, and the figure does not itself use a gathered table — each
//! row's figure must be known before any row's table is.

use std::collections::HashMap;

use super::merge;
use crate::ast;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{Gathered, Slot, SlotId, SlotRule};
use crate::span::Sources;
use crate::suggest::closest;
use crate::types::{KeyType, Type};

/// Sets `Slot::gathered` on every input declared `gathered … over rows of the same …`;
/// reports what is wrong with each declaration.
pub(super) fn resolve(
    values: &[merge::ValueDecl],
    names: &HashMap<String, SlotId>,
    slots: &mut [Slot],
    sources: &Sources,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut found = Vec::new();
    for (i, decl) in values.iter().enumerate() {
        let merge::ValueDecl::Input(input) = decl else {
            continue;
        };
        let Some(gathering) = &input.gathered else {
            continue;
        };
        if let Some(gathered) = one(input, gathering, names, slots, sources, diagnostics) {
            found.push((i, gathered));
        }
    }
    for (i, gathered) in found {
        slots[i].gathered = Some(gathered);
    }
    // A row's figure must not need a gathered table: every row's figure is needed
    // before any row's table can be made.
    let gathered: Vec<SlotId> = (0..slots.len() as SlotId)
        .filter(|&s| slots[s as usize].gathered.is_some())
        .collect();
    for &input in &gathered {
        let Some(g) = slots[input as usize].gathered.clone() else {
            continue;
        };
        if let Some(used) = uses_any(slots, g.value, &gathered) {
            let (name, figure, table) = (
                &slots[input as usize].name,
                &slots[g.value as usize].name,
                &slots[used as usize].name,
            );
            diagnostics.push(
                Diagnostic::error(
                    Code::Cycle,
                    format!("`{name}` is gathered from `{figure}`, which uses the gathered table `{table}`"),
                )
                .label(sources, g.span, "gathered here")
                .help(format!(
                    "each row's `{figure}` must be known before any row's table is made: gather a figure computed from the row's own inputs"
                )),
            );
        }
    }
}

/// One declaration: its figure and group resolved and checked.
fn one(
    input: &ast::Input,
    gathering: &ast::Gathering,
    names: &HashMap<String, SlotId>,
    slots: &[Slot],
    sources: &Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Gathered> {
    let table = &input.name.text;
    let entry = match &slots[*names.get(table)? as usize].ty {
        Type::Table {
            key: KeyType::Label,
            value,
        } if !matches!(**value, Type::Table { .. }) => (**value).clone(),
        Type::Error => return None,
        ty => {
            diagnostics.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("`{table}` is {ty}; a gathered table holds one figure per row, keyed by the rows' names"),
                )
                .label(sources, input.span, "gathered here")
                .help(format!(
                    "declare it as a table by name: `input {table}: money per offer gathered …`"
                )),
            );
            return None;
        }
    };
    let value = resolve_name(&gathering.value, names, slots, sources, diagnostics, false)?;
    let group = resolve_name(&gathering.group, names, slots, sources, diagnostics, true)?;
    let figure = &slots[value as usize];
    if figure.ty != entry && figure.ty != Type::Error && entry != Type::Error {
        diagnostics.push(
            Diagnostic::error(
                Code::UnitMismatch,
                format!(
                    "`{table}` holds {entry}, but each row's `{}` is {}",
                    figure.name, figure.ty
                ),
            )
            .label(sources, gathering.value.span, format!("{}", figure.ty))
            .help(format!(
                "gather a figure of the table's type, or declare `{table}` as `{} per …`",
                figure.ty
            )),
        );
        return None;
    }
    Some(Gathered {
        value,
        group,
        span: gathering.span,
    })
}

/// The slot a name of a gathering names; a group must be a text input.
fn resolve_name(
    name: &ast::Name,
    names: &HashMap<String, SlotId>,
    slots: &[Slot],
    sources: &Sources,
    diagnostics: &mut Vec<Diagnostic>,
    group: bool,
) -> Option<SlotId> {
    let Some(&slot) = names.get(&name.text) else {
        let help = match closest(&name.text, names.keys().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None if group => String::from(
                "declare the column that names each row's group: `input operator \"Driftsherre\": text`",
            ),
            None => String::from("name an input or a definition of the agreement"),
        };
        diagnostics.push(
            Diagnostic::error(Code::UnknownName, format!("unknown name `{}`", name.text))
                .label(sources, name.span, "not declared")
                .help(help),
        );
        return None;
    };
    let s = &slots[slot as usize];
    let text_input = matches!(s.rule, SlotRule::Input { .. }) && s.ty == Type::Text;
    if group && !text_input && s.ty != Type::Error {
        diagnostics.push(
            Diagnostic::error(
                Code::WrongType,
                format!("the rows are grouped by `{}`, which is not a text input", name.text),
            )
            .label(sources, name.span, "a group is named by a text input")
            .help(format!(
                "group by an input of type text, given in a column of the tariff file: `input {}: text`",
                name.text
            )),
        );
        return None;
    }
    Some(slot)
}

/// The first of `tables` that `slot` uses, directly or through other slots.
fn uses_any(slots: &[Slot], slot: SlotId, tables: &[SlotId]) -> Option<SlotId> {
    let mut seen = vec![false; slots.len()];
    let mut stack = vec![slot];
    while let Some(s) = stack.pop() {
        if std::mem::replace(&mut seen[s as usize], true) {
            continue;
        }
        if tables.contains(&s) {
            return Some(s);
        }
        stack.extend(slots[s as usize].uses.iter().copied());
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Code;

    use crate::NoBases;

    /// The codes of the errors of a rule file with these declarations.
    fn codes(declarations: &str) -> Vec<Code> {
        let text =
            format!("agreement \"G\"\ninput operator: text\ninput budget: money\n{declarations}\n");
        match crate::check("g.takst", &text, &NoBases) {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.code)
                .collect(),
        }
    }

    #[test]
    fn a_gathered_table_is_checked_against_its_figure_and_group() {
        let ok = "input budgets: money per offer gathered budget over rows of the same operator";
        assert_eq!(codes(ok), vec![]);
        let by_year =
            "input budgets: money per year gathered budget over rows of the same operator";
        assert_eq!(codes(by_year), vec![Code::WrongType]);
        let percent =
            "input budgets: percent per offer gathered budget over rows of the same operator";
        assert_eq!(codes(percent), vec![Code::UnitMismatch]);
        let by_money =
            "input budgets: money per offer gathered budget over rows of the same budget";
        assert_eq!(codes(by_money), vec![Code::WrongType]);
        let unknown =
            "input budgets: money per offer gathered budgt over rows of the same operator";
        assert_eq!(codes(unknown), vec![Code::UnknownName]);
        // Each row's figure would need every row's table first.
        let circle =
            "input budgets: money per offer gathered share over rows of the same operator\n\
                      define share = sum(budgets)";
        assert_eq!(codes(circle), vec![Code::Cycle]);
    }
}
