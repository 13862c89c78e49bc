//! Hostile rule files, tariff files and offers: `takst` must answer each with a
//! diagnostic and a non-zero exit, quickly, and never panic, hang or report an
//! internal error.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("takst-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

/// Runs takst with `args` on a file of the bytes; it must neither hang nor panic.
fn takst(args: &[&str], name: &str, bytes: &[u8]) -> std::process::Output {
    takst_within(args, name, bytes, Duration::from_secs(5))
}

/// As [`takst`], within `limit`.
fn takst_within(args: &[&str], name: &str, bytes: &[u8], limit: Duration) -> std::process::Output {
    let path = scratch(name, bytes);
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_takst"))
        .args(["--color", "never"])
        .args(args)
        .arg(&path)
        .output()
        .expect("run takst");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("internal error"),
        "{name}: an internal error: {stderr}"
    );
    // A guard against hangs, not a performance claim.
    assert!(
        started.elapsed() < limit,
        "{name} took {:?}",
        started.elapsed()
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{name} panicked: {stderr}");
    out
}

/// Runs `takst check` on the bytes; returns (exit code, stderr).
fn check(name: &str, bytes: &[u8]) -> (i32, String) {
    let out = takst(&["check"], name, bytes);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    (out.status.code().unwrap_or(-1), stderr)
}

fn assert_refused(name: &str, bytes: &[u8], code: &str) {
    let (status, stderr) = check(name, bytes);
    assert_eq!(status, 1, "{name}: exit {status}, stderr {stderr}");
    assert!(stderr.contains(code), "{name}: expected {code} in {stderr}");
}

#[test]
fn empty_file() {
    assert_refused("empty.takst", b"", "takst::syntax");
}

#[test]
fn binary_file() {
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
    assert_refused("binary.takst", &bytes, "takst::not_text");
}

#[test]
fn invalid_utf8() {
    assert_refused(
        "latin1.takst",
        b"agreement \"Sj\xe6lland\"\n",
        "takst::not_text",
    );
}

#[test]
fn ten_megabytes_of_open_brackets() {
    assert_refused(
        "brackets.takst",
        &vec![b'('; 10 * 1024 * 1024],
        "takst::file_too_large",
    );
}

#[test]
fn deep_nesting_within_the_size_limit() {
    let mut text = b"agreement \"Deep\"\ndefine x = ".to_vec();
    text.extend(std::iter::repeat_n(b'(', 500_000));
    assert_refused("deep.takst", &text, "takst::too_deep");
}

#[test]
fn deep_nesting_of_tables_and_calls() {
    let text = format!(
        "agreement \"Deep\"\ndefine x = {}1{}",
        "min(".repeat(40),
        ")".repeat(40)
    );
    assert_refused("calls.takst", text.as_bytes(), "takst::too_deep");
    let text = format!(
        "agreement \"Deep\"\ndefine x = {}1{}",
        "{a: ".repeat(40),
        "}".repeat(40)
    );
    assert_refused("tables.takst", text.as_bytes(), "takst::too_deep");
}

#[test]
fn unterminated_string() {
    assert_refused(
        "string.takst",
        b"agreement \"never ends\ninput x: money\n",
        "takst::syntax",
    );
}

#[test]
fn a_long_chain_of_prefix_operators() {
    let text = format!("agreement \"Signs\"\ndefine x = {}1", "- ".repeat(100_000));
    assert_refused("signs.takst", text.as_bytes(), "takst::syntax");
}

#[test]
fn a_very_long_formula() {
    let text = format!("agreement \"Long\"\ndefine x = 1{}", " + 1".repeat(200_000));
    assert_refused("long.takst", text.as_bytes(), "takst::too_deep");
}

#[test]
fn a_long_chain_of_definitions_checks() {
    // 20,000 definitions each using the one before: no recursion may overflow.
    let mut text = String::from("agreement \"Chain\"\ninput v0: money\n");
    for i in 1..20_000 {
        text.push_str(&format!("define v{i} = v{} + 1 kr\n", i - 1));
    }
    let (status, stderr) = check("chain.takst", text.as_bytes());
    assert_eq!(status, 0, "{stderr}");
}

