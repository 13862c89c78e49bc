//! `takst test`: run the worked examples inside rule files.

use dsl::{Code, Diagnostic};
use engine::examples::{self, Outcome as ExampleOutcome};
use engine::{Inputs, Value};

use super::{load_program, Outcome};
use crate::catalog;
use crate::render::{format_value, Locale};

/// Runs the examples of each file (every bundled agreement if none are named).
pub fn run(files: &[String], locale: Locale) -> Outcome {
    let files: Vec<String> = if files.is_empty() {
        catalog::bundled()
            .map(|(stem, ..)| stem.to_string())
            .collect()
    } else {
        files.to_vec()
    };
    let (mut passed, mut failed) = (0, 0);
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    for file in &files {
        let program = match load_program(file, &mut warnings) {
            Ok(p) => p,
            Err(diagnostics) => {
                outln!("FAIL {file}: does not check");
                failed += 1;
                errors.extend(diagnostics);
                continue;
            }
        };
        outln!("{} ({file})", program.agreement.name);
        for outcome in examples::run_all(&program) {
            let citation = outcome
                .citation
                .as_deref()
                .map(|c| format!(" [{c}]"))
                .unwrap_or_default();
            if outcome.passed() {
                passed += 1;
                outln!("  ok    {}{citation}", outcome.title);
            } else {
                failed += 1;
                outln!("  FAIL  {}{citation}", outcome.title);
                errors.extend(explain_failure(&program, &outcome, locale));
            }
        }
    }
    outln!("\n{passed} passed, {failed} failed");
    if failed == 0 {
        Ok(warnings)
    } else {
        errors.append(&mut warnings);
        Err(errors)
    }
}

fn explain_failure(
    program: &dsl::Program,
    outcome: &ExampleOutcome,
    locale: Locale,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(error) = &outcome.error {
        out.push(error.to_diagnostic(program, &Inputs::new(program)));
    }
    for failure in &outcome.failures {
        let found = match &failure.found {
            Some((a, b)) => {
                let show = |v: &Value| match &failure.ty {
                    Some(ty) => format_value(v, ty, program, locale),
                    None => show(v),
                };
                format!(
                    "the left side is {}, the right side is {}",
                    show(a),
                    show(b)
                )
            }
            None => failure.message.clone(),
        };
        out.push(
            Diagnostic::error(
                Code::ExampleFailed,
                format!("example \"{}\" fails", outcome.title),
            )
            .label(&program.sources, failure.span, found)
            .help("fix the rule, or the example if the agreement's figure was misread"),
        );
    }
    out
}

fn show(value: &Value) -> String {
    match value {
        Value::Number(n) => n.normalize().to_string(),
        Value::Date(d) => d.to_string(),
        Value::Bool(b) => String::from(if *b { "yes" } else { "no" }),
        Value::Text(t) => format!("\"{t}\""),
        other => format!("{other:?}"),
    }
}
