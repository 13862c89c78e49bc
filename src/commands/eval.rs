//! `takst eval` and `takst run`: one part of one agreement on one input file.

use std::path::Path;

use dsl::program::{MessagePiece, PartRule, SlotId};
use dsl::types::Type;
use dsl::{Code, Diagnostic, Level, Program};
use engine::{Evaluation, Inputs, Value};
use serde_json::{json, Map, Value as Json};

use super::{load_inputs, load_program, readings, InputFile, Outcome};
use crate::render::{csv, format_value, matrix, Locale, Table};
use crate::{Format, Output};

/// A part evaluated on an input file.
pub struct Evaluated {
    pub program: Program,
    pub part: usize,
    pub inputs: Inputs,
    pub evaluation: Evaluation,
    /// Failed warning checks and likely misspelt input fields.
    pub warnings: Vec<Diagnostic>,
}

impl Evaluated {
    pub fn part(&self) -> &PartRule {
        &self.program.parts[self.part]
    }

    pub fn value(&self, slot: SlotId) -> &Value {
        &self.evaluation.values[slot as usize]
    }
}

/// Evaluates the part numbered `index` of `program` on an input file.
pub fn evaluate(
    program: Program,
    index: usize,
    input: &InputFile,
    locale: Locale,
) -> Result<Evaluated, Vec<Diagnostic>> {
    let (inputs, mut warnings) = load_inputs(&program, input)?;
    let (evaluation, failed) = engine::run_all(&program, &program.parts[index], &inputs);
    let errors = judge(
        &program,
        &inputs,
        &evaluation,
        failed,
        &input.name,
        &mut warnings,
        locale,
    );
    if !errors.is_empty() {
        return Err(errors.into_iter().chain(warnings).collect());
    }
    Ok(Evaluated {
        program,
        part: index,
        inputs,
        evaluation,
        warnings,
    })
}

/// The index of the part named `part`, or a diagnostic naming the parts there are.
pub fn find_part(program: &Program, part: &str) -> Result<usize, Vec<Diagnostic>> {
    program
        .parts
        .iter()
        .position(|p| p.name == part)
        .ok_or_else(|| {
            let known: Vec<&str> = program.parts.iter().map(|p| p.name.as_str()).collect();
            vec![Diagnostic::error(
                Code::UnknownPart,
                format!("{} has no part `{part}`", program.agreement.name),
            )
            .help(if known.is_empty() {
                String::from("this agreement declares no parts; it may be a base for others")
            } else {
                format!("its parts are: {}", known.join(", "))
            })]
        })
}

/// The errors of an evaluation of the figures in `what`: the checks that failed
/// and, if none did, the result that failed. Failed warning checks are added to
/// `warnings`.
pub fn judge(
    program: &Program,
    inputs: &Inputs,
    evaluation: &Evaluation,
    failed: Option<engine::EvalError>,
    what: &str,
    warnings: &mut Vec<Diagnostic>,
    locale: Locale,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let findings = match failed {
        // A check that could not be evaluated because a result failed says nothing new.
        Some(_) => (evaluation.findings.iter())
            .filter(|f| f.error.is_none())
            .cloned()
            .collect(),
        None => evaluation.findings.clone(),
    };
    judge_findings(
        program,
        &evaluation.values,
        &findings,
        what,
        (&mut errors, warnings),
        locale,
    );
    // A failed check names the mistake in the input (negative places, a year
    // missing) better than a formula that trips over it, so a result that failed
    // is reported only when no check did. A misspelt field (a warning) often
    // explains a missing input: both are shown.
    if let Some(e) = failed.filter(|_| errors.is_empty()) {
        errors.push(e.to_diagnostic(program, inputs));
    }
    errors
}

