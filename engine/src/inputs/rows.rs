//! Rows of a table of offers (a CSV file): after the header (`columns.rs`), one
//! offer per row, each cell the text of the input of its column.
//!
//! Each row gives its own [`Inputs`] the values of its cells, typed as the rule
//! file declares them. An empty cell gives nothing: the input's default applies,
//! or the evaluation says it is missing. Every error points at the cell.

use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use dsl::program::{Key, Program, SlotId};
use dsl::span::SourceFile;
use dsl::types::Type;
use dsl::{Code, Diagnostic};

use super::columns::{Column, Columns, Decimals};
use super::number::{read_number, units_allowed, NotRead};
use super::row_numbers::RowNumbers;
use super::{choice, example_of, of_kind, yes_or_no, Inputs, Origin, Shown};
use crate::value::{Series, Value};

/// A date written `2024-05-01` or, as a Danish spreadsheet writes it, `01-05-2024` or `01.05.2024`.
pub(super) fn date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

/// A number written with a decimal comma: `1.234.567,89` → `1234567.89`. Points
/// must group digits by three, so that `0.45` (a decimal point in a file that
/// writes decimal commas) is refused rather than read as 45.
fn with_decimal_comma(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    // Digits alone (and a `-`) read the same either way.
    if !text.contains([',', '.']) {
        return Some(std::borrow::Cow::Borrowed(text));
    }
    let (whole, fraction) = match text.split_once(',') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let mut groups = whole.split('.');
    let first = groups.next()?;
    let grouped: Vec<&str> = groups.collect();
    let digits = |g: &str| g.chars().filter(char::is_ascii_digit).count();
    if grouped.iter().any(|g| digits(g) != 3) || fraction.is_some_and(|f| f.contains('.')) {
        return None;
    }
    let mut plain = first.to_string();
    plain.extend(grouped);
    if let Some(f) = fraction {
        plain.push('.');
        plain.push_str(f);
    }
    Some(std::borrow::Cow::Owned(plain))
}

