//! `takst fmt` over every rule file of the repository — the bundled agreements, every
//! ```takst block of docs/language.md, the diagnostics fixtures, the CLI's and the fuzz
//! regressions' rule files: formatting is idempotent, keeps every comment in order, and
//! keeps the meaning — the same syntax tree, and the same checked program (or the same
//! diagnostics) before and after.

mod common;

use std::path::{Path, PathBuf};

/// Loads a base next to the file (named relative to the root), else from agreements/.
struct Bases;

impl dsl::Loader for Bases {
    fn load(&self, name: &str, from: &str) -> Result<(String, Vec<u8>), String> {
        let file = format!("{name}.takst");
        let folder = Path::new(from).parent().unwrap_or(Path::new(""));
        for path in [folder.join(&file), Path::new("agreements").join(&file)] {
            if let Ok(bytes) = std::fs::read(common::root().join(&path)) {
                return Ok((path.display().to_string(), bytes));
            }
        }
        Err(format!("no base {name}"))
    }
}

/// Every rule file of the repository and every takst block of the language reference.
fn cases() -> Vec<(String, String)> {
    let mut files = Vec::new();
    collect(&common::root(), &mut files);
    files.sort();
    let mut cases: Vec<(String, String)> = files
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            Some((common::relative(path), text))
        })
        .collect();
    let docs = std::fs::read_to_string(common::root().join("docs/language.md")).expect("docs");
    let mut block: Option<(usize, String)> = None;
    for (number, line) in docs.lines().enumerate() {
        match (&mut block, line.strip_prefix("```")) {
            (None, Some(info)) if info.starts_with("takst") => {
                block = Some((number, String::new()))
            }
            (Some(_), Some(_)) => {
                if let Some((at, body)) = block.take() {
                    cases.push((format!("docs/language.md:{}", at + 1), body));
                }
            }
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            _ => {}
        }
    }
    cases
}

fn collect(folder: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "takst") {
            files.push(path);
        }
    }
}

/// The comments of a rule file, in order, as the analyst wrote them (outside strings).
fn comments(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for line in text.lines() {
        let mut in_string = false;
        for (i, c) in line.char_indices() {
            match c {
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    found.push(line[i..].trim_end());
                    break;
                }
                _ => {}
            }
        }
    }
    found
}