/// The failed checks of an evaluation of the figures in `what` (its `values`), as
/// diagnostics: the errors, then the warnings.
pub fn judge_findings(
    program: &Program,
    values: &[Value],
    findings: &[engine::Finding],
    what: &str,
    (errors, warnings): (&mut Vec<Diagnostic>, &mut Vec<Diagnostic>),
    locale: Locale,
) {
    for finding in findings {
        let check = &program.checks[finding.check as usize];
        let citation = check
            .citation
            .as_deref()
            .map(|c| format!(" [{c}]"))
            .unwrap_or_default();
        let d = match &finding.error {
            // A check that cannot be evaluated is reported, never silently passed.
            Some(why) => Diagnostic::warning(
                Code::CheckFailed,
                format!("could not check `{}`{citation}: {}", check.name, why.title),
            )
            .label(
                &program.sources,
                check.span,
                format!("check `{}`", check.name),
            )
            .help(
                why.help
                    .clone()
                    .unwrap_or_else(|| String::from("supply the missing figure")),
            ),
            None => {
                let entries: Vec<String> = finding.entries.iter().map(engine::show_key).collect();
                let message = check_message(program, finding.check, values, locale);
                let title = if entries.is_empty() {
                    format!("{message}{citation}")
                } else {
                    format!("{message}{citation} — for {}", entries.join(", "))
                };
                match check.severity {
                    dsl::program::Severity::Error => Diagnostic::error(Code::CheckFailed, title),
                    dsl::program::Severity::Warning => {
                        Diagnostic::warning(Code::CheckFailed, title)
                    }
                }
                .label(
                    &program.sources,
                    check.span,
                    format!("check `{}`", check.name),
                )
                .help(format!(
                    "the figures in {what} do not meet this rule of the agreement"
                ))
            }
        };
        if d.level == Level::Error {
            errors.push(d);
        } else {
            warnings.push(d);
        }
    }
}

/// A failed check's message with its figures filled in, each with its unit.
pub fn check_message(program: &Program, check: u32, values: &[Value], locale: Locale) -> String {
    let Some(rule) = program.checks.get(check as usize) else {
        return String::new();
    };
    let figures = engine::message_figures(program, check, values);
    // One string, the text pieces copied into it (a message is made for every
    // row a check fails on).
    let mut message = String::with_capacity(rule.message.len() + 16);
    for piece in &rule.pieces {
        match piece {
            MessagePiece::Text(t) => message.push_str(t),
            MessagePiece::Figure(i) => match (figures.get(*i), rule.figures.get(*i)) {
                (Some(Some(value)), Some((_, ty))) => {
                    message.push_str(&format_value(value, ty, program, locale))
                }
                _ => message.push_str("(unknown)"),
            },
        }
    }
    message
}