#[test]
fn a_long_cycle_is_named() {
    let mut text = String::from("agreement \"Cycle\"\n");
    for i in 0..5_000 {
        text.push_str(&format!("define v{i} = v{} + 1 kr\n", (i + 1) % 5_000));
    }
    assert_refused("cycle.takst", text.as_bytes(), "takst::cycle");
}

#[test]
fn random_garbage_text() {
    let text: String = (0..20_000u32)
        .map(|i| char::from(b"([{<=>}])#\"x1 \n%kr"[(i * 31 % 18) as usize]))
        .collect();
    let (status, stderr) = check("garbage.takst", text.as_bytes());
    assert_eq!(status, 1, "{stderr}");
}

/// Runs `takst batch` on a tariff file of these bytes; it must refuse it as `code`.
fn assert_batch_refused(name: &str, bytes: &[u8], code: &str) {
    let out = takst(&["batch", "-a", "midtjylland"], name, bytes);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
    assert!(out.stdout.is_empty(), "{name}: nothing is printed");
    assert!(stderr.contains(code), "{name}: expected {code} in {stderr}");
}

#[test]
fn hostile_tariff_files() {
    assert_batch_refused("empty.csv", b"", "takst::bad_input");
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
    assert_batch_refused("binary.csv", &binary, "takst::not_text");
    assert_batch_refused("nul.csv", b"name,places\n\0,1\n", "takst::not_text");
    let wide: Vec<String> = (0..200_000).map(|i| format!("c{i}")).collect();
    assert_batch_refused("wide.csv", wide.join(",").as_bytes(), "takst::bad_input");
    let mut quotes = b"name,places\n".to_vec();
    quotes.extend(std::iter::repeat_n(b'"', 3_000_001));
    assert_batch_refused("quotes.csv", &quotes, "takst::bad_input");
    let mut long_name = b"name,places\n\"".to_vec();
    long_name.extend(std::iter::repeat_n(b'x', 5_000_000));
    long_name.extend(b"\",-1\n");
    assert_batch_refused("long-name.csv", &long_name, "takst::");
}

/// A tariff file of 8,000 rows, each with one wrong cell: every row is reported,
/// in time linear in the file (a diagnostic once located its label by reading
/// the file from its start: 8,000 such rows took 15 s, a 25 MB file hours).
#[test]
fn a_tariff_file_of_thousands_of_wrong_rows_is_reported_in_linear_time() {
    let mut text = String::from("name,year,places,budget\n");
    for i in 0..8_000 {
        text.push_str(&format!("Offer {i},2022,x{i},14800000\n"));
    }
    let out = takst_within(
        &["batch", "-a", "midtjylland"],
        "wrong-rows.csv",
        text.as_bytes(),
        Duration::from_secs(30),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing is printed");
    assert_eq!(stderr.matches("takst::bad_input").count(), 8_000);
    assert!(
        stderr.contains("line 8001 (Offer 7999)"),
        "the last row is reported"
    );
}

/// Three lines that ran without end: every month of 10,000 years, for each of them.
#[test]
fn a_table_of_every_month_for_every_month_stops_with_a_diagnostic() {
    let text = "agreement \"Months\"\n\
        define m = months(0001-01-01, 9999-12-31) each months(0001-01-01, 9999-12-31)\n\
        example \"e\" {\n  expect count(m) > 0\n}\n";
    let out = takst_within(
        &["test"],
        "months.takst",
        text.as_bytes(),
        Duration::from_secs(30),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("takst::too_large"), "{stderr}");
    assert!(
        stderr.contains(
            "this formula builds or reads more than 10,000,000 table entries (while computing `m`)"
        ),
        "{stderr}"
    );
}

/// Figures beyond exact arithmetic in a rule file are an overflow naming the
/// figure, with exit 1 — never an internal error.
#[test]
fn figures_beyond_exact_arithmetic_are_an_overflow() {
    for (name, formula) in [
        ("share", "share({a: 79228162514264337593543950335 kr, b: 1 kr})[\"a\"] > 0"),
        ("reserve", "reserve_balance({2019: 79228162514264337593543950335 kr, 2020: 79228162514264337593543950335 kr}, 5)[2020] > 0 kr"),
        ("allocate", "allocate(79228162514264337593543950335 kr, {a: 1, b: 1})[\"a\"] > 0 kr"),
        ("date", "2024-01-01 - (-9223372036854775808 days) > 2024-01-01"),
    ] {
        let text = format!(
            "agreement \"Extreme\"\nexample \"{name}\" {{\n  expect {formula}\n}}\n"
        );
        let out = takst(&["test"], &format!("{name}.takst"), text.as_bytes());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains("takst::overflow"), "{name}: {stderr}");
    }
}

