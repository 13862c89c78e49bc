//! What the editor shows over a name: the agreement's own words (label, section),
//! the unit, the formula, and the figure it comes to in each worked example of the
//! file.

use dsl::ast::{Declaration, ScalarTypeExpr, TypeExprKind};
use dsl::program::{SlotId, SlotRule};
use dsl::Program;

use super::document::Analysis;
use super::names::{Occurrence, Space};
use crate::render::{format_value, Locale};

/// The longest figure shown for one example (a table of many entries is cut).
const LONGEST_FIGURE: usize = 160;

/// The hover text (markdown) for the name `at`, or `None` for nothing to say.
pub fn hover(analysis: &Analysis, program: Option<&Program>, at: &Occurrence) -> Option<String> {
    if at.space == Space::Function {
        return builtin(&at.name);
    }
    let Some(program) = program else {
        return declared(analysis, at);
    };
    match at.space {
        Space::Value | Space::ValueOrVariant => match program.slot_id(&at.name) {
            Some(slot) => Some(value(program, slot)),
            None => variant(analysis, program, &at.name),
        },
        Space::Variant => variant(analysis, program, &at.name),
        Space::Part => part(program, &at.name),
        Space::Check => check(program, &at.name),
        Space::Function => None,
    }
}

/// Without a checked program (the file has never checked): the declaration as written.
fn declared(analysis: &Analysis, at: &Occurrence) -> Option<String> {
    let location = (analysis.chain.iter()).find_map(|file| {
        let found = (file.names.iter()).find(|o| {
            o.declares && o.name == at.name && super::names::same_space(o.space, at.space)
        })?;
        Some((file, found.range.start))
    })?;
    let (file, at) = location;
    let tree = file.tree.as_ref()?;
    let (meta, span) = tree.declarations.iter().find_map(|d| {
        let (name, meta, span) = match d {
            Declaration::Input(d) => (&d.name, &d.meta, d.span),
            Declaration::Value(d) => (&d.name, &d.meta, d.span),
            Declaration::Reading(d) => (&d.name, &d.meta, d.span),
            Declaration::Check(d) => (&d.name, &d.meta, d.span),
            Declaration::Part(d) => (&d.name, &d.meta, d.span),
            _ => return None,
        };
        (name.span.start as usize == at).then_some((meta, span))
    })?;
    let text: Vec<&str> = (file.text.get(span.range()).unwrap_or("").trim().lines())
        .take(8)
        .collect();
    Some(format!(
        "{}
```takst
{}
```
(the file does not check yet: no unit or figures)",
        heading(
            meta.label.as_deref(),
            &tree_name(file, at),
            meta.citation.as_deref()
        ),
        text.join("\n")
    ))
}

fn tree_name(file: &super::document::ChainFile, at: usize) -> String {
    (file.names.iter())
        .find(|o| o.range.start == at)
        .map(|o| o.name.clone())
        .unwrap_or_default()
}

fn builtin(name: &str) -> Option<String> {
    let (_, _, signature, purpose) = dsl::builtins::BUILTINS.iter().find(|b| b.0 == name)?;
    Some(format!(
        "```takst\n{signature}\n```\n{purpose} — `takst explain {name}`"
    ))
}

/// The heading of a named thing: label, name, section.
fn heading(label: Option<&str>, name: &str, citation: Option<&str>) -> String {
    let mut out = match label {
        Some(label) => format!("**{label}** · `{name}`"),
        None => format!("`{name}`"),
    };
    if let Some(citation) = citation {
        out.push_str(&format!(" · [{citation}]"));
    }
    out
}

fn value(program: &Program, id: SlotId) -> String {
    let slot = program.slot(id);
    let mut out = heading(slot.label.as_deref(), &slot.name, slot.citation.as_deref());
    let kind = match (&slot.rule, slot.formula.starts_with("reading: ")) {
        (SlotRule::Input { .. }, _) => "input",
        (SlotRule::Param(_), true) => "reading",
        (SlotRule::Param(_), false) => "param",
        (SlotRule::Define(_), _) => "define",
    };
    out.push_str(&format!("\n\n{kind} · {}", slot.ty));
    if let Some(range) = &slot.plausible {
        out.push_str(&format!(" · {}", range.shown));
    }
    let formula = match &slot.rule {
        // An input's whole declaration: its type, range and default.
        SlotRule::Input { .. } => program.sources.slice(slot.span).trim().to_string(),
        _ => slot.formula.trim().to_string(),
    };
    out.push_str(&format!("\n```takst\n{formula}\n```"));
    if let Some(reading) = program.readings.iter().find(|r| r.slot == id) {
        for (i, alternative) in reading.alternatives.iter().enumerate() {
            let taken = if i as u32 == reading.taken {
                " (taken)"
            } else {
                ""
            };
            out.push_str(&format!(
                "\n- `{}`{taken}: {} {}",
                alternative.name,
                alternative.label.as_deref().unwrap_or(""),
                alternative
                    .citation
                    .as_deref()
                    .map(|c| format!("[{c}]"))
                    .unwrap_or_default()
            ));
        }
        if let Some(reason) = &reading.reason {
            out.push_str(&format!("\n\nwhy: {reason}"));
        }
    }
    out.push_str(&examples(program, id));
    out
}

