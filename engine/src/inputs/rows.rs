//! Rows of a table of offers (a CSV file): a header naming an input per column,
//! then one offer per row, each cell the text of that input.
//!
//! A column is an input (`places`), or one entry of an input per year or per
//! date (`occupancy_history.2020`). The header is read once ([`Columns`]); each
//! row then gives its own [`Inputs`] the values of its cells, typed as the rule
//! file declares them. An empty cell gives nothing: the input's default applies,
//! or the evaluation says it is missing. Every error points at the cell.

use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use dsl::program::{Key, Program, SlotId};
use dsl::span::SourceFile;
use dsl::types::{KeyType, Type};
use dsl::{Code, Diagnostic};

use super::number::{read_number, read_year, units_allowed, NotRead};
use super::plausible::ScaledRange;
use super::{choice, example_of, of_kind, yes_or_no, Inputs, Origin, Shown};
use crate::value::{Series, Value};

/// How numbers are written in the cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decimals {
    /// `1234567.89`: a decimal point, no grouping (a file separated by commas).
    Point,
    /// `1.234.567,89`: a decimal comma, points grouping thousands (a file
    /// separated by semicolons, as Danish spreadsheets write it).
    Comma,
}

/// What one column of the header gives.
#[derive(Debug, Clone)]
enum Column {
    /// An input of the agreement.
    Input(SlotId),
    /// One entry of an input per year or per date.
    Entry(SlotId, Key),
    /// A column the agreement has no input for: ignored (a name, a note, or an
    /// input of another agreement).
    Ignored,
    /// A column without a name in the header: kept blank, as a spreadsheet's
    /// trailing empty columns are; a figure in it is an error of its row.
    Nameless,
}

/// The header of a table of offers, read against a program.
#[derive(Debug, Clone)]
pub struct Columns {
    columns: Vec<Column>,
    names: Vec<String>,
    /// The inputs the columns give, each once.
    slots: Vec<SlotId>,
    /// The inputs given as entries, with how many columns give each.
    entries: Vec<(SlotId, usize)>,
    /// The plausible range of each column's figures, at every scale (none for a
    /// column without a range of numbers).
    ranges: Vec<Option<ScaledRange>>,
}

