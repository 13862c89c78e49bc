//! A tariff file (CSV, as `takst batch` reads it) under several agreements.
//!
//! The one place where the report evaluates a tariff file: a thin adapter over the
//! pieces `takst batch` is built of today (the CSV reader with each cell's place,
//! `engine::Columns` and `Inputs::read_row`, one `engine::Evaluator` per agreement,
//! `eval::judge` for a row whose checks fail), with batch's rules: a cell that is
//! wrong, a row longer than the header and two offers of one name are errors of
//! their row; a warning shared by many rows is said once, naming them. When
//! `takst batch` offers an entry point that evaluates a file under several
//! agreements, this module becomes a call to it.

use std::path::Path;
use std::sync::Arc;

use dsl::span::SourceFile;
use dsl::{Code, Diagnostic, Level, Program};
use engine::{Columns, Decimals, Inputs, Value};

use super::super::comparison::{figures, Agreement, Comparison, Kind, Offer, Outcome};
use super::super::eval::judge;
use super::super::judge_unknown_fields;
use crate::csv_reader;

/// A cell of the file, owned: its text and where it is written.
type Field = (String, std::ops::Range<usize>);
use crate::render::Locale;
use crate::{catalog, files};

/// The most columns a tariff file may have (as `takst batch`).
const MAX_COLUMNS: usize = 2_000;

/// How much of an offer's name is shown in a diagnostic.
const NAME_SHOWN: usize = 60;

/// A tariff file the report holds whole (`takst batch` streams one of any size).
const TARIFF_FILE: files::Limit = files::Limit {
    bytes: 64 * 1024 * 1024,
    what: "a tariff file for a report",
    help: "a report shows a region's file; split a larger one, or use `takst batch`",
};

/// A tariff file, read and split into cells.
pub struct TariffFile {
    file: SourceFile,
    header: Vec<Field>,
    rows: Vec<(Vec<Field>, usize)>,
    decimals: Decimals,
    /// Each row's offer: its name (the `name` column, else its line) and how
    /// messages name its row.
    offers: Vec<(String, String)>,
    /// Errors of rows whatever the agreement (a cell past the header, a name
    /// given twice), by row.
    row_errors: Vec<Vec<Diagnostic>>,
}

