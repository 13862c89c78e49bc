//! One input under several agreements — an offer, or every offer of a tariff file —
//! as `takst compare` and `takst report` show it, and its JSON: one schema for both
//! (`docs/comparison-json.md`).

use std::path::Path;

use dsl::program::SlotId;
use dsl::types::Type;
use dsl::{Code, Diagnostic, Level, Program};
use engine::Value;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value as Json};

use super::eval::{evaluate, find_part, json_typed, unit, Evaluated};
use super::{distinct, load_program, readings, InputFile};
use crate::catalog;

/// The name of the JSON schema, written at the top of every document.
pub const SCHEMA: &str = "takst-comparison/1";

/// An agreement compared: its checked program and the part compared, if it has it.
pub struct Agreement {
    /// The agreement as named on the command line (or by default).
    pub asked: String,
    pub program: Program,
    pub part: Option<usize>,
}

impl Agreement {
    /// The agreement's name, as `takst list` shows it.
    pub fn name(&self) -> &str {
        &self.program.agreement.name
    }

    /// The results of the part compared, in its order.
    pub fn outputs(&self) -> &[SlotId] {
        self.part
            .and_then(|p| self.program.parts.get(p))
            .map_or(&[], |p| &p.outputs)
    }
}

/// A named figure of the part, under every agreement that has it.
pub struct Figure {
    pub name: String,
    /// The label the agreements share, or the name where they label it differently.
    pub label: String,
    pub ty: Type,
    /// Where each agreement's part has it: the index among its results.
    pub at: Vec<Option<usize>>,
}

/// What an agreement made of one offer.
pub enum Outcome {
    /// The part's results, in its order, and the warnings (failed checks).
    Computed {
        values: Vec<Value>,
        warnings: Vec<Diagnostic>,
    },
    /// The offer's figures are wrong for this agreement.
    Failed(Vec<Diagnostic>),
    /// The agreement has no such part: information, not a failure.
    NoPart,
}

impl Outcome {
    pub fn values(&self) -> Option<&[Value]> {
        match self {
            Outcome::Computed { values, .. } => Some(values),
            _ => None,
        }
    }
}

/// One offer: a whole input file, or a line of a tariff file.
pub struct Offer {
    pub name: String,
    /// The line of the tariff file it is on.
    pub line: Option<usize>,
    /// Under each agreement, in the order of [`Comparison::agreements`].
    pub outcomes: Vec<Outcome>,
}

/// What was compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One input file (TOML).
    Offer,
    /// A tariff file (CSV), one offer per line.
    TariffFile,
}

/// One input under several agreements.
pub struct Comparison {
    pub input: String,
    pub kind: Kind,
    pub part: String,
    pub agreements: Vec<Agreement>,
    pub figures: Vec<Figure>,
    pub offers: Vec<Offer>,
}

impl Comparison {
    /// The value of figure `figure` for `offer` under agreement `agreement`.
    pub fn value<'a>(
        &self,
        offer: &'a Offer,
        figure: usize,
        agreement: usize,
    ) -> Option<&'a Value> {
        let at = self.figures.get(figure)?.at.get(agreement).copied()??;
        offer.outcomes.get(agreement)?.values()?.get(at)
    }

    /// Largest minus smallest of a figure of numbers of one unit that at least two
    /// agreements computed.
    pub fn difference(&self, offer: &Offer, figure: usize) -> Option<Decimal> {
        let ty = &self.figures.get(figure)?.ty;
        spread((0..self.agreements.len()).map(|a| self.value(offer, figure, a).map(|v| (v, ty))))
    }

    /// The index of the figure named `name`.
    pub fn figure(&self, name: &str) -> Option<usize> {
        self.figures.iter().position(|f| f.name == name)
    }
}

/// Largest minus smallest of cells of numbers of one unit, where at least two hold a
/// figure and every cell that holds one holds a number.
pub fn spread<'a>(cells: impl Iterator<Item = Option<(&'a Value, &'a Type)>>) -> Option<Decimal> {
    let numbers: Vec<_> = cells
        .flatten()
        .map(|(v, ty)| {
            v.as_number()
                .filter(|_| ty.is_number())
                .map(|n| (n, ty.dimension()))
        })
        .collect::<Option<Vec<_>>>()?;
    if numbers.len() < 2 || numbers.iter().any(|(_, d)| *d != numbers[0].1) {
        return None;
    }
    let max = numbers.iter().map(|(n, _)| *n).max()?;
    let min = numbers.iter().map(|(n, _)| *n).min()?;
    max.checked_sub(min)
}

