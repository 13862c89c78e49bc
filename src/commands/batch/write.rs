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

use dsl::types::{NumKind, Type};
use dsl::{Diagnostic, Program};
use engine::Value;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{json, Map, Value as Json};

use super::evaluate::{titles, Agreement, Row, Sink};
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

/// A number as a CSV or XLSX cell shows it: a percentage in percent, an amount
/// rounded to the øre (halves away from zero, as Danish amounts are rounded);
/// `None` for a percentage beyond exact arithmetic in percent.
pub fn rounded(n: Decimal, ty: &Type) -> Option<Decimal> {
    match ty {
        Type::Number {
            kind: NumKind::Percent,
            ..
        } => n.checked_mul(Decimal::ONE_HUNDRED),
        Type::Number { dim, .. } if dim.money != 0 => Some(to_ore(n)),
        _ => Some(n),
    }
}

/// `n` rounded to two decimals, halves away from zero, as
/// `round_dp_with_strategy(2, MidpointAwayFromZero)` rounds it (the same value and
/// scale): in 64 bits when its digits fit them (most amounts), the long way otherwise.
fn to_ore(n: Decimal) -> Decimal {
    let scale = n.scale();
    let magnitude = n.mantissa().unsigned_abs();
    let (mut whole, rest, ten) = match (scale.checked_sub(2), u64::try_from(magnitude)) {
        (None | Some(0), _) => return n,
        (Some(cut @ 1..=19), Ok(digits)) => {
            let ten = TENS_64[cut as usize];
            let whole = digits / ten;
            (
                u128::from(whole),
                u128::from(digits - whole * ten),
                u128::from(ten),
            )
        }
        (Some(cut @ 1..=28), _) => {
            let ten = 10u128.pow(cut);
            let whole = magnitude / ten;
            (whole, magnitude - whole * ten, ten)
        }
        _ => return n.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
    };
    // Half or more of the last øre: away from zero.
    if rest >= ten - rest {
        whole += 1;
    }
    // A tenth of `n`'s digits or less, plus one: within its 96 bits.
    Decimal::from_parts(
        whole as u32,
        (whole >> 32) as u32,
        (whole >> 64) as u32,
        n.is_sign_negative(),
        2,
    )
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
            quote_into(&titles(outcome.warnings), sep, out);
            if self.keep_going {
                out.push(sep);
                quote_into(&titles(outcome.errors), sep, out);
            }
        }
        out.push_str(self.newline());
    }
}

/// Appends `n` as its shortest exact text (`normalize`d: no trailing zeros), with
/// `point` before its decimals; digit by digit, without `Display`'s detours.
pub fn decimal_into(n: Decimal, point: char, out: &mut String) {
    let mut scale = n.scale();
    let magnitude = n.mantissa().unsigned_abs();
    // Most figures fit 64 bits, where division is fast: the whole part and the
    // decimals written as two whole numbers.
    if let (Ok(mut small), true) = (u64::try_from(magnitude), scale <= 19) {
        while scale > 0 && small % 10 == 0 {
            small /= 10;
            scale -= 1;
        }
        if small == 0 {
            out.push('0');
            return;
        }
        if n.is_sign_negative() {
            out.push('-');
        }
        let ten = TENS_64[scale as usize];
        let mut digits = itoa::Buffer::new();
        out.push_str(digits.format(small / ten));
        if scale > 0 {
            out.push(point);
            let fraction = digits.format(small % ten);
            for _ in fraction.len()..scale as usize {
                out.push('0');
            }
            out.push_str(fraction);
        }
        return;
    }
    let mut buffer = [0u8; 40];
    let mut at = buffer.len();
    let mut digits = magnitude;
    while scale > 0 && digits.is_multiple_of(10) {
        digits /= 10;
        scale -= 1;
    }
    if digits == 0 {
        out.push('0');
        return;
    }
    if n.is_sign_negative() {
        out.push('-');
    }
    // Larger ones give their low 19 digits at a time.
    loop {
        let (high, mut low) = match u64::try_from(digits) {
            Ok(small) => (0, small),
            Err(_) => (digits / TEN_19, (digits % TEN_19) as u64),
        };
        let mut count = 0;
        while low > 0 || (high > 0 && count < 19) {
            at -= 1;
            buffer[at] = b'0' + (low % 10) as u8;
            low /= 10;
            count += 1;
        }
        if high == 0 {
            break;
        }
        digits = high;
    }
    // ok: the buffer holds ASCII digits only.
    let digits = std::str::from_utf8(&buffer[at..]).unwrap_or_default();
    let scale = scale as usize;
    if scale == 0 {
        out.push_str(digits);
    } else if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        out.push_str(whole);
        out.push(point);
        out.push_str(fraction);
    } else {
        out.push('0');
        out.push(point);
        for _ in digits.len()..scale {
            out.push('0');
        }
        out.push_str(digits);
    }
}

const TEN_19: u128 = 10_000_000_000_000_000_000;

