//! Where fuzzing starts: the repository's own files, and a dictionary of the
//! words, units and numbers that matter to the language and its input files.

use std::path::Path;

use crate::targets::{root, Target};

/// The seed files of a target: every file of its extension under its folders.
pub fn seeds(target: &Target) -> Vec<Vec<u8>> {
    let (folders, ext) = target.seeds;
    let mut found = Vec::new();
    for folder in folders {
        files(&root().join(folder), ext, &mut found);
    }
    found.sort();
    let mut seeds: Vec<Vec<u8>> = found
        .iter()
        .filter_map(|path| std::fs::read(path).ok())
        .collect();
    seeds.extend(regressions(target.name).into_iter().map(|(_, bytes)| bytes));
    if seeds.is_empty() {
        seeds.push(Vec::new());
    }
    seeds
}

/// The inputs that once made a target fail (`fuzz/regressions/<target>/`), by file name.
pub fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = root().join("fuzz").join("regressions").join(target);
    let mut found: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|r| {
            r.flatten()
                .filter(|e| e.path().is_file())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    std::fs::read(e.path()).ok().map(|b| (name, b))
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

fn files(dir: &Path, ext: &str, found: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, ext, found);
        } else if path.extension().is_some_and(|e| e == ext) {
            found.push(path);
        }
    }
}

/// Tokens inserted by the mutator: the language's keywords, operators, units and
/// functions; the spellings of numbers, years and dates an analyst might type;
/// and numbers at the edges of exact arithmetic and of the calendar.
pub const DICTIONARY: &[&str] = &[
    // The language.
    "agreement \"a\"\n",
    " extends \"national\"\n",
    "input ",
    "param ",
    "define ",
    "override ",
    "check ",
    "part ",
    "example \"e\" {\n",
    "given ",
    "expect ",
    "cite ",
    "when ",
    " then ",
    " otherwise ",
    "if ",
    " else ",
    " is ",
    " is not ",
    " on ",
    " where ",
    " each ",
    " and ",
    " or ",
    "not ",
    "key",
    "value",
    ": money",
    ": percent",
    ": number",
    ": integer",
    ": year",
    ": date",
    ": days",
    ": yes/no",
    ": text",
    ": one of a, b",
    " per year",
    " per department",
    "series of percent",
    " default ",
    " else warning \"w\"",
    " else error \"e\"",
    "[§1]",
    " + ",
    " - ",
    " * ",
    " × ",
    " / ",
    " == ",
    " != ",
    " < ",
    " >= ",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "# c\n",
    "\n",
    // Functions.
    "min(",
    "max(",
    "round(",
    "floor(",
    "ceil(",
    "abs(",
    "sum(",
    "count(",
    "average(",
    "share(",
    "allocate(",
    "has(",
    "merge(",
    "sum_by(",
    "one_per(",
    "spread(",
    "months(",
    "shift_years(",
    "reserve_balance(",
    "reserve_by_origin(",
    "reserve_used(",
    "reserve_drawn(",
    "reserve_expired(",
    "deficit_uncovered(",
    "date(",
    "days_in_year(",
    "days_in_month(",
    "start_of_month(",
    "end_of_month(",
    "add_months(",
    "year_of(",
    "month_of(",
    "day_of(",
    "is_leap_year(",
    "months(0001-01-01, 9999-12-31)",
    // Units.
    " kr",
    " kr.",
    " kr/day",
    " %",
    " pct",
    " pp",
    " days",
    " dage",
    // Numbers and their spellings.
    "0",
    "-0",
    "1",
    "-1",
    "0.5",
    "0,5",
    "1_000",
    "1 000",
    "1.000",
    "1.000,50",
    "12+3",
    "+2020",
    "02020",
    "2020",
    "2021",
    "1e3",
    "nan",
    "inf",
    "0x1F",
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "0.0000000000000000000000000001",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "2147483648",
    // Dates.
    "2024-02-29",
    "2023-02-29",
    "0001-01-01",
    "9999-12-31",
    "-262143-01-01",
    "01-05-2024",
    "01.05.2024",
    "2024-1-1",
    // Input files.
    " = ",
    "\"",
    "[occupancy_history]\n",
    "[department.\"Engen\"]\n",
    "occupancy_history.2020",
    "year = 2024\n",
    "places = 24\n",
    "budget = 14800000\n",
    "true",
    "ja",
    "nej",
    ",",
    ";",
    "\t",
    "\r\n",
    "\u{a0}",
    "\u{feff}",
    "æøå",
];
