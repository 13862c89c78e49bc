//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::path::{Path, PathBuf};

/// Loads bases from `agreements/`, as the CLI does for bundled agreements.
pub struct Agreements;

impl dsl::Loader for Agreements {
    fn load(&self, name: &str, _from: &str) -> Result<(String, Vec<u8>), String> {
        let path = root().join("agreements").join(format!("{name}.takst"));
        std::fs::read(&path)
            .map(|b| (format!("agreements/{name}.takst"), b))
            .map_err(|e| e.to_string())
    }
}

/// takst's exit code, stdout and stderr (no colour), run from the repository root.
pub fn takst(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_takst"))
        .current_dir(root())
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("run takst");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Checks a rule file's text; diagnostics rendered without colour on failure.
pub fn check(name: &str, text: &str) -> Result<dsl::Program, String> {
    dsl::check(name, text, &Agreements).map_err(|d| dsl::diagnostic::render(&d, false))
}

/// The relative path of a file under the root, with forward slashes.
#[allow(dead_code)]
pub fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
        .replace('\\', "/")
}

/// Loads bases from the folder of the extending file (named relative to the root).
#[allow(dead_code)]
pub struct Siblings;

impl dsl::Loader for Siblings {
    fn load(&self, name: &str, from: &str) -> Result<(String, Vec<u8>), String> {
        let folder = Path::new(from).parent().unwrap_or(Path::new(""));
        let display = folder.join(format!("{name}.takst"));
        std::fs::read(root().join(&display))
            .map(|b| (display.display().to_string().replace('\\', "/"), b))
            .map_err(|_| format!("no file {}", display.display()))
    }
}
