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
