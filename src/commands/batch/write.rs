//! The results of a batch as CSV, JSON or a table, row by row as they are
//! evaluated (each thread writes its own rows' text; `evaluate.rs`).
//!
//! CSV is written in the tariff file's dialect — its separator (a file of
//! semicolons gets decimal commas back, as a Danish spreadsheet reads them), a
//! byte order mark and `\r\n` line ends when it had them, so that Excel opens the
//! results as it opened the offers. In CSV (and XLSX) an amount is rounded to the
//! øre and a percentage written in percent (97, not 0.97); JSON keeps every figure
//! exact. Each offer carries its warnings (and, with --keep-going, a wrong one its
//! errors instead of figures).

use dsl::types::Type;
use dsl::{Diagnostic, Program};
use engine::Value;
use serde_json::{json, Map, Value as Json};

use super::evaluate::{titles, Agreement, Row, Sink};
use super::figures::{decimal_into, figure_into, Shape};
use crate::commands::eval::{exact, json_typed, unit};
use crate::render::{format_value, Locale, Table};

/// Appends `cell` to `out`, in quotes when it holds the separator, a quote or a line break.
pub fn quote_into(cell: &str, separator: char, out: &mut String) {
    // Looked for byte by byte (a warning's text is long); a separator that is not
    // one byte, character by character.
    let bytes = cell.as_bytes();
    let special = memchr::memchr3(b'"', b'\n', b'\r', bytes).is_some()
        || match u8::try_from(separator) {
            Ok(sep) if sep.is_ascii() => memchr::memchr(sep, bytes).is_some(),
            _ => cell.contains(separator),
        };
    if special {
        out.push('"');
        let mut rest = cell;
        while let Some(at) = memchr::memchr(b'"', rest.as_bytes()) {
            // The text up to and with the quote, and the quote again.
            let (before, after) = rest.split_at(at + 1);
            out.push_str(before);
            out.push('"');
            rest = after;
        }
        out.push_str(rest);
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

/// The column names of a part's results: for one agreement, the results' names;
/// for several, each prefixed with its agreement's name.
pub fn header(agreements: &[Agreement], keep_going: bool) -> Vec<String> {
    let several = agreements.len() > 1;
    let mut header = vec![String::from("name")];
    for a in agreements {
        let prefix = match several {
            true => format!("{}: ", a.program.agreement.name),
            false => String::new(),
        };
        for &o in a.outputs() {
            header.push(format!("{prefix}{}", a.program.slot(o).name));
        }
        header.push(format!("{prefix}warnings"));
        if keep_going {
            header.push(format!("{prefix}errors"));
        }
    }
    header
}

/// CSV rows, in the tariff file's dialect.
pub struct Csv<'a> {
    pub agreements: &'a [Agreement],
    pub separator: char,
    pub keep_going: bool,
    pub crlf: bool,
}

impl Csv<'_> {
    /// The header line (after a byte order mark, when the file had one).
    pub fn head(&self, bom: bool) -> String {
        let mut line = String::new();
        if bom {
            line.push('\u{feff}');
        }
        for (i, cell) in header(self.agreements, self.keep_going).iter().enumerate() {
            if i > 0 {
                line.push(self.separator);
            }
            quote_into(cell, self.separator, &mut line);
        }
        line.push_str(self.newline());
        line
    }

    fn newline(&self) -> &'static str {
        if self.crlf {
            "\r\n"
        } else {
            "\n"
        }
    }
}