impl Inputs {
    /// Gives this row's cells (with where they are written in `file`) as inputs,
    /// typed as `program` declares them, over what `base` gives (the reference
    /// data): an input the last row gave and this one does not is set back to
    /// `base`'s, so that one `Inputs` serves every row of a file (read against the
    /// same `base`) without a copy per row. Returns the
    /// warnings (figures outside a range that only warns), or every error found,
    /// each pointing at its cell.
    pub fn read_row(
        &mut self,
        base: &Inputs,
        program: &Program,
        columns: &Columns,
        file: &SourceFile,
        cells: &[(impl AsRef<str>, Range<usize>)],
        decimals: Decimals,
    ) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        let mut numbers = std::mem::take(&mut self.rows.numbers);
        let read =
            self.read_row_sharing(base, program, columns, file, cells, decimals, &mut numbers);
        self.rows.numbers = numbers;
        read
    }

    /// [`Inputs::read_row`], with the plain numbers of the row's cells read once
    /// for every agreement reading the same row: `numbers` holds each one with the
    /// text it was read from (a cell of another text is read again).
    #[allow(clippy::too_many_arguments)]
    pub fn read_row_sharing(
        &mut self,
        base: &Inputs,
        program: &Program,
        columns: &Columns,
        file: &SourceFile,
        cells: &[(impl AsRef<str>, Range<usize>)],
        decimals: Decimals,
        numbers: &mut RowNumbers,
    ) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        if self.given.len() != base.given.len() || self.files.len() < base.files.len() {
            *self = base.clone();
        }
        // The slots the last row gave are set back at the end, those this row does
        // not give again; before the first row, every column's.
        let mut read = std::mem::take(&mut self.rows);
        if !read.started || read.row_of.len() != self.given.len() {
            for &slot in &columns.slots {
                self.set_back(base, slot);
            }
            read.gave.clear();
            read.row_of = vec![0; self.given.len()];
            read.started = true;
        }
        read.row += 1;
        let previous = std::mem::take(&mut read.gave);
        // The row's file is the one after the base's.
        let index = base.files.len();
        self.files.truncate(index + 1);
        match self.files.get_mut(index) {
            Some(held) if Arc::ptr_eq(&held.text, &file.text) => {}
            Some(held) => *held = file.clone(),
            None => self.files.push(file.clone()),
        }
        let reader = Cells {
            program,
            file,
            decimals,
        };
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let mut gathered: smallvec::SmallVec<[Gathered; 2]> = smallvec::SmallVec::new();
        for (at, (((text, span), column), scaled)) in (cells.iter().zip(&columns.columns))
            .zip(&columns.ranges)
            .enumerate()
        {
            let text = super::number::trimmed(text.as_ref());
            if text.is_empty() {
                continue;
            }
            let (slot, key) = match column {
                Column::Input(slot) => (*slot, None),
                Column::Entry(slot, key) => (*slot, Some(key)),
                Column::Ignored => continue,
                Column::Nameless => {
                    errors.push(
                        Diagnostic::error(
                            Code::BadInput,
                            format!("`{text}` in {} is in a column without a name", file.name),
                        )
                        .label_in(file.clone(), span.clone(), "no input named for this cell")
                        .help("name the column in the header (the input it gives), or remove the cell"),
                    );
                    continue;
                }
            };
            let definition = program.slot(slot);
            let ty = match (&definition.ty, key) {
                (Type::Series(_), Some(Key::Label(_))) => &Type::Date,
                (Type::Table { value, .. } | Type::Series(value), _) => value,
                (ty, _) => ty,
            };
            // The cell's name in messages (`occupancy_history.2020`): made only for one.
            let name = || -> std::borrow::Cow<str> {
                match key {
                    Some(key) => {
                        format!("{}.{}", definition.name, crate::formula::show_key(key)).into()
                    }
                    None => definition.name.as_str().into(),
                }
            };
            // A plain number in a file of points (most cells), read once for every
            // agreement; anything else read and judged by `Cells::value` — also one
            // of three decimals, which may be an amount with a thousands point.
            let plain = match (ty, decimals) {
                (Type::Number { kind, .. }, Decimals::Point | Decimals::Workbook) => (numbers
                    .plain(at, text))
                .filter(|n| n.scale() != 3)
                .map(|n| (n, *kind)),
                _ => None,
            };
            let cell = match plain {
                Some((number, kind)) => {
                    of_kind(number, kind).map_err(|what| reader.bad(&name, span, ty, what.into()))
                }
                None => reader.value(&name, text, span, ty),
            };
            let value = match cell {
                Ok(value) => value,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            // The range is of the series' values, not of the day it is known until.
            let until =
                matches!(key, Some(Key::Label(_))) && matches!(definition.ty, Type::Series(_));
            let range = definition.plausible.as_ref().filter(|_| !until);
            // Most figures are plainly neither a fraction nor outside their range:
            // told from their digits, without making any message.
            let fraction = range.filter(|_| super::plausible::may_be_fraction(&value, ty));
            if let Some(r) = fraction.filter(|_| !text.contains('%')) {
                let fraction = super::plausible::fraction_for_percent;
                let cell = super::plausible::Written::Cell;
                if fraction(&definition.name, &value, ty, r, cell).is_some() {
                    if let Some(d) = fraction(&name(), &value, ty, r, cell) {
                        warnings.push(d.label_in(file.clone(), span.clone(), "a fraction?"));
                    }
                }
            }
            let check = super::plausible::check;
            let cell = super::plausible::Written::Cell;
            let implausible = (range)
                .filter(|_| !scaled.as_ref().is_some_and(|s| s.surely_within(&value)))
                .filter(|r| check(&definition.name, &value, ty, r, cell).is_some());
            if let Some(d) = implausible.and_then(|r| check(&name(), &value, ty, r, cell)) {
                let d = d.label_in(file.clone(), span.clone(), "this cell");
                if d.is_error() {
                    errors.push(d);
                    continue;
                }
                warnings.push(d);
            }
            match key {
                None => {
                    self.give_written(slot, value, index, span.clone());
                    read.gave_now(slot);
                }
                Some(key) => match gathered.iter_mut().find(|g| g.slot == slot) {
                    Some(g) => {
                        g.entries.push((key.clone(), value));
                        g.range = g.range.start.min(span.start)..g.range.end.max(span.end);
                    }
                    None => {
                        let count = (columns.entries.iter())
                            .find_map(|&(s, count)| (s == slot).then_some(count));
                        // The entries of the row before, read into again (`spare.rs`).
                        let mut entries = crate::spare::entries();
                        entries.reserve(count.unwrap_or(1));
                        entries.push((key.clone(), value));
                        gathered.push(Gathered {
                            slot,
                            entries,
                            range: span.clone(),
                        });
                    }
                },
            }
        }
        for Gathered {
            slot,
            entries: mut found,
            range,
        } in gathered
        {
            // Years and dates in order; names as the columns give them, as a TOML
            // file's table keeps its order.
            if !found.iter().all(|(k, _)| matches!(k, Key::Label(_))) {
                found.sort_by(|a, b| a.0.cmp(&b.0));
            }
            let value = match program.slot(slot).ty {
                Type::Series(_) => Value::Series(Arc::new(Series {
                    complete_until: found.iter().find_map(|(k, v)| match (k, v) {
                        (Key::Label(_), Value::Date(d)) => Some(*d),
                        _ => None,
                    }),
                    points: (found.into_iter())
                        .filter_map(|(k, v)| match k {
                            Key::Date(d) => Some((d, v)),
                            _ => None,
                        })
                        .collect(),
                })),
                _ => Value::Table(crate::spare::table(found)),
            };
            // One text for every row's tables, not one made per row.
            let shown = (read.table_shown)
                .get_or_insert_with(|| Arc::from("(table)"))
                .clone();
            let origin = Origin {
                file: index,
                range,
                shown: Shown::Text(shown),
            };
            self.give(slot, value, origin);
            read.gave_now(slot);
        }
        for &slot in &previous {
            if read.row_of.get(slot as usize) != Some(&read.row) {
                self.set_back(base, slot);
            }
        }
        read.spare = previous;
        self.rows = read;
        if errors.is_empty() {
            Ok(warnings)
        } else {
            Err(errors)
        }
    }
}

