//! `takst batch` gives every offer of a tariff file the figures `takst eval` gives
//! it from its own TOML file, in either dialect of CSV; and writes its results
//! whole or not at all.

use std::path::Path;
use std::process::Command;

use serde_json::Value as Json;

/// The offers of `examples/batch/offers.csv`, in order, as TOML files.
const OFFERS: [&str; 7] = [
    "adults-108-home",
    "children-66-institution",
    "day-offer-103-104",
    "flexible-107-places-in-110-shelter",
    "partly-insured-civil-servants",
    "rented-premises",
    "shelter-110-occupancy-history",
];

const AGREEMENTS: [&str; 3] = ["midtjylland-2021-22", "sjaelland", "syddanmark-2025-26"];

fn takst(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_takst"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("takst runs")
}

fn json(args: &[&str]) -> Json {
    let out = takst(args);
    assert!(
        out.status.success(),
        "takst {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn every_offer_of_a_tariff_file_gets_the_figures_of_its_own_file() {
    for agreement in AGREEMENTS {
        for file in ["examples/batch/offers.csv", "examples/batch/offers-da.csv"] {
            let batch = json(&["batch", "-a", agreement, file, "--format", "json"]);
            let offers = batch["offers"].as_array().expect("offers");
            assert_eq!(offers.len(), OFFERS.len(), "{agreement}, {file}");
            for (offer, toml) in offers.iter().zip(OFFERS) {
                let path = format!("examples/{toml}.toml");
                let single = json(&["eval", "-a", agreement, &path, "--format", "json"]);
                assert_eq!(
                    offer["values"], single["values"],
                    "{agreement}: {toml} in {file} differs from its TOML file"
                );
                assert!(
                    offer["values"]["tariff_per_day"].is_string(),
                    "{agreement}: {toml} has no tariff"
                );
            }
        }
    }
}

#[test]
fn results_are_written_whole_or_not_at_all() {
    let dir = std::env::temp_dir().join(format!("takst-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let out = dir.join("results.csv");
    let out_arg = out.display().to_string();

    let good = takst(&[
        "batch",
        "-a",
        "midtjylland",
        "examples/batch/offers.csv",
        "-o",
        &out_arg,
    ]);
    assert!(good.status.success());
    assert!(
        good.stdout.is_empty(),
        "the results go to the file, not the screen"
    );
    let written = std::fs::read_to_string(&out).expect("the results");
    assert_eq!(written.lines().count(), 1 + OFFERS.len());
    assert!(written.starts_with("name,"));

    std::fs::remove_file(&out).expect("removed");
    let bad = "tests/cli/data/batch/zero-places.csv";
    let failed = takst(&["batch", "-a", "midtjylland", bad, "-o", &out_arg]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        !out.exists(),
        "no results are written when an offer is wrong"
    );
    let leftovers = std::fs::read_dir(&dir).expect("the folder").count();
    assert_eq!(leftovers, 0, "nothing half-written is left behind");

    let nowhere = dir.join("no-such-folder").join("results.csv");
    let unwritable = takst(&[
        "batch",
        "-a",
        "midtjylland",
        "examples/batch/offers.csv",
        "-o",
        &nowhere.display().to_string(),
    ]);
    assert_eq!(unwritable.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unwritable.stderr).contains("cannot write"));
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}

/// Runs takst in the repository, with `input` on standard input (none when empty).
fn takst_at(args: &[&str]) -> (String, String, Option<i32>) {
    let out = takst(args);
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

/// A scratch folder of this test process.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("takst-batch-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    dir
}

/// A tariff file of thousands of rows (several chunks), some wrong, some warning.
fn many_offers(rows: usize) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/batch/offers.csv"),
    )
    .expect("the offers");
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    let offers: Vec<&str> = lines.collect();
    let mut out = format!("{header}\n");
    for i in 0..rows {
        let offer = offers[i % offers.len()];
        // Each offer a name of its own; every 97th with places that are no number.
        let (name, rest) = match offer.strip_prefix('"') {
            Some(quoted) => {
                let (name, rest) = quoted.split_once("\",").expect("a quoted name");
                (name.to_string(), rest.to_string())
            }
            None => {
                let (name, rest) = offer.split_once(',').expect("a name");
                (name.to_string(), rest.to_string())
            }
        };
        let rest = match i % 97 {
            50 => rest
                .replacen(",24,", ",2x4,", 1)
                .replacen(",16,", ",1x6,", 1),
            _ => rest,
        };
        out.push_str(&format!("\"{name} #{i}\",{rest}\n"));
    }
    out
}

