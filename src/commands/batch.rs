//! `takst batch`: a part of one agreement for every offer of a tariff file (CSV),
//! one offer per row.
//!
//! The header names the inputs (`places`, `budget`, `occupancy_history.2020`, …;
//! a `name` column names the offer); the bundled reference data is read once,
//! and one [`engine::Evaluator`] runs every row, its plan compiled once. The
//! results are written only when every row is right: otherwise each wrong row is
//! reported (every error of it, pointing at its cells) and nothing is written.

use std::path::Path;
use std::sync::Arc;

use dsl::span::SourceFile;
use dsl::types::Type;
use dsl::{Code, Diagnostic, Program};
use engine::{Columns, Decimals, Inputs, Value};
use serde_json::{json, Map, Value as Json};

use super::eval::{exact, find_part, json_typed, judge};
use super::readings::{self, Choice};
use super::{judge_unknown_fields, load_program, Outcome};
use crate::render::{csv_separated, format_value, Locale, Table};
use crate::{catalog, csv_reader, files, Format};

/// The most columns a tariff file may have: an agreement has a few dozen inputs.
const MAX_COLUMNS: usize = 2_000;

/// How much of an offer's name is shown in a diagnostic.
const NAME_SHOWN: usize = 60;

/// One offer's results.
struct Row {
    name: String,
    values: Vec<Value>,
}

/// Evaluates `part` for every row of the tariff file at `path`; prints the results
/// or writes them to `out`.
pub fn run(
    agreement: &str,
    part: &str,
    path: &Path,
    out: Option<&Path>,
    format: Format,
    locale: Locale,
    choices: &[Choice],
) -> Outcome {
    let mut bundled = Vec::new();
    let mut program = load_program(agreement, &mut bundled)?;
    readings::choose(&mut program, choices)?;
    let index = find_part(&program, part)?;
    let file = read(path).map_err(|d| vec![d])?;
    let whole = out.map(|out| files::Whole::to(out, Some(path)));
    let whole = whole.transpose().map_err(|d| vec![d])?;
    let records = csv_reader::read(&file).map_err(|d| vec![d])?;
    let Some(((header, _), rows)) = records.records.split_first() else {
        return Err(vec![Diagnostic::error(
            Code::BadInput,
            format!("{} has no header", file.name),
        )
        .help(
            "the first line names the inputs, one per column: `name,places,budget,…`",
        )]);
    };
    if header.len() > MAX_COLUMNS {
        return Err(vec![Diagnostic::error(
            Code::BadInput,
            format!(
                "{} has {} columns; a tariff file may have at most {MAX_COLUMNS}",
                file.name,
                header.len()
            ),
        )
        .help(
            "give one column per input of the agreement (`takst list --parts A` names them)",
        )]);
    }
    let (columns, mut warnings) = Columns::read(&program, &file, header)?;
    warnings.splice(0..0, bundled);
    let errors = judge_unknown_fields(&mut warnings, &program);
    if !errors.is_empty() {
        return Err(errors.into_iter().chain(warnings).collect());
    }
    let decimals = match records.separator {
        ';' => Decimals::Comma,
        _ => Decimals::Point,
    };
    let mut base = Inputs::new(&program);
    for (name, text) in catalog::reference_data() {
        base.read(&program, &name, text)?;
    }
    let batch = Batch {
        program: &program,
        part: index,
        columns: &columns,
        file: &file,
        base,
        decimals,
        width: header.len(),
        locale,
    };
    let mut evaluator = engine::Evaluator::default();
    let (mut results, mut errors) = (Vec::new(), Vec::new());
    let mut shared: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    let mut by_title: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (cells, line) in rows {
        let (row, result, row_errors, row_warnings) = batch.row(&mut evaluator, cells, *line);
        results.extend(result);
        for mut d in row_errors {
            d.title = format!("{row}: {}", d.title);
            errors.push(d);
        }
        for d in row_warnings {
            match by_title.get(&d.title) {
                Some(&at) => shared[at].1.push(row.clone()),
                None => {
                    by_title.insert(d.title.clone(), shared.len());
                    shared.push((d, vec![row.clone()]));
                }
            }
        }
    }
    // A warning that many rows share (a tariff year outside the agreement's period)
    // is shown once, with the rows.
    for (mut d, rows) in shared {
        let shown = rows.len().min(5);
        let more = match rows.len() - shown {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        d.title = format!("{}{more}: {}", rows[..shown].join(", "), d.title);
        if rows.len() > 1 {
            d.help = Some(format!(
                "the figures of these offers in {} do not meet this rule of the agreement",
                file.name
            ));
        }
        warnings.push(d);
    }
    if !errors.is_empty() {
        errors.extend(warnings);
        return Err(errors);
    }
    let text = render(&program, index, &results, format, locale, records.separator);
    match whole {
        None => out!("{text}"),
        Some(whole) => whole.write(&text).map_err(|d| vec![d])?,
    }
    Ok(warnings)
}

/// What every row of a tariff file is read and evaluated against.
struct Batch<'a> {
    program: &'a Program,
    part: usize,
    columns: &'a Columns,
    file: &'a SourceFile,
    /// The reference data, read once; each row starts from a copy.
    base: Inputs,
    decimals: Decimals,
    /// How many columns the header names.
    width: usize,
    /// How figures in messages are written.
    locale: Locale,
}

