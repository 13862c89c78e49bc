//! Bundles every file of `agreements/` into the binary, so `takst` works
//! from any folder. The list is generated: no agreement is named in Rust.
//!
//! Each bundled rule file is also checked here, once, and the checked program
//! stored beside it (`dsl::stored`): a run that uses a bundled agreement reads
//! it back instead of checking the text again. A rule file that does not check
//! is stored as text alone, and a run checks it and reports what is wrong.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What the name of a bundled file starts with in messages (`catalog::BUNDLED_MARK`;
/// a test in `catalog` fails if the programs stored here are not those a run makes).
const BUNDLED_MARK: &str = "<bundled> ";

fn main() {
    let dir = Path::new("agreements");
    println!("cargo:rerun-if-changed=agreements");
    let mut entries: Vec<(String, PathBuf)> = Vec::new();
    if let Ok(read) = std::fs::read_dir(dir) {
        for entry in read.flatten() {
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if name.ends_with(".takst") || name.ends_with(".toml") {
                println!("cargo:rerun-if-changed={}", path.display());
                let absolute = std::fs::canonicalize(&path).unwrap_or(path.clone());
                entries.push((name.to_string(), absolute));
            }
        }
    }
    entries.sort();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| String::from(".")));
    let mut code =
        String::from("/// Every bundled file of `agreements/`: (file name, contents).\n");
    code.push_str("pub static BUNDLED: &[(&str, &str)] = &[\n");
    for (name, path) in &entries {
        let _ = writeln!(code, "    ({name:?}, include_str!({:?})),", path.display());
    }
    code.push_str("];\n");
    code.push_str(
        "/// The bundled rule files that check, each as its checked program (`dsl::stored`).\n",
    );
    code.push_str("pub static CHECKED: &[(&str, &[u8])] = &[\n");
    let loader = Bundle { entries: &entries };
    for (name, path) in entries.iter().filter(|(n, _)| n.ends_with(".takst")) {
        let Some(bytes) = checked(name, path, &loader) else {
            continue;
        };
        let stored = out.join(format!("{name}.program"));
        match std::fs::write(&stored, bytes) {
            Ok(()) => {
                let _ = writeln!(
                    code,
                    "    ({name:?}, include_bytes!({:?})),",
                    stored.display()
                );
            }
            Err(e) => println!("cargo:warning=cannot store the checked {name}: {e}"),
        }
    }
    code.push_str("];\n");
    if let Err(e) = std::fs::write(out.join("bundled.rs"), code) {
        println!("cargo:warning=cannot write the bundle list: {e}");
    }
}

/// The checked program of a bundled rule file as bytes; `None` (with a warning) if
/// it does not check: a run then checks its text and shows why.
fn checked(name: &str, path: &Path, loader: &Bundle) -> Option<Vec<u8>> {
    let text = std::fs::read_to_string(path).ok()?;
    match dsl::check(&format!("{BUNDLED_MARK}{name}"), &text, loader) {
        Ok(program) => match dsl::stored::to_bytes(&program) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                println!("cargo:warning=cannot store the checked {name}: {e}");
                None
            }
        },
        Err(errors) => {
            println!(
                "cargo:warning=agreements/{name} does not check ({} errors): \
                 `takst check` shows them; it is checked on every run until fixed",
                errors.iter().filter(|d| d.is_error()).count()
            );
            None
        }
    }
}

/// Loads a bundled agreement's bases as `catalog::Files` does for a bundled file:
/// from the bundle alone.
struct Bundle<'a> {
    entries: &'a [(String, PathBuf)],
}

impl dsl::Loader for Bundle<'_> {
    fn load(&self, name: &str, _from: &str) -> Result<(String, Vec<u8>), String> {
        let file = if name.ends_with(".takst") {
            name.to_string()
        } else {
            format!("{name}.takst")
        };
        let (_, path) = (self.entries.iter())
            .find(|(f, _)| *f == file)
            .ok_or_else(|| format!("no bundled agreement `{name}`"))?;
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        Ok((format!("{BUNDLED_MARK}{file}"), bytes))
    }

    fn known(&self) -> Vec<String> {
        (self.entries.iter())
            .filter_map(|(f, _)| f.strip_suffix(".takst"))
            .map(str::to_string)
            .collect()
    }
}
