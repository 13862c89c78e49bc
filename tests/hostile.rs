//! Hostile rule files: `takst check` must answer each with a diagnostic and a
//! non-zero exit, quickly, and never panic or hang.

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
    let path = scratch(name, bytes);
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_takst"))
        .args(["--color", "never"])
        .args(args)
        .arg(&path)
        .output()
        .expect("run takst");
    // A guard against hangs, not a performance claim.
    assert!(
        started.elapsed() < Duration::from_secs(5),
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
