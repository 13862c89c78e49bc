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

use super::eval::{exact, find_part, json_typed, judge, unit};
use super::readings::{self, Choice};
use super::{judge_unknown_fields, load_program, Outcome};
use crate::render::{csv_separated, format_value, Locale, Table};
use crate::{catalog, csv_reader, files, Format};

/// The most columns a tariff file may have: an agreement has a few dozen inputs.
const MAX_COLUMNS: usize = 2_000;

/// How much of an offer's name is shown in a diagnostic.
const NAME_SHOWN: usize = 60;

/// One offer of the tariff file, evaluated.
struct Row {
    name: String,
    /// The results, or none when the row's figures are wrong.
    values: Option<Vec<Value>>,
    /// The titles of the row's warnings and errors, for the output.
    warnings: Vec<String>,
    errors: Vec<String>,
}

/// How to run a batch.
pub struct Options<'a> {
    pub part: &'a str,
    /// Write the results to this file (whole, or not at all) instead of printing them.
    pub out: Option<&'a Path>,
    pub format: Format,
    pub locale: Locale,
    /// Write the offers that are right even when others are not.
    pub keep_going: bool,
    pub choices: &'a [Choice],
}

/// Evaluates a part for every row of the tariff file at `path`; prints the results
/// or writes them to a file.
pub fn run(agreement: &str, path: &Path, options: &Options) -> Outcome {
    let mut bundled = Vec::new();
    let mut program = load_program(agreement, &mut bundled)?;
    readings::choose(&mut program, options.choices)?;
    let index = find_part(&program, options.part)?;
    let file = read(path).map_err(|d| vec![d])?;
    let whole = options.out.map(|out| files::Whole::to(out, Some(path)));
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
        locale: options.locale,
    };
    let mut evaluator = engine::Evaluator::default();
    let (mut results, mut errors) = (Vec::new(), Vec::new());
    let mut shared: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    let mut by_title: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut names: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (cells, line) in rows {
        let (label, mut result, mut row_errors, row_warnings) =
            batch.row(&mut evaluator, cells, *line);
        // Two offers of one name cannot be told apart in the results.
        if let Some(d) = batch.same_name(cells, *line, &mut names) {
            row_errors.push(d);
        }
        result.warnings = row_warnings.iter().map(|d| d.title.clone()).collect();
        result.errors = row_errors.iter().map(|d| d.title.clone()).collect();
        if !row_errors.is_empty() {
            result.values = None;
        }
        results.push(result);
        for mut d in row_errors {
            d.title = format!("{label}: {}", d.title);
            errors.push(d);
        }
        for d in row_warnings {
            match by_title.get(&d.title) {
                Some(&at) => shared[at].1.push(label.clone()),
                None => {
                    by_title.insert(d.title.clone(), shared.len());
                    shared.push((d, vec![label.clone()]));
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
    if !errors.is_empty() && !options.keep_going {
        errors.extend(warnings);
        return Err(errors);
    }
    let text = render(&program, index, &results, options, records.separator);
    match whole {
        None => out!("{text}"),
        Some(whole) => whole.write(&text).map_err(|d| vec![d])?,
    }
    if errors.is_empty() {
        Ok(warnings)
    } else {
        // --keep-going: the good offers are written, the wrong ones reported, and
        // the exit code still says not every offer is right.
        let failed = results.iter().filter(|r| r.values.is_none()).count();
        errors.push(
            Diagnostic::error(
                Code::BadInput,
                format!(
                    "{failed} of {} offers could not be computed; the others are written",
                    results.len()
                ),
            )
            .help("correct the lines named above; with --keep-going their rows carry the errors instead of figures"),
        );
        errors.extend(warnings);
        Err(errors)
    }
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
    /// The error for a row whose offer has the name of an earlier row's.
    fn same_name(
        &self,
        cells: &[csv_reader::Field],
        line: usize,
        seen: &mut std::collections::HashMap<String, usize>,
    ) -> Option<Diagnostic> {
        let (text, span) = cells.get(self.columns.position("name")?)?;
        let name = text.trim();
        if name.is_empty() {
            return None;
        }
        match seen.get(name) {
            None => {
                seen.insert(name.to_string(), line);
                None
            }
            Some(first) => Some(
                Diagnostic::error(
                    Code::BadInput,
                    format!("the offer is named as on line {first}"),
                )
                .label_in(self.file.clone(), span.clone(), "the same name again")
                .help("give each offer a name of its own: the results are known by their names"),
            ),
        }
    }

    /// One row: how it is named in messages, its results (none if its cells are
    /// wrong), its errors and its warnings.
    fn row(
        &self,
        evaluator: &mut engine::Evaluator,
        cells: &[csv_reader::Field],
        line: usize,
    ) -> (String, Row, Vec<Diagnostic>, Vec<Diagnostic>) {
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
        let outputs = |values: Option<&[Value]>| Row {
            name: name.clone(),
            values: values.map(|values| {
                rule.outputs
                    .iter()
                    .map(|&o| values[o as usize].clone())
                    .collect()
            }),
            warnings: Vec::new(),
            errors: Vec::new(),
        };
        if !errors.is_empty() {
            return (row, outputs(None), errors, warnings);
        }
        // The compiled plan on every row; a result that failed is evaluated again
        // with every check, for the report `takst eval` gives.
        let (evaluation, failed) = match evaluator.run(program, rule, &inputs) {
            Ok((values, findings)) if findings.is_empty() => {
                return (row, outputs(Some(values)), errors, warnings);
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
        (row, outputs(Some(&evaluation.values)), errors, warnings)
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
/// spreadsheet reads them), JSON, or a table. Each offer carries its warnings (and,
/// with --keep-going, a wrong one its errors instead of figures).
fn render(
    program: &Program,
    part: usize,
    rows: &[Row],
    options: &Options,
    separator: char,
) -> String {
    let outputs: Vec<_> = program.parts[part]
        .outputs
        .iter()
        .map(|&o| program.slot(o))
        .collect();
    let notes = |list: &[String]| list.join(" | ");
    match options.format {
        Format::Csv => {
            let mut header: Vec<String> = std::iter::once(String::from("name"))
                .chain(outputs.iter().map(|s| s.name.clone()))
                .chain(std::iter::once(String::from("warnings")))
                .collect();
            if options.keep_going {
                header.push(String::from("errors"));
            }
            let lines: Vec<Vec<String>> = rows
                .iter()
                .map(|row| {
                    let cells: Vec<String> = match &row.values {
                        Some(values) => (values.iter().zip(&outputs))
                            .map(|(v, s)| cell(v, &s.ty, program, separator))
                            .collect(),
                        None => vec![String::new(); outputs.len()],
                    };
                    let mut line: Vec<String> = std::iter::once(row.name.clone())
                        .chain(cells)
                        .chain(std::iter::once(notes(&row.warnings)))
                        .collect();
                    if options.keep_going {
                        line.push(notes(&row.errors));
                    }
                    line
                })
                .collect();
            csv_separated(separator, &header, &lines)
        }
        Format::Json => {
            let offers: Vec<Json> = rows
                .iter()
                .map(|row| {
                    let values = row.values.as_ref().map(|values| {
                        (outputs.iter().zip(values))
                            .map(|(s, v)| (s.name.clone(), json_typed(v, &s.ty, program)))
                            .collect::<Map<String, Json>>()
                    });
                    let mut offer = json!({
                        "name": row.name,
                        "values": values,
                        "warnings": row.warnings,
                    });
                    if !row.errors.is_empty() {
                        offer["errors"] = json!(row.errors);
                    }
                    offer
                })
                .collect();
            let units: Map<String, Json> = outputs
                .iter()
                .map(|s| (s.name.clone(), Json::String(unit(&s.ty))))
                .collect();
            let doc = json!({
                "agreement": program.agreement.name,
                "part": program.parts[part].name,
                "units": units,
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
                let cells: Vec<String> = match &row.values {
                    Some(values) => (values.iter().zip(&outputs))
                        .map(|(v, s)| format_value(v, &s.ty, program, options.locale))
                        .collect(),
                    None => {
                        let mut cells = vec![String::new(); outputs.len()];
                        if let Some(first) = cells.first_mut() {
                            *first = String::from("(not computed)");
                        }
                        cells
                    }
                };
                table.row(std::iter::once(row.name.clone()).chain(cells).collect());
            }
            table.render()
        }
    }
}

/// A result in a CSV cell: an exact number (with a decimal comma in a file of
/// semicolons), a choice by name, yes or no, a table as JSON.
fn cell(value: &Value, ty: &Type, program: &Program, separator: char) -> String {
    // A percentage is written in percent, as a tariff file gives it: 97, not 0.97.
    let percent = matches!(
        ty,
        Type::Number {
            kind: dsl::types::NumKind::Percent,
            ..
        }
    );
    let value = match value {
        Value::Number(n) if percent => match n.checked_mul(rust_decimal::Decimal::ONE_HUNDRED) {
            Some(p) => Value::Number(p),
            // Beyond 28 digits in percent: written as the fraction it is, and said so.
            None => return format!("{} (a fraction, not percent)", exact(value)),
        },
        other => other.clone(),
    };
    let value = &value;
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
