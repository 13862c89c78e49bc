//! takst tried in a real editor: headless Neovim, with its built-in LSP client and the
//! configuration of `editors/nvim/takst.lua`, opens a bundled agreement with a mistake
//! (tests/editor/neovim.lua). The diagnostic must arrive where the mistake is, a hover
//! must show the agreement's section, and go to definition must lead into the base.
//!
//! Needs `nvim` (Debian's `neovim`; `.ci/run` installs it). Without it the test says so
//! and passes — except under CI (`CI` set), where it fails.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn nvim_present() -> bool {
    Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The 1-based line and 0-based byte column of the `nth` `needle`, as Neovim's
/// cursor takes them.
fn cursor(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let at = text.match_indices(needle).nth(nth).expect("the needle").0;
    let line = text[..at].matches('\n').count() + 1;
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    (line, at - start)
}

#[test]
fn neovim_shows_the_mistake_the_section_and_the_base() {
    if !nvim_present() {
        assert!(
            std::env::var_os("CI").is_none(),
            "nvim is not installed: .ci/run installs Debian's neovim"
        );
        eprintln!("nvim is not installed: the editor test did not run");
        return;
    }
    let folder = std::env::temp_dir().join(format!("takst-nvim-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a folder");
    let text = std::fs::read_to_string(common::root().join("agreements/syddanmark-2025-26.takst"))
        .expect("the agreement");
    // A slip: `overhead_rate` misspelt in the formula of `overhead`.
    let wrong = text.replacen(
        "  overhead_rate × overhead_base",
        "  overhead_rat × overhead_base",
        1,
    );
    assert_ne!(wrong, text);
    let file = folder.join("syddanmark-2025-26.takst");
    std::fs::write(&file, &wrong).expect("written");
    let out = folder.join("result.json");
    let (hover_line, hover_col) = cursor(&wrong, "meal_tariff_per_month", 2);
    let (def_line, def_col) = cursor(&wrong, "depreciation + interest", 0);

    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n"])
        .arg("-c")
        .arg(format!(
            "luafile {}",
            common::root().join("tests/editor/neovim.lua").display()
        ))
        .env("TAKST_BIN", env!("CARGO_BIN_EXE_takst"))
        .env(
            "TAKST_CONFIG",
            common::root().join("editors/nvim/takst.lua"),
        )
        .env("TAKST_FILE", &file)
        .env("TAKST_OUT", &out)
        .env("TAKST_HOVER_LINE", hover_line.to_string())
        .env("TAKST_HOVER_COL", hover_col.to_string())
        .env("TAKST_DEFINITION_LINE", def_line.to_string())
        .env("TAKST_DEFINITION_COL", def_col.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nvim starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().ok().flatten().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("nvim wrote its result"))
            .expect("JSON");
    eprintln!("Neovim {}: {result:#}", result["version"]);
    assert_eq!(result["errors"], serde_json::json!([]), "{result:#}");
    assert_eq!(result["filetype"], "takst");

    // The diagnostic, where the slip is (0-based line and column in Neovim's terms).
    let diagnostics = result["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(diagnostics.len(), 1, "{result:#}");
    let d = &diagnostics[0];
    let (line, column) = cursor(&wrong, "overhead_rat ×", 0);
    assert_eq!(d["lnum"], line - 1);
    assert_eq!(d["col"], column);
    assert_eq!(d["code"], "takst::unknown_name");
    let message = d["message"].as_str().unwrap_or("");
    assert!(
        message.contains("did you mean `overhead_rate`?"),
        "{message}"
    );

    // A hover while the mistake stands: the label and the section.
    let hover = result["hover_with_mistake"].as_str().unwrap_or("");
    assert!(hover.contains("Takst for madservice pr. måned"), "{hover}");
    assert!(hover.contains("[bilag 11, fodnote 19-20]"), "{hover}");

    // The quick fix applied by the editor mends the file: the diagnostic goes, and the
    // hover shows footnote 19's figure computed in its worked example.
    assert_eq!(result["fix"], "Replace with `overhead_rate`");
    assert_eq!(result["diagnostics_after_fix"], 0, "{result:#}");
    let hover = result["hover"].as_str().unwrap_or("");
    assert!(hover.contains("[bilag 11, fodnote 19-20]"), "{hover}");
    assert!(hover.contains("5.352,00 kr"), "{hover}");

    // Go to definition: into the national base, at `input depreciation`.
    let definition = result["definition"].as_str().unwrap_or("");
    let national = std::fs::read_to_string(common::root().join("agreements/national.takst"))
        .expect("national");
    let (line, _) = cursor(&national, "input depreciation", 0);
    assert!(
        definition.ends_with(&format!("/national.takst:{}", line - 1)),
        "{definition}"
    );
    let _ = std::fs::remove_dir_all(&folder);
}