/// Prints one part's results.
pub fn run(agreement: &str, part: &str, path: &Path, output: &Output) -> Outcome {
    let mut bundled = Vec::new();
    let mut program = load_program(agreement, &mut bundled)?;
    readings::choose(&mut program, &output.readings.choices)?;
    let index = find_part(&program, part)?;
    let input = InputFile::read(path)?;
    let mut e = evaluate(program, index, &input, output.locale)
        .map_err(|e| [e, bundled.clone()].concat())?;
    e.warnings.splice(0..0, bundled);
    match output.format {
        Format::Json => {
            let mut doc = header_json(&e, path);
            if output.explain {
                doc["trace"] = trace_json(&e);
            }
            outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Csv => {
            let header: Vec<String> = ["name", "label", "value", "unit", "section"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let rows: Vec<Vec<String>> = e
                .part()
                .outputs
                .iter()
                .map(|&s| {
                    let slot = e.program.slot(s);
                    vec![
                        slot.name.clone(),
                        slot.label.clone().unwrap_or_default(),
                        exact(e.value(s)),
                        unit(&slot.ty),
                        slot.citation.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            out!("{}", csv(&header, &rows));
        }
        Format::Table => {
            let info = &e.program.agreement;
            outln!("Agreement  {}", info.name);
            if let Some(source) = &info.source {
                outln!("Source     {source}");
            }
            outln!("Input      {}", path.display());
            let part = e.part();
            let label = part
                .label
                .as_deref()
                .map(|l| format!(" — {l}"))
                .unwrap_or_default();
            outln!("Part       {}{label}", part.name);
            for line in readings::in_force(&e.program, part) {
                outln!("Reading    {line}");
            }
            outln!();
            let mut table = Table::new(&["", "value", "section"]);
            table.left = vec![2];
            // Tables of tables (per year per offer) are shown as grids after the rest.
            let mut grids = String::new();
            for &s in &part.outputs {
                let slot = e.program.slot(s);
                let name = slot.label.clone().unwrap_or_else(|| slot.name.clone());
                let citation = slot.citation.clone().unwrap_or_default();
                if let Some(grid) = matrix(e.value(s), &slot.ty, &e.program, output.locale) {
                    let cited = if citation.is_empty() {
                        String::new()
                    } else {
                        format!("  [{citation}]")
                    };
                    grids.push_str(&format!("\n{name}{cited}\n{grid}"));
                    continue;
                }
                match (e.value(s), &slot.ty) {
                    // A table of results: one line per entry under its name.
                    (Value::Table(t), Type::Table { value, .. }) => {
                        table.row(vec![name, String::new(), citation]);
                        for (key, v) in &t.entries {
                            let key = engine::show_key(key).trim_matches('"').to_string();
                            let shown = format_value(v, value, &e.program, output.locale);
                            table.row(vec![format!("  {key}"), shown, String::new()]);
                        }
                    }
                    (v, ty) => {
                        let shown = format_value(v, ty, &e.program, output.locale);
                        table.row(vec![name, shown, citation]);
                    }
                }
            }
            if !table.rows.is_empty() {
                out!("{}", table.render());
            }
            out!(
                "{}",
                grids
                    .strip_prefix('\n')
                    .filter(|_| table.rows.is_empty())
                    .unwrap_or(&grids)
            );
            if output.explain {
                outln!("\nHow each figure was computed:\n");
                out!("{}", explain_text(&e, output));
            }
        }
    }
    Ok(e.warnings)
}

/// The trace as text: each figure, its formula, what it used.
fn explain_text(e: &Evaluated, output: &Output) -> String {
    let trace = engine::trace(&e.program, &e.part().plan, &e.evaluation, &e.inputs);
    let mut out = String::new();
    for step in &trace.steps {
        let slot = e.program.slot(step.slot);
        let value = format_value(&step.value, &slot.ty, &e.program, output.locale);
        let citation = slot
            .citation
            .as_deref()
            .map(|c| format!("  [{c}]"))
            .unwrap_or_default();
        let label = slot
            .label
            .as_deref()
            .map(|l| format!("  ({l})"))
            .unwrap_or_default();
        out.push_str(&format!("{} = {value}{citation}{label}\n", slot.name));
        match &step.origin {
            Some(origin) => out.push_str(&format!("    {} from {origin}\n", step.kind)),
            None => {
                out.push_str(&format!("    = {}\n", one_line(&step.formula)));
                let used: Vec<String> = step
                    .uses
                    .iter()
                    .map(|(u, v)| {
                        let used = e.program.slot(*u);
                        format!(
                            "{} = {}",
                            used.name,
                            format_value(v, &used.ty, &e.program, output.locale)
                        )
                    })
                    .collect();
                if !used.is_empty() {
                    out.push_str(&format!("    where {}\n", used.join("; ")));
                }
            }
        }
    }
    out
}

fn one_line(formula: &str) -> String {
    formula.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A value as an exact decimal string (tables as objects).
pub fn exact(value: &Value) -> String {
    match value {
        Value::Number(n) => n.normalize().to_string(),
        other => json_value(other).to_string(),
    }
}

/// A value as JSON: numbers as exact decimal strings.
pub fn json_value(value: &Value) -> Json {
    match value {
        Value::Unset | Value::Failed(_) => Json::Null,
        Value::Number(n) => Json::String(n.normalize().to_string()),
        Value::Date(d) => Json::String(d.to_string()),
        Value::Bool(b) => Json::Bool(*b),
        Value::Text(t) => Json::String(t.to_string()),
        Value::Choice(c) => json!(c),
        Value::Table(t) => Json::Object(
            t.entries
                .iter()
                .map(|(k, v)| {
                    (
                        engine::show_key(k).trim_matches('"').to_string(),
                        json_value(v),
                    )
                })
                .collect(),
        ),
        Value::Series(s) => Json::Object(
            s.points
                .iter()
                .map(|(d, v)| (d.to_string(), json_value(v)))
                .collect(),
        ),
    }
}

/// A choice as its name, other values as [`json_value`].
pub fn json_typed(value: &Value, ty: &dsl::types::Type, program: &Program) -> Json {
    match (value, ty) {
        (Value::Choice(c), dsl::types::Type::Choice(id)) => program
            .choices
            .get(*id as usize)
            .and_then(|v| v.get(*c as usize))
            .map_or(Json::Null, |v| Json::String(v.clone())),
        _ => json_value(value),
    }
}

/// The unit of a type, as a short word for CSV and JSON.
pub fn unit(ty: &dsl::types::Type) -> String {
    use dsl::types::{Dimension, NumKind, Type};
    match ty {
        Type::Number { dim, kind } if *dim == Dimension::NONE => match kind {
            NumKind::Percent => "fraction".into(),
            NumKind::Year => "year".into(),
            _ => "number".into(),
        },
        Type::Number { dim, .. } => dim.to_string(),
        Type::Date => "date".into(),
        Type::Bool => "yes/no".into(),
        Type::Text | Type::Choice(_) => "text".into(),
        Type::Table { value, .. } => format!("table of {}", unit(value)),
        Type::Series(value) => format!("series of {}", unit(value)),
        Type::Error => String::new(),
    }
}

fn header_json(e: &Evaluated, path: &Path) -> Json {
    let info = &e.program.agreement;
    let mut values = Map::new();
    let mut results = Vec::new();
    for &s in &e.part().outputs {
        let slot = e.program.slot(s);
        let value = json_typed(e.value(s), &slot.ty, &e.program);
        values.insert(slot.name.clone(), value.clone());
        results.push(json!({
            "name": slot.name,
            "label": slot.label,
            "citation": slot.citation,
            "unit": unit(&slot.ty),
            "value": value,
        }));
    }
    json!({
        "agreement": {
            "name": info.name,
            "source": info.source,
            "valid": info.valid.map(|(a, b)| json!({"from": a.to_string(), "to": b.to_string()})),
        },
        "input": path.display().to_string(),
        "part": e.part().name,
        "readings": readings::in_force_json(&e.program, e.part()),
        "values": values,
        "results": results,
        "warnings": e.warnings.iter().map(|w| w.title.clone()).collect::<Vec<_>>(),
    })
}

/// The trace of an evaluation as JSON: every figure with its formula and what it used.
pub fn trace_json(e: &Evaluated) -> Json {
    let trace = engine::trace(&e.program, &e.part().plan, &e.evaluation, &e.inputs);
    trace
        .steps
        .iter()
        .map(|step| {
            let slot = e.program.slot(step.slot);
            json!({
                "name": slot.name,
                "kind": step.kind,
                "citation": slot.citation,
                "label": slot.label,
                "formula": one_line(&step.formula),
                "value": json_typed(&step.value, &slot.ty, &e.program),
                "unit": unit(&slot.ty),
                "origin": step.origin,
                "uses": step.uses.iter().map(|(u, v)| {
                    let used = e.program.slot(*u);
                    (used.name.clone(), json_typed(v, &used.ty, &e.program))
                }).collect::<Map<String, Json>>(),
            })
        })
        .collect()
}
