//! What is decided in the file's order, on one thread, after the rows of a chunk
//! were evaluated on every core (`evaluate.rs`): an offer named as an earlier one,
//! the wrong rows reported one by one (up to [`ERRORS_SHOWN`]), and each warning
//! shown once with the rows it concerns.
//!
//! A thread hands over what it noted of a row ([`Noted`]) without naming it: the
//! label (`line 3 (Lindely)`) is made here, and only for a row that is reported
//! — a warning shared by every row of a file names five of them. A warning made
//! once for many rows (`Repeated` in `evaluate.rs`) is handed over as one shared
//! list ([`Warned::Shared`]), not copied per row.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use dsl::{Code, Diagnostic};

use super::evaluate::Report;

/// How much of an offer's name is shown in a diagnostic.
const NAME_SHOWN: usize = 60;

/// At most this many wrong rows are reported one by one; the rest are counted.
pub const ERRORS_SHOWN: usize = 10_000;

/// At most this many different warnings are kept; the rest are counted.
const WARNINGS_KEPT: usize = 1_000;

/// How many rows a warning names; the rest are counted.
const ROWS_NAMED: usize = 5;

/// How messages name a row: `line 3 (Lindely)`, a long name cut short.
pub fn row_label(line: usize, name: Option<&str>) -> String {
    match name {
        Some(name) if name.chars().count() > NAME_SHOWN => {
            let shown: String = name.chars().take(NAME_SHOWN).collect();
            format!("line {line} ({shown}…)")
        }
        Some(name) => format!("line {line} ({name})"),
        None => format!("line {line}"),
    }
}

/// What a thread found of one row that has errors or warnings, in the file's
/// text (`'c`, the chunk's).
pub(super) struct Noted<'c> {
    /// The line of the file the row starts on (from 1).
    pub line: usize,
    /// The offer's name (its `name` cell, trimmed), when it has one.
    pub name: Option<Cow<'c, str>>,
    /// The row's errors (its own once), each marked with its agreement when there are several.
    pub errors: Vec<Diagnostic>,
    /// The row's warnings, marked as its errors are.
    pub warnings: Vec<Warned>,
}

/// A warning of a row, or several.
pub(super) enum Warned {
    /// Made for this row.
    One(Diagnostic),
    /// Made once for every row whose checks fail with the same figures.
    Shared(Arc<[Diagnostic]>),
}

/// The name cell's text, trimmed, when it holds any.
pub(super) fn name_of<'c>(cell: &Cow<'c, str>) -> Option<Cow<'c, str>> {
    let name = match cell {
        Cow::Borrowed(text) => Cow::Borrowed(text.trim()),
        Cow::Owned(text) => Cow::Owned(text.trim().to_string()),
    };
    (!name.is_empty()).then_some(name)
}

/// What is decided in the file's order.
#[derive(Default)]
pub(super) struct Order {
    /// The line each name was first given on, by the name's hash: a million names
    /// are not kept. (Two names of one 64-bit hash — a chance of one in 10¹³ in a
    /// file of a million rows — would be reported as the same name: loudly.)
    names: HashMap<u64, usize>,
    /// Warnings by title, with the labels of up to [`ROWS_NAMED`] rows and how many there are.
    shared: Vec<(Diagnostic, Vec<String>, usize)>,
    by_title: HashMap<String, usize>,
    /// Warnings not kept (more than [`WARNINGS_KEPT`] different ones).
    unkept: usize,
    /// Wrong rows reported so far, and not reported.
    shown: usize,
    unshown: usize,
}

impl Order {
    /// The line of an earlier row of this name, if any.
    pub fn repeated(&mut self, name: Option<&str>, line: usize) -> Option<usize> {
        let name = name.map(str::trim).filter(|n| !n.is_empty())?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        name.hash(&mut hasher);
        match self.names.entry(hasher.finish()) {
            std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(line);
                None
            }
        }
    }

    /// A row's errors and warnings, in the file's order.
    pub fn note(&mut self, report: &mut Report, noted: Noted<'_>) {
        let Noted {
            line,
            name,
            errors,
            warnings,
        } = noted;
        // The row's label, made once and only when it is shown.
        let mut labelled: Option<String> = None;
        let mut label = || -> String {
            labelled
                .get_or_insert_with(|| row_label(line, name.as_deref()))
                .clone()
        };
        if !errors.is_empty() {
            if self.shown < ERRORS_SHOWN {
                self.shown += 1;
                let label = label();
                for mut d in errors {
                    d.title = format!("{label}: {}", d.title);
                    report.errors.push(d);
                }
            } else {
                self.unshown += 1;
            }
        }
        for warned in warnings {
            match warned {
                Warned::One(d) => self.warning(Cow::Owned(d), &mut label),
                Warned::Shared(all) => {
                    for d in all.iter() {
                        self.warning(Cow::Borrowed(d), &mut label);
                    }
                }
            }
        }
    }

    /// One warning of a row: counted under its title, the row named if few are.
    fn warning(&mut self, d: Cow<'_, Diagnostic>, label: &mut impl FnMut() -> String) {
        match self.by_title.get(&d.title) {
            Some(&at) => {
                let (_, rows, count) = &mut self.shared[at];
                if rows.len() < ROWS_NAMED {
                    rows.push(label());
                }
                *count += 1;
            }
            None if self.shared.len() < WARNINGS_KEPT => {
                self.by_title.insert(d.title.clone(), self.shared.len());
                self.shared.push((d.into_owned(), vec![label()], 1));
            }
            None => self.unkept += 1,
        }
    }

    /// The warnings, each with its rows; the rows not reported, counted.
    pub fn finish(&mut self, report: &mut Report, file: &str) {
        for (mut d, rows, count) in std::mem::take(&mut self.shared) {
            let more = match count - rows.len() {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            d.title = format!("{}{more}: {}", rows.join(", "), d.title);
            if count > 1 {
                d.help = Some(format!(
                    "the figures of these offers in {file} do not meet this rule of the agreement"
                ));
            }
            report.warnings.push(d);
        }
        if self.unkept > 0 {
            report.warnings.push(Diagnostic::warning(
                Code::CheckFailed,
                format!(
                    "{} more warnings of other kinds are not shown; each row's are in its `warnings` column",
                    self.unkept
                ),
            ));
        }
        if self.unshown > 0 {
            report.errors.push(
                Diagnostic::error(
                    Code::BadInput,
                    format!(
                        "{} more wrong rows are not shown: only the first {ERRORS_SHOWN} are",
                        self.unshown
                    ),
                )
                .help("correct the rows above and run again, or use --keep-going: each wrong row then carries its errors"),
            );
        }
    }
}
