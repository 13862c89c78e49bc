//! An input file in TOML: each field read against the input of the rule file it
//! names, as the declared type says (a number with its unit, a choice, a table
//! per year, a series by date, a record of tables), with the place it came from.

use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::sync::Arc;

use dsl::program::{Key, PlausibleRange, Program, SlotId};
use dsl::span::SourceFile;
use dsl::types::{KeyType, Type};
use dsl::{Code, Diagnostic};
use toml_edit::{ImDocument, Item, TableLike, Value as Toml};

use super::number::{read_date, read_number, read_year, units_allowed, NotRead};
use super::{
    choice, example_of, key_span, of_kind, plausible, slips, unknown_input, yes_or_no, Inputs,
    Origin, Shown, NAME_FIELD,
};
use crate::value::{Series, Table, Value};

mod records;

impl Inputs {
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
                // A quoted date reads as a cell does: `2025-01-15`, or as a Danish
                // spreadsheet writes it, `15-01-2025` or `15.01.2025`.
                super::rows::date(&text)
                    .map(Value::Date)
                    .ok_or_else(|| bad(&format!("`{text}` is not a date in the calendar")))
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
