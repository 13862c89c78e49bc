//! A tariff file (CSV or XLSX) under several agreements: `takst batch`'s
//! evaluation of every row on every core (`batch::evaluate_programs`, with batch's
//! rules: a cell that is wrong, a row longer than the header and two offers of one
//! name are errors of their row), made into a comparison. A warning shared by many
//! rows is said once under its agreement, naming them; an agreement without the
//! part shows "no part" for every offer.

use std::collections::HashMap;
use std::path::Path;

use dsl::{Code, Diagnostic, Level, Program};

use super::super::batch::{self, Evaluated};
use super::super::comparison::{figures, Agreement, Comparison, Kind, Offer, Outcome};
use crate::render::Locale;

/// Every row of the tariff file at `path` under `program`'s part `part` (a
/// reading switched, say): each offer's results, in the file's order; none for an
/// offer whose figures are wrong.
pub fn evaluate(
    path: &Path,
    program: Program,
    part: usize,
    locale: Locale,
) -> Result<Vec<Option<Vec<engine::Value>>>, Vec<Diagnostic>> {
    let evaluated = batch::evaluate_programs(path, vec![(program, part)], locale)?;
    Ok((evaluated.rows.into_iter())
        .map(|row| row.outcomes.into_iter().next().and_then(|o| o.values))
        .collect())
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

/// Evaluates every offer of the tariff file at `path` under every agreement that
/// has the part.
pub fn compare(
    path: &Path,
    agreements: Vec<Agreement>,
    part: &str,
    locale: Locale,
    keep_going: bool,
) -> Result<Compared, Vec<Diagnostic>> {
    let programs: Vec<(Program, usize)> = (agreements.iter())
        .filter_map(|a| Some((a.program.clone(), a.part?)))
        .collect();
    let Evaluated {
        rows,
        report,
        warnings: file_warnings,
        ..
    } = batch::evaluate_programs(path, programs, locale)?;
    let name = path.display().to_string();
    if rows.is_empty() {
        return Err(vec![Diagnostic::error(
            Code::BadInput,
            format!("{name} has no offers: only a header"),
        )
        .help("give one offer per line under the header")]);
    }
    // One file serves every agreement: a column only some of them read is expected.
    let mut warnings: Vec<Diagnostic> = (file_warnings.into_iter())
        .filter(|d| !(d.code == Code::UnknownInput && d.level == Level::Note))
        .collect();
    // Each agreement's warnings by title, with the rows that have them.
    let mut shared: Vec<Shared> = agreements.iter().map(|_| Shared::default()).collect();
    let offers: Vec<Offer> = (rows.into_iter())
        .map(|row| {
            let label = row.label();
            let mut evaluated = row.outcomes.into_iter();
            let outcomes = (agreements.iter().zip(&mut shared))
                .map(|(agreement, shared)| {
                    let Some(outcome) = agreement.part.and_then(|_| evaluated.next()) else {
                        return Outcome::NoPart;
                    };
                    for d in &outcome.warnings {
                        shared.add(d, &label);
                    }
                    match outcome.values {
                        Some(values) => Outcome::Computed {
                            values,
                            warnings: outcome.warnings,
                        },
                        None => Outcome::Failed(
                            outcome.errors.into_iter().chain(outcome.warnings).collect(),
                        ),
                    }
                })
                .collect();
            Offer {
                name: row.name,
                line: Some(row.line),
                outcomes,
            }
        })
        .collect();
    let by_agreement: Vec<Vec<Diagnostic>> = shared.into_iter().map(|s| s.said(&name)).collect();
    warnings.extend(by_agreement.iter().flatten().cloned());
    let errors = report.errors;
    if !errors.is_empty() && !keep_going {
        return Err(super::super::distinct(
            errors.into_iter().chain(warnings).collect(),
        ));
    }
    let comparison = Comparison {
        input: name,
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

/// One agreement's warnings about offers, each once, with the rows that have it.
#[derive(Default)]
struct Shared {
    warnings: Vec<(Diagnostic, Vec<String>)>,
    by_title: HashMap<String, usize>,
}

impl Shared {
    fn add(&mut self, d: &Diagnostic, row: &str) {
        match self.by_title.get(&d.title) {
            Some(&at) => self.warnings[at].1.push(row.to_string()),
            None => {
                self.by_title.insert(d.title.clone(), self.warnings.len());
                self.warnings.push((d.clone(), vec![row.to_string()]));
            }
        }
    }

    /// Each warning once, naming its rows (the first five, and how many more).
    fn said(self, file: &str) -> Vec<Diagnostic> {
        (self.warnings.into_iter())
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
}
