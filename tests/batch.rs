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
