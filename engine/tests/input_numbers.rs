//! Numbers, years and dates in input files and tariff files have one spelling
//! each: anything else is an error that says what was read and how to write it,
//! never another figure (`"12+3"` was read as 123, `"5 %"` as 5 kr, and `2020`,
//! `02020` and `"+2020"` as three entries for one year).

use std::ops::Range;

use dsl::span::SourceFile;
use dsl::Diagnostic;
use engine::{Columns, Decimals, Inputs, Key, Value};

use dsl::NoBases;

const RULES: &str = "agreement \"a\"\n\
    input places: number\n\
    input budget: money\n\
    input rate: percent\n\
    input tariff: kr/day\n\
    input stay: days\n\
    input year: year\n\
    input h: percent per year\n\
    input r: series of percent\n\
    input start: date\n\
    define x = places\n\
    part p: x\n";

fn program() -> dsl::Program {
    dsl::check("a.takst", RULES, &NoBases).expect("checks")
}

/// Reads a TOML input file; the only error's title and help.
fn refused(input: &str) -> (String, String) {
    let program = program();
    let mut inputs = Inputs::new(&program);
    let errors = inputs
        .read(&program, "i.toml", input)
        .expect_err("an error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e.code, dsl::Code::BadInput);
    (e.title.clone(), e.help.clone().unwrap_or_default())
}

fn value(input: &str, name: &str) -> Value {
    let program = program();
    let mut inputs = Inputs::new(&program);
    inputs
        .read(&program, "i.toml", input)
        .unwrap_or_else(|e| panic!("{input}: {}", dsl::diagnostic::render(&e, false)));
    let slot = program.slot_id(name).expect("an input");
    inputs.value(slot).cloned().expect("given")
}

fn number(s: &str) -> Value {
    Value::Number(s.parse().expect("a number"))
}

#[test]
fn a_number_has_one_spelling() {
    assert_eq!(value("places = 24", "places"), number("24"));
    assert_eq!(value("budget = 14_800_000", "budget"), number("14800000"));
    assert_eq!(
        value("budget = \"14 800 000.50 kr\"", "budget"),
        number("14800000.50")
    );
    assert_eq!(value("rate = \"5.5 %\"", "rate"), number("0.055"));
    assert_eq!(value("rate = 5.5", "rate"), number("0.055"));
    assert_eq!(
        value("tariff = \"1909.19 kr/day\"", "tariff"),
        number("1909.19")
    );
    assert_eq!(value("stay = \"30 dage\"", "stay"), number("30"));
    assert_eq!(value("places = -0.5", "places"), number("-0.5"));
}

#[test]
fn a_sum_is_not_read_as_one_number() {
    let (title, help) = refused("places = \"12+3\"");
    assert_eq!(
        title,
        "`places` in i.toml: `12+3` is not a number: write one number, not a calculation"
    );
    assert_eq!(
        help,
        "write one number: digits, `-` in front of a negative one, `.` before the decimals, digits grouped by three with `_` or a space if at all, without a unit: places = 100"
    );
}

#[test]
fn a_unit_must_be_the_inputs_own() {
    let (title, help) = refused("budget = \"5 %\"");
    assert_eq!(
        title,
        "`budget` in i.toml: `5 %` is written as a percentage, but this input is an amount (kr)"
    );
    assert_eq!(
        help,
        "write an amount (kr) without a unit, or with `kr` or `kr.`: budget = 1234567.89"
    );
    let (title, help) = refused("rate = \"7 kr\"");
    assert_eq!(
        title,
        "`rate` in i.toml: `7 kr` is written as an amount (kr), but this input is a percentage"
    );
    assert_eq!(
        help,
        "write a percentage without a unit, or with `%`, `pct` or `pp`: rate = 98.5   (meaning 98.5 %)"
    );
    let (title, _) = refused("places = \"3 days\"");
    assert_eq!(
        title,
        "`places` in i.toml: `3 days` is written as a number of days, but this input is a number"
    );
}

#[test]
fn other_spellings_are_refused_saying_what_was_meant() {
    for (input, title, help) in [
        (
            "places = \"+24\"",
            "`places` in i.toml: `+24` is not a number: write it without `+`",
            "write it as `places = 24`",
        ),
        (
            "places = \"024\"",
            "`places` in i.toml: `024` is not a number: write it without leading zeros",
            "write it as `places = 24`",
        ),
        (
            "budget = \"1_0000\"",
            "`budget` in i.toml: `1_0000` is not a number: digits are grouped by three (`1_234_567`), or not at all",
            "write it as `budget = 10000`",
        ),
        (
            "budget = 1_2_3",
            "`budget` in i.toml: `1_2_3` is not a number: digits are grouped by three (`1_234_567`), or not at all",
            "write it as `budget = 123`",
        ),
        (
            "budget = 1e3",
            "`budget` in i.toml: `1e3` is not a number: write the number out in full, without an exponent",
            "write one number: digits, `-` in front of a negative one, `.` before the decimals, digits grouped by three with `_` or a space if at all, without a unit, or with `kr` or `kr.`: budget = 1234567.89",
        ),
        (
            "rate = \".5\"",
            "`rate` in i.toml: `.5` is not a number: write a 0 before the `.`",
            "write it as `rate = 0.5`",
        ),
    ] {
        assert_eq!(refused(input), (title.to_string(), help.to_string()), "{input}");
    }
    let (title, help) = refused("budget = \"12345678901234567890123456789\"");
    assert_eq!(
        title,
        "`budget` in i.toml: `12345678901234567890123456789` has more than 28 digits, more than takst computes exactly"
    );
    assert_eq!(
        help,
        "takst computes exactly with at most 28 digits; round the figure"
    );
}

#[test]
fn a_year_has_one_key() {
    let h = value("[h]\n2020 = 100\n2021 = 98.5", "h");
    let Value::Table(t) = h else { panic!() };
    assert_eq!(t.entries.len(), 2);
    assert_eq!(t.get(&Key::Year(2020)), Some(&number("1")));
    for key in ["02020", "\"+2020\"", "\" 2020\""] {
        let (title, help) = refused(&format!("[h]\n2020 = 100\n{key} = 10\n"));
        let written = key.trim_matches('"');
        assert_eq!(
            title,
            format!("`h.{written}` in i.toml: the year is not written as takst reads it"),
            "{key}"
        );
        assert_eq!(
            help,
            "write every year one way, `2020`, so that none can be given twice under two spellings"
        );
    }
    let (title, _) = refused("[r]\n2020-5-1 = 1\n");
    assert_eq!(
        title,
        "`r.2020-5-1` in i.toml: the date is not written as takst reads it"
    );
}

#[test]
fn an_amount_with_a_thousands_point_is_refused() {
    // `420.000` read with a decimal point is 420 kr.; an amount has two decimals.
    let (title, help) = refused("budget = 420.000");
    assert_eq!(
        title,
        "`budget` in i.toml: `420.000` is not a number: an amount has two decimals (øre), so \
         the `.` may be a Danish thousands point: write 420000 if that is meant, or 420.00 for \
         420.00 kr"
    );
    assert_eq!(help, "write it as `budget = 420000`");
    assert_eq!(
        row("places,budget\n1,-1.150", Decimals::Point).err(),
        Some(vec![String::from(
            "`budget` in t.csv: `-1.150` is not a number: an amount has two decimals (øre), so \
             the `.` may be a Danish thousands point: write -1150 if that is meant, or -1.15 for \
             -1.15 kr"
        )])
    );
    // Three decimals that cannot be a group, or not of an amount, read as written.
    assert_eq!(value("budget = 0.125", "budget"), number("0.125"));
    assert_eq!(value("budget = 1420.000", "budget"), number("1420.000"));
    assert_eq!(value("budget = 420.00", "budget"), number("420.00"));
    assert_eq!(value("rate = 1.150", "rate"), number("0.0115"));
    assert_eq!(value("places = 1.125", "places"), number("1.125"));
    // In a file of decimal commas the point groups: 420.000 is 420,000.
    let read = row("places;budget\n1;420.000", Decimals::Comma).expect("reads");
    assert_eq!(cell(&read, "budget"), number("420000"));
}

#[test]
fn a_date_reads_as_in_a_tariff_file() {
    let date = |y, m, d| Value::Date(chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date"));
    assert_eq!(value("start = 2025-01-15", "start"), date(2025, 1, 15));
    // Quoted, as a Danish spreadsheet writes it: day first, as in a cell (`rows.rs`).
    assert_eq!(value("start = \"15-01-2025\"", "start"), date(2025, 1, 15));
    assert_eq!(value("start = \"15.01.2025\"", "start"), date(2025, 1, 15));
    for written in ["2025-15-01", "01/15/2025", "15-13-2025"] {
        let (title, _) = refused(&format!("start = \"{written}\""));
        assert_eq!(
            title,
            format!("`start` in i.toml: `{written}` is not a date in the calendar")
        );
    }
}

/// Reads a tariff file's header and first row; the errors' titles, or the row's inputs.
fn row(csv: &str, decimals: Decimals) -> Result<Inputs, Vec<String>> {
    let program = program();
    let file = SourceFile::new("t.csv", csv);
    let mut at = 0;
    let mut lines: Vec<Vec<(String, Range<usize>)>> = Vec::new();
    let separator = if decimals == Decimals::Comma {
        ';'
    } else {
        ','
    };
    for line in csv.lines() {
        let mut cells = Vec::new();
        for cell in line.split(separator) {
            cells.push((cell.to_string(), at..at + cell.len()));
            at += cell.len() + 1;
        }
        lines.push(cells);
    }
    let titles = |e: Vec<Diagnostic>| e.into_iter().map(|d| d.title).collect::<Vec<_>>();
    let (columns, _) = Columns::read(&program, &file, &lines[0]).map_err(titles)?;
    let base = Inputs::new(&program);
    let mut inputs = base.clone();
    inputs
        .read_row(&base, &program, &columns, &file, &lines[1], decimals)
        .map_err(titles)?;
    Ok(inputs)
}

fn cell(inputs: &Inputs, name: &str) -> Value {
    let program = program();
    inputs
        .value(program.slot_id(name).expect("input"))
        .cloned()
        .expect("given")
}

#[test]
fn a_tariff_file_reads_cells_as_strictly() {
    assert_eq!(
        row("places,budget\n12+3,1", Decimals::Point).err(),
        Some(vec![String::from(
            "`places` in t.csv: `12+3` is not a number: write one number, not a calculation"
        )])
    );
    assert_eq!(
        row("places,budget\n1,5 %", Decimals::Point).err(),
        Some(vec![String::from(
            "`budget` in t.csv: `5 %` is written as a percentage, but this input is an amount (kr)"
        )])
    );
    // A file of semicolons writes decimal commas and groups by three with points.
    let read = row(
        "places;budget;rate\n2,5;1.234.567,89;97,5 %",
        Decimals::Comma,
    )
    .expect("reads");
    assert_eq!(cell(&read, "places"), number("2.5"));
    assert_eq!(cell(&read, "budget"), number("1234567.89"));
    assert_eq!(cell(&read, "rate"), number("0.975"));
    assert_eq!(
        row("places;budget\n0.45;1", Decimals::Comma).err(),
        Some(vec![String::from(
            "`places` in t.csv: `0.45` is not a number"
        )])
    );
}

#[test]
fn a_year_or_date_has_one_column() {
    assert_eq!(
        row("h.2020,h.02020\n1,2", Decimals::Point).err(),
        Some(vec![String::from(
            "the column `h.02020` in t.csv: the year `02020` is written `2020`, one spelling per year"
        )])
    );
    assert_eq!(
        row("r.2024-05-01,r.01-05-2024\n1,2", Decimals::Point).err(),
        Some(vec![String::from(
            "the columns `r.2024-05-01` and `r.01-05-2024` in t.csv are the same entry"
        )])
    );
    let read = row("h.2020,h.2021\n100,98", Decimals::Point).expect("reads");
    let Value::Table(t) = cell(&read, "h") else {
        panic!()
    };
    assert_eq!(t.entries.len(), 2);
}
