//! The header of a table of offers (a CSV file or a sheet): a name per column, an
//! input of the agreement (`places`) or one entry of an input per year, date or
//! name (`occupancy_history.2020`), read once against a program ([`Columns`]),
//! with each column's plausible range scaled for the cells (`rows.rs` reads them).

use std::ops::Range;
use std::sync::Arc;

use dsl::program::{Key, Program, SlotId};
use dsl::span::SourceFile;
use dsl::types::{KeyType, Type};
use dsl::{Code, Diagnostic};

use super::example_of;
use super::number::read_year;
use super::plausible::ScaledRange;
use super::rows::date;

/// How numbers are written in the cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decimals {
    /// `1234567.89`: a decimal point, no grouping (a file separated by commas).
    Point,
    /// `1.234.567,89`: a decimal comma, points grouping thousands (a file
    /// separated by semicolons, as Danish spreadsheets write it).
    Comma,
    /// A workbook's cells: a number cell as it holds it, a text cell as a file of
    /// points writes it (`1234567.89`).
    Workbook,
}

/// What one column of the header gives.
#[derive(Debug, Clone)]
pub(super) enum Column {
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
    pub(super) columns: Vec<Column>,
    names: Vec<String>,
    /// The inputs the columns give, each once.
    pub(super) slots: Vec<SlotId>,
    /// The inputs given as entries, with how many columns give each.
    pub(super) entries: Vec<(SlotId, usize)>,
    /// The plausible range of each column's figures, at every scale (none for a
    /// column without a range of numbers).
    pub(super) ranges: Vec<Option<ScaledRange>>,
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
