//! The agreements bundled in the binary, and finding rule files by name or path.
//!
//! A bundled file is shown as `<bundled> region-2030-31.takst`, a name no file in the
//! folder can have: a message that cites it cannot be mistaken for one about a
//! file the user edited. Where such a file exists and differs, a warning says that
//! the bundled copy is used and how to use the file instead ([`shadowed`]).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dsl::{Code, Diagnostic, Loader, Program};

use crate::files;

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// What the name of a bundled file starts with in messages.
const BUNDLED_MARK: &str = "<bundled> ";

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
        Some((stem, format!("{BUNDLED_MARK}{file}"), *text))
    })
}

/// The bundled reference data (rates by date), read before every input file.
pub fn reference_data() -> impl Iterator<Item = (String, &'static str)> {
    BUNDLED
        .iter()
        .filter(|(file, _)| file.ends_with(".toml"))
        .map(|(file, text)| (format!("{BUNDLED_MARK}{file}"), *text))
}

/// The bundled data file (not a rule file) of this name: `reference-rates`.
pub fn bundled_data(name: &str) -> Option<&'static str> {
    BUNDLED
        .iter()
        .find(|(file, _)| {
            let stem = file.strip_suffix(".toml");
            stem.is_some() && (stem == Some(name) || *file == name)
        })
        .map(|(_, text)| *text)
}

/// The file name of a bundled file from its display name: `region-2030-31.takst`.
fn bundled_file(display: &str) -> Option<&str> {
    display.strip_prefix(BUNDLED_MARK)
}

/// The program of a rule file as checked when takst was built, if the file is a
/// bundled agreement (the same name and the same text) that checked then: the same
/// program [`dsl::check`] makes of it with [`Files`], without parsing and checking
/// it again. `None` otherwise, and if the stored program cannot be read: the caller
/// checks the text.
pub fn checked(name: &str, text: &str) -> Option<Program> {
    let file = bundled_file(name)?;
    let bundled = BUNDLED.iter().find(|(f, _)| *f == file)?.1;
    if bundled != text {
        return None;
    }
    let bytes = CHECKED.iter().find(|(f, _)| *f == file)?.1;
    dsl::stored::from_bytes(bytes)
}

/// Checks a rule file, or takes its program as checked when takst was built
/// ([`checked`]).
pub fn check(name: &str, text: &str) -> Result<Program, Vec<Diagnostic>> {
    match checked(name, text) {
        Some(program) => Ok(program),
        None => dsl::check(name, text, &Files),
    }
}

/// Finds an agreement by path, or a bundled one by its short name, its name as
/// `takst list` shows it ("Region 2030-31"), or a unique beginning of either.
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
    let (_, display, text) = find_bundled(wanted)?;
    Ok(RuleFile {
        name: display,
        text: text.to_string(),
    })
}

/// A bundled agreement by name, as [`find`] describes.
pub fn find_bundled(wanted: &str) -> Result<(&'static str, String, &'static str), Diagnostic> {
    let key = key(wanted);
    // The short name, as `takst list` shows it: found without checking every agreement
    // for its name.
    if let Some(file) = bundled().find(|(stem, ..)| self::key(stem) == key) {
        return Ok(file);
    }
    let names = names();
    let matching = |exact: bool| -> Vec<&Names> {
        let fits = |name: &str| match exact {
            true => key == *name,
            false => name.starts_with(&key),
        };
        let fitting = names
            .iter()
            .filter(|n| fits(&n.stem_key) || fits(&n.shown_key));
        fitting.collect()
    };
    let exact = matching(true);
    let found = match exact.as_slice() {
        [] if key.is_empty() => Vec::new(),
        [] => matching(false),
        _ => exact,
    };
    if let [one] = found.as_slice() {
        if let Some(file) = bundled().find(|(stem, ..)| *stem == one.stem) {
            return Ok(file);
        }
    }
    let listed = |found: &[&Names]| {
        let shown: Vec<String> = found.iter().map(|n| n.describe()).collect();
        shown.join(", ")
    };
    let all: Vec<&Names> = names.iter().collect();
    if found.len() > 1 {
        return Err(Diagnostic::error(
            Code::UnknownBase,
            format!(
                "`{wanted}` could mean several agreements: {}",
                listed(&found)
            ),
        )
        .help("give more of the name"));
    }
    let close = closest(&key, names).filter(|_| !key.is_empty());
    let help = match close {
        Some(close) => format!(
            "did you mean `{}`? The bundled agreements are {}; or give the path of a .takst file",
            close.stem,
            listed(&all)
        ),
        None => format!(
            "the bundled agreements are {}; or give the path of a .takst file",
            listed(&all)
        ),
    };
    Err(Diagnostic::error(Code::UnknownBase, format!("no agreement called `{wanted}`")).help(help))
}

