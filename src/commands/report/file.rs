//! The report of a tariff file under several agreements: how the headline figure
//! (the tariff per day) is spread under each, the offers the agreements set
//! furthest apart, every offer in a table that sorts, the warnings and errors, and
//! what each alternative reading would change across the file.

use std::path::Path;

use dsl::Diagnostic;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::{json, Value as Json};

use super::super::comparison::{self, Comparison, Offer, Outcome};
use super::file_readings::ReadingMove;
use super::tariff_file;
use super::words::Words;
use super::{chart, contents, findings, footer, header, section, undrawn, Made, Options};
use crate::render::charts::{self, css_colour, Dumbbell, Spread};
use crate::render::html::{escape, table, th, Page};
use crate::render::{format_value, Locale};

/// How many offers the chart and table of the largest differences show.
const MOST_DIFFERENT: usize = 10;

/// Makes the report of the tariff file at `path`.
pub fn report(path: &Path, options: &Options, words: &Words) -> Result<Made, Vec<Diagnostic>> {
    let mut warnings = Vec::new();
    let loaded = comparison::agreements(
        options.agreements,
        options.part,
        options.choices,
        &mut warnings,
    );
    let agreements = match loaded {
        Ok(a) => a,
        Err(errors) => return Err(errors.into_iter().chain(warnings).collect()),
    };
    let compared = tariff_file::compare(
        path,
        agreements,
        options.part,
        options.locale,
        options.keep_going,
    )
    .map_err(|e| e.into_iter().chain(warnings.clone()).collect::<Vec<_>>())?;
    // The warnings about the file itself (a bundled copy that differs, a column that
    // looks misspelt) are general; those about offers are shown under their agreement.
    let general: Vec<Diagnostic> = (compared.warnings.iter())
        .filter(|d| {
            !compared
                .by_agreement
                .iter()
                .flatten()
                .any(|o| o.title == d.title)
        })
        .chain(&warnings)
        .cloned()
        .collect();
    warnings.extend(compared.warnings);
    let comparison = compared.comparison;
    let headline = super::headline(&comparison, options.figure, None)?;
    let report = Report {
        comparison: &comparison,
        path,
        headline,
        locale: options.locale,
        words,
    };
    let moves = report.reading_moves();
    let text = match options.format {
        super::ReportFormat::Json => {
            super::written(options.format, || report.json(&moves), String::new)
        }
        super::ReportFormat::Html => {
            report.page(&general, &compared.by_agreement, &compared.errors, &moves)?
        }
    };
    Ok(Made {
        text,
        warnings,
        errors: compared.errors,
    })
}

/// What the page of a tariff file is made from.
pub struct Report<'a> {
    pub comparison: &'a Comparison,
    /// The tariff file.
    pub path: &'a Path,
    pub headline: usize,
    pub locale: Locale,
    pub words: &'a Words,
}

/// The headline figure of the offers computed under one agreement, summed up.
struct Summary {
    computed: usize,
    failed: usize,
    /// Lowest, lower quartile, median, upper quartile, highest.
    five: Option<[Decimal; 5]>,
}