impl Columns {
    /// Reads the header: each cell the name of a column, with where it is
    /// written in `file`. Returns the columns and warnings (a column that is
    /// likely a misspelt input), or every error (a column given twice, an entry
    /// of an input that has none).
    pub fn read(
        program: &Program,
        file: &SourceFile,
        header: &[(impl AsRef<str>, Range<usize>)],
    ) -> Result<(Columns, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (mut columns, mut errors, mut warnings) = (Vec::new(), Vec::new(), Vec::new());
        let bad = |span: &Range<usize>, title: String, label: &str, help: String| {
            Diagnostic::error(Code::BadInput, title)
                .label_in(file.clone(), span.clone(), label.to_string())
                .help(help)
        };
        let mut seen = std::collections::HashSet::new();
        // The column of each entry: `rate.2024-05-01` and `rate.01-05-2024` are one.
        let mut entries: std::collections::HashMap<(SlotId, Key), &str> = Default::default();
        for (name, span) in header {
            let name = name.as_ref().trim();
            if !name.is_empty() && !seen.insert(name) {
                errors.push(bad(
                    span,
                    format!("the column `{name}` is given twice in {}", file.name),
                    "given again here",
                    String::from("give each input in one column"),
                ));
                columns.push(Column::Ignored);
                continue;
            }
            let input = |n: &str| program.slot_id(n).filter(|&s| program.slot(s).is_input());
            // A gathered table is made from the rows; a column cannot also give it.
            let gathered = |n: &str| input(n).filter(|&s| program.slot(s).gathered.is_some());
            if let Some(slot) = gathered(name).or_else(|| gathered(name.split_once('.')?.0)) {
                let s = program.slot(slot);
                let group = s
                    .gathered
                    .as_ref()
                    .map_or("", |g| program.slot(g.group).name.as_str());
                errors.push(bad(
                    span,
                    format!("`{}` is gathered over the rows of the same {group}: no column gives it", s.name),
                    "gathered, not given",
                    format!("remove the column; each row's `{}` is gathered into the table of its {group}",
                        s.gathered.as_ref().map_or("", |g| program.slot(g.value).name.as_str())),
                ));
                columns.push(Column::Ignored);
                continue;
            }
            let column = match (input(name), name.split_once('.')) {
                (Some(slot), _) => match &program.slot(slot).ty {
                    Type::Table { .. } | Type::Series(_) => {
                        let ty = &program.slot(slot).ty;
                        errors.push(bad(
                            span,
                            format!("`{name}` is {ty}: one column cannot hold it"),
                            "a column per entry",
                            format!(
                                "give each entry its own column, named by its key: {}",
                                entry_example(name, ty)
                            ),
                        ));
                        Column::Ignored
                    }
                    _ => Column::Input(slot),
                },
                (None, Some((table, key))) if input(table).is_some() => {
                    let slot = input(table).unwrap_or_default();
                    let ty = &program.slot(slot).ty;
                    match entry_key(ty, key.trim()) {
                        Ok(key) => match entries.get(&(slot, key.clone())) {
                            Some(first) => {
                                errors.push(bad(
                                    span,
                                    format!(
                                        "the columns `{first}` and `{name}` in {} are the same entry",
                                        file.name
                                    ),
                                    "given again here",
                                    format!("give each entry in one column; remove `{name}` or `{first}`"),
                                ));
                                Column::Ignored
                            }
                            None => {
                                entries.insert((slot, key.clone()), name);
                                Column::Entry(slot, key)
                            }
                        },
                        Err(what) => {
                            errors.push(bad(
                                span,
                                format!("the column `{name}` in {}: {what}", file.name),
                                "not an entry of it",
                                format!("name its entries like this: {}", entry_example(table, ty)),
                            ));
                            Column::Ignored
                        }
                    }
                }
                _ if name == super::NAME_FIELD => Column::Ignored,
                _ if name.is_empty() => Column::Nameless,
                _ => {
                    let label = "not an input of this agreement";
                    warnings.push(super::unknown_input(
                        program,
                        file,
                        name,
                        span.clone(),
                        label,
                    ));
                    Column::Ignored
                }
            };
            columns.push(column);
        }
        if !errors.is_empty() {
            errors.append(&mut warnings);
            return Err(errors);
        }
        let names = header
            .iter()
            .map(|(n, _)| n.as_ref().trim().to_string())
            .collect();
        let mut slots: Vec<SlotId> = (columns.iter())
            .filter_map(|c| match c {
                Column::Input(slot) | Column::Entry(slot, _) => Some(*slot),
                Column::Ignored | Column::Nameless => None,
            })
            .collect();
        slots.sort_unstable();
        slots.dedup();
        let mut entries: Vec<(SlotId, usize)> = Vec::new();
        for column in &columns {
            if let Column::Entry(slot, _) = column {
                match entries.iter_mut().find(|(s, _)| s == slot) {
                    Some((_, count)) => *count += 1,
                    None => entries.push((*slot, 1)),
                }
            }
        }
        let ranges = (columns.iter())
            .map(|c| match c {
                // The range of a series' values, not of the day it is known until.
                Column::Entry(slot, Key::Label(_))
                    if matches!(program.slot(*slot).ty, Type::Series(_)) =>
                {
                    None
                }
                Column::Input(slot) | Column::Entry(slot, _) => {
                    (program.slot(*slot).plausible.as_ref()).and_then(ScaledRange::new)
                }
                Column::Ignored | Column::Nameless => None,
            })
            .collect();
        Ok((
            Columns {
                columns,
                names,
                slots,
                entries,
                ranges,
            },
            warnings,
        ))
    }

