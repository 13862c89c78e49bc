//! Input files: the figures of an offer (or accounts, a closure, …) in TOML.
//!
//! The rule file declares the shape; this module reads a TOML file against
//! it. Every value keeps the place it came from, so an error — or an
//! explanation — can point at the line of the input file. Numbers are read
//! from their text, never through binary floating point.
//!
//! Conventions: a `percent` is written in percent (`overhead_rate = 5.5` or
//! `"5.5 %"`); a table per year is a TOML table with years as keys; a series
//! is a TOML table with dates as keys. Numbers, years and dates have one
//! spelling each (`number.rs`).

use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use dsl::program::{Key, PlausibleRange, Program, SlotId};
use dsl::span::SourceFile;
use dsl::suggest::closest;
use dsl::types::{KeyType, NumKind, Type};
use dsl::{Code, Diagnostic};
use rust_decimal::Decimal;
use toml_edit::{ImDocument, Item, TableLike, Value as Toml};

use crate::value::{Series, Table, Value};

mod columns;
mod number;
mod plausible;
mod records;
mod row_numbers;
mod rows;
mod slips;

use number::{read_date, read_number, read_year, units_allowed, NotRead};

pub use columns::{column_example, Columns, Decimals};
pub use row_numbers::RowNumbers;

/// Where an input value came from.
#[derive(Debug, Clone)]
struct Origin {
    file: usize,
    range: Range<usize>,
    shown: Shown,
}

/// How a given input is shown in an explanation.
#[derive(Debug, Clone)]
enum Shown {
    /// As written at its place in the file (a cell of a tariff file), trimmed.
    Written,
    /// This text (a value read from TOML, or "(table)").
    Text(Arc<str>),
}

/// The inputs of one evaluation, by slot, with their origins.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    files: Vec<SourceFile>,
    /// The value given for each slot, [`Value::Unset`] where none is: kept apart
    /// from the origins, so that an evaluation reads the values close together.
    given: Vec<Value>,
    origins: Vec<Option<Origin>>,
    /// What the rows of a tariff file read into these inputs left (`rows.rs`).
    rows: rows::Read,
}

impl Inputs {
    /// No inputs yet, for `program`.
    pub fn new(program: &Program) -> Inputs {
        Inputs {
            rows: Default::default(),
            files: Vec::new(),
            given: vec![Value::Unset; program.slots.len()],
            origins: vec![None; program.slots.len()],
        }
    }

    /// Sets an input directly (tests, benchmarks).
    pub fn set(&mut self, slot: SlotId, value: Value) {
        let origin = Origin {
            file: usize::MAX,
            range: 0..0,
            shown: Shown::Text(Arc::from("")),
        };
        self.give(slot, value, origin);
    }

    #[inline]
    fn give(&mut self, slot: SlotId, value: Value, origin: Origin) {
        let s = slot as usize;
        if let (Some(v), Some(o)) = (self.given.get_mut(s), self.origins.get_mut(s)) {
            // The row before's table, when nothing else holds it, is read into again (`spare.rs`).
            crate::spare::give_back(std::mem::replace(v, value));
            *o = Some(origin);
        }
    }

    /// [`Inputs::give`] of a cell's value, shown as written at `range` of the
    /// file numbered `file`: the origin the slot holds is set in place when it
    /// was a cell's too (a row after the first).
    #[inline]
    fn give_written(&mut self, slot: SlotId, value: Value, file: usize, range: Range<usize>) {
        let s = slot as usize;
        if let (Some(v), Some(o)) = (self.given.get_mut(s), self.origins.get_mut(s)) {
            *v = value;
            match o {
                Some(Origin {
                    file: held,
                    range: at,
                    shown: Shown::Written,
                }) => {
                    *held = file;
                    *at = range;
                }
                _ => {
                    *o = Some(Origin {
                        file,
                        range,
                        shown: Shown::Written,
                    })
                }
            }
        }
    }

    /// Gives a gathered input the table of the row's group (or why it has none),
    /// shown at `range` of the row's file — its group's cell — as `shown`.
    pub fn give_gathered(
        &mut self,
        slot: SlotId,
        value: Value,
        range: Range<usize>,
        shown: Arc<str>,
    ) {
        let origin = Origin {
            file: self.files.len().saturating_sub(1),
            range,
            shown: Shown::Text(shown),
        };
        self.give(slot, value, origin);
    }