impl Report<'_> {
    /// The headline figure of `offer` under agreement `a`.
    pub(super) fn figure(&self, offer: &Offer, a: usize) -> Option<Decimal> {
        self.comparison.value(offer, self.headline, a)?.as_number()
    }

    /// The headline figure shown with its unit under agreement `a`'s program.
    pub(super) fn shown(&self, a: usize, n: Decimal) -> String {
        let ty = &self.comparison.figures[self.headline].ty;
        let program = &self.comparison.agreements[a].program;
        format_value(&engine::Value::Number(n), ty, program, self.locale)
    }

    fn summaries(&self) -> Vec<Summary> {
        (0..self.comparison.agreements.len())
            .map(|a| {
                let mut figures: Vec<Decimal> = self
                    .comparison
                    .offers
                    .iter()
                    .filter_map(|o| self.figure(o, a))
                    .collect();
                figures.sort();
                let failed = (self.comparison.offers.iter())
                    .filter(|o| matches!(o.outcomes.get(a), Some(Outcome::Failed(_))))
                    .count();
                Summary {
                    computed: figures.len(),
                    failed,
                    five: five_numbers(&figures),
                }
            })
            .collect()
    }

    /// The offers computed under at least two agreements, by their difference, largest first.
    fn most_different(&self) -> Vec<(usize, Decimal)> {
        let mut offers: Vec<(usize, Decimal)> = (self.comparison.offers.iter().enumerate())
            .filter_map(|(i, o)| Some((i, self.comparison.difference(o, self.headline)?)))
            .filter(|(_, d)| !d.is_zero())
            .collect();
        offers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        offers
    }

    /// The difference in percent of the lowest figure of the offer.
    fn relative(&self, offer: &Offer, difference: Decimal) -> Option<Decimal> {
        let lowest = (0..self.comparison.agreements.len())
            .filter_map(|a| self.figure(offer, a))
            .min()?;
        (lowest > Decimal::ZERO)
            .then(|| difference.checked_div(lowest))
            .flatten()
            .map(|r| r * Decimal::ONE_HUNDRED)
    }

    fn page(
        &self,
        general: &[Diagnostic],
        by_agreement: &[Vec<Diagnostic>],
        errors: &[Diagnostic],
        moves: &[ReadingMove],
    ) -> Result<String, Vec<Diagnostic>> {
        let w = self.words;
        let mut page = Page::new(w.lang, w.title_file);
        let figure = &self.comparison.figures[self.headline];
        page.push(&header(
            self.comparison,
            w.title_file,
            w.lead_file,
            &[
                (w.figure, super::figure_named(figure)),
                (w.offers, self.comparison.offers.len().to_string()),
            ],
            w,
        ));
        let mut sections = vec![
            ("summary", w.summary),
            ("distribution", w.distribution),
            ("most-different", w.most_different),
            ("offers", w.all_offers),
            ("findings", w.findings),
            ("readings", w.readings),
        ];
        if !errors.is_empty() {
            sections.insert(0, ("errors", w.errors));
        }
        page.push(&contents(&sections));
        if !errors.is_empty() {
            page.push(&section("errors", w.errors, w.errors_lead));
            page.push(&findings(&errors.iter().collect::<Vec<_>>()));
            page.push("</section>\n");
        }
        let summaries = self.summaries();
        page.push(&self.summary(&summaries));
        page.push(&self.distribution(&summaries)?);
        page.push(&self.most_different_section()?);
        page.push(&self.all_offers());
        page.push(&section("findings", w.findings, w.findings_lead));
        for (agreement, warnings) in self.comparison.agreements.iter().zip(by_agreement) {
            if agreement.part.is_none() {
                continue;
            }
            page.push(&format!("<h3>{}</h3>\n", escape(agreement.name())));
            if warnings.is_empty() {
                page.push(&format!(
                    "<p class=\"muted\">{}</p>\n",
                    escape(w.no_findings)
                ));
            } else {
                page.push(&findings(&warnings.iter().collect::<Vec<_>>()));
            }
        }
        if !general.is_empty() {
            page.push(&format!("<h3>{}</h3>\n", escape(w.general)));
            page.push(&findings(&general.iter().collect::<Vec<_>>()));
        }
        page.push("</section>\n");
        page.push(&self.readings(moves));
        page.push(&footer(w));
        Ok(page.finish())
    }

    fn summary(&self, summaries: &[Summary]) -> String {
        let w = self.words;
        let mut out = section("summary", w.summary, "");
        let header: Vec<String> = std::iter::once(th(""))
            .chain(
                [
                    w.computed,
                    w.failed,
                    w.lowest,
                    w.lower_quartile,
                    w.median,
                    w.upper_quartile,
                    w.highest,
                ]
                .iter()
                .map(|h| format!("<th class=\"n\">{}</th>", escape(h))),
            )
            .collect();
        let rows: Vec<String> = (self.comparison.agreements.iter().zip(summaries).enumerate())
            .map(|(a, (agreement, s))| {
                let mut row = format!(
                    "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
                    css_colour(a),
                    escape(agreement.name()),
                    s.computed,
                    s.failed
                );
                for i in 0..5 {
                    let cell = s.five.map(|f| self.shown(a, f[i])).unwrap_or_else(|| String::from("—"));
                    row.push_str(&format!("<td class=\"n\">{}</td>", escape(&cell)));
                }
                row + "</tr>"
            })
            .collect();
        out.push_str(&table(" id=\"summary-table\"", &header, &rows));
        out.push_str("</section>\n");
        out
    }

    fn distribution(&self, summaries: &[Summary]) -> Result<String, Vec<Diagnostic>> {
        let w = self.words;
        let mut out = section("distribution", w.distribution, w.distribution_lead);
        let rows: Vec<Spread> = (self.comparison.agreements.iter().zip(summaries).enumerate())
            .map(|(a, (agreement, s))| Spread {
                name: agreement.name().to_string(),
                figures: (self.comparison.offers.iter())
                    .filter_map(|o| self.figure(o, a))
                    .map(to_pixels)
                    .collect(),
                quartiles: s
                    .five
                    .map(|f| [to_pixels(f[1]), to_pixels(f[2]), to_pixels(f[3])]),
            })
            .collect();
        let axis = super::axis_amount(self.locale, w);
        let svg = charts::distribution(&rows, &axis).map_err(|why| undrawn(w.distribution, why))?;
        out.push_str(&chart(
            &svg,
            &super::caption(&self.comparison.figures[self.headline], ""),
        ));
        out.push_str("</section>\n");
        Ok(out)
    }

    fn most_different_section(&self) -> Result<String, Vec<Diagnostic>> {
        let w = self.words;
        let mut out = section("most-different", w.most_different, w.most_different_lead);
        let most: Vec<(usize, Decimal)> = self
            .most_different()
            .into_iter()
            .take(MOST_DIFFERENT)
            .collect();
        // Each agreement's figure above the offer's lowest; the largest difference on top.
        let rows: Vec<Dumbbell> = most
            .iter()
            .rev()
            .map(|&(i, _)| {
                let offer = &self.comparison.offers[i];
                let figures: Vec<Option<Decimal>> = (0..self.comparison.agreements.len())
                    .map(|a| self.figure(offer, a))
                    .collect();
                let lowest = figures.iter().flatten().min().copied().unwrap_or_default();
                Dumbbell {
                    name: offer.name.clone(),
                    figures: figures
                        .iter()
                        .map(|f| f.and_then(|f| f.checked_sub(lowest)).map(to_pixels))
                        .collect(),
                }
            })
            .collect();
        let axis = super::axis_amount(self.locale, w);
        let svg = charts::dumbbells(&rows, &axis).map_err(|why| undrawn(w.most_different, why))?;
        let caption = super::caption(
            &self.comparison.figures[self.headline],
            w.above_offers_lowest,
        );
        out.push_str(&chart(&svg, &caption));
        let table_rows: Vec<String> = most
            .iter()
            .map(|&(i, d)| self.offer_row(i, Some(d)))
            .collect();
        out.push_str(&table(
            " id=\"most-different-table\"",
            &self.offer_header(),
            &table_rows,
        ));
        out.push_str("</section>\n");
        Ok(out)
    }

    fn offer_header(&self) -> Vec<String> {
        let w = self.words;
        let mut header = vec![
            th(w.offer),
            format!("<th class=\"n\">{}</th>", escape(w.line)),
        ];
        for (a, agreement) in self.comparison.agreements.iter().enumerate() {
            header.push(format!(
                "<th class=\"n\"><span class=\"swatch\" style=\"background:{}\"></span>{}</th>",
                css_colour(a),
                escape(agreement.name())
            ));
        }
        header.push(format!("<th class=\"n\">{}</th>", escape(w.difference)));
        header.push(format!("<th class=\"n\">{}</th>", escape(w.relative)));
        header
    }

    /// One offer: its name and line, its figure under each agreement (or why not),
    /// the difference and the difference relative to the lowest.
    fn offer_row(&self, index: usize, difference: Option<Decimal>) -> String {
        let w = self.words;
        let offer = &self.comparison.offers[index];
        let line = offer.line.unwrap_or_default();
        let differs = difference.is_some_and(|d| !d.is_zero());
        let mut row = format!(
            "<tr><td>{}</td><td class=\"n\" data-sort=\"{line}\">{line}</td>",
            escape(&offer.name)
        );
        let figures: Vec<Decimal> = (0..offer.outcomes.len())
            .filter_map(|a| self.figure(offer, a))
            .collect();
        let (lowest, highest) = (figures.iter().min(), figures.iter().max());
        for (a, outcome) in offer.outcomes.iter().enumerate() {
            row.push_str(&match (outcome, self.figure(offer, a)) {
                (Outcome::Computed { .. }, Some(n)) => {
                    let mark = match (differs, Some(&n) == lowest, Some(&n) == highest) {
                        (true, true, _) => " low",
                        (true, _, true) => " high",
                        _ => "",
                    };
                    format!(
                        "<td class=\"n{mark}\" data-sort=\"{}\">{}</td>",
                        n.normalize(),
                        escape(&self.shown(a, n))
                    )
                }
                (Outcome::Failed(errors), _) => {
                    let why: Vec<&str> = errors.iter().map(|e| e.title.as_str()).collect();
                    format!(
                        "<td class=\"failed\" data-sort=\"\" title=\"{}\">{}</td>",
                        escape(&why.join("\n")),
                        escape(w.error)
                    )
                }
                _ => format!(
                    "<td class=\"none\" data-sort=\"\" title=\"{}\">—</td>",
                    escape(w.no_figure)
                ),
            });
        }
        let first = (0..offer.outcomes.len()).find(|&a| self.figure(offer, a).is_some());
        let (shown, relative) = match (difference, first) {
            (Some(d), Some(a)) => (
                format!(
                    "<td class=\"n difference\" data-sort=\"{}\">{}</td>",
                    d.normalize(),
                    escape(&self.shown(a, d))
                ),
                match self.relative(offer, d) {
                    Some(r) => format!(
                        "<td class=\"n\" data-sort=\"{}\">{} %</td>",
                        r.round_dp(4).normalize(),
                        self.locale.number(r, 1)
                    ),
                    None => String::from("<td class=\"n\" data-sort=\"\"></td>"),
                },
            ),
            _ => (
                String::from("<td class=\"n\" data-sort=\"\"></td>"),
                String::from("<td class=\"n\" data-sort=\"\"></td>"),
            ),
        };
        row.push_str(&shown);
        row.push_str(&relative);
        row.push_str("</tr>");
        row
    }

    fn all_offers(&self) -> String {
        let w = self.words;
        let mut out = section("offers", w.all_offers, w.all_offers_lead);
        let rows: Vec<String> = (0..self.comparison.offers.len())
            .map(|i| {
                let difference = self
                    .comparison
                    .difference(&self.comparison.offers[i], self.headline);
                self.offer_row(i, difference)
            })
            .collect();
        out.push_str(&table(
            " id=\"offers-table\" class=\"sortable\"",
            &self.offer_header(),
            &rows,
        ));
        out.push_str("</section>\n");
        out
    }

    /// The report as JSON: the comparison's schema, with the summaries, the offers
    /// that differ most and what each reading moves.
    fn json(&self, moves: &[ReadingMove]) -> Json {
        let mut doc = comparison::json(self.comparison);
        doc["headline"] = json!(self.comparison.figures[self.headline].name);
        let exact = |d: Option<Decimal>| d.map(|d| d.normalize().to_string());
        let summaries: Vec<Json> = (self.comparison.agreements.iter().zip(self.summaries()))
            .map(|(agreement, s)| {
                let five = |i: usize| exact(s.five.map(|f| f[i]));
                json!({
                    "agreement": agreement.name(),
                    "computed": s.computed,
                    "failed": s.failed,
                    "lowest": five(0),
                    "lower_quartile": five(1),
                    "median": five(2),
                    "upper_quartile": five(3),
                    "highest": five(4),
                })
            })
            .collect();
        let most: Vec<Json> = (self.most_different().into_iter().take(MOST_DIFFERENT))
            .map(|(i, d)| {
                let offer = &self.comparison.offers[i];
                json!({
                    "offer": offer.name,
                    "line": offer.line,
                    "difference": d.normalize().to_string(),
                    "relative_percent": exact(self.relative(offer, d).map(|r| r.round_dp(4))),
                })
            })
            .collect();
        let readings = self.readings_json(moves);
        doc["distribution"] = json!(summaries);
        doc["most_different"] = json!(most);
        doc["readings"] = json!(readings);
        doc
    }
}

