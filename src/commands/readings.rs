//! `takst readings`: the ambiguous passages of an agreement as switches, and —
//! given an input file — what each alternative reading would change.
//!
//! Also `--reading NAME=ALTERNATIVE`, which every evaluating command takes.

use std::path::Path;

use dsl::program::{PartRule, ReadingRule};
use dsl::{Code, Diagnostic, Program};
use engine::{Inputs, Value};
use serde_json::{json, Value as Json};

use super::eval::json_typed;
use super::{load_inputs, load_program, InputFile, Outcome};
use crate::output;
use crate::render::{format_value, Locale, Table};
use crate::Format;

/// A reading switched on the command line: `NAME=ALTERNATIVE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub reading: String,
    pub alternative: String,
}

/// Reads `NAME=ALTERNATIVE` (for clap).
pub fn parse_choice(text: &str) -> Result<Choice, String> {
    match text.split_once('=') {
        Some((name, alternative)) if !name.trim().is_empty() && !alternative.trim().is_empty() => {
            Ok(Choice {
                reading: name.trim().to_string(),
                alternative: alternative.trim().to_string(),
            })
        }
        _ => Err(format!(
            "write NAME=ALTERNATIVE, e.g. --reading day_offer_notice=current_month (not `{text}`)"
        )),
    }
}

/// Switches the readings chosen on the command line in one program.
pub fn choose(program: &mut Program, choices: &[Choice]) -> Result<(), Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = choices
        .iter()
        .filter_map(|c| program.choose_reading(&c.reading, &c.alternative).err())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The readings each agreement of a comparison takes from the command line: a
/// reading applies to the agreements that declare it, and must be declared by at
/// least one of them.
pub fn applying(
    agreements: &[String],
    choices: &[Choice],
) -> Result<Vec<Vec<Choice>>, Vec<Diagnostic>> {
    if choices.is_empty() {
        return Ok(vec![Vec::new(); agreements.len()]);
    }
    let programs: Vec<Option<Program>> = agreements
        .iter()
        .map(|a| load_program(a, &mut Vec::new()).ok())
        .collect();
    let mut errors = Vec::new();
    for choice in choices {
        let declared = programs
            .iter()
            .flatten()
            .any(|p| p.reading(&choice.reading).is_some());
        if !declared {
            let known: Vec<&str> = programs
                .iter()
                .flatten()
                .flat_map(|p| p.readings.iter().map(|r| r.name.as_str()))
                .collect();
            let help = match dsl::suggest::closest(&choice.reading, known.iter().copied()) {
                Some(close) => {
                    format!("did you mean `{close}`? (`takst readings AGREEMENT` lists them)")
                }
                None => String::from("`takst readings AGREEMENT` lists an agreement's readings"),
            };
            errors.push(
                Diagnostic::error(
                    Code::UnknownReading,
                    format!("no agreement compared has a reading `{}`", choice.reading),
                )
                .help(help),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(programs
        .iter()
        .map(|p| {
            choices
                .iter()
                .filter(|c| p.as_ref().is_some_and(|p| p.reading(&c.reading).is_some()))
                .cloned()
                .collect()
        })
        .collect())
}

/// The readings a part's figures rest on, one line each: `name = alternative [§]`,
/// marked where switched on the command line.
pub fn in_force(program: &Program, part: &PartRule) -> Vec<String> {
    program
        .readings
        .iter()
        .filter(|r| part.plan.order.contains(&r.slot))
        .map(|r| {
            let switched = if r.chosen == r.taken {
                String::new()
            } else {
                format!(
                    "  (switched; the rule file takes {})",
                    r.alternatives[r.taken as usize].name
                )
            };
            let citation = r
                .chosen()
                .citation
                .as_ref()
                .map(|c| format!("  [{c}]"))
                .unwrap_or_default();
            format!("{} = {}{citation}{switched}", r.name, r.chosen().name)
        })
        .collect()
}

/// The readings a part's figures rest on, as JSON: name → the alternative in force.
pub fn in_force_json(program: &Program, part: &PartRule) -> Json {
    let map: serde_json::Map<String, Json> = program
        .readings
        .iter()
        .filter(|r| part.plan.order.contains(&r.slot))
        .map(|r| (r.name.clone(), Json::String(r.chosen().name.clone())))
        .collect();
    Json::Object(map)
}

/// The parts whose results depend on a reading.
fn parts_using<'p>(program: &'p Program, reading: &ReadingRule) -> Vec<&'p PartRule> {
    program
        .parts
        .iter()
        .filter(|p| p.plan.order.contains(&reading.slot))
        .collect()
}

/// One result that an alternative reading changes.
pub struct Change {
    pub part: String,
    pub figure: String,
    pub label: String,
    /// The figure under the reading in force, and under the alternative, as shown.
    pub taken: String,
    pub alternative: String,
    /// Under the alternative minus under the reading in force, as shown (numbers only).
    pub difference: String,
    pub taken_json: Json,
    pub alternative_json: Json,
}

/// What one alternative changes on the input, part by part.
pub struct Moves {
    pub changes: Vec<Change>,
    /// Parts that could not be evaluated on this input (they need other inputs).
    pub not_evaluated: Vec<String>,
}

/// A reading, the parts that use it, and — given an input — what each alternative
/// but the one in force would change (by alternative; none for the one in force).
pub struct Alternatives<'p> {
    pub reading: &'p ReadingRule,
    pub used_by: Vec<&'p PartRule>,
    pub moves: Vec<Option<Moves>>,
}