impl Sink for Csv<'_> {
    type Made = String;

    fn row(&self, row: &Row<'_>, out: &mut String) {
        let sep = self.separator;
        quote_into(row.name, sep, out);
        for (outcome, a) in row.outcomes.iter().zip(self.agreements) {
            let program = &a.program;
            match outcome.results(a) {
                Some(values) => {
                    for (value, &o) in values.zip(a.outputs()) {
                        out.push(sep);
                        cell_into(value, &program.slot(o).ty, program, sep, out);
                    }
                }
                None => {
                    for _ in a.outputs() {
                        out.push(sep);
                    }
                }
            }
            out.push(sep);
            titles_into(outcome.warnings, sep, out);
            if self.keep_going {
                out.push(sep);
                titles_into(outcome.errors, sep, out);
            }
        }
        out.push_str(self.newline());
    }

    /// Room for about [`CELL_BYTES`] a cell, so that a thread's text is seldom
    /// copied into a larger buffer as it grows.
    fn made(&self, rows: usize) -> String {
        let cells: usize = (self.agreements.iter())
            .map(|a| a.outputs().len() + 1 + usize::from(self.keep_going))
            .sum();
        String::with_capacity(rows.saturating_mul(cells + 1).saturating_mul(CELL_BYTES))
    }
}

/// About how many bytes a cell of the results takes, with its separator.
const CELL_BYTES: usize = 10;

/// The titles of diagnostics in a CSV cell, as [`titles`] joins them.
fn titles_into(diagnostics: &[Diagnostic], separator: char, out: &mut String) {
    match diagnostics {
        [] => {}
        [one] => quote_into(&one.title, separator, out),
        many => quote_into(&titles(many), separator, out),
    }
}

/// A result in a CSV cell: a number as [`super::figures::rounded`] shows it
/// (with a decimal comma in a file of semicolons), a choice by name, yes or no,
/// a table as JSON.
fn cell_into(value: &Value, ty: &Type, program: &Program, separator: char, out: &mut String) {
    match (value, ty) {
        (Value::Number(n), _) => {
            let point = if separator == ';' { ',' } else { '.' };
            if !figure_into(*n, Shape::of(ty), point, out) {
                // Beyond 28 digits in percent: written as the fraction it is, and said so.
                let text = format!("{} (a fraction, not percent)", exact(value));
                quote_into(&text, separator, out);
            }
        }
        (Value::Bool(b), _) => out.push_str(if *b { "yes" } else { "no" }),
        (Value::Choice(_), Type::Choice(_)) => match json_typed(value, ty, program) {
            Json::String(s) => quote_into(&s, separator, out),
            other => quote_into(&other.to_string(), separator, out),
        },
        (Value::Table(table), _) => table_into(value, table, separator, out),
        _ => quote_into(&exact(value), separator, out),
    }
}

/// A table in a CSV cell, as `exact` writes it, quoted.
fn table_into(value: &Value, table: &engine::Table, separator: char, out: &mut String) {
    if !table.entries.is_empty() && by_year(table) {
        // Its quotes make it quoted, each doubled: written so as it is made.
        out.push('"');
        years_into(table, "\"\"", out);
        out.push('"');
    } else {
        quote_into(&exact(value), separator, out);
    }
}

/// Whether `table` holds numbers by years of four digits, in order: what
/// [`years_into`] writes as `exact` does (a year of other than four digits sorts
/// otherwise as text).
fn by_year(table: &engine::Table) -> bool {
    let mut last = None;
    table.entries.iter().all(|(key, value)| match (key, value) {
        (engine::Key::Year(year), Value::Number(_)) => {
            let next = (1000..=9999).contains(year) && last.is_none_or(|l| l < *year);
            last = Some(*year);
            next
        }
        _ => false,
    })
}

/// A table of numbers by year ([`by_year`]) as `exact` writes it
/// (`{"2020":"0.9","2021":"0.91"}`, JSON in the order of its keys as text), each
/// quote written as `quote`, without building it as JSON first.
fn years_into(table: &engine::Table, quote: &str, out: &mut String) {
    out.push('{');
    for (i, (key, value)) in table.entries.iter().enumerate() {
        let (engine::Key::Year(year), Value::Number(n)) = (key, value) else {
            continue;
        };
        if i > 0 {
            out.push(',');
        }
        out.push_str(quote);
        out.push_str(itoa::Buffer::new().format(*year));
        out.push_str(quote);
        out.push(':');
        out.push_str(quote);
        decimal_into(*n, '.', out);
        out.push_str(quote);
    }
    out.push('}');
}

