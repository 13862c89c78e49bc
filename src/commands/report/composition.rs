//! The make-up section of an offer's report: each agreement's tariff basis as a
//! stacked bar of the amounts it adds up from, the difference to the agreement with
//! the lowest basis split the same way, and the amounts in a table with their shares
//! and each agreement's own label.

use dsl::program::SlotId;
use dsl::Diagnostic;
use engine::Value;
use rust_decimal::Decimal;

use super::super::eval::Evaluated;
use super::makeup::Makeup;
use super::offer::Report;
use super::{chart, section, undrawn};
use crate::render::charts::{self, css_colour, Bar};
use crate::render::html::{escape, table, th};

/// A term of the make-up under every agreement: its slot and amount in each.
pub struct TermRow {
    name: String,
    label: String,
    slots: Vec<Option<SlotId>>,
    amounts: Vec<Option<Decimal>>,
}

/// One agreement's make-up of the offer: the terms and their amounts (None where
/// they do not add up to the whole).
pub struct Composition {
    pub makeup: Makeup,
    pub amounts: Option<Vec<Decimal>>,
}

impl Report<'_> {
    /// The terms of every agreement's make-up, by name, in order of first appearance,
    /// with each agreement's slot and amount (where its terms add up to its whole).
    fn terms(&self) -> Vec<TermRow> {
        let mut rows: Vec<TermRow> = Vec::new();
        let agreements = self.evaluated.len();
        for (a, composition) in self.compositions.iter().enumerate() {
            let (Some(c), Some(e)) = (composition, &self.evaluated[a]) else {
                continue;
            };
            for (i, term) in c.makeup.terms.iter().enumerate() {
                let slot = e.program.slot(term.slot);
                let at = match rows.iter().position(|r| r.name == slot.name) {
                    Some(at) => at,
                    None => {
                        rows.push(TermRow {
                            name: slot.name.clone(),
                            label: slot.label.clone().unwrap_or_else(|| slot.name.clone()),
                            slots: vec![None; agreements],
                            amounts: vec![None; agreements],
                        });
                        rows.len() - 1
                    }
                };
                let row = &mut rows[at];
                // Where the agreements label a term differently, its name is shown.
                if slot.label.as_deref().unwrap_or(&slot.name) != row.label {
                    row.label = slot.name.clone();
                }
                row.slots[a] = Some(term.slot);
                row.amounts[a] = c.amounts.as_ref().map(|amounts| amounts[i]);
            }
        }
        rows
    }

    /// The make-up as stacked bars with their legend, then the difference to the
    /// agreement with the lowest whole split the same way (which element makes the
    /// difference), then the amounts in a table (their shares of the whole, each
    /// agreement's own label).
    pub(super) fn makeup(&self) -> Result<String, Vec<Diagnostic>> {
        let w = self.words;
        let mut out = section("makeup", self.makeup_title(), w.makeup_lead);
        let terms = self.terms();
        // The agreements whose terms add up to their whole, with that whole.
        let drawn: Vec<(usize, &Evaluated, &Composition)> = self
            .each()
            .filter_map(|(a, e)| {
                let c = self.compositions[a].as_ref()?;
                c.amounts.as_ref()?;
                Some((a, e, c))
            })
            .collect();
        for (a, composition) in self.compositions.iter().enumerate() {
            // An agreement that computes the whole otherwise, or whose terms do not add
            // up to it, is said to be missing from the bars: never left out silently.
            let said = match composition {
                Some(c) if c.amounts.is_none() => w.makeup_missing,
                None if self.evaluated[a].is_some() && !terms.is_empty() => w.makeup_not_a_sum,
                _ => continue,
            };
            let name = self.comparison.agreements[a].name();
            out.push_str(&format!(
                "<p><strong>{}</strong>: {}</p>\n",
                escape(name),
                escape(said)
            ));
        }
        if drawn.is_empty() {
            if terms.is_empty() {
                out.push_str(&format!("<p>{}</p>\n", escape(w.makeup_missing)));
            }
            out.push_str("</section>\n");
            return Ok(out);
        }
        let bars: Vec<Bar> = drawn
            .iter()
            .map(|&(a, e, c)| Bar {
                name: self.comparison.agreements[a].name().to_string(),
                segments: (terms.iter().enumerate())
                    .filter_map(|(series, t)| Some((series, to_pixels(t.amounts[a]?))))
                    .filter(|(_, x)| *x != 0.0)
                    .collect(),
                note: self.shown(
                    e,
                    e.value(c.makeup.whole),
                    &e.program.slot(c.makeup.whole).ty,
                ),
            })
            .collect();
        let axis = super::axis_amount(self.locale, w);
        let svg =
            charts::stacked_bars(&bars, &axis).map_err(|why| undrawn(self.makeup_title(), why))?;
        let (_, first, composition) = drawn[0];
        let whole = first.program.slot(composition.makeup.whole);
        out.push_str(&chart(&svg, whole.label.as_deref().unwrap_or(&whole.name)));
        out.push_str(&legend(&terms));
        // The difference to the lowest whole, element by element: exact, since each
        // agreement's terms add up to its whole.
        let lowest = drawn
            .iter()
            .min_by_key(|(_, e, c)| e.value(c.makeup.whole).as_number())
            .map(|&(a, ..)| a);
        if let (Some(lowest), true) = (lowest, drawn.len() >= 2) {
            let reference = self.comparison.agreements[lowest].name();
            out.push_str(&format!(
                "<h3>{} {}</h3>\n",
                escape(w.difference_to),
                escape(reference)
            ));
            // Each agreement's difference, element by element; none at all if a
            // subtraction cannot be done exactly (past 28 digits): no bar is drawn wrong.
            let base = (self.evaluated[lowest].as_ref())
                .zip(self.compositions[lowest].as_ref())
                .and_then(|(e, c)| e.value(c.makeup.whole).as_number());
            let bars: Option<Vec<Bar>> = drawn
                .iter()
                .filter(|(a, ..)| *a != lowest)
                .map(|&(a, e, c)| {
                    let total = e.value(c.makeup.whole).as_number()?.checked_sub(base?)?;
                    let mut segments = Vec::new();
                    for (series, t) in terms.iter().enumerate() {
                        let mine = t.amounts[a].unwrap_or_default();
                        let d = mine.checked_sub(t.amounts[lowest].unwrap_or_default())?;
                        if !d.is_zero() {
                            segments.push((series, to_pixels(d)));
                        }
                    }
                    let ty = &e.program.slot(c.makeup.whole).ty;
                    Some(Bar {
                        name: self.comparison.agreements[a].name().to_string(),
                        segments,
                        note: format!("+{}", self.shown(e, &Value::Number(total), ty)),
                    })
                })
                .collect();
            match bars {
                Some(bars) if bars.iter().any(|b| !b.segments.is_empty()) => {
                    let svg = charts::stacked_bars(&bars, &axis)
                        .map_err(|why| undrawn(self.makeup_title(), why))?;
                    out.push_str(&chart(&svg, w.difference_lead));
                }
                Some(_) => out.push_str(&format!("<p>{}</p>\n", escape(w.no_difference))),
                None => {}
            }
        }
        out.push_str(&format!("<h3>{}</h3>\n", escape(w.amounts)));
        out.push_str(&self.makeup_table(&terms, &drawn));
        out.push_str("</section>\n");
        Ok(out)
    }

    /// The legend of the make-up: a row per term with its colour, its amount and share
    /// of the whole under each agreement, and each agreement's own label for it.
    fn makeup_table(
        &self,
        terms: &[TermRow],
        drawn: &[(usize, &Evaluated, &Composition)],
    ) -> String {
        let w = self.words;
        let mut header = vec![th(w.component)];
        for &(a, ..) in drawn {
            let name = self.comparison.agreements[a].name();
            header.push(format!("<th class=\"n\">{}</th>", escape(name)));
        }
        let mut rows = Vec::new();
        for (series, t) in terms.iter().enumerate() {
            // A term that is nothing under every agreement is no part of the make-up here.
            if t.amounts.iter().flatten().all(Decimal::is_zero) {
                continue;
            }
            let mut row = format!(
                "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td>",
                css_colour(series),
                escape(&t.label)
            );
            for &(a, e, c) in drawn {
                let (Some(slot), Some(amount)) = (t.slots[a], t.amounts[a]) else {
                    row.push_str(&format!(
                        "<td class=\"none\" title=\"{}\">—</td>",
                        escape(w.no_figure)
                    ));
                    continue;
                };
                let whole = e.value(c.makeup.whole).as_number().unwrap_or_default();
                let share = amount
                    .checked_div(whole)
                    .filter(|_| !whole.is_zero())
                    .map(|s| {
                        let percent = self.locale.number(s * Decimal::ONE_HUNDRED, 1);
                        format!(" <span class=\"muted\">({percent} %)</span>")
                    })
                    .unwrap_or_default();
                let definition = e.program.slot(slot);
                let own = definition.label.as_deref().unwrap_or(&definition.name);
                row.push_str(&format!(
                    "<td class=\"n\">{}{share}<span class=\"cite\">{}</span></td>",
                    escape(&self.shown(e, &Value::Number(amount), &definition.ty)),
                    escape(own)
                ));
            }
            row.push_str("</tr>");
            rows.push(row);
        }
        table(" id=\"makeup-table\"", &header, &rows)
    }
}

/// An amount as a length on a chart.
fn to_pixels(amount: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    amount.to_f64().unwrap_or(0.0)
}

/// The colours of the terms, in a line under the chart: those that are something
/// under some agreement.
fn legend(terms: &[TermRow]) -> String {
    let entries: Vec<String> = (terms.iter().enumerate())
        .filter(|(_, t)| !t.amounts.iter().flatten().all(Decimal::is_zero))
        .map(|(series, t)| {
            format!(
                "<span><span class=\"swatch\" style=\"background:{}\"></span>{}</span>",
                css_colour(series),
                escape(&t.label)
            )
        })
        .collect();
    format!("<p class=\"legend\">{}</p>\n", entries.join(" "))
}