/// The rows are evaluated on every core, and the output is the same, byte for
/// byte — results, warnings and errors — for any number of threads.
#[test]
fn any_number_of_threads_gives_the_same_bytes() {
    let dir = scratch("threads");
    let file = dir.join("offers.csv");
    std::fs::write(&file, many_offers(6_000)).expect("write");
    let file = file.display().to_string();
    let mut runs = Vec::new();
    for threads in ["1", "2", "3"] {
        let run = takst_at(&[
            "--color",
            "never",
            "batch",
            "-a",
            "midtjylland,sjaelland",
            &file,
            "--keep-going",
            "--threads",
            threads,
        ]);
        assert_eq!(run.2, Some(1), "{}", run.1);
        assert_eq!(run.0.lines().count(), 6_001);
        runs.push(run);
    }
    assert!(runs[0].1.contains("2x4"), "a wrong row is reported");
    assert_eq!(runs[0], runs[1], "one thread and two differ");
    assert_eq!(runs[0], runs[2], "one thread and three differ");
    let json: Vec<_> = ["1", "2"]
        .iter()
        .map(|t| {
            takst_at(&[
                "batch",
                "-a",
                "syddanmark",
                &file,
                "--format",
                "json",
                "--keep-going",
                "--threads",
                t,
            ])
        })
        .collect();
    assert_eq!(json[0], json[1]);
    let doc: Json = serde_json::from_str(&json[0].0).expect("JSON");
    assert_eq!(doc["offers"].as_array().map(Vec::len), Some(6_000));
    let _ = std::fs::remove_dir_all(dir);
}