/// The agreement whose name, or the beginning of it, is closest to a misspelt `key`
/// (`regoin` → `region-2030-31`).
fn closest<'a>(key: &str, names: &'a [Names]) -> Option<&'a Names> {
    let length = key.chars().count();
    let mut beginnings: Vec<(String, &Names)> = Vec::new();
    for names in names {
        for name in [&names.stem_key, &names.shown_key] {
            for more in 0..=2 {
                let beginning: String = name.chars().take((length + more).max(1) - 1).collect();
                beginnings.push((beginning, names));
            }
        }
    }
    let close = dsl::suggest::closest(key, beginnings.iter().map(|(b, _)| b.as_str()))?;
    beginnings.iter().find(|(b, _)| b == close).map(|(_, n)| *n)
}

/// The names of a bundled agreement.
struct Names {
    stem: &'static str,
    /// The agreement's own name, as `takst list` shows it.
    shown: String,
    stem_key: String,
    shown_key: String,
}

impl Names {
    fn describe(&self) -> String {
        match self.shown.as_str() {
            "" => self.stem.to_string(),
            shown => format!("{} ({shown})", self.stem),
        }
    }
}

/// The names of every bundled agreement, read once.
fn names() -> &'static [Names] {
    static NAMES: OnceLock<Vec<Names>> = OnceLock::new();
    NAMES.get_or_init(|| {
        bundled()
            .map(|(stem, display, text)| {
                // The name its `agreement "…"` line declares, read without checking
                // the whole file (which took most of a short command's time).
                let shown = declared_name(text).map(str::to_string).unwrap_or_else(|| {
                    check(&display, text)
                        .map(|p| p.agreement.name)
                        .unwrap_or_default()
                });
                Names {
                    stem,
                    stem_key: key(stem),
                    shown_key: key(&shown),
                    shown,
                }
            })
            .collect()
    })
}

/// Every input (and record) a bundled agreement declares, with the agreements that
/// read it (a base's inputs are read by each agreement that extends it), read from
/// the declarations' lines without checking every agreement — which took most of
/// the time of a command on a file with a field another agreement reads.
pub fn readers_of_inputs() -> Vec<(String, Vec<String>)> {
    let files: Vec<(&str, &str)> = bundled().map(|(stem, _, text)| (stem, text)).collect();
    let mut readers: Vec<(String, Vec<String>)> = Vec::new();
    for &(stem, text) in &files {
        let Some(name) = declared_name(text) else {
            continue;
        };
        // The file and its bases, up the chain.
        let mut chain = vec![text];
        let mut at = text;
        while let Some(base) = declared_base(at) {
            match files.iter().find(|(s, _)| *s == base) {
                Some(&(_, base_text)) if chain.len() < 16 => {
                    chain.push(base_text);
                    at = base_text;
                }
                _ => break,
            }
        }
        let _ = stem;
        for text in chain {
            for input in declared_inputs(text) {
                match readers.iter_mut().find(|(n, _)| *n == input) {
                    Some((_, by)) if !by.iter().any(|b| b == name) => by.push(name.to_string()),
                    Some(_) => {}
                    None => readers.push((input, vec![name.to_string()])),
                }
            }
        }
    }
    readers
}

/// The base named on a rule file's agreement line: `extends "national"`.
fn declared_base(text: &str) -> Option<&str> {
    let line = (text.lines().map(str::trim_start)).find(|l| l.starts_with("agreement "))?;
    let rest = line
        .split_once(" extends ")?
        .1
        .trim_start()
        .strip_prefix('"')?;
    Some(&rest[..rest.find('"')?])
}

