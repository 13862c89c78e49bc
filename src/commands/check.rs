//! `takst check`: parse and check rule files.

use dsl::{Code, Diagnostic, Program};

use super::{load_program, Outcome};

/// A warning for an agreement with a source of its own whose parts show figures
/// cited only by a base: the tables would show the base's sections (another
/// document's) beside this agreement's figures.
pub(crate) fn inherited_citations(program: &Program) -> Option<Diagnostic> {
    program.agreement.source.as_ref()?;
    let mut names: Vec<&str> = Vec::new();
    for part in &program.parts {
        for &slot in &part.outputs {
            let s = program.slot(slot);
            if s.base_citation && !names.contains(&s.name.as_str()) {
                names.push(&s.name);
            }
        }
    }
    if names.is_empty() {
        return None;
    }
    let shown: Vec<&str> = names.iter().take(12).copied().collect();
    let more = names.len() - shown.len();
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    Some(
        Diagnostic::warning(
            Code::BaseCitation,
            format!(
                "{}: {} figure(s) its parts show cite only its base: {}{more}",
                program.agreement.name,
                names.len(),
                shown.join(", ")
            ),
        )
        .help(
            "they are shown as the base's (`national: …`); where this agreement's text has a section for a figure, cite it: `cite NAME [§…]`",
        ),
    )
}

/// Checks every file; reports all errors of all files.
pub fn run(files: &[String]) -> Outcome {
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    for file in files {
        match load_program(file, &mut warnings) {
            Ok(program) => {
                outln!(
                    "ok   {file}: {} — {} values, {} checks, {} parts, {} examples",
                    program.agreement.name,
                    program.slots.len(),
                    program.checks.len(),
                    program.parts.len(),
                    program.examples.len()
                );
                warnings.extend(inherited_citations(&program));
            }
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
