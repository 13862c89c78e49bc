//! Each broken rule file under tests/diagnostics/ and the diagnostics it gets,
//! rendered as an analyst sees them. Adding a case is adding a file.

mod common;

use std::path::Path;

fn render(path: &Path) -> String {
    let name = common::relative(path);
    let bytes = std::fs::read(path).expect("the test file");
    let text = match dsl::limits::text_from_bytes(&name, &bytes) {
        Ok(text) => text,
        Err(d) => return dsl::diagnostic::render(&[d], false),
    };
    match dsl::check(&name, &text, &common::Siblings) {
        Ok(program) => {
            let failures: Vec<_> = engine::examples::run_all(&program)
                .into_iter()
                .filter_map(|o| {
                    o.error
                        .map(|e| e.to_diagnostic(&program, &engine::Inputs::new(&program)))
                })
                .collect();
            if failures.is_empty() {
                String::from("(checks without errors)\n")
            } else {
                dsl::diagnostic::render(&failures, false)
            }
        }
        Err(diagnostics) => dsl::diagnostic::render(&diagnostics, false),
    }
}

#[test]
fn broken_rule_files() {
    insta::glob!("diagnostics/*.takst", |path| {
        let source = std::fs::read_to_string(path).unwrap_or_else(|_| String::from("(not text)"));
        let source: String = source.chars().take(400).collect();
        insta::with_settings!({ description => source, omit_expression => true }, {
            insta::assert_snapshot!(render(path));
        });
    });
}