/// Every reading of `program` with the parts that use it — with `part`, only the
/// readings that part rests on — and what each alternative would change on `inputs`.
pub fn alternatives<'p>(
    program: &'p Program,
    inputs: Option<&Inputs>,
    part: Option<&str>,
    locale: Locale,
) -> Vec<Alternatives<'p>> {
    let mut report = Vec::new();
    for reading in &program.readings {
        let used_by: Vec<&PartRule> = parts_using(program, reading)
            .into_iter()
            .filter(|p| part.is_none_or(|wanted| p.name == wanted))
            .collect();
        if part.is_some() && used_by.is_empty() {
            continue;
        }
        let moves: Vec<Option<Moves>> = (0..reading.alternatives.len())
            .map(|alternative| {
                let inputs = inputs?;
                (alternative as u32 != reading.chosen)
                    .then(|| moves(program, reading, alternative, &used_by, inputs, locale))
            })
            .collect();
        report.push(Alternatives {
            reading,
            used_by,
            moves,
        });
    }
    report
}

/// What `takst readings` is asked.
pub struct Query<'a> {
    /// An input file: show what each alternative changes on it.
    pub input: Option<&'a Path>,
    /// Only the readings this part rests on.
    pub part: Option<&'a str>,
    /// Readings switched on the command line.
    pub choices: &'a [Choice],
    pub format: Format,
    pub locale: Locale,
}

/// Lists the readings of `agreement` (of every bundled agreement if none); with an
/// input file, what each alternative changes.
pub fn run(agreement: Option<&str>, query: &Query) -> Outcome {
    let Query {
        input,
        part,
        choices,
        format,
        ..
    } = *query;
    let Some(agreement) = agreement else {
        if input.is_some() || part.is_some() || !choices.is_empty() {
            return Err(vec![Diagnostic::error(
                Code::UnknownBase,
                "name the agreement whose readings to apply to the input",
            )
            .help("e.g. `takst readings AGREEMENT OFFER.toml`")]);
        }
        // Every bundled agreement: tables one after the other, JSON as one array.
        let json = format == Format::Json;
        let mut warnings = Vec::new();
        output::print(if json { "[\n" } else { "" });
        for (i, (stem, ..)) in crate::catalog::bundled().enumerate() {
            if i > 0 {
                output::print(if json { ",\n" } else { "\n" });
            }
            warnings.extend(one(stem, query)?);
        }
        output::print(if json { "]\n" } else { "" });
        return Ok(warnings);
    };
    one(agreement, query)
}

