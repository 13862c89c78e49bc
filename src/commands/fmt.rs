//! `takst fmt`: rule files laid out the way the bundled agreements are written.
//!
//! A file is rewritten whole or not at all, and only if formatting changes it; a
//! file with a syntax error is left as it is and its errors are reported. With
//! `--check` nothing is written: each file that is not formatted is named with its
//! first line that would change, and the exit code is 1.

use std::path::{Path, PathBuf};

use dsl::{Code, Diagnostic};

use super::Outcome;
use crate::files;

/// Formats `paths` (rule files, or folders of them), or with `check` only says which
/// are not formatted.
pub fn run(paths: &[PathBuf], check: bool) -> Outcome {
    let mut errors = Vec::new();
    let mut unformatted = Vec::new();
    let files = rule_files(paths, &mut errors);
    for path in &files {
        let name = path.display().to_string();
        let text = match files::read_text(path, &files::RULE_FILE) {
            Ok(text) => text,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let formatted = match dsl::format::format(&name, &text) {
            Ok(formatted) => formatted,
            Err(diagnostics) => {
                errors.extend(diagnostics);
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if check {
            let (line, old, new) = first_change(&text, &formatted);
            outln!("{name}:{line}: not formatted");
            outln!("  - {old}");
            outln!("  + {new}");
            unformatted.push(name);
        } else {
            match files::Whole::to(path, None).and_then(|whole| whole.write(&formatted)) {
                Ok(()) => outln!("formatted {name}"),
                Err(d) => errors.push(d),
            }
        }
    }
    if !unformatted.is_empty() {
        errors.push(
            Diagnostic::error(
                Code::NotFormatted,
                format!("{} rule file(s) are not formatted", unformatted.len()),
            )
            .help(format!("run `takst fmt {}`", unformatted.join(" "))),
        );
    }
    if errors.is_empty() {
        Ok(Vec::new())
    } else {
        Err(errors)
    }
}

/// The rule files named: each file as given, and the `.takst` files in each folder
/// (and the folders in it), in order of their names.
fn rule_files(paths: &[PathBuf], errors: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = found.len();
            folder(path, &mut found, errors);
            if found.len() == before {
                errors.push(
                    Diagnostic::error(
                        Code::BadInput,
                        format!("{} holds no rule file (.takst)", path.display()),
                    )
                    .help("name rule files, or a folder that holds them"),
                );
            }
        } else {
            found.push(path.clone());
        }
    }
    found
}

fn folder(path: &Path, found: &mut Vec<PathBuf>, errors: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(
                Diagnostic::error(
                    Code::BadInput,
                    format!(
                        "cannot read the folder {}: {}",
                        path.display(),
                        crate::output::plain(&e)
                    ),
                )
                .help("check the path; it is relative to the folder you run takst in"),
            );
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            folder(&path, found, errors);
        } else if path.extension().is_some_and(|e| e == "takst") {
            found.push(path);
        }
    }
}

/// The first line that formatting changes: its number, as it is and as it would be.
fn first_change<'a>(text: &'a str, formatted: &'a str) -> (usize, &'a str, &'a str) {
    let mut old = text.lines();
    let mut new = formatted.lines();
    let mut number = 1;
    loop {
        match (old.next(), new.next()) {
            (Some(a), Some(b)) if a == b => number += 1,
            (a, b) => return (number, a.unwrap_or(""), b.unwrap_or("")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::first_change;

    #[test]
    fn the_first_change_is_named_with_its_line() {
        assert_eq!(first_change("a\nb\nc\n", "a\nb\n c\n"), (3, "c", " c"));
        assert_eq!(first_change("a\n\n", "a\n"), (2, "", ""));
    }
}