/// An operator's central pools split over the rows of the same operator (Midtjylland
/// §5.3): the tables are gathered over the whole file before any row is evaluated,
/// so the shares are the same for any number of threads, and each operator's add up
/// to its pools to the øre — though its rows lie in different chunks of the file.
#[test]
fn central_pools_split_over_the_rows_of_each_operator() {
    let dir = scratch("gathered");
    let file = dir.join("operators.csv");
    let operators = 37;
    let mut text = String::from(
        "name,operator_name,year,places,target_group,operator_kind,planned_occupancy,budget,operator_central_pools,depreciation,book_value\n",
    );
    for i in 0..6_000 {
        // Operators interleaved, so each has rows in every chunk; budgets that
        // do not divide evenly.
        let budget = 5_000_000 + (i * 7_919) % 3_000_000;
        text.push_str(&format!(
            "Tilbud {i},Driftsherre {},2022,20,adults,municipal,97,{budget},1000000,100000,2000000\n",
            i % operators
        ));
    }
    std::fs::write(&file, text).expect("write");
    let file = file.display().to_string();
    let runs: Vec<_> = ["1", "2", "3"]
        .iter()
        .map(|threads| {
            let args = ["batch", "-a", "midtjylland", &file, "--threads", threads];
            takst_at(&args)
        })
        .collect();
    assert_eq!(runs[0].2, Some(0), "{}", runs[0].1);
    assert_eq!(runs[0], runs[1], "one thread and two differ");
    assert_eq!(runs[0], runs[2], "one thread and three differ");
    let mut lines = runs[0].0.lines();
    let header = csv_fields(lines.next().expect("a header"));
    let share = header.iter().position(|h| h == "central_pools").expect("B");
    let mut sums = vec![rust_decimal::Decimal::ZERO; operators];
    let mut count = 0;
    for (i, line) in lines.enumerate() {
        let fields = csv_fields(line);
        let figure: rust_decimal::Decimal = fields[share].parse().expect("a figure");
        assert!(figure > rust_decimal::Decimal::ZERO, "{line}");
        sums[i % operators] += figure;
        count += 1;
    }
    assert_eq!(count, 6_000);
    for (operator, sum) in sums.iter().enumerate() {
        assert_eq!(
            *sum,
            rust_decimal::Decimal::from(1_000_000),
            "Driftsherre {operator}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A file saved by Excel (a byte order mark, `\r\n`) gets its results back the
/// same way, so that Excel opens them as it opened the offers.
#[test]
fn results_are_written_as_the_file_was() {
    let dir = scratch("dialect");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/batch/offers-da.csv"),
    )
    .expect("the offers");
    let excel = format!("\u{feff}{}", text.replace('\n', "\r\n"));
    let file = dir.join("offers.csv");
    std::fs::write(&file, &excel).expect("write");
    let (out, err, code) = takst_at(&["batch", "-a", "syddanmark", &file.display().to_string()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("\u{feff}name;budget;"), "{out}");
    assert_eq!(out.matches("\r\n").count(), 8, "{out}");
    assert_eq!(out.matches('\n').count(), 8);
    // The same figures as from the file as it is.
    let (plain, ..) = takst_at(&["batch", "-a", "syddanmark", "examples/batch/offers-da.csv"]);
    assert_eq!(
        out.trim_start_matches('\u{feff}').replace("\r\n", "\n"),
        plain
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Splits a line of CSV separated by commas (quotes around a field with a comma).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// An XLSX tariff file, typed as an analyst types it — percentages in cells
/// formatted as percent (97 % stored as 0.97), amounts as numbers — gives the
/// figures of the same offers in CSV; the results written to a workbook read back
/// as the figures of the CSV results, a percentage as a percent cell.
#[test]
fn a_workbook_in_and_out_gives_the_figures_of_csv() {
    use rust_xlsxwriter::{Format, Workbook};
    let dir = scratch("xlsx");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/batch/offers.csv"),
    )
    .expect("the offers");
    let rows: Vec<Vec<String>> = text.lines().map(csv_fields).collect();
    let percent_inputs = [
        "planned_occupancy",
        "interest_rate",
        "uninsured_share",
        "overhead_rate",
        "regional_overhead_rate",
        "occupancy_history",
        "discount_rate",
        "kommunekredit_20y",
    ];
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let percent = Format::new().set_num_format("0.0%");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            let column = &rows[0][c as usize];
            let stem = column.split('.').next().unwrap_or_default();
            let number = cell.parse::<f64>().ok().filter(|_| r > 0);
            match number {
                // The double nearest the percentage typed, as Excel stores it.
                Some(_)
                    if percent_inputs.contains(&stem) && !column.ends_with("complete_until") =>
                {
                    let fraction: f64 = shifted(cell).parse().expect("a number");
                    sheet
                        .write_number_with_format(r, c, fraction, &percent)
                        .expect("write");
                }
                Some(n) => {
                    sheet.write_number(r, c, n).expect("write");
                }
                None if !cell.is_empty() => {
                    sheet.write_string(r, c, cell).expect("write");
                }
                None => {}
            }
        }
    }
    let input = dir.join("offers.xlsx");
    workbook.save(&input).expect("save");
    let input = input.display().to_string();
    for agreement in AGREEMENTS {
        let (from_xlsx, err, code) = takst_at(&["batch", "-a", agreement, &input]);
        assert_eq!(code, Some(0), "{agreement}: {err}");
        let (from_csv, ..) = takst_at(&["batch", "-a", agreement, "examples/batch/offers.csv"]);
        assert_eq!(from_xlsx, from_csv, "{agreement}");
    }
    // takst report reads the workbook as batch does: the same offers, the same figures.
    let (from_xlsx, err, code) = takst_at(&["report", "--format", "json", &input]);
    assert_eq!(code, Some(0), "{err}");
    let (from_csv, ..) = takst_at(&["report", "--format", "json", "examples/batch/offers.csv"]);
    let offers = |text: &str| -> serde_json::Value {
        serde_json::from_str::<serde_json::Value>(text).expect("JSON")["offers"].clone()
    };
    assert_eq!(offers(&from_xlsx).as_array().map(Vec::len), Some(7));
    // The same, but for the file the warnings name.
    let from_xlsx = from_xlsx.replace(
        &format!("{input} (sheet Sheet1)"),
        "examples/batch/offers.csv",
    );
    assert_eq!(offers(&from_xlsx), offers(&from_csv));
    // Results to a workbook: a sheet per agreement and a comparison sheet.
    let output = dir.join("results.xlsx");
    let (_, err, code) = takst_at(&[
        "batch",
        "--agreements",
        "midtjylland,sjaelland",
        "examples/batch/offers.csv",
        "-o",
        &output.display().to_string(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&output).expect("a workbook");
    use calamine::Reader;
    assert_eq!(
        book.sheet_names(),
        vec!["Midtjylland 2021-22", "Sjælland", "Comparison"]
    );
    let (csv, ..) = takst_at(&["batch", "-a", "midtjylland", "examples/batch/offers.csv"]);
    let csv: Vec<Vec<String>> = csv.lines().map(csv_fields).collect();
    let range = book
        .worksheet_range("Midtjylland 2021-22")
        .expect("the sheet");
    for (r, row) in csv.iter().enumerate() {
        for (c, expected) in row.iter().enumerate() {
            let cell = range.get_value((r as u32, c as u32)).expect("a cell");
            let read = match cell {
                calamine::Data::Float(f) => {
                    let header = &csv[0][c];
                    // A percent cell holds the fraction.
                    let percent = ["occupancy"].contains(&header.as_str());
                    let text = format!("{f}");
                    match percent {
                        true => {
                            let d: rust_decimal::Decimal = text.parse().expect("a number");
                            (d * rust_decimal::Decimal::ONE_HUNDRED)
                                .normalize()
                                .to_string()
                        }
                        false => text,
                    }
                }
                calamine::Data::Int(i) => i.to_string(),
                calamine::Data::String(s) => s.clone(),
                calamine::Data::Empty => String::new(),
                other => format!("{other:?}"),
            };
            assert_eq!(&read, expected, "row {r}, `{}`", csv[0][c]);
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// `97` → `0.97`, `0.45` → `0.0045`: a percentage's text as the fraction's.
fn shifted(text: &str) -> String {
    let d: rust_decimal::Decimal = text.parse().expect("a number");
    (d / rust_decimal::Decimal::ONE_HUNDRED)
        .normalize()
        .to_string()
}

/// Any part over a file of cases: closures with their revenue and bed days per
/// municipality in columns (`bed_days_year_before.Aabenraa`) give what `takst
/// close` gives for the same closure in TOML.
#[test]
fn closures_in_columns_give_the_figures_of_their_own_file() {
    for agreement in ["sjaelland", "syddanmark"] {
        let batch = json(&[
            "batch",
            "-a",
            agreement,
            "--part",
            "closure",
            "examples/batch/closures.csv",
            "--format",
            "json",
        ]);
        let single = json(&[
            "close",
            "-a",
            agreement,
            "examples/closures/four-municipalities.toml",
            "--format",
            "json",
        ]);
        let offers = batch["offers"].as_array().expect("offers");
        assert_eq!(offers.len(), 2);
        assert_eq!(offers[0]["values"], single["values"], "{agreement}");
    }
}

/// An input missing from a row is said in the file's terms: the row, and the
/// column to add or the cell to fill.
#[test]
fn an_input_missing_from_a_row_says_which_column() {
    let dir = scratch("missing");
    let file = dir.join("offers.csv");
    std::fs::write(&file, "name,year,places,budget\nLindely,2022,24,\n").expect("write");
    let (_, err, code) = takst_at(&[
        "--color",
        "never",
        "batch",
        "-a",
        "midtjylland",
        &file.display().to_string(),
    ]);
    assert_eq!(code, Some(1));
    let flat = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("the cell of `budget` is empty"), "{err}");
    assert!(
        flat.contains("help: fill its cell, like `1234567.89`"),
        "{err}"
    );
    std::fs::write(&file, "name,year,places,budget\nLindely,2022,24,100000\n").expect("write");
    let (_, err, _) = takst_at(&[
        "--color",
        "never",
        "batch",
        "-a",
        "midtjylland",
        &file.display().to_string(),
    ]);
    let flat = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("no column `target_group`"), "{err}");
    assert!(
        flat.contains("add a column `target_group` to the header"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A workbook of one Midtjylland offer whose central pools (column H) are the
/// formula `=G2*0.01`, stored as `stored` (`None`: no value at all; `""`: empty
/// text), written as a
/// program that does not compute formulas writes it (asking to be recalculated
/// when opened) or, with `saved_by_a_spreadsheet`, as Excel saves it.
fn workbook_with_formula(
    name: &str,
    stored: Option<&str>,
    saved_by_a_spreadsheet: bool,
) -> std::path::PathBuf {
    use rust_xlsxwriter::{Formula, Workbook};
    let header = "name,year,places,target_group,operator_kind,planned_occupancy,budget,\
                  central_pools,owns_premises,depreciation,book_value,interest_rate,\
                  civil_servant_salaries,pension_insurance";
    let row = "A,2022,24,adults,municipal,97,14800000,-,yes,420000,9800000,0.45,650000,\
               self_insured";
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, line) in [header, row].iter().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if r > 0 => sheet.write_number(r, c, n),
                _ if cell == "-" => sheet.write_formula(
                    r,
                    c,
                    Formula::new("=G2*0.01").set_result(stored.unwrap_or("")),
                ),
                _ => sheet.write_string(r, c, cell),
            }
            .expect("write");
        }
    }
    let path = scratch("formulas").join(name);
    workbook.save(&path).expect("save");
    let mut archive =
        zip::ZipArchive::new(std::fs::File::open(&path).expect("the workbook")).expect("a zip");
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).expect("a part");
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut part, &mut text).expect("read");
        let mut text = String::from_utf8(text).expect("XML");
        if stored.is_none() {
            text = text.replace("<f>G2*0.01</f><v>0</v>", "<f>G2*0.01</f>");
        }
        if stored == Some("") {
            // Empty text, as =IFERROR(…;"") gives when its lookup finds nothing.
            let formula = cell_xml(&text, "H2");
            if let Some(cell) = formula {
                text = text.replace(&cell, "<c r=\"H2\" t=\"str\"><f>G2*0.01</f><v></v></c>");
            }
        }
        if saved_by_a_spreadsheet {
            text = text.replace(" fullCalcOnLoad=\"1\"", "");
        }
        parts.push((part.name().expect("a name").to_string(), text));
    }
    let mut out = zip::ZipWriter::new(std::fs::File::create(&path).expect("the workbook"));
    for (name, text) in parts {
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("a part");
        std::io::Write::write_all(&mut out, text.as_bytes()).expect("write");
    }
    out.finish().expect("the workbook");
    path
}

/// The XML of the cell `name` (`<c r="H2" …>…</c>`) in a sheet's XML, if it is there.
fn cell_xml(xml: &str, name: &str) -> Option<String> {
    let start = xml.find(&format!("<c r=\"{name}\""))?;
    let end = start + xml[start..].find("</c>")? + "</c>".len();
    Some(xml[start..end].to_string())
}

/// A formula cell is read as the value the workbook stores for it — but only a
/// value a spreadsheet computed: a formula with no value stored, or a workbook
/// that asks to be recalculated when opened (its stored values are not the
/// formulas' results: 0, as rust_xlsxwriter stores them), is an error, never a
/// blank that takes the default or a 0 read as the central pools.
#[test]
fn a_formula_is_read_by_its_computed_value_and_never_as_a_blank_or_a_stale_zero() {
    let computed = workbook_with_formula("computed.xlsx", Some("148000"), true);
    let (out, err, code) = takst_at(&[
        "batch",
        "-a",
        "midtjylland",
        &computed.display().to_string(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let central_pools = out.lines().nth(1).and_then(|l| l.split(',').nth(5));
    assert_eq!(central_pools, Some("148000"), "{out}");

    let missing = workbook_with_formula("missing.xlsx", None, true);
    let (out, err, code) =
        takst_at(&["batch", "-a", "midtjylland", &missing.display().to_string()]);
    assert_eq!((code, out.as_str()), (Some(1), ""), "{err}");
    let flat = |err: &str| {
        err.replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(
        flat(&err).contains("cell H2 holds a formula whose value is not stored in the workbook"),
        "{err}"
    );

    let empty = workbook_with_formula("empty-text.xlsx", Some(""), true);
    let (out, err, code) = takst_at(&["batch", "-a", "midtjylland", &empty.display().to_string()]);
    assert_eq!((code, out.as_str()), (Some(1), ""), "{err}");
    assert!(
        flat(&err).contains("cell H2 holds a formula whose value is empty text"),
        "{err}"
    );

    let stale = workbook_with_formula("stale.xlsx", Some("0"), false);
    let (out, err, code) = takst_at(&["batch", "-a", "midtjylland", &stale.display().to_string()]);
    assert_eq!((code, out.as_str()), (Some(1), ""), "{err}");
    assert!(
        flat(&err).contains(
            "a cell holds a formula, and the workbook says their values must be computed again"
        ),
        "{err}"
    );
}

/// A warning repeated row after row is given again, not made again — with the
/// figures of each row: rows outside the agreement's period warn with their own
/// year, and a row inside it after them warns of nothing.
#[test]
fn each_row_warns_with_its_own_figures() {
    let header = "name,year,places,target_group,budget,owns_premises,depreciation,book_value,civil_servant_salaries";
    let rows = [
        ("A", 2023),
        ("B", 2023),
        ("C", 2020),
        ("D", 2022),
        ("E", 2020),
    ];
    let mut text = format!("{header}\n");
    for (name, year) in rows {
        text.push_str(&format!(
            "{name},{year},24,adults,14800000,yes,420000,9800000,650000\n"
        ));
    }
    let dir = scratch("repeated");
    let file = dir.join("years.csv");
    std::fs::write(&file, text).expect("written");
    let (out, _, code) = takst_at(&["batch", "-a", "midtjylland", file.to_str().expect("utf-8")]);
    assert_eq!(code, Some(0));
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(lines.len(), rows.len());
    for ((name, year), line) in rows.iter().zip(&lines) {
        let warnings = csv_fields(line).last().cloned().unwrap_or_default();
        assert!(line.starts_with(name), "{line}");
        match year {
            2022 => assert_eq!(warnings, "", "{line}"),
            _ => assert!(
                warnings.contains(&format!("the tariff year {year} is outside")),
                "row {name}: {warnings}"
            ),
        }
    }
}