    /// The value given for a slot, if any.
    #[inline]
    pub fn value(&self, slot: SlotId) -> Option<&Value> {
        match self.given.get(slot as usize)? {
            Value::Unset => None,
            given => Some(given),
        }
    }

    /// The file, range and text of a given input.
    pub fn origin(&self, slot: SlotId) -> Option<(&SourceFile, Range<usize>, &str)> {
        let o = self.origins.get(slot as usize)?.as_ref()?;
        let file = self.files.get(o.file)?;
        let shown = match &o.shown {
            Shown::Written => (file.text.get(o.range.clone()).unwrap_or_default())
                .trim()
                .trim_matches('"'),
            Shown::Text(text) => text,
        };
        Some((file, o.range.clone(), shown))
    }

    /// The last file read (the user's input file), if any.
    pub fn last_file(&self) -> Option<&SourceFile> {
        self.files.last()
    }

    /// The names of the files read, in order.
    pub fn file_names(&self) -> Vec<&str> {
        self.files.iter().map(|f| f.name.as_str()).collect()
    }

    /// True if the file numbered `file` already gave this input.
    fn given_in(&self, slot: SlotId, file: usize) -> bool {
        self.origins
            .get(slot as usize)
            .is_some_and(|o| o.as_ref().is_some_and(|o| o.file == file))
    }

    /// Reads a TOML file of inputs; later files override earlier ones.
    /// Returns warnings (likely misspelt fields), or every error found.
    pub fn read(
        &mut self,
        program: &Program,
        name: &str,
        text: &str,
    ) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        let file = SourceFile::new(name, text);
        let doc = match ImDocument::parse(text) {
            Ok(doc) => doc,
            Err(e) => {
                let range = e.span().unwrap_or(0..0);
                if let Some(slip) = slips::diagnose(&file, range.start) {
                    return Err(vec![slip]);
                }
                return Err(vec![Diagnostic::error(
                    Code::BadInput,
                    format!("{name} is not valid TOML"),
                )
                .label_in(file, range, e.message().trim().to_string())
                .help(
                    "input files are TOML: `name = value` lines, and `[table]` sections",
                )]);
            }
        };
        let index = self.files.len();
        self.files.push(file.clone());
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let reader = Reader {
            file: &file,
            program,
            plausible: Cell::new(None),
            implausible: RefCell::new(Vec::new()),
        };
        for (key, item) in doc.as_table().iter() {
            let span = doc
                .as_table()
                .get_key_value(key)
                .and_then(|(k, _)| k.span())
                .or_else(|| item.span())
                .unwrap_or(0..0);
            let Some(slot) = program.slot_id(key).filter(|&s| program.slot(s).is_input()) else {
                if program
                    .slots
                    .iter()
                    .any(|s| s.record.as_deref() == Some(key))
                {
                    match reader.records(key, item) {
                        Ok(tables) => {
                            for (slot, table) in tables {
                                if self.given_in(slot, index) {
                                    errors.push(reader.given_twice(key, slot, span.clone()));
                                }
                                let origin = Origin {
                                    file: index,
                                    range: span.clone(),
                                    shown: Shown::Text(Arc::from("(table)")),
                                };
                                self.give(slot, Value::Table(Arc::new(table)), origin);
                            }
                        }
                        Err(mut e) => errors.append(&mut e),
                    }
                } else if let Some(w) = reader.unknown_field(key, span) {
                    warnings.push(w);
                }
                continue;
            };
            if self.given_in(slot, index) {
                errors.push(reader.given_twice(key, slot, span.clone()));
            }
            reader.plausible.set(program.slot(slot).plausible.as_ref());
            match reader.item(key, item, &program.slot(slot).ty) {
                Ok(value) => {
                    let range = item.span().unwrap_or(span.clone());
                    let range = span.start..range.end.max(span.end);
                    let shown = text.get(item.span().unwrap_or(0..0)).unwrap_or("").trim();
                    let shown = if shown.len() > 40 || shown.contains('\n') {
                        Shown::Text(Arc::from("(table)"))
                    } else {
                        Shown::Text(Arc::from(shown))
                    };
                    let origin = Origin {
                        file: index,
                        range,
                        shown,
                    };
                    self.give(slot, value, origin);
                }
                Err(e) => errors.push(e),
            }
        }
        warnings.append(&mut reader.implausible.borrow_mut());
        if errors.is_empty() {
            Ok(warnings)
        } else {
            Err(errors)
        }
    }
}