fn one(agreement: &str, query: &Query) -> Outcome {
    let Query {
        input,
        part,
        choices,
        format,
        locale,
    } = *query;
    let mut bundled = Vec::new();
    let mut program = load_program(agreement, &mut bundled)?;
    choose(&mut program, choices)?;
    if let Some(part) = part {
        super::eval::find_part(&program, part)?;
    }
    let (inputs, mut warnings) = match input {
        Some(path) => {
            let (inputs, warnings) = load_inputs(&program, &InputFile::read(path)?)?;
            (Some(inputs), warnings)
        }
        None => (None, Vec::new()),
    };
    warnings.splice(0..0, bundled);
    let report = alternatives(&program, inputs.as_ref(), part, locale);
    match format {
        Format::Json => {
            let doc: Vec<Json> = report
                .iter()
                .map(|a| reading_json(a.reading, &a.used_by, &a.moves))
                .collect();
            let doc = json!({
                "agreement": program.agreement.name,
                "input": input.map(|p| p.display().to_string()),
                "readings": doc,
            });
            outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Table | Format::Csv => {
            let mut out = format!("Readings of {}\n", program.agreement.name);
            if let Some(path) = input {
                out.push_str(&format!("Input  {}\n", path.display()));
            }
            if report.is_empty() {
                out.push_str("\nThis agreement declares no readings.\n");
            }
            for a in &report {
                out.push('\n');
                out.push_str(&reading_text(a.reading, &a.used_by, &a.moves));
            }
            if input.is_none() && !report.is_empty() {
                out.push_str(
                    "\n▸ marks the reading in force. Switch one with --reading NAME=ALTERNATIVE on any \
                     evaluating command;\ngive an input file to see what each alternative changes.\n",
                );
            }
            output::print(&out);
        }
    }
    Ok(warnings)
}

/// Evaluates the parts that use `reading` under the reading in force and under
/// `alternative`, and lists every output that differs.
fn moves(
    program: &Program,
    reading: &ReadingRule,
    alternative: usize,
    parts: &[&PartRule],
    inputs: &Inputs,
    locale: Locale,
) -> Moves {
    let mut switched = program.clone();
    let name = &reading.alternatives[alternative].name;
    let _ = switched.choose_reading(&reading.name, name);
    let mut changes = Vec::new();
    let mut not_evaluated = Vec::new();
    for part in parts {
        let Ok(before) = engine::run(program, part, inputs) else {
            not_evaluated.push(part.name.clone());
            continue;
        };
        let after = match switched
            .part(&part.name)
            .map(|p| engine::run(&switched, p, inputs))
        {
            Some(Ok(after)) => after,
            _ => {
                not_evaluated.push(part.name.clone());
                continue;
            }
        };
        for &slot in &part.outputs {
            let (a, b) = (&before.values[slot as usize], &after.values[slot as usize]);
            if a == b {
                continue;
            }
            let s = program.slot(slot);
            let shown = |v: &Value| format_value(v, &s.ty, program, locale);
            let difference = match (a, b) {
                (Value::Number(x), Value::Number(y)) => y
                    .checked_sub(*x)
                    .map(|d| shown(&Value::Number(d)))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            changes.push(Change {
                difference,
                part: part.name.clone(),
                figure: s.name.clone(),
                label: s.label.clone().unwrap_or_else(|| s.name.clone()),
                taken: shown(a),
                alternative: shown(b),
                taken_json: json_typed(a, &s.ty, program),
                alternative_json: json_typed(b, &s.ty, program),
            });
        }
    }
    Moves {
        changes,
        not_evaluated,
    }
}

fn cited(citation: &Option<String>) -> String {
    citation
        .as_deref()
        .map(|c| format!("[{c}]"))
        .unwrap_or_default()
}

fn reading_text(reading: &ReadingRule, used_by: &[&PartRule], moves: &[Option<Moves>]) -> String {
    let mut out = format!(
        "{}  {}  {}\n",
        reading.name,
        reading.label.as_deref().unwrap_or(""),
        cited(&reading.citation)
    );
    let mut table = Table::new(&["", "alternative", "", "section"]);
    table.left = vec![0, 1, 2, 3];
    for (i, alternative) in reading.alternatives.iter().enumerate() {
        let mark = if i as u32 == reading.chosen {
            "  ▸"
        } else {
            "   "
        };
        table.row(vec![
            mark.to_string(),
            alternative.name.clone(),
            alternative.label.clone().unwrap_or_default(),
            cited(&alternative.citation),
        ]);
    }
    let rendered = table.render();
    // The alternatives without the table's header lines.
    for line in rendered.lines().skip(2) {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let taken = &reading.alternatives[reading.taken as usize].name;
    match (&reading.reason, reading.taken == reading.chosen) {
        (Some(reason), true) => out.push_str(&format!("    taken: {taken} — {reason}\n")),
        (None, true) => out.push_str(&format!("    taken: {taken}\n")),
        (_, false) => out.push_str(&format!(
            "    the rule file takes {taken}; switched on the command line to {}\n",
            reading.chosen().name
        )),
    }
    let parts: Vec<&str> = used_by.iter().map(|p| p.name.as_str()).collect();
    if parts.is_empty() {
        out.push_str("    used by no part\n");
    } else {
        out.push_str(&format!("    used by: {}\n", parts.join(", ")));
    }
    for (i, m) in moves.iter().enumerate() {
        let Some(m) = m else { continue };
        let name = &reading.alternatives[i].name;
        if m.changes.is_empty() {
            if m.not_evaluated.len() == used_by.len() && !used_by.is_empty() {
                out.push_str(&format!(
                    "    {name}: not evaluated — the input lacks what {} needs\n",
                    m.not_evaluated.join(", ")
                ));
            } else {
                out.push_str(&format!("    {name} changes no figure of this input\n"));
            }
            continue;
        }
        out.push_str(&format!("    {name} would change:\n"));
        let mut table = Table::new(&["part", "figure", "now", "with this reading", "difference"]);
        table.left = vec![0, 1];
        for c in &m.changes {
            table.row(vec![
                c.part.clone(),
                c.label.clone(),
                c.taken.clone(),
                c.alternative.clone(),
                c.difference.clone(),
            ]);
        }
        for line in table.render().lines() {
            out.push_str(&format!("      {}\n", line.trim_end()));
        }
    }
    out
}

pub fn reading_json(reading: &ReadingRule, used_by: &[&PartRule], moves: &[Option<Moves>]) -> Json {
    let alternatives: Vec<Json> = reading
        .alternatives
        .iter()
        .zip(moves)
        .enumerate()
        .map(|(i, (a, m))| {
            json!({
                "name": a.name,
                "label": a.label,
                "citation": a.citation,
                "taken": i as u32 == reading.taken,
                "in_force": i as u32 == reading.chosen,
                "changes": m.as_ref().map(|m| m.changes.iter().map(|c| json!({
                    "part": c.part,
                    "figure": c.figure,
                    "label": c.label,
                    "now": c.taken_json,
                    "with_this_reading": c.alternative_json,
                })).collect::<Vec<_>>()),
            })
        })
        .collect();
    json!({
        "name": reading.name,
        "label": reading.label,
        "citation": reading.citation,
        "reason": reading.reason,
        "used_by": used_by.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        "alternatives": alternatives,
    })
}
