//! `takst check`: parse and check rule files.

use super::{load_program, Outcome};

/// Checks every file; reports all errors of all files.
pub fn run(files: &[String]) -> Outcome {
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    for file in files {
        match load_program(file, &mut warnings) {
            Ok(program) => outln!(
                "ok   {file}: {} — {} values, {} checks, {} parts, {} examples",
                program.agreement.name,
                program.slots.len(),
                program.checks.len(),
                program.parts.len(),
                program.examples.len()
            ),
            Err(diagnostics) => {
                let count = diagnostics.iter().filter(|d| d.is_error()).count();
                outln!("FAIL {file}: {count} error(s)");
                errors.extend(diagnostics);
            }
        }
    }
    if errors.is_empty() {
        Ok(warnings)
    } else {
        errors.append(&mut warnings);
        Err(errors)
    }
}
