//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test crate uses a different part of this module

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// A bundled example file changed by `edit`, written to a folder of its own that
/// is removed when this is dropped.
pub struct Changed {
    dir: PathBuf,
    pub path: String,
}

impl Changed {
    pub fn from(example: &str, edit: impl Fn(&str) -> String) -> Changed {
        let text = std::fs::read_to_string(root().join(example)).expect("the example");
        let changed = edit(&text);
        assert_ne!(changed, text, "{example}: the edit changes nothing");
        // A folder of each change's own: the tests run side by side.
        static MADE: AtomicUsize = AtomicUsize::new(0);
        let n = MADE.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("takst-left-out-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        let path = dir.join("changed.toml");
        std::fs::write(&path, changed).expect("written");
        let path = path.display().to_string();
        Changed { dir, path }
    }
}

impl Drop for Changed {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The example without its lines giving `key` (`key = …`; not `key_more = …`).
pub fn without_lines(key: &'static str) -> impl Fn(&str) -> String {
    move |text: &str| {
        let gives = |l: &str| {
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        };
        (text.lines())
            .filter(|l| !gives(l))
            .map(|l| format!("{l}\n"))
            .collect()
    }
}

/// A figure of a JSON result (`takst … --format json`).
pub fn figure(stdout: &str, path: &[&str]) -> String {
    let json: serde_json::Value = serde_json::from_str(stdout).expect("JSON");
    let value = path.iter().fold(&json["values"], |v, key| &v[*key]);
    value.as_str().unwrap_or_default().to_string()
}