/// What the rows read into one `Inputs` left: the slots the last row gave, to be
/// set back to the reference data's when the next row does not give them again (an
/// empty cell, a wrong one). Setting back only those, rather than every column's
/// slot on every row, makes the same inputs as long as each row is read against the
/// same `base` — as every caller does, one `Inputs` per agreement.
#[derive(Debug, Clone, Default)]
pub(super) struct Read {
    /// A row has been read: every column's slot was set back once.
    started: bool,
    /// The number of the row being read (from 1).
    row: u64,
    /// The row that last gave each slot.
    row_of: Vec<u64>,
    /// The slots the row gave, each once.
    gave: Vec<SlotId>,
    /// A list kept for the next row's `gave`, so that no row allocates one.
    spare: Vec<SlotId>,
    /// For [`Inputs::read_row`]: none held (one agreement reads a row once).
    numbers: RowNumbers,
    /// How a table given in columns is shown (`(table)`), made once.
    table_shown: Option<Arc<str>>,
}

impl Read {
    #[inline]
    fn gave_now(&mut self, slot: SlotId) {
        if let Some(row) = self.row_of.get_mut(slot as usize) {
            if *row != self.row {
                *row = self.row;
                if self.gave.is_empty() {
                    std::mem::swap(&mut self.gave, &mut self.spare);
                    self.gave.clear();
                }
                self.gave.push(slot);
            }
        }
    }
}

impl Inputs {
    /// Sets `slot` back to what `base` gives it.
    fn set_back(&mut self, base: &Inputs, slot: SlotId) {
        let s = slot as usize;
        if let (Some(v), Some(o)) = (self.given.get_mut(s), self.origins.get_mut(s)) {
            v.clone_from(&base.given[s]);
            o.clone_from(&base.origins[s]);
        }
    }
}

/// The entries of one input given in columns of their own, and where they are written.
struct Gathered {
    slot: SlotId,
    entries: Vec<(Key, Value)>,
    range: Range<usize>,
}

/// Reads the text of cells as values.
struct Cells<'a> {
    program: &'a Program,
    file: &'a SourceFile,
    decimals: Decimals,
}