impl TariffFile {
    /// Reads the tariff file at `path`: UTF-8 text, a header naming the inputs.
    pub fn read(path: &Path) -> Result<TariffFile, Vec<Diagnostic>> {
        let text = files::read_text(path, &TARIFF_FILE).map_err(|d| match d.code {
            Code::NotText if d.title.contains("UTF-8") => {
                vec![d.help("in Excel, save it with 'Save as' → 'CSV UTF-8 (comma delimited)'")]
            }
            _ => vec![d],
        })?;
        let file = SourceFile {
            name: path.display().to_string(),
            text: Arc::from(text),
            first_line: 0,
        };
        let (dialect, records) = csv_reader::read(&file).map_err(|d| vec![d])?;
        let decimals = match dialect.separator {
            ';' => Decimals::Comma,
            _ => Decimals::Point,
        };
        let mut records = records.into_iter().map(|(cells, line)| {
            let cells: Vec<Field> = cells
                .into_iter()
                .map(|(t, s)| (t.into_owned(), s))
                .collect();
            (cells, line)
        });
        let Some((header, _)) = records.next() else {
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
        let rows: Vec<(Vec<Field>, usize)> = records.collect();
        if rows.is_empty() {
            return Err(vec![Diagnostic::error(
                Code::BadInput,
                format!("{} has no offers: only a header", file.name),
            )
            .help("give one offer per line under the header")]);
        }
        let name_column = header.iter().position(|(h, _)| h.trim() == "name");
        let mut tariff_file = TariffFile {
            file,
            header,
            rows,
            decimals,
            offers: Vec::new(),
            row_errors: Vec::new(),
        };
        tariff_file.name_offers(name_column);
        Ok(tariff_file)
    }

    /// The file's name, as messages give it.
    pub fn name(&self) -> &str {
        &self.file.name
    }

    /// Names each row's offer, and finds the errors of rows that no agreement changes.
    fn name_offers(&mut self, name_column: Option<usize>) {
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (cells, line) in &self.rows {
            let mut errors = Vec::new();
            let named = name_column
                .and_then(|i| cells.get(i))
                .map(|(text, span)| (text.trim().to_string(), span.clone()))
                .filter(|(n, _)| !n.is_empty());
            let row = match &named {
                Some((name, _)) if name.chars().count() > NAME_SHOWN => {
                    let shown: String = name.chars().take(NAME_SHOWN).collect();
                    format!("line {line} ({shown}…)")
                }
                Some((name, _)) => format!("line {line} ({name})"),
                None => format!("line {line}"),
            };
            if let Some((_, span)) = cells.get(self.header.len()) {
                errors.push(
                    Diagnostic::error(Code::BadInput, "more cells than the header has columns")
                        .label_in(self.file.clone(), span.clone(), "no column for this cell")
                        .help("name the column in the header, or remove the cell"),
                );
            }
            if let Some((name, span)) = &named {
                match seen.get(name) {
                    Some(first) => errors.push(
                        Diagnostic::error(
                            Code::BadInput,
                            format!("the offer is named as on line {first}"),
                        )
                        .label_in(self.file.clone(), span.clone(), "the same name again")
                        .help("give each offer a name of its own: the results are known by their names"),
                    ),
                    None => {
                        seen.insert(name.clone(), *line);
                    }
                }
            }
            let name = named.map_or_else(|| format!("line {line}"), |(n, _)| n);
            self.offers.push((name, row));
            self.row_errors.push(errors);
        }
    }

    /// Every row under one agreement's part: each offer's outcome, and the
    /// warnings about the file (a column that looks misspelt). A header this
    /// agreement cannot read is an error.
    pub fn evaluate(
        &self,
        program: &Program,
        part: usize,
        locale: Locale,
    ) -> Result<(Vec<Outcome>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (columns, mut warnings) = Columns::read(program, &self.file, &self.header)?;
        let errors = judge_unknown_fields(&mut warnings, program);
        if !errors.is_empty() {
            return Err(errors);
        }
        // One file serves every agreement: a column only some of them read is expected.
        warnings.retain(|d| !(d.code == Code::UnknownInput && d.level == Level::Note));
        let mut base = Inputs::new(program);
        let mut inputs = Inputs::new(program);
        for (name, text) in catalog::reference_data() {
            base.read(program, &name, text)?;
        }
        let rule = &program.parts[part];
        let mut evaluator = engine::Evaluator::default();
        let mut outcomes = Vec::with_capacity(self.rows.len());
        for (((cells, _), (_, row)), row_errors) in
            self.rows.iter().zip(&self.offers).zip(&self.row_errors)
        {
            let cells: Vec<(&str, std::ops::Range<usize>)> =
                cells.iter().map(|(t, s)| (t.as_str(), s.clone())).collect();
            let (mut errors, mut warnings) = (row_errors.clone(), Vec::new());
            match inputs.read_row(&base, program, &columns, &self.file, &cells, self.decimals) {
                Ok(implausible) => warnings = implausible,
                Err(e) => errors.extend(e),
            }
            let outputs = |values: &[Value]| -> Vec<Value> {
                rule.outputs
                    .iter()
                    .map(|&o| values.get(o as usize).cloned().unwrap_or(Value::Unset))
                    .collect()
            };
            let outcome = if !errors.is_empty() {
                Outcome::Failed(errors)
            } else {
                match evaluator.run(program, rule, &inputs) {
                    Ok((values, findings)) if findings.is_empty() => Outcome::Computed {
                        values: outputs(values),
                        warnings,
                    },
                    // A finding, or a result that failed: evaluated again with every
                    // check, for the report `takst eval` gives.
                    other => {
                        let (evaluation, failed) = match other {
                            Ok((values, findings)) => (
                                engine::Evaluation {
                                    values: values.to_vec(),
                                    findings,
                                },
                                None,
                            ),
                            Err(_) => engine::run_all(program, rule, &inputs),
                        };
                        let what = format!("{}, {row}", self.file.name);
                        let errors = judge(
                            program,
                            &inputs,
                            &evaluation,
                            failed,
                            &what,
                            &mut warnings,
                            locale,
                        );
                        if errors.is_empty() {
                            Outcome::Computed {
                                values: outputs(&evaluation.values),
                                warnings,
                            }
                        } else {
                            Outcome::Failed(errors.into_iter().chain(warnings).collect())
                        }
                    }
                }
            };
            outcomes.push(outcome);
        }
        Ok((outcomes, warnings))
    }

    /// How messages name the row of offer `index`: "line 3 (Lindely)".
    pub fn row(&self, index: usize) -> &str {
        self.offers.get(index).map_or("", |(_, row)| row.as_str())
    }
}

/// A tariff file under several agreements: the comparison, and the warnings about
/// the file and its offers (a warning shared by several offers said once, naming
/// them). With `keep_going`, offers whose figures are wrong stay in the comparison
/// with their errors, which are returned beside it; otherwise any error is the
/// result.
pub struct Compared {
    pub comparison: Comparison,
    pub warnings: Vec<Diagnostic>,
    /// The warnings about the offers under each agreement, in its order.
    pub by_agreement: Vec<Vec<Diagnostic>>,
    pub errors: Vec<Diagnostic>,
}

/// Evaluates every offer of `tariff_file` under every agreement that has the part.
pub fn compare(
    tariff_file: &TariffFile,
    agreements: Vec<Agreement>,
    part: &str,
    locale: Locale,
    keep_going: bool,
) -> Result<Compared, Vec<Diagnostic>> {
    let (mut warnings, mut errors) = (Vec::new(), Vec::new());
    let mut by_agreement = Vec::new();
    let mut offers: Vec<Offer> = (tariff_file.offers.iter())
        .zip(&tariff_file.rows)
        .map(|((name, _), (_, line))| Offer {
            name: name.clone(),
            line: Some(*line),
            outcomes: Vec::new(),
        })
        .collect();
    for agreement in &agreements {
        by_agreement.push(Vec::new());
        let Some(index) = agreement.part else {
            offers
                .iter_mut()
                .for_each(|o| o.outcomes.push(Outcome::NoPart));
            continue;
        };
        let (outcomes, mut file_warnings) =
            match tariff_file.evaluate(&agreement.program, index, locale) {
                Ok(done) => done,
                Err(e) => {
                    errors.extend(e);
                    offers
                        .iter_mut()
                        .for_each(|o| o.outcomes.push(Outcome::NoPart));
                    continue;
                }
            };
        warnings.append(&mut file_warnings);
        let mut shared: Vec<(Diagnostic, Vec<String>)> = Vec::new();
        for (i, (offer, outcome)) in offers.iter_mut().zip(outcomes).enumerate() {
            let row = tariff_file.row(i);
            let found = match &outcome {
                Outcome::Computed { warnings, .. } => warnings.as_slice(),
                Outcome::Failed(e) => e.as_slice(),
                Outcome::NoPart => &[],
            };
            for d in found {
                if d.is_error() {
                    let mut d = d.clone();
                    d.title = format!("{row}: {}", d.title);
                    errors.push(d);
                    continue;
                }
                match shared.iter_mut().find(|(s, _)| s.title == d.title) {
                    Some((_, rows)) => rows.push(row.to_string()),
                    None => shared.push((d.clone(), vec![row.to_string()])),
                }
            }
            offer.outcomes.push(outcome);
        }
        let shared = shared_warnings(shared, tariff_file.name());
        warnings.extend(shared.iter().cloned());
        if let Some(mine) = by_agreement.last_mut() {
            *mine = shared;
        }
    }
    if !errors.is_empty() && !keep_going {
        errors.append(&mut warnings);
        return Err(super::super::distinct(errors));
    }
    let comparison = Comparison {
        input: tariff_file.name().to_string(),
        kind: Kind::TariffFile,
        part: part.to_string(),
        figures: figures(&agreements),
        agreements,
        offers,
    };
    Ok(Compared {
        comparison,
        warnings: super::super::distinct(warnings),
        by_agreement,
        errors: super::super::distinct(errors),
    })
}

/// A warning that several rows share (a tariff year outside the agreement's period)
/// once, naming the rows (the first five, and how many more).
fn shared_warnings(shared: Vec<(Diagnostic, Vec<String>)>, file: &str) -> Vec<Diagnostic> {
    shared
        .into_iter()
        .map(|(mut d, rows)| {
            let shown = rows.len().min(5);
            let more = match rows.len() - shown {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            d.title = format!("{}{more}: {}", rows[..shown].join(", "), d.title);
            if rows.len() > 1 {
                d.help = Some(format!(
                    "the figures of these offers in {file} do not meet this rule of the agreement"
                ));
            }
            d
        })
        .collect()
}