/// Ten to the power of 0 to 19: what fits 64 bits.
const TENS_64: [u64; 20] = {
    let mut tens = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        tens[i] = tens[i - 1] * 10;
        i += 1;
    }
    tens
};

/// A result in a CSV cell: a number as [`rounded`] (with a decimal comma in a
/// file of semicolons), a choice by name, yes or no, a table as JSON.
fn cell_into(value: &Value, ty: &Type, program: &Program, separator: char, out: &mut String) {
    match (value, ty) {
        (Value::Number(n), _) => match rounded(*n, ty) {
            Some(n) => decimal_into(n, if separator == ';' { ',' } else { '.' }, out),
            // Beyond 28 digits in percent: written as the fraction it is, and said so.
            None => {
                let text = format!("{} (a fraction, not percent)", exact(value));
                quote_into(&text, separator, out);
            }
        },
        (Value::Bool(b), _) => out.push_str(if *b { "yes" } else { "no" }),
        (Value::Choice(_), Type::Choice(_)) => match json_typed(value, ty, program) {
            Json::String(s) => quote_into(&s, separator, out),
            other => quote_into(&other.to_string(), separator, out),
        },
        (Value::Table(table), _) => match years_into(table) {
            Some(text) => quote_into(&text, separator, out),
            None => quote_into(&exact(value), separator, out),
        },
        _ => quote_into(&exact(value), separator, out),
    }
}

/// A table of numbers by year as `exact` writes it (`{"2020":"0.9","2021":"0.91"}`,
/// JSON in the order of its keys as text), without building it as JSON first; none
/// for any other table (a year of other than four digits sorts otherwise as text).
fn years_into(table: &engine::Table) -> Option<String> {
    let mut text = String::with_capacity(2 + table.entries.len() * 16);
    text.push('{');
    let mut last = None;
    for (i, (key, value)) in table.entries.iter().enumerate() {
        let (engine::Key::Year(year), Value::Number(n)) = (key, value) else {
            return None;
        };
        if !(1000..=9999).contains(year) || last.is_some_and(|l| l >= *year) {
            return None;
        }
        last = Some(*year);
        if i > 0 {
            text.push(',');
        }
        text.push('"');
        text.push_str(&year.to_string());
        text.push_str("\":\"");
        decimal_into(*n, '.', &mut text);
        text.push('"');
    }
    text.push('}');
    Some(text)
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
    use std::str::FromStr;

    #[test]
    fn decimals_are_written_as_normalize_writes_them() {
        for text in [
            "0",
            "-0",
            "0.00",
            "1",
            "-1",
            "10",
            "1909.19",
            "1909.10",
            "0.061",
            "-0.0001",
            "123456789012345678901234567.8",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "10000000000000000000",
            "100000000000000000000000",
            "9999999999999999999",
            "18446744073709551615",
            "18446744073709551616",
            "1844674407370955161.5",
            "0.1844674407370955161",
            "0.00000000000000000001",
            "-0.0000000000000000001",
            "-12.50",
            "100.001",
            "5000000.00",
        ] {
            let n = Decimal::from_str(text).expect(text);
            let mut out = String::new();
            decimal_into(n, '.', &mut out);
            assert_eq!(out, n.normalize().to_string(), "{text}");
        }
        let mut out = String::new();
        decimal_into(
            Decimal::from_str("-1234.5").expect("a number"),
            ',',
            &mut out,
        );
        assert_eq!(out, "-1234,5");
    }

    #[test]
    fn amounts_are_rounded_to_the_ore_as_rust_decimal_rounds_them() {
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "0.005",
            "-0.005",
            "0.0049999",
            "-0.0049999",
            "1.005",
            "1.015",
            "-1.015",
            "2.675",
            "12345.674999",
            "12345.675",
            "-0.001",
            "0.001",
            "1.1",
            "7",
            "-7.00",
            "0.125",
            "0.135",
            "184467440737095517.15",
            "18446744073709551.6155",
            "1844674407370955161.55",
            "0.0000000000000000000000000005",
            "-0.0000000000000000000000000005",
            "79228162514264337593543950335",
            "7922816251426433759354395033.5",
            "-7922816251426433759354395.0335",
            "0.99999999999999999999",
            "99999999999999999.995",
            "-99999999999999999.995",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // Figures as an evaluation leaves them: a division's 28 digits, and more.
        for i in 1..400i64 {
            let n = Decimal::from(i * 7919 - 1_000_000) / Decimal::from(i * 13 + 3);
            texts.push(n.to_string());
            texts.push((n * Decimal::from(1000)).to_string());
            texts.push(Decimal::new(i * 5 - 1000, (i % 6) as u32).to_string());
        }
        for text in &texts {
            let n = Decimal::from_str(text).expect(text);
            let long = n.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            let quick = to_ore(n);
            assert_eq!(quick, long, "{text}");
            assert_eq!(quick.to_string(), long.to_string(), "{text}");
            assert_eq!(quick.is_sign_negative(), long.is_sign_negative(), "{text}");
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
