//! `takst export`: a bundled rule file's text, to copy and edit.
//!
//! The agreements are bundled in the binary; an analyst who wants to change one
//! exports it, edits the file and gives its path to `-a`.

use std::path::Path;

use dsl::{Code, Diagnostic};

use super::Outcome;
use crate::{catalog, files};

/// Prints the bundled file `name`, or writes it to `out` (not over an existing
/// file unless `force`).
pub fn run(name: &str, out: Option<&Path>, force: bool) -> Outcome {
    let text = match catalog::bundled_data(name) {
        Some(text) => text,
        None => catalog::find_bundled(name).map_err(|d| vec![d])?.2,
    };
    let Some(out) = out else {
        out!("{text}");
        return Ok(Vec::new());
    };
    if !force && std::fs::symlink_metadata(out).is_ok() {
        return Err(vec![Diagnostic::error(
            Code::CannotWrite,
            format!("{} already exists", out.display()),
        )
        .help("choose another file name, or add `--force` to replace it")]);
    }
    files::Whole::to(out, None)
        .and_then(|whole| whole.write(text))
        .map_err(|d| vec![d])?;
    Ok(Vec::new())
}