/// Lowest, lower quartile, median, upper quartile and highest of sorted figures:
/// each quartile between the two figures around its rank, in proportion (as a
/// spreadsheet's QUARTILE does), exactly.
fn five_numbers(sorted: &[Decimal]) -> Option<[Decimal; 5]> {
    let (first, last) = (*sorted.first()?, *sorted.last()?);
    let at = |quarter: u32| -> Option<Decimal> {
        let rank = Decimal::from(sorted.len() - 1) * Decimal::from(quarter) / Decimal::from(4);
        let below = rank.floor();
        let index = below.to_usize()?;
        let low = *sorted.get(index)?;
        let high = *sorted.get(index + 1).unwrap_or(&low);
        low.checked_add((high - low).checked_mul(rank - below)?)
    };
    Some([first, at(1)?, at(2)?, at(3)?, last])
}

/// A figure as a position on a chart.
fn to_pixels(n: Decimal) -> f64 {
    n.to_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::five_numbers;
    use rust_decimal::Decimal;

    #[test]
    fn quartiles_lie_between_the_figures_around_their_rank() {
        let d = |x: i64| Decimal::from(x);
        let figures = [d(1), d(2), d(3), d(4), d(10)];
        assert_eq!(
            five_numbers(&figures),
            Some([d(1), d(2), d(3), d(4), d(10)])
        );
        let figures = [d(100), d(200), d(300), d(400)];
        // Ranks 0.75, 1.5, 2.25 (of 0-3): 175, 250, 325.
        assert_eq!(
            five_numbers(&figures),
            Some([d(100), d(175), d(250), d(325), d(400)])
        );
        assert_eq!(five_numbers(&[d(7)]), Some([d(7); 5]));
        assert_eq!(five_numbers(&[]), None);
    }
}