impl Cells<'_> {
    fn value<'n>(
        &self,
        name: &dyn Fn() -> std::borrow::Cow<'n, str>,
        text: &str,
        span: &Range<usize>,
        ty: &Type,
    ) -> Result<Value, Diagnostic> {
        let bad = |what: String| self.bad(name, span, ty, what);
        match ty {
            Type::Number { kind, .. } => self.number(name, text, span, ty, *kind),
            Type::Date => date(text)
                .map(Value::Date)
                .ok_or_else(|| bad(format!("`{text}` is not a date in the calendar"))),
            Type::Bool => yes_or_no(text)
                .map(Value::Bool)
                .ok_or_else(|| bad(format!("`{text}` is not yes or no"))),
            Type::Text => Ok(Value::Text(Arc::from(text))),
            Type::Choice(c) => choice(self.program, *c, text).map_err(bad),
            _ => Err(bad(String::from(
                "this kind of value cannot be given in a column",
            ))),
        }
    }

    /// An error of a cell that is not a value of type `ty`: `what` is wrong, and
    /// the help says how such a value is written in this file.
    fn bad<'n>(
        &self,
        name: &dyn Fn() -> std::borrow::Cow<'n, str>,
        span: &Range<usize>,
        ty: &Type,
        what: String,
    ) -> Diagnostic {
        let name = name();
        let name = name.as_ref();
        Diagnostic::error(Code::BadInput, format!("`{name}` in {}: {what}", self.file.name))
            .label_in(self.file.clone(), span.clone(), format!("expected {ty}"))
            .help(match (ty, self.decimals) {
                (Type::Number { .. }, Decimals::Comma) => String::from(
                    "this file is separated by semicolons, so numbers are written with a decimal comma: `1.234.567,89` or `0,45`",
                ),
                (Type::Number { .. }, Decimals::Workbook) => String::from(
                    "give a number cell, or text with a decimal point and no grouping: `1234567.89`",
                ),
                (Type::Number { .. }, Decimals::Point) => String::from(
                    "this file is separated by commas, so numbers are written with a decimal point and no grouping: `1234567.89`",
                ),
                (Type::Date, _) => String::from("write a date as `2024-05-01` or `01-05-2024`"),
                (Type::Bool, _) => String::from("write yes or no (ja or nej)"),
                (Type::Choice(c), _) => format!(
                    "write one of {}, as the agreement names them",
                    self.program.choices.get(*c as usize).map(|v| v.join(", ")).unwrap_or_default()
                ),
                _ => format!("write it like this: {}", example_of(name, ty, self.program)),
            })
    }

    /// A number cell, read the long way (see [`Cells::value`]).
    fn number<'n>(
        &self,
        name: &dyn Fn() -> std::borrow::Cow<'n, str>,
        text: &str,
        span: &Range<usize>,
        ty: &Type,
        kind: dsl::types::NumKind,
    ) -> Result<Value, Diagnostic> {
        let bad = |what: String| self.bad(name, span, ty, what);
        let written = match self.decimals {
            Decimals::Point | Decimals::Workbook => Some(std::borrow::Cow::Borrowed(text)),
            Decimals::Comma => with_decimal_comma(text),
        };
        let number = match written.as_deref().map(|w| read_number(w, ty)) {
            Some(Ok(number)) => number,
            Some(Err(e @ (NotRead::Unit { .. } | NotRead::TooPrecise))) => {
                let mut d = bad(e.what(text, ty));
                d.help = Some(match e {
                    NotRead::TooPrecise => String::from(
                        "takst computes exactly with at most 28 digits; round the figure",
                    ),
                    _ => format!("write {ty} {}", units_allowed(ty)),
                });
                return Err(d);
            }
            // What is said of points, commas and grouping is said of a
            // file of points; the help says how a file of commas writes them.
            Some(Err(NotRead::Malformed { why, .. }))
                if self.decimals != Decimals::Comma
                    || !(why.contains('.') || why.contains(',') || why.contains('_')) =>
            {
                return Err(bad(format!("`{text}` is not a number: {why}")))
            }
            Some(Err(NotRead::Malformed { .. })) => {
                return Err(bad(format!("`{text}` is not a number")))
            }
            None => return Err(bad(format!("`{text}` is not a number"))),
        };
        of_kind(number, kind).map_err(|what| bad(what.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A number held for a column is given only for the same text.
    #[test]
    fn row_numbers_are_read_again_for_another_text() {
        let mut numbers = RowNumbers::shared();
        let texts = [
            "1",
            "1",
            "1.0",
            "01",
            "1",
            "-1",
            "",
            "12345678901234567890",
            "123456789012345678901",
            "1234567890123456789012",
            "1234567890123456789012",
            "1.5",
            "1.50",
            "x",
        ];
        for (i, text) in texts.iter().enumerate() {
            for at in [0, 3, i % 2] {
                assert_eq!(
                    numbers.plain(at, text).map(|n| n.to_string()),
                    super::super::number::plain_decimal(text).map(|n| n.to_string()),
                    "{text} in column {at}"
                );
            }
        }
    }

    /// One `Inputs` reading row after row holds what a fresh copy of the base
    /// reading each row alone holds: an empty or a wrong cell gives the base's value,
    /// never the row before's.
    #[test]
    fn inputs_kept_from_row_to_row_hold_each_rows_own_values() {
        let text = "agreement \"R\"\n\
                    input a: number\n\
                    input b: money\n\
                    input c: number per year\n";
        let program = dsl::check("r.takst", text, &dsl::NoBases).expect("checks");
        let header = "a,b,c.2020,c.2021,note";
        let rows = [
            "1,2,3,4,x",
            ",5,,6,",
            "7,,8,,",
            ",,,,",
            "9,oops,10,11,",
            "12,13,,,",
            "1,2,3,4,",
            ",,5,,",
            "2,,,,",
        ];
        let mut text = format!("{header}\n");
        for row in rows {
            text.push_str(row);
            text.push('\n');
        }
        let file = SourceFile::new("r.csv", text.as_str());
        let mut at = 0;
        let mut records = Vec::new();
        for line in text.lines() {
            let mut cells = Vec::new();
            let mut start = at;
            for cell in line.split(',') {
                cells.push((cell.to_string(), start..start + cell.len()));
                start += cell.len() + 1;
            }
            records.push(cells);
            at += line.len() + 1;
        }
        let (columns, _) = Columns::read(&program, &file, &records[0]).expect("a header");
        let mut base = Inputs::new(&program);
        base.set(program.slot_id("a").expect("a"), Value::Number(42.into()));
        let mut kept = base.clone();
        for cells in &records[1..] {
            let mut fresh = base.clone();
            let once = fresh.read_row(&base, &program, &columns, &file, cells, Decimals::Point);
            let again = kept.read_row(&base, &program, &columns, &file, cells, Decimals::Point);
            assert_eq!(once.is_ok(), again.is_ok());
            for slot in 0..program.slots.len() as SlotId {
                assert_eq!(
                    format!("{:?}", fresh.value(slot)),
                    format!("{:?}", kept.value(slot)),
                    "{cells:?}, slot {slot}"
                );
                let origin = |i: &Inputs| i.origin(slot).map(|(_, r, t)| (r, t.to_string()));
                assert_eq!(origin(&fresh), origin(&kept), "{cells:?}, slot {slot}");
            }
        }
    }

    #[test]
    fn decimal_commas_group_by_three() {
        assert_eq!(
            with_decimal_comma("1.234.567,89").as_deref(),
            Some("1234567.89")
        );
        assert_eq!(with_decimal_comma("0,45").as_deref(), Some("0.45"));
        assert_eq!(with_decimal_comma("14800000").as_deref(), Some("14800000"));
        assert_eq!(with_decimal_comma("1.500").as_deref(), Some("1500"));
        // A decimal point where commas are expected is refused, not read as 45.
        assert_eq!(with_decimal_comma("0.45"), None);
        assert_eq!(with_decimal_comma("1,2.3"), None);
    }

    #[test]
    fn dates_are_read_as_iso_or_danish() {
        let day = NaiveDate::from_ymd_opt(2024, 5, 1);
        assert_eq!(date("2024-05-01"), day);
        assert_eq!(date("01-05-2024"), day);
        assert_eq!(date("01.05.2024"), day);
        assert_eq!(date("2024-02-30"), None);
    }
}
