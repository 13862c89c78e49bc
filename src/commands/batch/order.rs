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
use std::hash::{BuildHasherDefault, Hash, Hasher};
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

/// How many lists of shared warnings are remembered with their places.
const SHARED_REMEMBERED: usize = 8;

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
    names: HashMap<u64, usize, BuildHasherDefault<AsIs>>,
    /// Warnings by title, with the labels of up to [`ROWS_NAMED`] rows and how many there are.
    shared: Vec<(Diagnostic, Vec<String>, usize)>,
    by_title: HashMap<String, usize>,
    /// Lists of warnings shared by rows ([`Warned::Shared`]), each with the place
    /// in `shared` of each of its warnings (none: not kept), found by its title
    /// for the first row that had it: the next rows' are found without a look-up.
    /// Each is held, so that no other list is made at its address meanwhile.
    remembered: Vec<Remembered>,
    /// Warnings not kept (more than [`WARNINGS_KEPT`] different ones).
    unkept: usize,
    /// Wrong rows reported so far, and not reported.
    shown: usize,
    unshown: usize,
}

/// A hash of a key that is a hash already (a name's, in [`Order`]): the key
/// itself, not hashed again.
#[derive(Default)]
struct AsIs(u64);

impl Hasher for AsIs {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A list of warnings shared by rows, and the place in [`Order`]'s `shared` of
/// each of its warnings (none: not kept).
struct Remembered {
    list: Arc<[Diagnostic]>,
    places: Vec<Option<usize>>,
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
                Warned::One(d) => {
                    self.warning(Cow::Owned(d), &mut label);
                }
                Warned::Shared(all) => {
                    let known = self
                        .remembered
                        .iter()
                        .position(|r| Arc::ptr_eq(&r.list, &all));
                    match known {
                        Some(k) => {
                            for i in 0..all.len() {
                                let place = self.remembered[k].places.get(i).copied().flatten();
                                self.again(place, &mut label);
                            }
                        }
                        None => {
                            let places =
                                (all.iter()).map(|d| self.warning(Cow::Borrowed(d), &mut label));
                            let places = places.collect();
                            if self.remembered.len() == SHARED_REMEMBERED {
                                self.remembered.remove(0);
                            }
                            self.remembered.push(Remembered { list: all, places });
                        }
                    }
                }
            }
        }
    }

    /// One warning of a row: counted under its title, the row named if few are.
    /// Returns its place in `shared` (none: not kept).
    fn warning(
        &mut self,
        d: Cow<'_, Diagnostic>,
        label: &mut impl FnMut() -> String,
    ) -> Option<usize> {
        match self.by_title.get(&d.title) {
            Some(&at) => {
                self.again(Some(at), label);
                Some(at)
            }
            None if self.shared.len() < WARNINGS_KEPT => {
                let at = self.shared.len();
                self.by_title.insert(d.title.clone(), at);
                self.shared.push((d.into_owned(), vec![label()], 1));
                Some(at)
            }
            None => {
                self.unkept += 1;
                None
            }
        }
    }

    /// A warning seen before, at `place` in `shared` (none: not kept, and never
    /// to be: no warning is kept once [`WARNINGS_KEPT`] are).
    fn again(&mut self, place: Option<usize>, label: &mut impl FnMut() -> String) {
        match place.and_then(|at| self.shared.get_mut(at)) {
            Some((_, rows, count)) => {
                if rows.len() < ROWS_NAMED {
                    rows.push(label());
                }
                *count += 1;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(title: &str) -> Diagnostic {
        Diagnostic::warning(Code::CheckFailed, title.to_string())
    }

    /// The report of rows noted one warning at a time.
    fn report(rows: &[Vec<Warned>], one_by_one: bool) -> Vec<(String, Option<String>)> {
        let mut order = Order::default();
        let mut report = Report::default();
        for (i, warnings) in rows.iter().enumerate() {
            let warnings = (warnings.iter())
                .flat_map(|w| match w {
                    Warned::One(d) => vec![Warned::One(d.clone())],
                    Warned::Shared(all) if one_by_one => {
                        all.iter().cloned().map(Warned::One).collect()
                    }
                    Warned::Shared(all) => vec![Warned::Shared(all.clone())],
                })
                .collect();
            let name = (i % 3 > 0).then(|| Cow::Owned(format!("Offer {i}")));
            let noted = Noted {
                line: i + 2,
                name,
                errors: Vec::new(),
                warnings,
            };
            order.note(&mut report, noted);
        }
        order.finish(&mut report, "t.csv");
        (report.warnings.into_iter())
            .map(|d| (d.title, d.help))
            .collect()
    }

    /// A list of warnings shared by rows is reported as its warnings one by one
    /// would be: with the same rows, counts and titles, before and after the
    /// number of warnings kept is reached, lists made again and forgotten.
    #[test]
    fn shared_warnings_are_reported_as_the_same_warnings_one_by_one() {
        let list =
            |titles: &[&str]| -> Arc<[Diagnostic]> { titles.iter().map(|t| warning(t)).collect() };
        let period = list(&["outside the period", "outside the period", "high"]);
        let mut rows: Vec<Vec<Warned>> = Vec::new();
        for i in 0..30 {
            let mut row = vec![Warned::Shared(period.clone())];
            if i % 4 == 0 {
                row.push(Warned::One(warning(&format!("cell {}", i % 8))));
            }
            if i % 5 == 0 {
                // A list made again for some rows: equal, at another address.
                row.push(Warned::Shared(list(&["high", "other"])));
            }
            rows.push(row);
        }
        // More lists than are remembered, each on several rows.
        let many: Vec<_> = (0..12).map(|i| list(&[&format!("list {i}")])).collect();
        for round in 0..3 {
            for (i, l) in many.iter().enumerate() {
                if (i + round) % 2 == 0 {
                    rows.push(vec![Warned::Shared(l.clone())]);
                }
            }
        }
        // Past the number of warnings kept: a list whose titles are known and one
        // whose titles are not.
        for i in 0..WARNINGS_KEPT {
            rows.push(vec![Warned::One(warning(&format!("kind {i}")))]);
        }
        let unknown = list(&["never kept", "outside the period"]);
        for _ in 0..4 {
            rows.push(vec![
                Warned::Shared(unknown.clone()),
                Warned::Shared(period.clone()),
            ]);
        }
        assert_eq!(report(&rows, false), report(&rows, true));
        let shown = report(&rows, false);
        assert!(
            shown[0].0.ends_with(": outside the period"),
            "{:?}",
            shown[0]
        );
        assert!(shown[0].0.contains(" and 67 more: "), "{:?}", shown[0]);
        assert!(
            (shown.last().map(|(t, _)| t.as_str()))
                .is_some_and(|t| t.starts_with("21 more warnings of other kinds")),
            "{:?}",
            shown.last()
        );
    }
}