/// Numbers in an offer written otherwise than one way are refused, saying what
/// was read and how to write it — never read as another figure.
#[test]
fn numbers_written_two_ways_are_refused() {
    for (input, said) in [
        (
            "places = \"12+3\"",
            "`12+3` is not a number: write one number, not a calculation",
        ),
        (
            "budget = \"5 %\"",
            "`5 %` is written as a percentage, but this input is an amount (kr)",
        ),
        (
            "interest_rate = \"7 kr\"",
            "`7 kr` is written as an amount (kr), but this input is a percentage",
        ),
        (
            "[occupancy_history]\n\"02020\" = 100",
            "the year is not written as takst reads it",
        ),
        (
            "[occupancy_history]\n\"+2020\" = 100",
            "write every year one way, `2020`",
        ),
    ] {
        let text = format!("year = 2022\n{input}\n");
        let path = scratch("offer.toml", text.as_bytes());
        let out = Command::new(env!("CARGO_BIN_EXE_takst"))
            .args(["--color", "never", "eval", "-a", "midtjylland"])
            .arg(&path)
            .output()
            .expect("run takst");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{input}: {stderr}");
        assert!(stderr.contains("takst::bad_input"), "{input}: {stderr}");
        let flat = stderr
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" │ ", " ");
        assert!(
            flat.contains(said),
            "{input}: expected {said:?} in {stderr}"
        );
    }
}

/// A literal too precise to hold exactly was rounded silently
/// (`1.00000000000000000000000000001 == 1` held); it is refused.
#[test]
fn a_literal_too_precise_to_hold_is_refused() {
    for literal in [
        "1.00000000000000000000000000001",
        "0.000000000000000000000000000001",
        "0.000000000000000000000000001 %",
    ] {
        let text = format!("agreement \"Precise\"\ndefine x = {literal}\n");
        let (status, stderr) = check("precise.takst", text.as_bytes());
        assert_eq!(status, 1, "{literal}: {stderr}");
        let shown = literal.trim_end_matches(" %");
        assert!(
            stderr.contains(&format!("{shown} is too large or too precise")),
            "{literal}: {stderr}"
        );
    }
    let text = "agreement \"Precise\"\ndefine x = 79228162514264337593543950335 kr\ndefine y = 0.0000000000000000000000000001\n";
    let (status, stderr) = check("largest.takst", text.as_bytes());
    assert_eq!(status, 0, "{stderr}");
}

/// A label past column 65,535 made miette panic (a width out of range), and a long
/// line was rendered again for every label on it: a wrong cell at the end of a
/// 70,000-character row, and a header of 1,000 columns of one long name, are
/// reported by their places.
#[test]
fn labels_on_very_long_lines_are_reported_by_their_places() {
    let text = format!("name,places\n{},2O\nB,3\n", "x".repeat(70_000));
    let out = takst(
        &["batch", "-a", "midtjylland"],
        "long-line.csv",
        text.as_bytes(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let flat = stderr
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" │ ", " ");
    assert!(
        flat.contains("long-line.csv:2:70002; the line is too long to show)"),
        "{stderr}"
    );
    assert!(
        flat.contains("long-line.csv:3:1; a line beside it is too long to show)"),
        "{stderr}"
    );
    let name = "x".repeat(500);
    let header = vec![name.as_str(); 1_000].join(",");
    let out = takst(
        &["batch", "-a", "midtjylland"],
        "long-header.csv",
        format!("{header}\n1\n").as_bytes(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("is given twice").count(), 999, "{stderr}");
}
