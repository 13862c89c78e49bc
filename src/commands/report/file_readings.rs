//! The readings section of a tariff file's report: every alternative reading of
//! every agreement that the part uses, evaluated on the whole file — how many
//! offers' headline figure it moves, and how far up and down.

use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

use super::super::readings;
use super::file::Report;
use super::{section, tariff_file};
use crate::render::html::{escape, table, th};

/// What an alternative reading does to the headline figure across the file.
pub struct ReadingMove {
    agreement: usize,
    reading: String,
    label: String,
    citation: Option<String>,
    alternative: String,
    alternative_label: String,
    in_force: bool,
    /// Offers whose figure changes, offers compared, and the largest rise and fall.
    changed: usize,
    compared: usize,
    rise: Option<Decimal>,
    fall: Option<Decimal>,
    /// Offers computed under the reading in force but not under this one.
    not_computed: usize,
}

impl Report<'_> {
    /// Every alternative reading of every agreement that the part uses, evaluated
    /// on the whole file: how many offers' figure it moves, and how far.
    pub(super) fn reading_moves(&self) -> Vec<ReadingMove> {
        let mut moves = Vec::new();
        for (a, agreement) in self.comparison.agreements.iter().enumerate() {
            let Some(part) = agreement.part else { continue };
            let program = &agreement.program;
            let part_name = &program.parts[part].name;
            let figure = self.comparison.figures[self.headline].at[a];
            for listed in readings::alternatives(program, None, Some(part_name), self.locale) {
                if listed.used_by.is_empty() {
                    continue;
                }
                let r = listed.reading;
                for (i, alternative) in r.alternatives.iter().enumerate() {
                    let mut m = ReadingMove {
                        agreement: a,
                        reading: r.name.clone(),
                        label: r.label.clone().unwrap_or_default(),
                        citation: r.citation.clone(),
                        alternative: alternative.name.clone(),
                        alternative_label: alternative.label.clone().unwrap_or_default(),
                        in_force: i as u32 == r.chosen,
                        changed: 0,
                        compared: 0,
                        rise: None,
                        fall: None,
                        not_computed: 0,
                    };
                    if !m.in_force {
                        let mut switched = program.clone();
                        let outcomes = switched
                            .choose_reading(&r.name, &alternative.name)
                            .ok()
                            .and_then(|()| {
                                tariff_file::evaluate(self.path, switched, part, self.locale).ok()
                            });
                        for (k, offer) in self.comparison.offers.iter().enumerate() {
                            let Some(before) = self.figure(offer, a) else {
                                continue;
                            };
                            let after = (|| {
                                let values = outcomes.as_ref()?.get(k)?.as_ref()?;
                                values.get(figure?)?.as_number()
                            })();
                            let Some(after) = after else {
                                m.not_computed += 1;
                                continue;
                            };
                            m.compared += 1;
                            let Some(d) = after.checked_sub(before) else {
                                continue;
                            };
                            if !d.is_zero() {
                                m.changed += 1;
                            }
                            if d > Decimal::ZERO {
                                m.rise = Some(m.rise.map_or(d, |r| r.max(d)));
                            }
                            if d < Decimal::ZERO {
                                m.fall = Some(m.fall.map_or(d, |f| f.min(d)));
                            }
                        }
                    }
                    moves.push(m);
                }
            }
        }
        moves
    }

    pub(super) fn readings(&self, moves: &[ReadingMove]) -> String {
        let w = self.words;
        let mut out = section("readings", w.readings, w.readings_lead);
        for (a, agreement) in self.comparison.agreements.iter().enumerate() {
            if agreement.part.is_none() {
                continue;
            }
            out.push_str(&format!("<h3>{}</h3>\n", escape(agreement.name())));
            let mine: Vec<&ReadingMove> = moves.iter().filter(|m| m.agreement == a).collect();
            if mine.is_empty() {
                out.push_str(&format!(
                    "<p class=\"muted\">{}</p>\n",
                    escape(w.no_readings)
                ));
                continue;
            }
            let header = vec![
                th(w.alternative),
                format!("<th class=\"n\">{}</th>", escape(w.offers_changed)),
                format!("<th class=\"n\">{}</th>", escape(w.largest_rise)),
                format!("<th class=\"n\">{}</th>", escape(w.largest_fall)),
            ];
            let mut reading = "";
            let mut rows = Vec::new();
            for m in &mine {
                if m.reading != reading {
                    reading = &m.reading;
                    let cite = m
                        .citation
                        .as_deref()
                        .map(|c| format!(" <span class=\"muted\">[{}]</span>", escape(c)))
                        .unwrap_or_default();
                    rows.push(format!(
                        "<tr><td colspan=\"4\"><strong><code>{}</code></strong> {}{cite}</td></tr>",
                        escape(&m.reading),
                        escape(&m.label)
                    ));
                }
                let name = format!(
                    "{}<code>{}</code> {}",
                    if m.in_force { "▸ " } else { "" },
                    escape(&m.alternative),
                    escape(&m.alternative_label)
                );
                if m.in_force {
                    rows.push(format!("<tr class=\"in-force\"><td>{name}</td><td class=\"n\" colspan=\"3\">{}</td></tr>", escape(w.taken)));
                    continue;
                }
                let changed = if m.not_computed > 0 {
                    format!(
                        "{} / {} ({} {})",
                        m.changed, m.compared, m.not_computed, w.not_evaluated
                    )
                } else {
                    format!("{} / {}", m.changed, m.compared)
                };
                let amount = |d: Option<Decimal>| d.map(|d| self.shown(a, d)).unwrap_or_default();
                let class = if m.changed > 0 {
                    " class=\"differs\""
                } else {
                    ""
                };
                rows.push(format!(
                    "<tr{class}><td>{name}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                    escape(&changed),
                    escape(&amount(m.rise)),
                    escape(&amount(m.fall))
                ));
            }
            out.push_str(&table("", &header, &rows));
        }
        out.push_str("</section>\n");
        out
    }

    /// As in the report of one offer: per agreement, its readings, each with its
    /// alternatives — here with what each moves across the file.
    pub(super) fn readings_json(&self, moves: &[ReadingMove]) -> Json {
        let exact = |d: Option<Decimal>| d.map(|d| d.normalize().to_string());
        let readings: Vec<Json> = (self.comparison.agreements.iter().enumerate())
            .filter(|(_, agreement)| agreement.part.is_some())
            .map(|(a, agreement)| {
                let mut list: Vec<Json> = Vec::new();
                for m in moves.iter().filter(|m| m.agreement == a) {
                    if list.last().is_none_or(|r| r["name"] != json!(m.reading)) {
                        list.push(json!({
                            "name": m.reading,
                            "label": m.label,
                            "citation": m.citation,
                            "alternatives": [],
                        }));
                    }
                    let alternative = json!({
                        "name": m.alternative,
                        "label": m.alternative_label,
                        "in_force": m.in_force,
                        "offers_changed": m.changed,
                        "offers_compared": m.compared,
                        "offers_not_computed": m.not_computed,
                        "largest_rise": exact(m.rise),
                        "largest_fall": exact(m.fall),
                    });
                    if let Some(Json::Array(alternatives)) =
                        list.last_mut().map(|r| &mut r["alternatives"])
                    {
                        alternatives.push(alternative);
                    }
                }
                json!({ "agreement": agreement.name(), "readings": list })
            })
            .collect();
        json!(readings)
    }
}
