//! `takst report`: one offer, or a whole tariff file, under several agreements, as
//! one self-contained HTML page with charts (or the same content as JSON, in the
//! schema `takst compare --format json` writes).
//!
//! The page is written whole or not at all; an offer whose figures are wrong for an
//! agreement is an error, as in `compare` and `batch` (`--keep-going` writes a
//! tariff file's report with such offers marked, and still exits 1).

mod alternatives;
mod composition;
mod file;
mod file_readings;
mod makeup;
mod offer;
mod tariff_file;
mod words;

use std::path::Path;

use dsl::types::{Dimension, Type};
use dsl::{Code, Diagnostic, Level};
use serde_json::Value as Json;

use super::comparison::{self, Comparison};
use super::readings::Choice;
use super::Outcome;
use crate::files;
use crate::render::html::escape;
use crate::render::{charts, Locale};
use words::Words;

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// One HTML page, with everything it needs inside it.
    Html,
    /// The same content for other programs (the schema of `takst compare --format json`).
    Json,
}

/// How to make a report.
pub struct Options<'a> {
    pub agreements: &'a [String],
    pub part: &'a str,
    /// The figure the tariff file's charts and the overview compare.
    pub figure: Option<&'a str>,
    pub out: Option<&'a Path>,
    pub format: ReportFormat,
    pub locale: Locale,
    pub keep_going: bool,
    pub choices: &'a [Choice],
}

/// What the report is of: decided by the input's extension.
enum Input {
    Offer,
    TariffFile,
}

/// Makes the report of `input` and writes it to `options.out` (whole, or not at
/// all) or prints it.
pub fn run(input: &Path, options: &Options) -> Outcome {
    let kind = match input.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("toml") => Input::Offer,
        Some(e)
            if ["csv", "txt", "xlsx"]
                .iter()
                .any(|kind| e.eq_ignore_ascii_case(kind)) =>
        {
            Input::TariffFile
        }
        _ => {
            return Err(vec![Diagnostic::error(
                Code::BadInput,
                format!(
                    "{} is neither an offer (.toml) nor a tariff file (.csv, .xlsx)",
                    input.display()
                ),
            )
            .help("give an offer's input file (`offer.toml`) or a tariff file (`offers.csv` or `offers.xlsx`, as `takst batch` reads it)")]);
        }
    };
    let whole = options.out.map(|out| files::Whole::to(out, Some(input)));
    let whole = whole.transpose().map_err(|d| vec![d])?;
    let words = words::of(options.locale);
    let made = match kind {
        Input::Offer => offer::report(input, options, words),
        Input::TariffFile => file::report(input, options, words),
    }?;
    match whole {
        None => out!("{}", made.text),
        Some(whole) => whole.write(&made.text).map_err(|d| vec![d])?,
    }
    if made.errors.is_empty() {
        Ok(made.warnings)
    } else {
        Err(made.errors.into_iter().chain(made.warnings).collect())
    }
}

/// A report made: its text, the warnings, and (with `--keep-going`) the errors of
/// the offers it shows without figures.
pub struct Made {
    pub text: String,
    pub warnings: Vec<Diagnostic>,
    pub errors: Vec<Diagnostic>,
}

/// The report as text in the format asked for: JSON as it is, or the HTML page.
fn written(
    format: ReportFormat,
    json: impl FnOnce() -> Json,
    html: impl FnOnce() -> String,
) -> String {
    match format {
        ReportFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&json()).unwrap_or_default()
        ),
        ReportFormat::Html => html(),
    }
}

