//! Fuzz targets for takst, written once as plain functions of bytes:
//!
//! - [`targets::rule_file`] — a rule file formatted (and its formatted text formatted
//!   again, to itself), checked (against the bundled bases), its worked examples run and
//!   every part evaluated on the reference data;
//! - [`targets::input_file`] — a TOML input file read by every bundled
//!   agreement, and every part evaluated on it, compiled and on the general path;
//! - [`targets::tariff_file`] — a CSV tariff file read as `takst batch` reads it,
//!   every row evaluated by every agreement.
//!
//! Each renders every diagnostic it gets, as the CLI would. A target must never
//! panic and must finish in time; the drivers check both.
//!
//! The same functions run under two drivers: a coverage-guided fuzzer
//! (`fuzz/libfuzzer`, cargo-fuzz on libFuzzer) and the stable, mutation-based
//! driver in [`drive`] (seeded from the repository's own files, mutated by byte
//! flips, splices and tokens of a dictionary), which also runs for a few seconds
//! per target under `cargo test`. See `fuzz/README.md`.

pub mod corpus;
pub mod drive;
pub mod targets;

/// The CLI's CSV reader, read by the tariff-file target as `takst batch` reads it.
#[path = "../../src/csv_reader.rs"]
#[allow(dead_code)]
mod csv_reader;

pub use targets::{Target, TARGETS};