/// The figure of a slot in each worked example that computes it.
fn examples(program: &Program, id: SlotId) -> String {
    if program.examples.is_empty() {
        return String::new();
    }
    let slot = program.slot(id);
    let mut shown = Vec::new();
    let mut not_computed = 0;
    for example in &program.examples {
        match engine::examples::value_in(program, example, id) {
            Ok(value) if !matches!(value, engine::Value::Unset) => {
                let mut figure = format_value(&value, &slot.ty, program, Locale::Da);
                if figure.chars().count() > LONGEST_FIGURE {
                    figure = figure.chars().take(LONGEST_FIGURE).collect::<String>() + " …";
                }
                shown.push(format!("- {}: **{figure}**", example.title));
            }
            _ => not_computed += 1,
        }
    }
    let mut out = String::new();
    if !shown.is_empty() {
        out.push_str("\n\nIn the worked examples:\n");
        out.push_str(&shown.join("\n"));
    }
    if not_computed > 0 {
        let other = if shown.is_empty() { "" } else { "other " };
        out.push_str(&format!(
            "\n\n(the {other}{not_computed} example(s) do not give all it needs)"
        ));
    }
    out
}

fn variant(analysis: &Analysis, program: &Program, name: &str) -> Option<String> {
    // An alternative of a reading: its words and section.
    for reading in &program.readings {
        if let Some((i, alternative)) =
            (reading.alternatives.iter().enumerate()).find(|(_, a)| a.name == name)
        {
            let taken = match i as u32 == reading.taken {
                true => "the reading taken",
                false => "not the reading taken",
            };
            return Some(format!(
                "{}\n\nan alternative of the reading `{}` ({taken})",
                heading(
                    alternative.label.as_deref(),
                    name,
                    alternative.citation.as_deref()
                ),
                reading.name
            ));
        }
    }
    // A variant of a choice: the inputs whose type it is one of.
    let choices: Vec<String> = (program.choices.iter())
        .filter(|c| c.iter().any(|v| v == name))
        .map(|c| c.join(", "))
        .collect();
    let declared: Vec<String> = (analysis.chain.iter())
        .flat_map(|f| f.tree.iter().flat_map(|t| t.declarations.iter()))
        .filter_map(|d| match d {
            dsl::ast::Declaration::Input(input) => {
                let (TypeExprKind::Scalar(scalar)
                | TypeExprKind::Series(scalar)
                | TypeExprKind::Table { value: scalar, .. }) = &input.ty.kind;
                let ScalarTypeExpr::Choice(variants) = scalar else {
                    return None;
                };
                (variants.iter().any(|v| v.text == name)).then(|| input.name.text.clone())
            }
            _ => None,
        })
        .collect();
    if choices.is_empty() {
        return None;
    }
    let mut out = format!("`{name}`: a variant of one of {}", choices.join(" / "));
    if !declared.is_empty() {
        out.push_str(&format!(" (`{}`)", declared.join("`, `")));
    }
    Some(out)
}

fn part(program: &Program, name: &str) -> Option<String> {
    let part = program.part(name)?;
    let outputs: Vec<&str> = (part.outputs.iter())
        .map(|&s| program.slot(s).name.as_str())
        .collect();
    Some(format!(
        "{}\n\npart · {} result(s): {}",
        heading(part.label.as_deref(), name, part.citation.as_deref()),
        outputs.len(),
        outputs.join(", ")
    ))
}

fn check(program: &Program, name: &str) -> Option<String> {
    let check = program.checks.iter().find(|c| c.name == name)?;
    let severity = match check.severity {
        dsl::ast::Severity::Error => "error",
        dsl::ast::Severity::Warning => "warning",
    };
    let mut out = format!(
        "{}\n\ncheck · else {severity}: \"{}\"",
        heading(None, name, check.citation.as_deref()),
        check.message
    );
    if !check.parts.is_empty() {
        out.push_str(&format!("\n\nfor: {}", check.parts.join(", ")));
    }
    Some(out)
}
