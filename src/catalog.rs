//! The agreements bundled in the binary, and finding rule files by name or path.

use std::path::{Path, PathBuf};

use dsl::{Code, Diagnostic, Loader};

use crate::files;

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// A rule file's display name and text.
#[derive(Debug, Clone)]
pub struct RuleFile {
    pub name: String,
    pub text: String,
}

/// The bundled rule files: (short name, display name, text).
pub fn bundled() -> impl Iterator<Item = (&'static str, String, &'static str)> {
    BUNDLED.iter().filter_map(|(file, text)| {
        let stem = file.strip_suffix(".takst")?;
        Some((stem, format!("agreements/{file}"), *text))
    })
}

/// The bundled reference data (rates by date), read before every input file.
pub fn reference_data() -> impl Iterator<Item = (String, &'static str)> {
    BUNDLED
        .iter()
        .filter(|(file, _)| file.ends_with(".toml"))
        .map(|(file, text)| (format!("agreements/{file}"), *text))
}

/// Finds an agreement by path, bundled name or unique prefix of one.
pub fn find(wanted: &str) -> Result<RuleFile, Diagnostic> {
    let path = Path::new(wanted);
    let a_path = wanted.ends_with(".takst") || wanted.contains(std::path::MAIN_SEPARATOR);
    if a_path || path.is_file() || (path.exists() && !path.is_dir()) {
        let text = files::read_text(path, &files::RULE_FILE)?;
        return Ok(RuleFile {
            name: wanted.to_string(),
            text,
        });
    }
    let lower = wanted.to_lowercase();
    let matches: Vec<_> = bundled()
        .filter(|(stem, ..)| stem.to_lowercase().starts_with(&lower))
        .collect();
    let exact = matches
        .iter()
        .find(|(stem, ..)| stem.to_lowercase() == lower);
    match (exact, matches.as_slice()) {
        (Some((_, name, text)), _) | (None, [(_, name, text)]) => Ok(RuleFile {
            name: name.clone(),
            text: text.to_string(),
        }),
        _ => {
            let known: Vec<&str> = bundled().map(|(stem, ..)| stem).collect();
            let title = if matches.is_empty() {
                format!("no agreement called `{wanted}`")
            } else {
                format!("`{wanted}` could mean several agreements")
            };
            Err(Diagnostic::error(Code::UnknownBase, title).help(format!(
                "the bundled agreements are: {}; or give the path of a .takst file",
                known.join(", ")
            )))
        }
    }
}

/// Loads bases: a file next to the extending file, else a bundled agreement.
pub struct Files;

impl Loader for Files {
    fn load(&self, name: &str, from: &str) -> Result<(String, Vec<u8>), String> {
        let file = if name.ends_with(".takst") {
            name.to_string()
        } else {
            format!("{name}.takst")
        };
        let sibling: PathBuf = Path::new(from)
            .parent()
            .unwrap_or(Path::new("."))
            .join(&file);
        if sibling.is_file() {
            // A base too large or not text is reported as such by the checker.
            let bytes = files::first_bytes(&sibling, &files::RULE_FILE).map_err(|d| d.title)?;
            return Ok((sibling.display().to_string(), bytes));
        }
        bundled()
            .find(|(stem, ..)| *stem == name)
            .map(|(_, display, text)| (display, text.as_bytes().to_vec()))
            .ok_or_else(|| {
                format!(
                    "no file {} and no bundled agreement `{name}`",
                    sibling.display()
                )
            })
    }
}