struct Reader<'a> {
    file: &'a SourceFile,
    program: &'a Program,
    /// The plausible range of the input being read, if it has one.
    plausible: Cell<Option<&'a PlausibleRange>>,
    /// Figures outside a range that is only a warning.
    implausible: RefCell<Vec<Diagnostic>>,
}

impl Reader<'_> {
    /// A field that is not an input of the agreement. Reported as a warning with
    /// `Code::UnknownInput`; whether it is an error (nothing reads it: a misspelling,
    /// a figure that silently counts for nothing) is the caller's decision, who knows
    /// which other agreements the same file serves.
    fn unknown_field(&self, key: &str, span: Range<usize>) -> Option<Diagnostic> {
        (key != NAME_FIELD).then(|| {
            unknown_input(
                self.program,
                self.file,
                key,
                span,
                "not an input of this agreement",
            )
        })
    }

    fn given_twice(&self, key: &str, slot: SlotId, range: Range<usize>) -> Diagnostic {
        let name = &self.program.slot(slot).name;
        Diagnostic::error(
            Code::BadInput,
            format!("`{name}` is given twice in {}", self.file.name),
        )
        .label_in(self.file.clone(), range, format!("`{key}` gives it again"))
        .help("give each input once: either as its own table or as fields of the records")
    }

    fn bad(&self, key: &str, range: Range<usize>, ty: &Type, what: String) -> Diagnostic {
        Diagnostic::error(
            Code::BadInput,
            format!("`{key}` in {}: {what}", self.file.name),
        )
        .label_in(self.file.clone(), range, format!("expected {ty}"))
        .help(format!(
            "write it like this: {}",
            example_of(key, ty, self.program)
        ))
    }

    /// A number input whose text is not read: what was read, and how to write it.
    fn not_a_number(
        &self,
        key: &str,
        range: Range<usize>,
        ty: &Type,
        text: &str,
        e: &NotRead,
    ) -> Diagnostic {
        let leaf = key.rsplit('.').next().unwrap_or(key);
        let help = match e {
            NotRead::Malformed { meant: Some(m), .. } => format!("write it as `{leaf} = {m}`"),
            NotRead::Malformed { meant: None, .. } => format!(
                "write one number: digits, `-` in front of a negative one, `.` before the decimals, digits grouped by three with `_` or a space if at all, {}: {}",
                units_allowed(ty),
                example_of(key, ty, self.program)
            ),
            NotRead::Unit { .. } => format!(
                "write {ty} {}: {}",
                units_allowed(ty),
                example_of(key, ty, self.program)
            ),
            NotRead::TooPrecise => String::from(
                "takst computes exactly with at most 28 digits; round the figure",
            ),
        };
        Diagnostic::error(
            Code::BadInput,
            format!("`{key}` in {}: {}", self.file.name, e.what(text, ty)),
        )
        .label_in(self.file.clone(), range, format!("expected {ty}"))
        .help(help)
    }

    fn item(&self, key: &str, item: &Item, ty: &Type) -> Result<Value, Diagnostic> {
        let range = item.span().unwrap_or(0..0);
        match ty {
            Type::Table {
                key: key_type,
                value,
            } => {
                let Some(table) = item.as_table_like() else {
                    return Err(self.bad(key, range, ty, "this is not a table".into()));
                };
                self.table(key, table, key_type, value)
                    .map(|t| Value::Table(Arc::new(t)))
            }
            Type::Series(value) => {
                let Some(table) = item.as_table_like() else {
                    return Err(self.bad(key, range, ty, "this is not a table of dates".into()));
                };
                self.series(key, table, value)
                    .map(|s| Value::Series(Arc::new(s)))
            }
            _ => match item.as_value() {
                Some(v) => self.scalar(key, v, ty),
                None => Err(self.bad(key, range, ty, "expected a single value".into())),
            },
        }
    }

    /// A key of a table or series written otherwise than the one way it is read.
    fn misspelt_key(
        &self,
        field: &str,
        range: Range<usize>,
        what: &str,
        meant: String,
    ) -> Diagnostic {
        Diagnostic::error(
            Code::BadInput,
            format!("`{field}` in {}: the {what} is not written as takst reads it", self.file.name),
        )
        .label_in(self.file.clone(), range, format!("write `{meant}`"))
        .help(format!(
            "write every {what} one way, `{meant}`, so that none can be given twice under two spellings"
        ))
    }

    fn table(
        &self,
        name: &str,
        table: &dyn TableLike,
        key_type: &KeyType,
        ty: &Type,
    ) -> Result<Table, Diagnostic> {
        let mut entries = Vec::new();
        for (k, item) in table.iter() {
            let range = key_span(table, k);
            let field = format!("{name}.{k}");
            let key = match key_type {
                KeyType::Year => match read_year(k) {
                    Ok(year) => Key::Year(year),
                    Err(Some(year)) => {
                        return Err(self.misspelt_key(&field, range, "year", year.to_string()))
                    }
                    Err(None) => {
                        let leaf = name.rsplit('.').next().unwrap_or(name);
                        return Err(Diagnostic::error(
                            Code::BadInput,
                            format!("`{field}` in {}: the key is not a year", self.file.name),
                        )
                        .label_in(self.file.clone(), range, "expected a year")
                        .help(format!(
                            "`{leaf}` is given per year: write the year first, e.g. `{leaf} = {{ 2024 = … }}`, or a section `[{name}.2024]` with the entries of that year"
                        )));
                    }
                },
                KeyType::Label => Key::Label(Arc::from(k)),
                KeyType::Date => match read_date(k) {
                    Ok(date) => Key::Date(date),
                    Err(Some(date)) => {
                        return Err(self.misspelt_key(&field, range, "date", date.to_string()))
                    }
                    Err(None) => {
                        let what = "the key is not a date".to_string();
                        return Err(self.bad(&field, range, &Type::Date, what));
                    }
                },
            };
            let value = match ty {
                // A table of tables (`money per year per department`): each entry is a table.
                Type::Table { .. } => self.item(&field, item, ty)?,
                _ => match item.as_value() {
                    Some(v) => self.scalar(&field, v, ty)?,
                    None => {
                        return Err(self.bad(&field, range, ty, "expected a single value".into()))
                    }
                },
            };
            entries.push((key, value));
        }
        if *key_type != KeyType::Label {
            entries.sort_by(|a, b| a.0.cmp(&b.0));
        }
        Ok(Table { entries })
    }

    fn series(&self, name: &str, table: &dyn TableLike, ty: &Type) -> Result<Series, Diagnostic> {
        let mut points = Vec::new();
        let mut complete_until = None;
        for (k, item) in table.iter() {
            let range = key_span(table, k);
            let field = format!("{name}.{k}");
            if k.trim() == dsl::program::COMPLETE_UNTIL {
                let plausible = self.plausible.take();
                let read = item.as_value().map(|v| self.scalar(&field, v, &Type::Date));
                self.plausible.set(plausible);
                match read {
                    Some(Ok(Value::Date(d))) => complete_until = Some(d),
                    Some(Err(e)) => return Err(e),
                    _ => {
                        let what = "expected the date up to which the series is complete".into();
                        return Err(self.bad(&field, range, &Type::Date, what));
                    }
                }
                continue;
            }
            let date = match read_date(k) {
                Ok(date) => date,
                Err(Some(date)) => {
                    return Err(self.misspelt_key(&field, range, "date", date.to_string()))
                }
                Err(None) => {
                    let what = "the key is not a date".into();
                    return Err(self.bad(&field, range, &Type::Date, what));
                }
            };
            let value = match item.as_value() {
                Some(v) => self.scalar(&field, v, ty)?,
                None => return Err(self.bad(&field, range, ty, "expected a single value".into())),
            };
            points.push((date, value));
        }
        points.sort_by_key(|(d, _)| *d);
        Ok(Series {
            points,
            complete_until,
        })
    }

    /// A single figure, tested against the plausible range of its input.
    fn scalar(&self, key: &str, value: &Toml, ty: &Type) -> Result<Value, Diagnostic> {
        let read = self.figure(key, value, ty)?;
        let Some(range) = self.plausible.get() else {
            return Ok(read);
        };
        let at = value.span().unwrap_or(0..0);
        let written = self.file.text.get(at.clone()).unwrap_or_default();
        if !written.contains('%') {
            if let Some(d) = plausible::fraction_for_percent(
                key,
                &read,
                ty,
                range,
                plausible::Written::InputFile,
            ) {
                let d = d.label_in(self.file.clone(), at.clone(), "a fraction?");
                self.implausible.borrow_mut().push(d);
            }
        }
        match plausible::check(key, &read, ty, range, plausible::Written::InputFile) {
            None => Ok(read),
            Some(d) => {
                let at = value.span().unwrap_or(0..0);
                let d = d.label_in(self.file.clone(), at, "here");
                let d = d.label(&self.program.sources, range.span, "the plausible range");
                if d.is_error() {
                    Err(d)
                } else {
                    self.implausible.borrow_mut().push(d);
                    Ok(read)
                }
            }
        }
    }

    fn figure(&self, key: &str, value: &Toml, ty: &Type) -> Result<Value, Diagnostic> {
        let range = value.span().unwrap_or(0..0);
        let raw = self.file.text.get(range.clone()).unwrap_or("").trim();
        let bad = |what: &str| self.bad(key, range.clone(), ty, what.to_string());
        match ty {
            Type::Number { kind, .. } => {
                let text = match value {
                    Toml::Integer(_) | Toml::Float(_) => raw,
                    Toml::String(s) => s.value().as_str(),
                    _ => return Err(bad("this is not a number")),
                };
                let number = read_number(text, ty)
                    .map_err(|e| self.not_a_number(key, range.clone(), ty, text, &e))?;
                of_kind(number, *kind).map_err(bad)
            }
            Type::Date => {
                let text = match value {
                    Toml::Datetime(d) => d.value().to_string(),
                    Toml::String(s) => s.value().clone(),
                    _ => return Err(bad("this is not a date")),
                };
                NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                    .map(Value::Date)
                    .map_err(|_| bad(&format!("`{text}` is not a date in the calendar")))
            }
            Type::Bool => match value {
                Toml::Boolean(b) => Ok(Value::Bool(*b.value())),
                Toml::String(s) => yes_or_no(s.value())
                    .map(Value::Bool)
                    .ok_or_else(|| bad("this is not yes or no")),
                _ => Err(bad("this is not yes or no")),
            },
            Type::Text => match value {
                Toml::String(s) => Ok(Value::Text(Arc::from(s.value().as_str()))),
                _ => Err(bad("this is not a text")),
            },
            Type::Choice(c) => match value {
                Toml::String(s) => choice(self.program, *c, s.value()).map_err(|e| bad(&e)),
                _ => Err(bad("this is not one of the choices")),
            },
            _ => Err(bad("this kind of value cannot be given here")),
        }
    }
}