/// Debug text with every span taken out: `Span { file: FileId(0), start: 4, end: 9 }`.
fn without_spans(debug: String) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Span { file: FileId(") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(" }").map_or(rest.len(), |n| at + n + 2);
        out.push_str("Span");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Text without its whitespace: the formatter changes nothing else of a formula.
fn tokens_only(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What a checked program means: every slot's name, label, citation, type, rule (the
/// resolved formula, literal by literal), uses and range; every check, part, worked
/// example and reading — without spans, and with the formula text without its whitespace.
fn meaning(program: &dsl::Program) -> String {
    let mut out = format!("{:?}\n{:?}\n", program.agreement, program.choices);
    for slot in &program.slots {
        let mut slot = slot.clone();
        slot.formula = tokens_only(&slot.formula);
        if let Some(range) = &mut slot.plausible {
            range.shown = tokens_only(&range.shown);
        }
        out.push_str(&format!("{slot:?}\n"));
    }
    for check in &program.checks {
        let mut check = check.clone();
        check.message = tokens_only(&check.message);
        out.push_str(&format!("{check:?}\n"));
    }
    out.push_str(&format!(
        "{:?}\n{:?}\n{:?}\n",
        program.parts, program.examples, program.readings
    ));
    without_spans(out)
}

/// What checking a file gives: its meaning, or its diagnostics without their places.
fn checked(name: &str, text: &str) -> String {
    match dsl::check(name, text, &Bases) {
        Ok(program) => meaning(&program),
        Err(diagnostics) => diagnostics
            .iter()
            .map(|d| format!("{} {:?} {} {:?}\n", d.code, d.level, d.title, d.help))
            .collect(),
    }
}

#[test]
fn formatting_keeps_every_rule_file_and_is_idempotent() {
    let mut formatted = 0;
    let mut changed = 0;
    for (name, text) in cases() {
        let Ok(once) = dsl::format::format(&name, &text) else {
            // Not formatted only where it does not parse.
            assert!(
                dsl::parse(&name, &text).is_err(),
                "{name} parses but is not formatted"
            );
            continue;
        };
        formatted += 1;
        changed += usize::from(once != text);
        let twice = dsl::format::format(&name, &once).expect("formatted text formats");
        assert_eq!(twice, once, "{name}: formatting twice changes it");
        assert_eq!(comments(&once), comments(&text), "{name}: comments changed");
        let tree = |t: &str| without_spans(format!("{:?}", dsl::parse(&name, t)));
        assert_eq!(tree(&once), tree(&text), "{name}: syntax tree changed");
        assert_eq!(
            checked(&name, &once),
            checked(&name, &text),
            "{name}: checked program changed"
        );
    }
    eprintln!("{formatted} rule files and takst blocks formatted, {changed} of them changed");
    assert!(formatted >= 60, "only {formatted} rule files formatted");
    assert!(changed > 0, "no file was changed: the test could not fail");
}

/// What an analyst reads and copies is laid out as `takst fmt` writes it: the bundled
/// agreements, the examples and every takst block of the language reference.
#[test]
fn the_bundled_agreements_examples_and_docs_are_formatted() {
    let mut seen = 0;
    for (name, text) in cases() {
        let shown = ["agreements/", "examples/", "docs/"];
        if !shown.iter().any(|folder| name.starts_with(folder)) {
            continue;
        }
        let Ok(formatted) = dsl::format::format(&name, &text) else {
            // A block of the reference that shows a syntax error.
            assert!(dsl::parse(&name, &text).is_err(), "{name} is not formatted");
            continue;
        };
        assert!(
            formatted == text,
            "{name} is not formatted: run `takst fmt` on it"
        );
        seen += 1;
    }
    assert!(seen >= 40, "only {seen} files and blocks");
}

#[test]
fn the_comparison_sees_a_changed_meaning() {
    // The same file with one figure, one operator and one citation changed: each is seen.
    let text = "agreement \"A\"\ninput a: money\ndefine b [§1] = a × 2\ncheck c: b > 0 kr else error \"m\"\n";
    let base = checked("a.takst", text);
    for changed in [
        text.replace("× 2", "× 3"),
        text.replace("×", "+"),
        text.replace("[§1]", "[§2]"),
        text.replace("> 0 kr", ">= 0 kr"),
    ] {
        assert_ne!(checked("a.takst", &changed), base, "{changed}");
    }
    assert_eq!(checked("a.takst", &text.replace("× 2", "×   2")), base);
    assert_eq!(comments("a # b \"#\"\n\"#\" # c"), vec!["# b \"#\"", "# c"]);
}

#[test]
fn takst_fmt_rewrites_a_folder_once() {
    let folder = std::env::temp_dir().join(format!("takst-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let file = folder.join("hurried.takst");
    let text = std::fs::read_to_string(common::root().join("tests/cli/data/fmt/unformatted.takst"))
        .expect("the fixture");
    std::fs::write(&file, &text).expect("written");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_takst"))
            .args(["fmt", &folder.display().to_string()])
            .output()
            .expect("takst runs")
    };
    let first = run();
    assert!(first.status.success());
    assert!(String::from_utf8_lossy(&first.stdout).contains("formatted"));
    let formatted = std::fs::read_to_string(&file).expect("read back");
    assert_eq!(formatted, dsl::format::format("f", &text).expect("formats"));
    assert_ne!(formatted, text);
    let second = run();
    assert!(second.status.success());
    assert!(
        second.stdout.is_empty(),
        "a formatted file is not written again"
    );
    let _ = std::fs::remove_dir_all(&folder);
}