/// The inputs a rule file declares, and the records of the inputs per name (the
/// last key of `money per year per department`, unless it is a year).
fn declared_inputs(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines().map(str::trim_start) {
        let line = line.strip_prefix("override ").unwrap_or(line).trim_start();
        let Some(rest) = line.strip_prefix("input ") else {
            continue;
        };
        let name: String = (rest.trim_start().chars())
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        names.push(name);
        // The type, after the label's closing quote (a label may hold a colon).
        let after_label = rest.rsplit_once('"').map_or(rest, |(_, t)| t);
        let ty = after_label.split_once(':').map_or(after_label, |(_, t)| t);
        let ty = ty.split(" between ").next().unwrap_or(ty);
        let ty = ty.split(" at ").next().unwrap_or(ty);
        let ty = ty.split(" default ").next().unwrap_or(ty);
        let words: Vec<&str> = ty.split_whitespace().collect();
        let record = (words.windows(2))
            .filter(|w| w[0] == "per")
            .map(|w| w[1])
            .next_back();
        if let Some(record) = record.filter(|r| *r != "year") {
            names.push(record.to_string());
        }
    }
    names
}

/// The name on a rule file's `agreement "NAME"` line, if a line begins so.
fn declared_name(text: &str) -> Option<&str> {
    let line = text
        .lines()
        .map(str::trim_start)
        .find(|l| l.starts_with("agreement ") || l.starts_with("agreement\t"))?;
    let rest = line["agreement".len()..].trim_start().strip_prefix('"')?;
    let name = &rest[..rest.find('"')?];
    (!name.contains('\\')).then_some(name)
}

/// A name as it is compared: lower case, Danish letters spelt out, and nothing but
/// letters and digits, so `Region 2030-31`, `region-2030-31` and `region 203031`
/// are one name, and `Ærø` is `aeroe`.
fn key(name: &str) -> String {
    let mut key = String::new();
    for c in name.to_lowercase().chars() {
        match c {
            'æ' => key.push_str("ae"),
            'ø' => key.push_str("oe"),
            'å' => key.push_str("aa"),
            c if c.is_alphanumeric() => key.push(c),
            _ => {}
        }
    }
    key
}

/// Warnings for the bundled files of `program` that a file in the current folder
/// (or its `agreements/`) of the same name differs from: the bundled copy is used.
pub fn shadowed(program: &Program) -> Vec<Diagnostic> {
    let root = program.sources.files().first().map(|f| f.name.clone());
    let mut warnings = Vec::new();
    for source in program.sources.files() {
        let Some(file) = bundled_file(&source.name) else {
            continue;
        };
        for local in [Path::new("agreements").join(file), PathBuf::from(file)] {
            let same =
                files::read_text(&local, &files::RULE_FILE).is_ok_and(|text| *text == *source.text);
            if !local.is_file() || same {
                continue;
            }
            let local = local.display().to_string();
            let stem = file.strip_suffix(".takst").unwrap_or(file);
            let (title, help) = if root.as_deref() == Some(source.name.as_str()) {
                (
                    format!("{local} differs from the bundled `{stem}`, which is used"),
                    format!(
                        "to use {local}, give its path instead of the name: `-a {local}`; \
                         `takst export {stem}` prints the bundled copy"
                    ),
                )
            } else {
                (
                    format!("{local} differs from the bundled `{stem}`, which is used as the base"),
                    format!(
                        "a base is taken from the folder of the file that extends it: give that \
                         file's path instead of its name; `takst export {stem}` prints the \
                         bundled copy"
                    ),
                )
            };
            warnings.push(Diagnostic::warning(Code::BundledCopy, title).help(help));
        }
    }
    warnings
}

/// Loads bases: a file next to the extending file, else a bundled agreement. A
/// bundled agreement extends only bundled ones.
pub struct Files;