/// The field (or column) that names an offer, a closure, a row, for people: read only
/// by an agreement that declares it as an input (the key of its own entry in a table
/// gathered across rows), and never reported as unknown.
pub const NAME_FIELD: &str = "name";

/// The diagnostic for a field or column `name` that is not an input of `program`:
/// a warning with the closest input as the help, if one is close.
pub(crate) fn unknown_input(
    program: &Program,
    file: &SourceFile,
    name: &str,
    span: Range<usize>,
    label: &str,
) -> Diagnostic {
    // `occupancy_histroy.2020`: the input is misspelt, the key is not.
    let (stem, key) = match name.split_once('.') {
        Some((stem, key)) => (stem, format!(".{key}")),
        None => (name, String::new()),
    };
    let inputs = program.slots.iter().filter(|s| s.is_input());
    // `centrale_puljer`: the input's Danish label, not its name.
    let words: Vec<String> = stem.to_lowercase().split('_').map(str::to_string).collect();
    let by_label = program
        .slots
        .iter()
        .filter(|s| s.is_input())
        .map(|s| {
            let label = s.label.as_deref().unwrap_or_default().to_lowercase();
            let hits = words
                .iter()
                .filter(|w| w.chars().count() > 4 && label.contains(w.as_str()));
            (hits.count(), s)
        })
        .filter(|(hits, _)| *hits > 0)
        .max_by_key(|(hits, _)| *hits)
        .map(|(_, s)| s);
    let help = match (closest(stem, inputs.map(|s| s.name.as_str())), by_label) {
        (Some(close), _) => format!("did you mean `{close}{key}`?"),
        (None, Some(slot)) => format!(
            "did you mean `{}{key}` (\"{}\")? Fields are named by the agreement's input names",
            slot.name,
            slot.label.as_deref().unwrap_or_default()
        ),
        (None, None) => String::from(
            "remove it, or correct its name: `takst list --parts AGREEMENT` lists the inputs of each part",
        ),
    };
    Diagnostic::warning(
        Code::UnknownInput,
        format!("`{name}` is not an input of this agreement"),
    )
    .label_in(file.clone(), span, label)
    .help(help)
}