/// The agreements compared by default: every bundled one that no other extends.
pub fn default_agreements() -> Vec<String> {
    let programs: Vec<(String, Program)> = catalog::bundled()
        .filter_map(|(stem, ..)| {
            load_program(stem, &mut Vec::new())
                .ok()
                .map(|p| (stem.to_string(), p))
        })
        .collect();
    programs
        .iter()
        .filter(|(_, p)| {
            !programs
                .iter()
                .any(|(_, q)| q.agreement.bases.contains(&p.agreement.name))
        })
        .map(|(stem, _)| stem.clone())
        .collect()
}

/// Finds and checks the agreements named (every regional one if none), with the
/// readings switched on the command line, and the part compared in each. Every
/// agreement is checked before any error is returned; if none has the part, that
/// is an error.
pub fn agreements(
    names: &[String],
    part: &str,
    choices: &[readings::Choice],
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<Agreement>, Vec<Diagnostic>> {
    let names = if names.is_empty() {
        default_agreements()
    } else {
        names.to_vec()
    };
    let choices = readings::applying(&names, choices)?;
    let (mut errors, mut agreements) = (Vec::new(), Vec::new());
    for (name, choices) in names.iter().zip(&choices) {
        let program = load_program(name, warnings).and_then(|mut program| {
            readings::choose(&mut program, choices)?;
            Ok(program)
        });
        match program {
            Ok(program) => {
                let part = find_part(&program, part).ok();
                agreements.push(Agreement {
                    asked: name.clone(),
                    program,
                    part,
                });
            }
            Err(d) => errors.extend(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if agreements.iter().all(|a| a.part.is_none()) {
        return Err(vec![Diagnostic::error(
            Code::UnknownPart,
            format!("none of the agreements compared has a part `{part}`"),
        )
        .help("`takst list --parts AGREEMENT` lists an agreement's parts")]);
    }
    Ok(agreements)
}

/// The figures of the part under every agreement: in the order in which they first
/// appear, agreement by agreement.
pub fn figures(agreements: &[Agreement]) -> Vec<Figure> {
    let mut figures: Vec<Figure> = Vec::new();
    for (column, agreement) in agreements.iter().enumerate() {
        for (index, &s) in agreement.outputs().iter().enumerate() {
            let slot = agreement.program.slot(s);
            let label = slot.label.clone().unwrap_or_else(|| slot.name.clone());
            match figures.iter_mut().find(|f| f.name == slot.name) {
                Some(figure) => {
                    figure.at[column] = Some(index);
                    // Where the agreements label a figure differently, its name is shown.
                    if figure.label != label {
                        figure.label = slot.name.clone();
                    }
                }
                None => {
                    let mut at = vec![None; agreements.len()];
                    at[column] = Some(index);
                    figures.push(Figure {
                        name: slot.name.clone(),
                        label,
                        ty: slot.ty.clone(),
                        at,
                    });
                }
            }
        }
    }
    figures
}

/// One input file under several agreements.
pub struct OfferCompared {
    pub comparison: Comparison,
    /// Each agreement's whole evaluation (for its explanations and readings).
    pub evaluated: Vec<Option<Evaluated>>,
    pub warnings: Vec<Diagnostic>,
}

/// Compares one input file under several agreements. An error under any agreement
/// is an error of the comparison: nothing half is shown.
pub fn of_offer(
    path: &Path,
    names: &[String],
    part: &str,
    choices: &[readings::Choice],
    locale: crate::render::Locale,
) -> Result<OfferCompared, Vec<Diagnostic>> {
    let mut warnings = Vec::new();
    let loaded = agreements(names, part, choices, &mut warnings);
    let input = InputFile::read(path);
    let (agreements, input) = match (loaded, input) {
        (Ok(a), Ok(i)) => (a, i),
        (a, i) => {
            let mut errors: Vec<Diagnostic> =
                [a.err(), i.err()].into_iter().flatten().flatten().collect();
            errors.append(&mut warnings);
            return Err(distinct(errors));
        }
    };
    // One file serves every agreement compared: a field that only some of them read
    // is expected here, not worth a note per agreement.
    let read_elsewhere = |d: &Diagnostic| d.code == Code::UnknownInput && d.level == Level::Note;
    let mut errors = Vec::new();
    let (mut outcomes, mut evaluated) = (Vec::new(), Vec::new());
    for agreement in &agreements {
        let Some(index) = agreement.part else {
            outcomes.push(Outcome::NoPart);
            evaluated.push(None);
            continue;
        };
        match evaluate(agreement.program.clone(), index, &input, locale) {
            Ok(mut e) => {
                e.warnings.retain(|w| !read_elsewhere(w));
                let values = e
                    .part()
                    .outputs
                    .iter()
                    .map(|&s| e.value(s).clone())
                    .collect();
                outcomes.push(Outcome::Computed {
                    values,
                    warnings: e.warnings.clone(),
                });
                warnings.extend(e.warnings.iter().cloned());
                evaluated.push(Some(e));
            }
            Err(mut e) => {
                e.retain(|d| !read_elsewhere(d));
                errors.extend(e.iter().cloned());
                outcomes.push(Outcome::Failed(e));
                evaluated.push(None);
            }
        }
    }
    if !errors.is_empty() {
        errors.append(&mut warnings);
        return Err(distinct(errors));
    }
    let comparison = Comparison {
        input: path.display().to_string(),
        kind: Kind::Offer,
        part: part.to_string(),
        figures: figures(&agreements),
        agreements,
        offers: vec![Offer {
            name: path.display().to_string(),
            line: None,
            outcomes,
        }],
    };
    Ok(OfferCompared {
        comparison,
        evaluated,
        warnings: distinct(warnings),
    })
}

/// A diagnostic as JSON: its level, code, title, where it points and what to do.
pub fn diagnostic_json(d: &Diagnostic) -> Json {
    let level = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    };
    json!({
        "level": level,
        "code": d.code.as_str(),
        "title": d.title,
        "at": d.position(),
        "help": d.help,
    })
}

/// The comparison as JSON (schema [`SCHEMA`]). `takst report` adds sections of its
/// own to the same document.
pub fn json(comparison: &Comparison) -> Json {
    let agreements: Vec<Json> = comparison
        .agreements
        .iter()
        .map(|a| {
            let info = &a.program.agreement;
            let figures: Map<String, Json> = a
                .outputs()
                .iter()
                .map(|&s| {
                    let slot = a.program.slot(s);
                    let about = json!({ "label": slot.label, "citation": slot.citation });
                    (slot.name.clone(), about)
                })
                .collect();
            let part = a.part.map(|p| &a.program.parts[p]);
            json!({
                "name": info.name,
                "source": info.source,
                "valid": info.valid.map(|(from, to)| json!({"from": from.to_string(), "to": to.to_string()})),
                "has_part": part.is_some(),
                "readings": part.map(|p| readings::in_force_json(&a.program, p)),
                "figures": figures,
            })
        })
        .collect();
    let figures: Vec<Json> = comparison
        .figures
        .iter()
        .map(|f| json!({ "name": f.name, "label": f.label, "unit": unit(&f.ty) }))
        .collect();
    let offers: Vec<Json> = comparison
        .offers
        .iter()
        .map(|offer| offer_json(comparison, offer))
        .collect();
    json!({
        "schema": SCHEMA,
        "input": comparison.input,
        "kind": match comparison.kind {
            Kind::Offer => "offer",
            Kind::TariffFile => "tariff_file",
        },
        "part": comparison.part,
        "agreements": agreements,
        "figures": figures,
        "offers": offers,
    })
}

fn offer_json(comparison: &Comparison, offer: &Offer) -> Json {
    let results: Vec<Json> = offer
        .outcomes
        .iter()
        .zip(&comparison.agreements)
        .map(|(outcome, agreement)| match outcome {
            Outcome::Computed { values, warnings } => {
                let values: Map<String, Json> = agreement
                    .outputs()
                    .iter()
                    .zip(values)
                    .map(|(&s, v)| {
                        let slot = agreement.program.slot(s);
                        (
                            slot.name.clone(),
                            json_typed(v, &slot.ty, &agreement.program),
                        )
                    })
                    .collect();
                json!({ "status": "computed", "values": values,
                    "warnings": warnings.iter().map(diagnostic_json).collect::<Vec<_>>() })
            }
            Outcome::Failed(errors) => json!({ "status": "failed",
                "errors": errors.iter().map(diagnostic_json).collect::<Vec<_>>() }),
            Outcome::NoPart => json!({ "status": "no_part" }),
        })
        .collect();
    let differences: Map<String, Json> = (0..comparison.figures.len())
        .filter_map(|f| {
            let d = comparison.difference(offer, f)?;
            Some((
                comparison.figures[f].name.clone(),
                Json::String(d.normalize().to_string()),
            ))
        })
        .collect();
    let mut doc = json!({ "name": offer.name, "results": results, "differences": differences });
    if let Some(line) = offer.line {
        doc["line"] = json!(line);
    }
    doc
}