impl Loader for Files {
    fn load(&self, name: &str, from: &str) -> Result<(String, Vec<u8>), String> {
        let file = if name.ends_with(".takst") {
            name.to_string()
        } else {
            format!("{name}.takst")
        };
        let in_bundle = |file: &str| {
            BUNDLED
                .iter()
                .find(|(f, _)| *f == file)
                .map(|(f, text)| (format!("{BUNDLED_MARK}{f}"), text.as_bytes().to_vec()))
        };
        if bundled_file(from).is_some() {
            return in_bundle(&file).ok_or_else(|| format!("no bundled agreement `{name}`"));
        }
        let sibling: PathBuf = Path::new(from)
            .parent()
            .unwrap_or(Path::new("."))
            .join(&file);
        if sibling.is_file() {
            // A base too large or not text is reported as such by the checker.
            let bytes = files::first_bytes(&sibling, &files::RULE_FILE).map_err(|d| d.title)?;
            return Ok((sibling.display().to_string(), bytes));
        }
        in_bundle(&file).ok_or_else(|| {
            format!(
                "no file {} and no bundled agreement `{name}`",
                sibling.display()
            )
        })
    }

    fn known(&self) -> Vec<String> {
        bundled().map(|(stem, ..)| stem.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn the_declared_name_is_the_name_the_checker_reads() {
        for (stem, display, text) in super::bundled() {
            let checked = dsl::check(&display, text, &super::Files).map(|p| p.agreement.name);
            if let Ok(name) = checked {
                assert_eq!(super::declared_name(text), Some(name.as_str()), "{stem}");
            }
        }
    }

    /// The inputs read from the declarations' lines are those the checker finds.
    #[test]
    fn the_readers_of_inputs_are_those_the_checker_finds() {
        let mut checked: Vec<(String, Vec<String>)> = Vec::new();
        for (_, display, text) in super::bundled() {
            let program = dsl::check(&display, text, &super::Files).expect("checks");
            for slot in program.slots.iter().filter(|s| s.is_input()) {
                for name in [Some(slot.name.clone()), slot.record.clone()]
                    .into_iter()
                    .flatten()
                {
                    match checked.iter_mut().find(|(n, _)| *n == name) {
                        Some((_, by)) if !by.contains(&program.agreement.name) => {
                            by.push(program.agreement.name.clone())
                        }
                        Some(_) => {}
                        None => checked.push((name, vec![program.agreement.name.clone()])),
                    }
                }
            }
        }
        let mut read = super::readers_of_inputs();
        for list in [&mut checked, &mut read] {
            for (_, by) in list.iter_mut() {
                by.sort();
            }
            list.sort();
        }
        assert_eq!(read, checked);
    }

    /// The programs stored when takst was built are those checking the text makes now:
    /// the store is never stale or wrong. Every bundled agreement that checks is stored.
    #[test]
    fn the_stored_programs_are_those_the_checker_makes() {
        let mut stored = 0;
        for (stem, display, text) in super::bundled() {
            let Ok(mut made) = dsl::check(&display, text, &super::Files) else {
                assert!(super::checked(&display, text).is_none(), "{stem}");
                continue;
            };
            let read = super::checked(&display, text).expect("stored when built");
            assert_ne!(
                read.id, made.id,
                "{stem}: a program read back has an id of its own"
            );
            made.id = read.id;
            // The index of names is a hash map, printed in no fixed order: compared by lookups.
            let shown = |p: &dsl::Program| {
                let all = format!("{p:?}");
                let end = all.rfind(", by_name: {").expect("the last field");
                all[..end].to_string()
            };
            assert_eq!(shown(&read), shown(&made), "{stem}");
            for (i, slot) in made.slots.iter().enumerate() {
                assert_eq!(
                    read.slot_id(&slot.name),
                    Some(i as u32),
                    "{stem}: {}",
                    slot.name
                );
            }
            stored += 1;
        }
        assert_eq!(stored, super::CHECKED.len());
        assert!(stored > 0);
    }

    /// A file of a bundled agreement's name whose text differs is checked, never
    /// taken for the stored program.
    #[test]
    fn only_the_bundled_text_is_taken_as_stored() {
        let (_, display, text) = super::bundled().next().expect("a bundled agreement");
        let edited = format!("{text}\n# edited\n");
        assert!(super::checked(&display, &edited).is_none());
        let path = display.trim_start_matches(super::BUNDLED_MARK);
        assert!(super::checked(path, text).is_none());
    }

    #[test]
    fn names_compare_without_case_spaces_hyphens_or_danish_letters() {
        assert_eq!(key("Region 2030-31"), key("region-2030-31"));
        assert_eq!(key("Ærø"), "aeroe");
        assert_eq!(key("Ø Å"), "oeaa");
    }
}
