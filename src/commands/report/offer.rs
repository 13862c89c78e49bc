//! The report of one offer under several agreements: the overview, the make-up of
//! the tariff as stacked bars, the figures side by side (each with its explanation
//! one click away), the warnings and rules not met, the readings and what each
//! alternative would change, and the whole explanation.

use std::path::Path;

use dsl::Diagnostic;
use engine::Value;
use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

use super::super::comparison::{self, Comparison, Outcome};
use super::super::eval::{trace_json, Evaluated};
use super::super::readings::{self, Alternatives};
use super::alternatives::reading_html;
use super::composition::Composition;
use super::makeup;
use super::words::Words;
use super::{contents, findings, footer, header, section, Made, Options};
use crate::render::html::{escape, table, th, Page};
use crate::render::{format_value, Locale};

/// Makes the report of the offer at `path`.
pub fn report(path: &Path, options: &Options, words: &Words) -> Result<Made, Vec<Diagnostic>> {
    let comparison::OfferCompared {
        comparison,
        evaluated,
        warnings,
    } = comparison::of_offer(
        path,
        options.agreements,
        options.part,
        options.choices,
        options.locale,
    )?;
    // Every agreement's make-up is of the same figure: the whole most of them find.
    let whole = makeup::shared_whole(evaluated.iter().flatten().map(|e| (&e.program, e.part())));
    let compositions: Vec<Option<Composition>> = evaluated
        .iter()
        .map(|e| {
            let e = e.as_ref()?;
            let makeup = makeup::of_figure(&e.program, e.part(), whole.as_deref()?)?;
            let amounts = makeup::amounts(&makeup, &e.evaluation.values);
            Some(Composition { makeup, amounts })
        })
        .collect();
    // A part of tables only (a settlement) has no figure to lead with: then the
    // page has no overview, unless a figure was asked for and is not there.
    let headline = match super::headline(&comparison, options.figure, whole.as_deref()) {
        Ok(figure) => Some(figure),
        Err(_) if options.figure.is_none() => None,
        Err(e) => return Err(e),
    };
    let report = Report {
        comparison: &comparison,
        evaluated: &evaluated,
        compositions: &compositions,
        headline,
        locale: options.locale,
        words,
    };
    let mut drawn = None;
    if options.format == super::ReportFormat::Html {
        drawn = Some(report.page(&warnings)?);
    }
    let text = super::written(
        options.format,
        || report.json(),
        || drawn.unwrap_or_default(),
    );
    Ok(Made {
        text,
        warnings,
        errors: Vec::new(),
    })
}

/// What the page of one offer is made from.
pub struct Report<'a> {
    pub comparison: &'a Comparison,
    pub evaluated: &'a [Option<Evaluated>],
    pub compositions: &'a [Option<Composition>],
    pub headline: Option<usize>,
    pub locale: Locale,
    pub words: &'a Words,
}

