//! Where the output goes: a reader that stops early, a disk that is full.

use std::process::{Command, Stdio};

fn takst(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_takst"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--color", "never"])
        .args(args);
    command
}

/// The commands that print much, each as `takst … | head` would run it.
const PRINTING: &[&[&str]] = &[
    &["list"],
    &["compare", "examples/adults-108-home.toml"],
    &[
        "compare",
        "--format",
        "json",
        "examples/adults-108-home.toml",
    ],
    &[
        "settle",
        "-a",
        "syddanmark",
        "examples/accounts/economic-unit-takeover.toml",
    ],
    &["batch", "-a", "syddanmark", "examples/batch/offers-da.csv"],
    &["report", "examples/adults-108-home.toml"],
    &["report", "--format", "json", "examples/batch/offers.csv"],
    &[
        "eval",
        "-a",
        "midt",
        "--explain",
        "examples/shelter-110-occupancy-history.toml",
    ],
    &["test"],
    &["readings", "syddanmark"],
    &["explain", "functions"],
    &["export", "national"],
];

#[test]
fn a_reader_that_stops_early_ends_takst_quietly() {
    for args in PRINTING {
        let mut child = takst(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run takst");
        // The reader goes away before takst writes a line: every write meets a closed pipe.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait for takst");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("internal error"), "{args:?}: {stderr}");
        assert!(!stderr.contains("cannot write"), "{args:?}: {stderr}");
        // What takst had to say on stderr (a warning of an agreement) is still said.
        let quiet = takst(args).output().expect("run takst");
        assert_eq!(stderr, String::from_utf8_lossy(&quiet.stderr), "{args:?}");
    }
}

#[test]
fn a_full_disk_is_an_error_that_says_so() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not Linux
    };
    for args in PRINTING {
        let out = takst(args)
            .stdout(full.try_clone().expect("/dev/full"))
            .output()
            .expect("run takst");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.ends_with(
                "takst::cannot_write\n\n  × cannot write the output: No space left on device\n  \
                 help: make room on the disk, or send the output somewhere else\n"
            ),
            "{args:?}: {stderr}"
        );
    }
}

/// Runs takst on a terminal (through `script`, which gives it one); None if there is no `script`.
fn on_a_terminal(args: &str, env: &[(&str, &str)]) -> Option<String> {
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_takst"));
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .ok()?;
    out.status.code()?;
    Some(String::from_utf8_lossy(&out.stdout).to_string())
}

#[test]
fn colour_on_a_terminal_unless_no_color_or_a_dumb_terminal() {
    let coloured = |env: &[(&str, &str)], args: &str| {
        on_a_terminal(args, env).map(|out| {
            assert!(out.contains("no agreement called `nosuch`"), "{out}");
            out.contains('\u{1b}')
        })
    };
    let Some(by_default) = coloured(&[], "check nosuch") else {
        return; // no `script` here to give takst a terminal
    };
    assert!(by_default, "a terminal gets colour");
    assert_eq!(coloured(&[("NO_COLOR", "1")], "check nosuch"), Some(false));
    assert_eq!(coloured(&[("TERM", "dumb")], "check nosuch"), Some(false));
    let always = "--color always check nosuch";
    assert_eq!(coloured(&[("NO_COLOR", "1")], always), Some(true));
}