/// JSON, as `serde_json` prints it (keys in order, two spaces an indent), written
/// offer by offer. For one agreement: `{agreement, offers, part, units}`, each offer
/// `{name, values, warnings[, errors]}`; for several, each offer's outcomes are
/// under the agreements' names, and `agreements` lists each one's part and units.
pub struct Jsonl<'a> {
    pub agreements: &'a [Agreement],
}

impl Jsonl<'_> {
    /// The document up to the first offer.
    pub fn head(&self) -> String {
        match self.agreements {
            [a] => format!(
                "{{\n  \"agreement\": {},\n  \"offers\": [",
                Json::String(a.program.agreement.name.clone())
            ),
            many => {
                let list: Vec<Json> = many.iter().map(describe).collect();
                format!(
                    "{{\n  \"agreements\": {},\n  \"offers\": [",
                    indent(&pretty(&Json::Array(list)), "  ")
                )
            }
        }
    }

    /// The rest of the document, after the last offer (`any`: there was one).
    pub fn tail(&self, any: bool) -> String {
        let close = if any { "\n  ]" } else { "]" };
        match self.agreements {
            [a] => {
                let described = describe(a);
                format!(
                    "{close},\n  \"part\": {},\n  \"units\": {}\n}}\n",
                    described["part"],
                    indent(&pretty(&described["units"]), "  ")
                )
            }
            _ => format!("{close}\n}}\n"),
        }
    }
}

/// An agreement's name, part and the units of its results.
fn describe(a: &Agreement) -> Json {
    let units: Map<String, Json> = (a.outputs().iter())
        .map(|&o| {
            let s = a.program.slot(o);
            (s.name.clone(), Json::String(unit(&s.ty)))
        })
        .collect();
    json!({
        "agreement": a.program.agreement.name,
        "part": a.program.parts[a.part].name,
        "units": units,
    })
}

/// `text` with every line but the first indented by `by`.
fn indent(text: &str, by: &str) -> String {
    text.replace('\n', &format!("\n{by}"))
}

/// `serde_json`'s pretty text (which cannot fail for a `Json` value).
fn pretty(json: &Json) -> String {
    serde_json::to_string_pretty(json).unwrap_or_default()
}

/// The titles of diagnostics, one by one.
fn titled(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.title.as_str()).collect()
}

/// An outcome as JSON: `{values, warnings[, errors]}`.
fn outcome_json(a: &Agreement, outcome: &super::evaluate::Outcome<'_>) -> Map<String, Json> {
    let program = &a.program;
    let values = outcome.results(a).map(|values| {
        (a.outputs().iter().zip(values))
            .map(|(&o, v)| {
                let s = program.slot(o);
                (s.name.clone(), json_typed(v, &s.ty, program))
            })
            .collect::<Map<String, Json>>()
    });
    let mut doc = Map::new();
    doc.insert("values".into(), json!(values));
    doc.insert("warnings".into(), json!(titled(outcome.warnings)));
    if !outcome.errors.is_empty() {
        doc.insert("errors".into(), json!(titled(outcome.errors)));
    }
    doc
}

impl Sink for Jsonl<'_> {
    /// The offers' text, each after a `,` but the file's first (see [`Jsonl::join`]).
    type Made = String;

    fn row(&self, row: &Row<'_>, out: &mut String) {
        let mut offer = Map::new();
        offer.insert("name".into(), json!(row.name));
        match self.agreements {
            [a] => offer.extend(outcome_json(a, &row.outcomes[0])),
            many => {
                for (a, outcome) in many.iter().zip(row.outcomes) {
                    let name = a.program.agreement.name.clone();
                    offer.insert(name, Json::Object(outcome_json(a, outcome)));
                }
            }
        }
        out.push_str(",\n    ");
        out.push_str(&indent(&pretty(&Json::Object(offer)), "    "));
    }
}