/// A number read for an input of this kind: a percent is written in percent; a
/// whole number or a year must be whole.
fn of_kind(number: Decimal, kind: NumKind) -> Result<Value, &'static str> {
    match kind {
        // Dividing by 100 is moving the point, while the scale allows it.
        NumKind::Percent if number.scale() + 2 <= 28 => {
            let mut fraction = number;
            match fraction.set_scale(number.scale() + 2) {
                Ok(()) => Ok(Value::Number(fraction)),
                Err(_) => Err("this percentage is too large"),
            }
        }
        NumKind::Percent => number
            .checked_div(Decimal::ONE_HUNDRED)
            .map(Value::Number)
            .ok_or("this percentage is too large"),
        // A figure without decimals is whole: no need to compute its fraction.
        NumKind::Integer | NumKind::Year if number.scale() > 0 && !number.fract().is_zero() => {
            Err("this must be a whole number")
        }
        _ => Ok(Value::Number(number)),
    }
}

/// Yes or no, in English or Danish (a Danish spreadsheet writes `SAND`/`FALSK`).
fn yes_or_no(text: &str) -> Option<bool> {
    let text = text.trim();
    let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(text));
    if is(&["yes", "ja", "true", "sand"]) {
        Some(true)
    } else if is(&["no", "nej", "false", "falsk"]) {
        Some(false)
    } else {
        None
    }
}