    /// The index of the column of this name, if the header has one.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

/// The key of an entry of the input of type `ty` written as `key`.
fn entry_key(ty: &Type, key: &str) -> Result<Key, String> {
    match ty {
        Type::Table {
            key: KeyType::Year,
            value,
        } if !matches!(**value, Type::Table { .. }) => match read_year(key) {
            Ok(year) => Ok(Key::Year(year)),
            Err(Some(year)) => Err(format!(
                "the year `{key}` is written `{year}`, one spelling per year"
            )),
            Err(None) => Err(format!("`{key}` is not a year")),
        },
        Type::Table {
            key: KeyType::Date,
            value,
        } if !matches!(**value, Type::Table { .. }) => date(key)
            .map(Key::Date)
            .ok_or(format!("`{key}` is not a date")),
        // `revenue_shares.Aarhus`: an entry per party, municipality, department.
        Type::Table {
            key: KeyType::Label,
            value,
        } if !matches!(**value, Type::Table { .. }) && !key.is_empty() => {
            Ok(Key::Label(Arc::from(key)))
        }
        // `discount_rate.complete_until`: how far the series is known.
        Type::Series(_) if key == dsl::program::COMPLETE_UNTIL => {
            Ok(Key::Label(Arc::from(dsl::program::COMPLETE_UNTIL)))
        }
        Type::Series(_) => date(key)
            .map(Key::Date)
            .ok_or(format!("`{key}` is not a date")),
        _ => Err(format!("{ty} cannot be given in columns")),
    }
}

/// How the entries of an input are named as columns.
fn entry_example(name: &str, ty: &Type) -> String {
    match ty {
        Type::Table { value, .. } if matches!(**value, Type::Table { .. }) => format!(
            "`{name}` is a table of tables, which one row of columns cannot hold: give it in a TOML input file (`takst run`)"
        ),
        Type::Table {
            key: KeyType::Year, ..
        } => format!("`{name}.2024`, `{name}.2025`"),
        Type::Table {
            key: KeyType::Label,
            ..
        } => format!("`{name}.Aarhus`, `{name}.Randers` (one column per name)"),
        Type::Table {
            key: KeyType::Date, ..
        }
        | Type::Series(_) => format!("`{name}.2024-01-01`"),
        _ => format!("`{name}`"),
    }
}

/// How an input is given in a tariff file's columns: the help for one that is
/// missing from a row, in the file's own terms.
pub fn column_example(name: &str, ty: &Type, program: &Program) -> String {
    let cell = |ty: &Type| {
        let example = example_of(name, ty, program);
        let value = example
            .split_once(" = ")
            .map_or(example.as_str(), |(_, v)| v);
        value
            .split("   (")
            .next()
            .unwrap_or(value)
            .trim_matches('"')
            .to_string()
    };
    match ty {
        Type::Table { value, .. } | Type::Series(value)
            if !matches!(**value, Type::Table { .. }) =>
        {
            format!(
                "give it in columns named {}, each cell like `{}`",
                entry_example(name, ty),
                cell(value)
            )
        }
        Type::Table { .. } => entry_example(name, ty),
        _ => format!(
            "add a column `{name}` to the header and fill its cell, like `{}`",
            cell(ty)
        ),
    }
}

/// A date written `2024-05-01` or, as a Danish spreadsheet writes it, `01-05-2024` or `01.05.2024`.
fn date(text: &str) -> Option<NaiveDate> {
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
            // agreement; anything else read and judged by `Cells::value`.
            let plain = match (ty, decimals) {
                (Type::Number { kind, .. }, Decimals::Point) => {
                    numbers.plain(at, text).map(|n| (n, *kind))
                }
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
                    let origin = Origin {
                        file: index,
                        range: span.clone(),
                        shown: Shown::Written,
                    };
                    self.give(slot, value, origin);
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
            let origin = Origin {
                file: index,
                range,
                shown: Shown::Text(Arc::from("(table)")),
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

/// The plain numbers of a row's cells (`1234.5`, `-12`), by column, each with the
/// text it was read from: read once for every agreement that reads the row
/// ([`Inputs::read_row_sharing`]). A cell whose text is not the one held is read
/// again, so a number is never taken for another cell's.
/// `Default` holds nothing (each cell read anew: one agreement reads a row once);
/// [`RowNumbers::shared`] holds them.
#[derive(Debug, Clone, Default)]
pub struct RowNumbers {
    cells: Vec<Option<HeldNumber>>,
    held: bool,
}

/// A cell's text (up to [`HeldNumber::MOST`] bytes) and its plain number, if it is one.
#[derive(Debug, Clone, Copy)]
struct HeldNumber {
    text: [u8; HeldNumber::MOST],
    len: u8,
    number: Option<rust_decimal::Decimal>,
}

impl HeldNumber {
    /// The longest text held: a plain number of 19 digits, a sign and a point.
    const MOST: usize = 21;
}

impl RowNumbers {
    /// Numbers held for the agreements after the first that read a row.
    pub fn shared() -> RowNumbers {
        RowNumbers {
            cells: Vec::new(),
            held: true,
        }
    }

    /// The plain number the cell of column `at` is written as (`number::plain_decimal`).
    #[inline]
    fn plain(&mut self, at: usize, text: &str) -> Option<rust_decimal::Decimal> {
        let bytes = text.as_bytes();
        if !self.held || bytes.len() > HeldNumber::MOST {
            return super::number::plain_decimal(text);
        }
        if let Some(Some(held)) = self.cells.get(at) {
            if held.text.get(..usize::from(held.len)) == Some(bytes) {
                return held.number;
            }
        }
        let number = super::number::plain_decimal(text);
        if self.cells.len() <= at {
            self.cells.resize(at + 1, None);
        }
        let mut held = HeldNumber {
            text: [0; HeldNumber::MOST],
            len: bytes.len() as u8,
            number,
        };
        held.text[..bytes.len()].copy_from_slice(bytes);
        self.cells[at] = Some(held);
        number
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
            Decimals::Point => Some(std::borrow::Cow::Borrowed(text)),
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
                if self.decimals == Decimals::Point
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
