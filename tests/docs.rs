//! Every example in docs/language.md is checked, and every builtin and
//! diagnostic code is documented there.

mod common;

use engine::examples;

/// The fenced blocks of a markdown file: (info string, body, line).
fn blocks(text: &str) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String, usize)> = None;
    for (number, line) in text.lines().enumerate() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => {
                current = Some((info.trim().to_string(), String::new(), number + 1))
            }
            (Some(_), Some(_)) => out.extend(current.take()),
            (Some((_, body, _)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

fn reference() -> String {
    std::fs::read_to_string(common::root().join("docs/language.md")).expect("docs/language.md")
}

#[test]
fn every_takst_block_checks_and_its_examples_pass() {
    let mut count = 0;
    for (info, body, line) in blocks(&reference()) {
        if info != "takst" {
            continue;
        }
        count += 1;
        let program = common::check(&format!("docs/language.md:{line}"), &body)
            .unwrap_or_else(|e| panic!("block at line {line} does not check:\n{e}"));
        for outcome in examples::run_all(&program) {
            assert!(
                outcome.passed(),
                "block at line {line}: example {:?} fails: {:?}",
                outcome.title,
                outcome
            );
        }
    }
    assert!(count >= 8, "only {count} takst blocks found");
}

#[test]
fn every_error_block_fails_with_its_code() {
    let mut count = 0;
    for (info, body, line) in blocks(&reference()) {
        let Some(code) = info.strip_prefix("takst-error ") else {
            continue;
        };
        count += 1;
        let program = match dsl::check("doc.takst", &body, &common::Agreements) {
            Err(diagnostics) => {
                let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
                assert!(
                    codes.contains(&code),
                    "block at line {line}: expected {code}, got {codes:?}"
                );
                continue;
            }
            Ok(program) => program,
        };
        // Some errors only show when an example runs.
        let failed = examples::run_all(&program)
            .into_iter()
            .any(|o| o.error.as_ref().is_some_and(|e| e.code.as_str() == code));
        assert!(failed, "block at line {line} should fail with {code}");
    }
    assert!(count >= 10, "only {count} error blocks found");
}

#[test]
fn every_builtin_is_documented() {
    let text = reference();
    for (name, ..) in dsl::builtins::BUILTINS {
        assert!(
            text.contains(&format!("\n### {name}\n*What it does:*")),
            "docs/language.md lacks `### {name}` with *What it does:*"
        );
    }
}

#[test]
fn every_diagnostic_code_is_documented() {
    let text = reference();
    for code in dsl::Code::ALL {
        assert!(
            text.contains(&format!("\n### {}\n*What it means", code.as_str())),
            "docs/language.md lacks `### {}` with *What it means*",
            code.as_str()
        );
    }
}