/// The variant named `wanted` of the choice type `c`, or what is wrong with it.
fn choice(program: &Program, c: u32, wanted: &str) -> Result<Value, String> {
    let variants: &[String] = program.choices.get(c as usize).map_or(&[], Vec::as_slice);
    let wanted = number::trimmed(wanted);
    match variants.iter().position(|v| v == wanted) {
        Some(i) => Ok(Value::Choice(i as u32)),
        None => {
            let hint = closest(wanted, variants.iter().map(String::as_str))
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            Err(format!(
                "`{wanted}` is not one of {}{hint}",
                variants.join(", ")
            ))
        }
    }
}

/// Where the key `key` of `table` is written.
fn key_span(table: &dyn TableLike, key: &str) -> Range<usize> {
    table
        .get_key_value(key)
        .and_then(|(k, _)| k.span())
        .unwrap_or(0..0)
}

/// The type of one entry of a table.
fn element_type(ty: &Type) -> Type {
    match ty {
        Type::Table { value, .. } => (**value).clone(),
        t => t.clone(),
    }
}

/// How to write a value of this type in an input file.
pub fn example_of(key: &str, ty: &Type, program: &Program) -> String {
    let scalar = |t: &Type| -> String {
        match t {
            Type::Number {
                kind: NumKind::Percent,
                ..
            } => "98.5   (meaning 98.5 %)".into(),
            Type::Number {
                kind: NumKind::Year,
                ..
            } => "2021".into(),
            Type::Number {
                kind: NumKind::Integer,
                ..
            } => "3".into(),
            Type::Number { dim, .. } if dim.money == 1 => "1234567.89".into(),
            Type::Number { .. } => "100".into(),
            Type::Date => "2021-05-01".into(),
            Type::Bool => "true".into(),
            Type::Text => "\"…\"".into(),
            Type::Choice(c) => {
                let variants = program
                    .choices
                    .get(*c as usize)
                    .cloned()
                    .unwrap_or_default();
                format!(
                    "\"{}\"   (one of {})",
                    variants.first().cloned().unwrap_or_default(),
                    variants.join(", ")
                )
            }
            _ => "…".into(),
        }
    };
    let leaf = key.rsplit('.').next().unwrap_or(key);
    match ty {
        Type::Table {
            key: KeyType::Year,
            value,
        } => format!("[{leaf}] then lines like `2019 = {}`", scalar(value)),
        Type::Table { value, .. } => {
            format!("[{leaf}] then lines like `\"name\" = {}`", scalar(value))
        }
        Type::Series(value) => format!("[{leaf}] then lines like `2020-05-01 = {}`", scalar(value)),
        t => format!("{leaf} = {}", scalar(t)),
    }
}
