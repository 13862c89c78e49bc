//! Every fuzz target, briefly, under the stable driver, and every input that
//! once made a target fail: no panic, and no run beyond the time bound.
//!
//! `TAKST_FUZZ_SECONDS` sets how long each target is driven (default 4 s; the
//! long runs are described in `fuzz/README.md`).

use std::time::{Duration, Instant};

use takst_fuzz::drive::{drive, quietly, run_once, Options};
use takst_fuzz::targets::{agreements, TARGETS};

/// Longer than any run should take even in a debug build on a busy machine.
const BOUND: Duration = Duration::from_secs(10);

#[test]
fn every_input_that_once_failed_runs_cleanly() {
    assert!(agreements() >= 4, "the bundled agreements must check");
    let mut ran = 0;
    for target in TARGETS {
        for (name, input) in takst_fuzz::corpus::regressions(target.name) {
            let (panicked, took) = quietly(|| {
                let began = Instant::now();
                (run_once(target, &input), began.elapsed())
            });
            assert_eq!(panicked, None, "{}/{name} panics", target.name);
            assert!(took < BOUND, "{}/{name} took {took:?}", target.name);
            ran += 1;
        }
    }
    assert!(ran > 0, "no regression inputs found");
}

#[test]
fn every_target_runs_briefly_without_a_finding() {
    let seconds = std::env::var("TAKST_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    for target in TARGETS {
        let options = Options {
            duration: Duration::from_secs(seconds),
            seed: 20_260_101,
            slow: BOUND,
            ..Options::default()
        };
        let report = drive(target, &options);
        assert!(report.executions > 0, "{} never ran", target.name);
        if let Some(finding) = report.findings.first() {
            panic!(
                "{}: {} on an input of {} bytes: {}\n{}",
                target.name,
                finding.kind,
                finding.input.len(),
                finding.message,
                String::from_utf8_lossy(&finding.input)
            );
        }
    }
}