impl Jsonl<'_> {
    /// The offers of a part of a chunk, the file's first without its `,`.
    pub fn join(made: &str, first: bool) -> &str {
        match first {
            true => made.strip_prefix(',').unwrap_or(made),
            false => made,
        }
    }
}

/// An aligned table, as `takst eval` prints one (the results rounded as shown).
pub struct Tabled<'a> {
    pub agreements: &'a [Agreement],
    pub locale: Locale,
}

impl Sink for Tabled<'_> {
    type Made = Vec<Vec<String>>;

    fn row(&self, row: &Row<'_>, made: &mut Vec<Vec<String>>) {
        let mut cells = vec![row.name.to_string()];
        for (a, outcome) in self.agreements.iter().zip(row.outcomes) {
            let program = &a.program;
            match outcome.results(a) {
                Some(values) => cells.extend(
                    (values.zip(a.outputs()))
                        .map(|(v, &o)| format_value(v, &program.slot(o).ty, program, self.locale)),
                ),
                None => {
                    let mut empty = vec![String::new(); a.outputs().len()];
                    if let Some(first) = empty.first_mut() {
                        *first = String::from("(not computed)");
                    }
                    cells.extend(empty);
                }
            }
        }
        made.push(cells);
    }
}

impl Tabled<'_> {
    /// The table of every row.
    pub fn render(&self, rows: Vec<Vec<String>>) -> String {
        let several = self.agreements.len() > 1;
        let mut labels: Vec<String> = vec![String::new()];
        for a in self.agreements {
            for &o in a.outputs() {
                let name = &a.program.slot(o).name;
                labels.push(match several {
                    true => format!("{}: {name}", a.program.agreement.name),
                    false => name.clone(),
                });
            }
        }
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let mut table = Table::new(&labels);
        table.left = vec![0];
        for row in rows {
            table.row(row);
        }
        table.render()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table of years is written as its exact JSON text, quoted, would be.
    #[test]
    fn a_table_in_a_cell_is_its_exact_text_quoted() {
        use engine::{Key, Table};
        use rust_decimal::Decimal;
        use std::str::FromStr;
        let number = |t: &str| Value::Number(Decimal::from_str(t).expect(t));
        let years = |entries: &[(i64, &str)]| {
            (entries.iter())
                .map(|&(y, t)| (Key::Year(y), number(t)))
                .collect::<Vec<_>>()
        };
        let tables = [
            years(&[(2020, "90"), (2021, "91.50")]),
            years(&[
                (2021, "-0.001"),
                (2022, "0"),
                (2023, "123456789012345678901234.5678"),
            ]),
            years(&[(2020, "1")]),
            years(&[]),
            years(&[(2021, "1"), (2020, "2")]),
            years(&[(999, "1"), (2020, "2")]),
            years(&[(2020, "1"), (10000, "2")]),
            years(&[(2020, "1"), (2020, "2")]),
            vec![(Key::Year(2020), Value::Bool(true))],
            vec![(Key::Label("a\"b".into()), number("1"))],
        ];
        for entries in tables {
            let value = Value::Table(std::sync::Arc::new(Table { entries }));
            let Value::Table(table) = &value else {
                unreachable!()
            };
            for separator in [',', ';', '\t'] {
                let mut out = String::new();
                table_into(&value, table, separator, &mut out);
                let mut long = String::new();
                quote_into(&exact(&value), separator, &mut long);
                assert_eq!(out, long, "{value:?}");
            }
        }
    }

    #[test]
    fn a_cell_with_quotes_is_quoted_and_its_quotes_doubled() {
        let mut out = String::new();
        quote_into("say \"hi\", \"\"", ',', &mut out);
        assert_eq!(out, "\"say \"\"hi\"\", \"\"\"\"\"");
        out.clear();
        quote_into("plain", ',', &mut out);
        assert_eq!(out, "plain");
        out.clear();
        quote_into("a;b", ';', &mut out);
        assert_eq!(out, "\"a;b\"");
    }
}