impl Batch<'_> {
    /// One row: how it is named in messages, its results (none if its cells are
    /// wrong), its errors and its warnings.
    fn row(
        &self,
        evaluator: &mut engine::Evaluator,
        cells: &[csv_reader::Field],
        line: usize,
    ) -> (String, Option<Row>, Vec<Diagnostic>, Vec<Diagnostic>) {
        let (program, rule) = (self.program, &self.program.parts[self.part]);
        let name = (self.columns.position("name"))
            .and_then(|i| cells.get(i))
            .map(|(text, _)| text.trim().to_string())
            .filter(|n| !n.is_empty());
        let row = match &name {
            Some(name) if name.chars().count() > NAME_SHOWN => {
                let shown: String = name.chars().take(NAME_SHOWN).collect();
                format!("line {line} ({shown}…)")
            }
            Some(name) => format!("line {line} ({name})"),
            None => format!("line {line}"),
        };
        let name = name.unwrap_or_else(|| format!("line {line}"));
        let (mut errors, mut warnings) = (Vec::new(), Vec::new());
        if let Some((_, span)) = cells.get(self.width) {
            errors.push(
                Diagnostic::error(
                    Code::BadInput,
                    String::from("more cells than the header has columns"),
                )
                .label_in(self.file.clone(), span.clone(), "no column for this cell")
                .help("name the column in the header, or remove the cell"),
            );
        }
        let mut inputs = self.base.clone();
        let cells: Vec<(&str, std::ops::Range<usize>)> =
            cells.iter().map(|(t, s)| (t.as_str(), s.clone())).collect();
        match inputs.read_row(program, self.columns, self.file, &cells, self.decimals) {
            Ok(mut implausible) => warnings.append(&mut implausible),
            Err(mut e) => errors.append(&mut e),
        }
        if !errors.is_empty() {
            return (row, None, errors, warnings);
        }
        let outputs = |values: &[Value]| Row {
            name: name.clone(),
            values: rule
                .outputs
                .iter()
                .map(|&o| values[o as usize].clone())
                .collect(),
        };
        // The compiled plan on every row; a result that failed is evaluated again
        // with every check, for the report `takst eval` gives.
        let (evaluation, failed) = match evaluator.run(program, rule, &inputs) {
            Ok((values, findings)) if findings.is_empty() => {
                return (row, Some(outputs(values)), errors, warnings);
            }
            Ok((values, findings)) => {
                let values = values.to_vec();
                (engine::Evaluation { values, findings }, None)
            }
            Err(_) => engine::run_all(program, rule, &inputs),
        };
        let what = format!("{}, {row}", self.file.name);
        errors = judge(
            program,
            &inputs,
            &evaluation,
            failed,
            &what,
            &mut warnings,
            self.locale,
        );
        (row, Some(outputs(&evaluation.values)), errors, warnings)
    }
}

/// Reads the tariff file: UTF-8 text, as a spreadsheet saves it as "CSV UTF-8".
fn read(path: &Path) -> Result<SourceFile, Diagnostic> {
    let text = files::read_text(path, &files::TARIFF_FILE).map_err(|d| match d.code {
        Code::NotText if d.title.contains("UTF-8") => {
            d.help("in Excel, save it with 'Save as' → 'CSV UTF-8 (comma delimited)'")
        }
        _ => d,
    })?;
    Ok(SourceFile {
        name: path.display().to_string(),
        text: Arc::from(text),
    })
}

/// The results, one offer per row: CSV in the dialect of the tariff file (a file
/// separated by semicolons gets semicolons and decimal commas back, as a Danish
/// spreadsheet reads them), JSON, or a table.
fn render(
    program: &Program,
    part: usize,
    rows: &[Row],
    format: Format,
    locale: Locale,
    separator: char,
) -> String {
    let outputs: Vec<_> = program.parts[part]
        .outputs
        .iter()
        .map(|&o| program.slot(o))
        .collect();
    match format {
        Format::Csv => {
            let header: Vec<String> = std::iter::once(String::from("name"))
                .chain(outputs.iter().map(|s| s.name.clone()))
                .collect();
            let lines: Vec<Vec<String>> = rows
                .iter()
                .map(|row| {
                    let cells = row.values.iter().zip(&outputs);
                    let cells = cells.map(|(v, s)| cell(v, &s.ty, program, separator));
                    std::iter::once(row.name.clone()).chain(cells).collect()
                })
                .collect();
            csv_separated(separator, &header, &lines)
        }
        Format::Json => {
            let offers: Vec<Json> = rows
                .iter()
                .map(|row| {
                    let values: Map<String, Json> = (outputs.iter().zip(&row.values))
                        .map(|(s, v)| (s.name.clone(), json_typed(v, &s.ty, program)))
                        .collect();
                    json!({ "name": row.name, "values": values })
                })
                .collect();
            let doc = json!({
                "agreement": program.agreement.name,
                "part": program.parts[part].name,
                "offers": offers,
            });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )
        }
        Format::Table => {
            let labels: Vec<&str> = std::iter::once("")
                .chain(outputs.iter().map(|s| s.name.as_str()))
                .collect();
            let mut table = Table::new(&labels);
            table.left = vec![0];
            for row in rows {
                let cells = row.values.iter().zip(&outputs);
                let cells = cells.map(|(v, s)| format_value(v, &s.ty, program, locale));
                table.row(std::iter::once(row.name.clone()).chain(cells).collect());
            }
            table.render()
        }
    }
}

/// A result in a CSV cell: an exact number (with a decimal comma in a file of
/// semicolons), a choice by name, yes or no, a table as JSON.
fn cell(value: &Value, ty: &Type, program: &Program, separator: char) -> String {
    match (value, ty) {
        (Value::Number(n), _) if separator == ';' => n.normalize().to_string().replace('.', ","),
        (Value::Bool(b), _) => String::from(if *b { "yes" } else { "no" }),
        (Value::Choice(_), Type::Choice(_)) => match json_typed(value, ty, program) {
            Json::String(s) => s,
            other => other.to_string(),
        },
        _ => exact(value),
    }
}
