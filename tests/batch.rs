//! `takst batch` gives every offer of a tariff file the figures `takst eval` gives
//! it from its own TOML file, in either dialect of CSV; and writes its results
//! whole or not at all.

use std::path::Path;
use std::process::Command;

use serde_json::Value as Json;

/// The offers of `examples/batch/offers.csv`, in order, as TOML files.
const OFFERS: [&str; 7] = [
    "adults-108-home",
    "children-66-institution",
    "day-offer-103-104",
    "flexible-107-places-in-110-shelter",
    "partly-insured-civil-servants",
    "rented-premises",
    "shelter-110-occupancy-history",
];

const AGREEMENTS: [&str; 3] = ["midtjylland-2021-22", "sjaelland", "syddanmark-2025-26"];

fn takst(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_takst"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("takst runs")
}

fn json(args: &[&str]) -> Json {
    let out = takst(args);
    assert!(
        out.status.success(),
        "takst {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn every_offer_of_a_tariff_file_gets_the_figures_of_its_own_file() {
    for agreement in AGREEMENTS {
        for file in ["examples/batch/offers.csv", "examples/batch/offers-da.csv"] {
            let batch = json(&["batch", "-a", agreement, file, "--format", "json"]);
            let offers = batch["offers"].as_array().expect("offers");
            assert_eq!(offers.len(), OFFERS.len(), "{agreement}, {file}");
            for (offer, toml) in offers.iter().zip(OFFERS) {
                let path = format!("examples/{toml}.toml");
                let single = json(&["eval", "-a", agreement, &path, "--format", "json"]);
                assert_eq!(
                    offer["values"], single["values"],
                    "{agreement}: {toml} in {file} differs from its TOML file"
                );
                assert!(
                    offer["values"]["tariff_per_day"].is_string(),
                    "{agreement}: {toml} has no tariff"
                );
            }
        }
    }
}

#[test]
fn results_are_written_whole_or_not_at_all() {
    let dir = std::env::temp_dir().join(format!("takst-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let out = dir.join("results.csv");
    let out_arg = out.display().to_string();

    let good = takst(&[
        "batch",
        "-a",
        "midtjylland",
        "examples/batch/offers.csv",
        "-o",
        &out_arg,
    ]);
    assert!(good.status.success());
    assert!(
        good.stdout.is_empty(),
        "the results go to the file, not the screen"
    );
    let written = std::fs::read_to_string(&out).expect("the results");
    assert_eq!(written.lines().count(), 1 + OFFERS.len());
    assert!(written.starts_with("name,"));

    std::fs::remove_file(&out).expect("removed");
    let bad = "tests/cli/data/batch/zero-places.csv";
    let failed = takst(&["batch", "-a", "midtjylland", bad, "-o", &out_arg]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        !out.exists(),
        "no results are written when an offer is wrong"
    );
    let leftovers = std::fs::read_dir(&dir).expect("the folder").count();
    assert_eq!(leftovers, 0, "nothing half-written is left behind");

    let nowhere = dir.join("no-such-folder").join("results.csv");
    let unwritable = takst(&[
        "batch",
        "-a",
        "midtjylland",
        "examples/batch/offers.csv",
        "-o",
        &nowhere.display().to_string(),
    ]);
    assert_eq!(unwritable.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unwritable.stderr).contains("cannot write"));
    let _ = std::fs::remove_dir_all(Path::new(&dir));
}
