//! The inputs of an evaluation: the figures of an offer (or accounts, a
//! closure, …) from a TOML file (`toml_file.rs`) or a row of a tariff file
//! (`rows.rs`, `columns.rs`).
//!
//! The rule file declares the shape; each file is read against it. Every value
//! keeps the place it came from, so an error — or an explanation — can point
//! at the line of the input file. Numbers are read from their text, never
//! through binary floating point.
//!
//! Conventions: a `percent` is written in percent (`overhead_rate = 5.5` or
//! `"5.5 %"`); a table per year is a TOML table with years as keys; a series
//! is a TOML table with dates as keys. Numbers, years and dates have one
//! spelling each (`number.rs`).

use std::ops::Range;
use std::sync::Arc;

use dsl::program::{Program, SlotId};
use dsl::span::SourceFile;
use dsl::suggest::closest;
use dsl::types::{KeyType, NumKind, Type};
use dsl::{Code, Diagnostic};
use rust_decimal::Decimal;
use toml_edit::TableLike;

use crate::value::Value;

mod columns;
mod number;
mod plausible;
mod row_numbers;
mod rows;
mod slips;
mod toml_file;

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