impl Report<'_> {
    fn page(&self, warnings: &[Diagnostic]) -> Result<String, Vec<Diagnostic>> {
        let w = self.words;
        let mut page = Page::new(w.lang, w.title_offer);
        let headline = self.headline.map(|h| &self.comparison.figures[h]);
        let facts: Vec<(&str, String)> = headline
            .map(|figure| (w.figure, super::figure_named(figure)))
            .into_iter()
            .collect();
        page.push(&header(
            self.comparison,
            w.title_offer,
            w.lead_offer,
            &facts,
            w,
        ));
        let mut sections = vec![
            ("makeup", self.makeup_title()),
            ("figures", w.side_by_side),
            ("findings", w.findings),
            ("readings", w.readings),
            ("explanations", w.explanations),
        ];
        if let Some(headline) = self.headline {
            sections.insert(0, ("summary", w.summary));
            page.push(&contents(&sections));
            page.push(&self.summary(headline));
        } else {
            page.push(&contents(&sections));
        }
        page.push(&self.makeup()?);
        page.push(&self.side_by_side());
        page.push(&self.findings(warnings));
        page.push(&self.readings());
        page.push(&self.explanations());
        page.push(&footer(w));
        Ok(page.finish())
    }

    /// The make-up section's title: of the tariff, or of an amount of another part.
    pub fn makeup_title(&self) -> &'static str {
        match self.comparison.part.as_str() {
            "tariff" => self.words.makeup,
            _ => self.words.makeup_other,
        }
    }

    /// The evaluations, with the index of each agreement.
    pub fn each(&self) -> impl Iterator<Item = (usize, &Evaluated)> {
        self.evaluated
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((i, e.as_ref()?)))
    }

    /// A value shown with its unit, as the agreement's program writes it.
    pub fn shown(&self, e: &Evaluated, value: &Value, ty: &dsl::types::Type) -> String {
        format_value(value, ty, &e.program, self.locale)
    }

    /// A value as HTML: a table of figures one entry a line (`Køberkommune 1: 609.333,34
    /// kr`), anything else as `takst eval` writes it.
    fn shown_html(&self, e: &Evaluated, value: &Value, ty: &dsl::types::Type) -> String {
        let (Value::Table(t), dsl::types::Type::Table { value: inner, .. }) = (value, ty) else {
            return escape(&self.shown(e, value, ty));
        };
        if t.entries.is_empty() {
            return String::from("{}");
        }
        let lines: Vec<String> = (t.entries.iter())
            .map(|(key, v)| {
                let key = engine::show_key(key).trim_matches('"').to_string();
                format!("{}: {}", escape(&key), escape(&self.shown(e, v, inner)))
            })
            .collect();
        format!("<span class=\"entries\">{}</span>", lines.join("<br>"))
    }

    /// The headline figure under each agreement, as cards: the lowest and highest marked.
    fn summary(&self, headline: usize) -> String {
        let w = self.words;
        let offer = &self.comparison.offers[0];
        let figure = &self.comparison.figures[headline];
        let numbers: Vec<Option<Decimal>> = (0..self.comparison.agreements.len())
            .map(|a| self.comparison.value(offer, headline, a)?.as_number())
            .collect();
        let lowest = numbers.iter().flatten().min().copied();
        let highest = numbers.iter().flatten().max().copied();
        let mut out = super::section("summary", w.summary, "");
        out.push_str("<div class=\"cards\">\n");
        for (a, agreement) in self.comparison.agreements.iter().enumerate() {
            let Some(e) = self.evaluated[a].as_ref() else {
                out.push_str(&format!(
                    "<div class=\"card\"><div class=\"name\">{}</div><div class=\"muted\">{}</div></div>\n",
                    escape(agreement.name()),
                    w.no_part
                ));
                continue;
            };
            let value = self.comparison.value(offer, headline, a);
            let shown = value.map_or_else(|| String::from("—"), |v| self.shown(e, v, &figure.ty));
            let n = numbers[a];
            let (class, note) = match (n, lowest, highest) {
                (Some(n), Some(low), Some(high)) if low != high && n == low => {
                    (" lowest", w.lowest.to_string())
                }
                (Some(n), Some(low), Some(high)) if low != high => {
                    let above = self.shown(e, &Value::Number(n - low), &figure.ty);
                    let class = if n == high { " highest" } else { "" };
                    (class, format!("+{above} {}", w.above_lowest))
                }
                _ => ("", String::new()),
            };
            let slot = figure.at[a].map(|at| e.program.slot(e.part().outputs[at]));
            let own = slot.and_then(|s| s.label.clone()).unwrap_or_default();
            let citation = slot.and_then(|s| s.citation.clone()).unwrap_or_default();
            out.push_str(&format!(
                "<div class=\"card{class}\"><div class=\"name\">{}</div><div class=\"figure\">{}</div>\
                 <div class=\"muted\">{}</div><span class=\"cite\">{} [{}]</span></div>\n",
                escape(agreement.name()),
                escape(&shown),
                escape(&note),
                escape(&own),
                escape(&citation)
            ));
        }
        out.push_str("</div>\n</section>\n");
        out
    }

    /// Every figure under every agreement, with its section and its explanation.
    fn side_by_side(&self) -> String {
        let w = self.words;
        let offer = &self.comparison.offers[0];
        let traces: Vec<Option<engine::Trace>> = self
            .evaluated
            .iter()
            .map(|e| {
                e.as_ref()
                    .map(|e| engine::trace(&e.program, &e.part().plan, &e.evaluation, &e.inputs))
            })
            .collect();
        let mut out = section("figures", w.side_by_side, w.side_by_side_lead);
        let mut header = vec![th("")];
        for agreement in &self.comparison.agreements {
            header.push(format!("<th class=\"n\">{}</th>", escape(agreement.name())));
        }
        header.push(format!("<th class=\"n\">{}</th>", escape(w.difference)));
        let mut rows = Vec::new();
        for (f, figure) in self.comparison.figures.iter().enumerate() {
            let difference = self.comparison.difference(offer, f);
            let differs = difference.is_some_and(|d| !d.is_zero());
            let class = if differs { " class=\"differs\"" } else { "" };
            let mut row = format!(
                "<tr{class}><td>{}</td>",
                super::figure_named_in_a_row(figure)
            );
            for (a, trace) in traces.iter().enumerate() {
                let e = self.evaluated[a].as_ref();
                let (Some(e), Some(trace), Some(at)) = (e, trace, figure.at[a]) else {
                    row.push_str(&format!(
                        "<td class=\"none\" title=\"{}\">—</td>",
                        escape(w.no_figure)
                    ));
                    continue;
                };
                let slot = e.part().outputs[at];
                let definition = e.program.slot(slot);
                let shown = self.shown_html(e, e.value(slot), &definition.ty);
                let explanation = trace
                    .steps
                    .iter()
                    .find(|s| s.slot == slot)
                    .map(|step| self.explanation(e, step))
                    .unwrap_or_default();
                row.push_str(&format!(
                    "<td class=\"n\" title=\"{}\"><details><summary>{}</summary>{explanation}</details><span class=\"cite\">{}</span></td>",
                    escape(definition.label.as_deref().unwrap_or(&definition.name)),
                    shown,
                    escape(definition.citation.as_deref().unwrap_or(""))
                ));
            }
            let shown_difference = difference
                .and_then(|d| {
                    let (_, e) = self.each().find(|(a, _)| figure.at[*a].is_some())?;
                    Some(self.shown(e, &Value::Number(d), &figure.ty))
                })
                .unwrap_or_default();
            row.push_str(&format!(
                "<td class=\"n difference\">{}</td></tr>",
                escape(&shown_difference)
            ));
            rows.push(row);
        }
        out.push_str(&table(" id=\"figures-table\"", &header, &rows));
        out.push_str(&format!(
            "<p class=\"muted\">— : {}. {}: {}</p>\n</section>\n",
            escape(w.no_figure),
            escape(w.difference),
            if w.lang == "da" {
                "største minus mindste"
            } else {
                "largest minus smallest"
            }
        ));
        out
    }

    /// One step of the trace as a small block: label, section, formula, the figures used.
    fn explanation(&self, e: &Evaluated, step: &engine::Step) -> String {
        let w = self.words;
        let slot = e.program.slot(step.slot);
        let mut out = format!(
            "<div class=\"explain\"><strong>{}</strong>",
            escape(slot.label.as_deref().unwrap_or(&slot.name))
        );
        if let Some(c) = &slot.citation {
            out.push_str(&format!(" <span class=\"muted\">[{}]</span>", escape(c)));
        }
        match &step.origin {
            Some(origin) => out.push_str(&format!(
                "<br>{} <code>{}</code>",
                escape(w.read_from),
                escape(origin)
            )),
            None => {
                let formula = step
                    .formula
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                out.push_str(&format!(
                    "<br>{}: <code>{} = {}</code>",
                    escape(w.formula),
                    escape(&slot.name),
                    escape(&formula)
                ));
                let used: Vec<String> = step
                    .uses
                    .iter()
                    .map(|(u, v)| {
                        let used = e.program.slot(*u);
                        format!(
                            "<code>{}</code> = {}",
                            escape(&used.name),
                            escape(&self.shown(e, v, &used.ty))
                        )
                    })
                    .collect();
                if !used.is_empty() {
                    out.push_str(&format!("<br>{}: {}", escape(w.used), used.join("; ")));
                }
            }
        }
        out.push_str("</div>");
        out
    }

    /// The warnings of each agreement, with their citations; those of none in particular last.
    fn findings(&self, warnings: &[Diagnostic]) -> String {
        let w = self.words;
        let mut out = section("findings", w.findings, w.findings_lead);
        let mut shown: Vec<&str> = Vec::new();
        let offer = &self.comparison.offers[0];
        for (agreement, outcome) in self.comparison.agreements.iter().zip(&offer.outcomes) {
            let Outcome::Computed { warnings, .. } = outcome else {
                continue;
            };
            out.push_str(&format!("<h3>{}</h3>\n", escape(agreement.name())));
            if warnings.is_empty() {
                out.push_str(&format!(
                    "<p class=\"muted\">{}</p>\n",
                    escape(w.no_findings)
                ));
                continue;
            }
            out.push_str(&findings(&warnings.iter().collect::<Vec<_>>()));
            shown.extend(warnings.iter().map(|d| d.title.as_str()));
        }
        let general: Vec<&Diagnostic> = warnings
            .iter()
            .filter(|d| !shown.contains(&d.title.as_str()))
            .collect();
        if !general.is_empty() {
            out.push_str(&format!("<h3>{}</h3>\n", escape(w.general)));
            out.push_str(&findings(&general));
        }
        out.push_str("</section>\n");
        out
    }

    /// Each agreement's readings that the part uses, and what each alternative would change.
    fn readings(&self) -> String {
        let w = self.words;
        let mut out = section("readings", w.readings, w.readings_lead);
        for (_, e) in self.each() {
            out.push_str(&format!("<h3>{}</h3>\n", escape(&e.program.agreement.name)));
            let alternatives = self.alternatives(e);
            if alternatives.is_empty() {
                out.push_str(&format!(
                    "<p class=\"muted\">{}</p>\n",
                    escape(w.no_readings)
                ));
            }
            for a in &alternatives {
                out.push_str(&reading_html(a, w));
            }
        }
        out.push_str("</section>\n");
        out
    }

    fn alternatives<'e>(&self, e: &'e Evaluated) -> Vec<Alternatives<'e>> {
        readings::alternatives(
            &e.program,
            Some(&e.inputs),
            Some(&e.part().name),
            self.locale,
        )
        .into_iter()
        .filter(|a| !a.used_by.is_empty())
        .collect()
    }

    /// The whole trace of each agreement, folded.
    fn explanations(&self) -> String {
        let w = self.words;
        let mut out = section("explanations", w.explanations, w.explanations_lead);
        for (_, e) in self.each() {
            let trace = engine::trace(&e.program, &e.part().plan, &e.evaluation, &e.inputs);
            let rows: Vec<String> = trace
                .steps
                .iter()
                .map(|step| {
                    let slot = e.program.slot(step.slot);
                    format!(
                        "<tr><td><code>{}</code><span class=\"cite\">{}</span></td><td class=\"n\">{}</td><td>{}</td></tr>",
                        escape(&slot.name),
                        escape(slot.citation.as_deref().unwrap_or("")),
                        escape(&self.shown(e, &step.value, &slot.ty)),
                        self.explanation(e, step)
                    )
                })
                .collect();
            out.push_str(&format!(
                "<details><summary>{}</summary>\n",
                escape(&e.program.agreement.name)
            ));
            out.push_str(&table(
                "",
                &[
                    th(w.figure),
                    format!("<th class=\"n\">{}</th>", escape(w.value)),
                    th(w.formula),
                ],
                &rows,
            ));
            out.push_str("</details>\n");
        }
        out.push_str("</section>\n");
        out
    }

    /// The report as JSON: the comparison's schema, with the make-up, the
    /// explanations and the readings added.
    fn json(&self) -> Json {
        let mut doc = comparison::json(self.comparison);
        doc["headline"] = json!(self.headline.map(|h| &self.comparison.figures[h].name));
        let makeups: Vec<Json> = self
            .compositions
            .iter()
            .zip(self.evaluated)
            .map(|(c, e)| {
                let (c, e) = (c.as_ref()?, e.as_ref()?);
                let terms: Vec<Json> = c
                    .makeup
                    .terms
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let slot = e.program.slot(t.slot);
                        json!({
                            "name": slot.name,
                            "label": slot.label,
                            "citation": slot.citation,
                            "subtracted": t.subtracted,
                            "amount": c.amounts.as_ref().map(|a| a[i].normalize().to_string()),
                        })
                    })
                    .collect();
                Some(json!({
                    "whole": e.program.slot(c.makeup.whole).name,
                    "adds_up": c.amounts.is_some(),
                    "terms": terms,
                }))
            })
            .map(|m| m.unwrap_or(Json::Null))
            .collect();
        let explanations: Vec<Json> = self
            .evaluated
            .iter()
            .map(|e| e.as_ref().map_or(Json::Null, trace_json))
            .collect();
        doc["offers"][0]["makeup"] = json!(makeups);
        doc["offers"][0]["explanations"] = json!(explanations);
        let readings: Vec<Json> = self
            .each()
            .map(|(_, e)| {
                let list: Vec<Json> = self
                    .alternatives(e)
                    .iter()
                    .map(|a| readings::reading_json(a.reading, &a.used_by, &a.moves))
                    .collect();
                json!({ "agreement": e.program.agreement.name, "readings": list })
            })
            .collect();
        doc["readings"] = json!(readings);
        doc
    }
}