/// The figure the report leads with: the one asked for, else the part's last
/// amount per day (a tariff), else per another unit of time, else the whole of the
/// make-up, else its last amount, else its last number.
fn headline(
    comparison: &Comparison,
    asked: Option<&str>,
    whole: Option<&str>,
) -> Result<usize, Vec<Diagnostic>> {
    let figures = &comparison.figures;
    if let Some(name) = asked {
        return comparison.figure(name).ok_or_else(|| {
            let known = figures.iter().map(|f| f.name.as_str());
            let help = match dsl::suggest::closest(name, known) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "the part's figures are: {}",
                    figures
                        .iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            vec![Diagnostic::error(
                Code::UnknownName,
                format!("the part `{}` has no figure `{name}`", comparison.part),
            )
            .help(help)]
        });
    }
    let last = |wanted: &dyn Fn(&Type) -> bool| figures.iter().rposition(|f| wanted(&f.ty));
    // A tariff is an amount per unit of time: per day above all, else per hour, week
    // or month (a tariff for hours of support, a monthly tariff).
    let per_time = |ty: &Type| {
        ty.dimension().is_some_and(|d| {
            let times = [d.days, d.hours, d.weeks, d.months];
            d.money == 1
                && times.iter().filter(|t| **t == -1).count() == 1
                && times.iter().all(|t| *t <= 0)
        })
    };
    last(&|ty| ty.dimension() == Some(Dimension::PER_DAY))
        .or_else(|| last(&per_time))
        .or_else(|| whole.and_then(|w| comparison.figure(w)))
        .or_else(|| last(&|ty| ty.dimension() == Some(Dimension::MONEY)))
        .or_else(|| last(&Type::is_number))
        .ok_or_else(|| {
            vec![Diagnostic::error(
                Code::UnknownPart,
                format!("the part `{}` has no figure to compare", comparison.part),
            )
            .help("a report compares numbers: choose a part with amounts (`--part`)")]
        })
}

/// The page's header: title, lead, and the facts of what was compared.
fn header(
    comparison: &Comparison,
    title: &str,
    lead: &str,
    facts: &[(&str, String)],
    words: &Words,
) -> String {
    let mut out = format!(
        "<header>\n<h1>{}</h1>\n<p class=\"lead\">{}</p>\n<dl class=\"facts\">\n",
        escape(title),
        escape(lead)
    );
    let mut fact = |name: &str, html: String| {
        out.push_str(&format!("<dt>{}</dt><dd>{html}</dd>\n", escape(name)));
    };
    fact(
        words.input,
        format!("<code>{}</code>", escape(&comparison.input)),
    );
    let part = comparison
        .agreements
        .iter()
        .find_map(|a| a.part.and_then(|p| a.program.parts[p].label.clone()))
        .map(|l| format!(" — {}", escape(&l)))
        .unwrap_or_default();
    fact(
        words.part,
        format!("<code>{}</code>{part}", escape(&comparison.part)),
    );
    for (name, html) in facts {
        fact(name, html.clone());
    }
    let agreements: Vec<String> = comparison
        .agreements
        .iter()
        .map(|a| {
            let info = &a.program.agreement;
            let mut line = format!("<strong>{}</strong>", escape(&info.name));
            if let Some((from, to)) = info.valid {
                line.push_str(&format!(
                    " <span class=\"muted\">({} {from} – {to})</span>",
                    words.period
                ));
            }
            if let Some(source) = &info.source {
                line.push_str(&format!("<span class=\"cite\">{}</span>", escape(source)));
            }
            if let Some(part) = a.part.map(|p| &a.program.parts[p]) {
                let readings = super::readings::in_force(&a.program, part);
                if !readings.is_empty() {
                    line.push_str(&format!(
                        "<span class=\"cite\">{}: {}</span>",
                        words.readings_in_force,
                        escape(&readings.join("; "))
                    ));
                }
            } else {
                line.push_str(&format!(
                    " <span class=\"muted\">— {}</span>",
                    words.no_part
                ));
            }
            line
        })
        .collect();
    fact(words.agreements, agreements.join("<br>\n"));
    out.push_str("</dl>\n</header>\n");
    out
}

/// A figure as the page names it: its label and, where that is not its name, its name.
fn figure_named(figure: &comparison::Figure) -> String {
    if figure.label == figure.name {
        format!("<code>{}</code>", escape(&figure.name))
    } else {
        format!(
            "{} (<code>{}</code>)",
            escape(&figure.label),
            escape(&figure.name)
        )
    }
}

/// A figure at the head of a row: its label, and below it its name where that differs.
fn figure_named_in_a_row(figure: &comparison::Figure) -> String {
    if figure.label == figure.name {
        format!("<code>{}</code>", escape(&figure.name))
    } else {
        format!(
            "{}<span class=\"cite\"><code>{}</code></span>",
            escape(&figure.label),
            escape(&figure.name)
        )
    }
}

/// A chart's caption: the figure it shows, in its unit.
fn caption(figure: &comparison::Figure, note: &str) -> String {
    let unit = super::eval::unit(&figure.ty);
    match note {
        "" => format!("{} ({unit})", figure.label),
        note => format!("{} ({unit}): {note}", figure.label),
    }
}

/// A table of contents: links to the page's sections.
fn contents(sections: &[(&str, &str)]) -> String {
    let links: Vec<String> = sections
        .iter()
        .map(|(id, title)| format!("<a href=\"#{id}\">{}</a>", escape(title)))
        .collect();
    format!("<nav class=\"toc\">{}</nav>\n", links.join(""))
}

/// A section's opening: its anchor and heading, and a lead paragraph.
fn section(id: &str, title: &str, lead: &str) -> String {
    let lead = if lead.is_empty() {
        String::new()
    } else {
        format!("<p class=\"muted\">{}</p>\n", escape(lead))
    };
    format!("<section id=\"{id}\">\n<h2>{}</h2>\n{lead}", escape(title))
}

/// A chart in the page, with its caption.
fn chart(svg: &charts::Svg, caption: &str) -> String {
    format!(
        "<figure class=\"chart\" data-width=\"{}\" data-height=\"{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
        svg.width,
        svg.height,
        svg.text,
        escape(caption)
    )
}

/// A chart that could not be drawn is an error: no page without it.
fn undrawn(what: &str, why: String) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        Code::CannotWrite,
        format!("the chart of {what} could not be drawn: {why}"),
    )
    .help("nothing was written; please report this with the command you ran")]
}

/// Warnings and errors as a list: each with its title (which cites the section),
/// the place in the rule file or input it points at, the lines there, and what to do.
fn findings(diagnostics: &[&Diagnostic]) -> String {
    let mut out = String::from("<ul class=\"findings\">\n");
    for d in diagnostics {
        let class = if d.level == Level::Error {
            "error"
        } else {
            "warning"
        };
        out.push_str(&format!(
            "<li class=\"{class}\"><span class=\"title\">{}</span>",
            escape(&d.title)
        ));
        let at = d
            .position()
            .map(|p| format!(" · {}", escape(&p)))
            .unwrap_or_default();
        out.push_str(&format!(
            "<span class=\"cite\">{}{at}</span>",
            d.code.as_str()
        ));
        if let Some(lines) = d
            .labels
            .first()
            .and_then(|l| lines_of(&l.source.text, l.range.clone()))
        {
            out.push_str(&format!("<pre>{}</pre>", escape(&lines)));
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("<p class=\"muted\">{}</p>", escape(help)));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
    out
}

/// The lines of `text` that `range` is on: at most six, each cut at 200 characters.
fn lines_of(text: &str, range: std::ops::Range<usize>) -> Option<String> {
    let start = text.get(..range.start)?.rfind('\n').map_or(0, |i| i + 1);
    let end = text
        .get(range.end..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| range.end + i);
    let lines: Vec<String> = text
        .get(start..end)?
        .lines()
        .take(6)
        .map(|l| l.chars().take(200).collect())
        .collect();
    Some(lines.join("\n"))
}

/// The page's footer.
fn footer(words: &Words) -> String {
    format!(
        "<footer>{} takst {}</footer>\n",
        escape(words.footer),
        env!("CARGO_PKG_VERSION")
    )
}

/// An amount on a chart's axis: `15 mio.` or `1.500`.
fn axis_amount(locale: Locale, words: &Words) -> impl Fn(f64) -> String {
    let million = if words.lang == "da" { "mio." } else { "m" };
    move |x: f64| {
        let decimal = |x: f64| rust_decimal::Decimal::from_f64_retain(x).unwrap_or_default();
        if x.abs() >= 1_000_000.0 {
            let shown = decimal(x / 1_000_000.0).round_dp(1);
            format!("{} {million}", locale.plain(shown))
        } else {
            locale.number(decimal(x), 0)
        }
    }
}
