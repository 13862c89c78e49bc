//! Workbooks (XLSX): a tariff file read from one, and results written to one.
//!
//! Reading (calamine): the first sheet, cell by cell on a thread of its own, each
//! row written as a line of CSV that the rest of `takst batch` reads as it reads a
//! CSV file. A cell holds a binary double; it is written as the shortest text that
//! reads back as the same double (`0.061`, never `0.06099999…`), so the decimal an
//! analyst typed is the decimal read. A cell whose number format is a percentage
//! (`5,5 %`, stored as 0.055) is read as the percentage shown: `5.5 %`. A date
//! cell is read as its date.
//!
//! Writing (rust_xlsxwriter, a sheet at a time in constant memory): one sheet per
//! agreement — the name, the part's results, the warnings (and, with
//! --keep-going, the errors) of each offer — and, for several agreements, a
//! comparison sheet of the results they share. Amounts are numbers in a number
//! format of kroner (shown with the reader's own separators: `1.234,56 kr.` in a
//! Danish Excel), rounded to the øre as in a CSV file; percentages are percent cells.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;

use calamine::{open_workbook, DataRef, Reader as _, Xlsx};
use dsl::span::SourceFile;
use dsl::types::{Dimension, NumKind, Type};
use dsl::{Code, Diagnostic, Program};
use engine::Value;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

use super::evaluate::{titles, Agreement, OwnedRow};
use super::figures::rounded;
use super::write::quote_into;
use crate::commands::eval::json_typed;
use crate::csv_reader::Chunk;

mod formulas;
use formulas::{asks_recalculation, uncomputed_formulas};

/// About how many bytes of rows a chunk holds.
const CHUNK_BYTES: usize = 256 * 1024;

/// The rows of a workbook's first sheet, read on a thread of their own.
pub struct Rows {
    chunks: Receiver<Result<Chunk, Diagnostic>>,
}

impl Rows {
    /// Starts reading the workbook at `path`.
    pub fn open(path: &Path, name: &str) -> Result<Rows, Diagnostic> {
        let (send, chunks) = sync_channel(2);
        let (path, name) = (path.to_path_buf(), name.to_string());
        std::thread::spawn(move || {
            if let Err(d) = read(&path, &name, |chunk| send.send(Ok(chunk)).is_ok()) {
                let _ = send.send(Err(d));
            }
        });
        Ok(Rows { chunks })
    }

    /// The next chunk of rows, or none at the end.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk>, Diagnostic> {
        match self.chunks.recv() {
            Ok(Ok(chunk)) => Ok(Some(chunk)),
            Ok(Err(d)) => Err(d),
            Err(_) => Ok(None),
        }
    }
}

/// Reads the first sheet of the workbook at `path`, giving `give` its rows as
/// chunks of CSV lines, each on the line of its row; stops when `give` says so.
fn read(path: &PathBuf, name: &str, mut give: impl FnMut(Chunk) -> bool) -> Result<(), Diagnostic> {
    let unreadable = |e: &dyn std::fmt::Display| {
        Diagnostic::error(
            Code::BadInput,
            format!("{name} cannot be read as a workbook: {e}"),
        )
        .help("save it from Excel as an .xlsx workbook, or as 'CSV UTF-8 (comma delimited)'")
    };
    let mut workbook: Xlsx<_> = open_workbook(path).map_err(|e| unreadable(&e))?;
    let Some(sheet) = workbook.sheet_names().first().cloned() else {
        return Err(unreadable(&"it has no sheet"));
    };
    let shown = format!("{name} (sheet {sheet})");
    let mut uncomputed = uncomputed_formulas(&mut workbook, &sheet).map_err(|e| unreadable(&e))?;
    uncomputed.stale = uncomputed.formulas > 0 && asks_recalculation(path);
    if let Some(error) = uncomputed.error(&shown) {
        return Err(error);
    }
    let mut cells = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(|e| unreadable(&e))?;
    // Which of the workbook's styles show a percentage.
    let percent: Vec<bool> = (cells.styles().iter())
        .map(|s| {
            s.number_format
                .as_ref()
                .is_some_and(|f| shows_percent(&f.format_code))
        })
        .collect();
    let mut chunk = Lines::default();
    // The row being gathered (from 0) and its cells.
    let mut row: Option<(u32, Vec<String>)> = None;
    loop {
        let next = cells
            .next_cell_with_style_id()
            .map_err(|e| unreadable(&e))?;
        let at = next.as_ref().map(|(cell, _)| cell.get_position().0);
        if let Some((r, fields)) = row.take_if(|(r, _)| Some(*r) != at) {
            chunk.row(r, &fields);
            if chunk.text.len() >= CHUNK_BYTES && !give(chunk.take(&shown)) {
                return Ok(());
            }
        }
        let Some((cell, style)) = next else {
            if !chunk.records.is_empty() {
                give(chunk.take(&shown));
            }
            return Ok(());
        };
        let (r, c) = cell.get_position();
        if c > u32::from(u16::MAX) {
            return Err(unreadable(&"a row has more than 65,535 columns"));
        }
        let (_, fields) = row.get_or_insert_with(|| (r, Vec::new()));
        let percent = percent.get(style).copied().unwrap_or(false);
        let c = c as usize;
        if fields.len() <= c {
            fields.resize(c + 1, String::new());
        }
        fields[c] = cell_text(cell.get_value(), percent);
    }
}

/// Rows written as lines of CSV, each on the line of its row.
#[derive(Default)]
struct Lines {
    text: String,
    records: Vec<(std::ops::Range<usize>, usize)>,
    /// The row (from 0) the text starts on, and the row its next line is.
    first: u32,
    next: u32,
}

impl Lines {
    fn row(&mut self, row: u32, fields: &[String]) {
        // Rows left out (empty) are empty lines, so that each row keeps its line.
        while self.next < row {
            self.text.push('\n');
            self.next += 1;
        }
        let start = self.text.len();
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            quote_into(field, ',', &mut self.text);
        }
        self.records
            .push((start..self.text.len(), row as usize + 1));
        self.text.push('\n');
        self.next = row + 1;
    }

    fn take(&mut self, name: &str) -> Chunk {
        let chunk = Chunk {
            file: SourceFile {
                name: name.to_string(),
                text: Arc::from(std::mem::take(&mut self.text)),
                first_line: self.first as usize,
            },
            records: std::mem::take(&mut self.records),
        };
        self.first = self.next;
        chunk
    }
}

/// True if a number format shows its number as a percentage: a `%` outside quotes
/// and not escaped.
fn shows_percent(code: &str) -> bool {
    let (mut quoted, mut escaped) = (false, false);
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// A cell as the text a CSV file would hold.
fn cell_text(value: &DataRef<'_>, percent: bool) -> String {
    let number = |text: String| match percent {
        false => text,
        // 0.061 shown as 6,1 %: the percentage, exactly.
        true => match text
            .parse::<Decimal>()
            .ok()
            .and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED))
        {
            Some(p) => format!("{} %", p.normalize()),
            None => text,
        },
    };
    match value {
        DataRef::Int(i) => number(i.to_string()),
        // Rust writes a double as the shortest text that reads back as it, in full.
        DataRef::Float(f) if f.is_finite() => number(format!("{f}")),
        DataRef::Float(f) => f.to_string(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Bool(b) => String::from(if *b { "yes" } else { "no" }),
        DataRef::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.to_string(),
            None => d.as_f64().to_string(),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
        DataRef::Empty => String::new(),
    }
}

/// A workbook being written, a row at a time: a sheet per agreement, and a
/// comparison sheet for several.
pub struct Book<'a> {
    workbook: Workbook,
    agreements: &'a [Agreement],
    keep_going: bool,
    /// The next row of the sheets (0 is the header).
    row: u32,
    /// The results every agreement has, by name: each agreement's position of it.
    shared: Vec<(String, Vec<usize>)>,
    bold: Format,
}

/// A workbook that cannot be written.
fn unwritable(e: rust_xlsxwriter::XlsxError) -> Diagnostic {
    Diagnostic::error(Code::CannotWrite, format!("cannot write the workbook: {e}"))
        .help("check that the folder exists, that you may write there and that the disk has room")
}

impl<'a> Book<'a> {
    pub fn new(agreements: &'a [Agreement], keep_going: bool) -> Result<Book<'a>, Diagnostic> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let mut names: Vec<String> = Vec::new();
        for a in agreements {
            let mut name = sheet_name(&a.program.agreement.name);
            let stem = name.clone();
            let mut n = 1;
            while names.contains(&name) {
                n += 1;
                name = sheet_name(&format!("{stem} {n}"));
            }
            names.push(name.clone());
            let sheet = workbook
                .add_worksheet_with_constant_memory()
                .map_err(unwritable)?;
            sheet.set_name(&name).map_err(unwritable)?;
            let mut header = vec![String::from("name")];
            header.extend(a.outputs().iter().map(|&o| a.program.slot(o).name.clone()));
            header.push(String::from("warnings"));
            if keep_going {
                header.push(String::from("errors"));
            }
            head(sheet, &header, &bold)?;
        }
        let mut shared = Vec::new();
        if let [first, rest @ ..] = agreements {
            for (i, &o) in first.outputs().iter().enumerate() {
                let name = &first.program.slot(o).name;
                let at: Vec<usize> = (rest.iter())
                    .filter_map(|a| {
                        (a.outputs().iter()).position(|&p| a.program.slot(p).name == *name)
                    })
                    .collect();
                if at.len() == rest.len() && !rest.is_empty() {
                    shared.push((name.clone(), std::iter::once(i).chain(at).collect()));
                }
            }
        }
        if agreements.len() > 1 {
            let sheet = workbook
                .add_worksheet_with_constant_memory()
                .map_err(unwritable)?;
            sheet.set_name("Comparison").map_err(unwritable)?;
            let mut header = vec![String::from("name")];
            for (name, _) in &shared {
                for a in agreements {
                    header.push(format!("{name} ({})", a.program.agreement.name));
                }
            }
            head(sheet, &header, &bold)?;
        }
        Ok(Book {
            workbook,
            agreements,
            keep_going,
            row: 1,
            shared,
            bold,
        })
    }

    /// Writes rows, in order.
    pub fn rows(&mut self, rows: Vec<OwnedRow>) -> Result<(), Diagnostic> {
        for owned in rows {
            let row = self.row;
            for (i, (a, outcome)) in self.agreements.iter().zip(&owned.outcomes).enumerate() {
                let (values, warnings, errors) =
                    (&outcome.values, &outcome.warnings, &outcome.errors);
                let sheet = self.workbook.worksheet_from_index(i).map_err(unwritable)?;
                sheet
                    .write_string(row, 0, &owned.name)
                    .map_err(unwritable)?;
                let mut column: u16 = 1;
                for (k, &o) in a.outputs().iter().enumerate() {
                    if let Some(v) = values.as_ref().and_then(|v| v.get(k)) {
                        cell(sheet, row, column, v, &a.program.slot(o).ty, &a.program)?;
                    }
                    column = column.saturating_add(1);
                }
                sheet
                    .write_string(row, column, titles(warnings))
                    .map_err(unwritable)?;
                if self.keep_going {
                    sheet
                        .write_string(row, column.saturating_add(1), titles(errors))
                        .map_err(unwritable)?;
                }
            }
            if self.agreements.len() > 1 {
                let n = self.agreements.len();
                let sheet = self.workbook.worksheet_from_index(n).map_err(unwritable)?;
                sheet
                    .write_string(row, 0, &owned.name)
                    .map_err(unwritable)?;
                let mut column: u16 = 1;
                for (_, at) in &self.shared {
                    for ((a, outcome), &k) in self.agreements.iter().zip(&owned.outcomes).zip(at) {
                        if let Some(v) = outcome.values.as_ref().and_then(|v| v.get(k)) {
                            let ty = &a.program.slot(a.outputs()[k]).ty;
                            cell(sheet, row, column, v, ty, &a.program)?;
                        }
                        column = column.saturating_add(1);
                    }
                }
            }
            self.row = self.row.saturating_add(1);
        }
        Ok(())
    }

    /// The workbook, written to `out`.
    pub fn finish(mut self, out: impl Write + Send) -> Result<(), Diagnostic> {
        let _ = &self.bold;
        self.workbook.save_to_writer(out).map_err(unwritable)
    }
}

/// A sheet's name as Excel allows it: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect();
    match clean.trim() {
        "" => String::from("Results"),
        trimmed => trimmed.to_string(),
    }
}

/// The header row, bold, kept in view.
fn head(sheet: &mut Worksheet, header: &[String], bold: &Format) -> Result<(), Diagnostic> {
    for (i, name) in header.iter().enumerate() {
        let column = u16::try_from(i).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(0, column, name, bold)
            .map_err(unwritable)?;
        sheet
            .set_column_width(column, if i == 0 { 40 } else { 16 })
            .map_err(unwritable)?;
    }
    sheet.set_freeze_panes(1, 1).map_err(unwritable)?;
    Ok(())
}

/// The number format of a result of this type: kroner, kroner per day, days, percent.
fn number_format(ty: &Type) -> Option<&'static str> {
    const PER_DAY: Dimension = Dimension::PER_DAY;
    match ty {
        Type::Number {
            kind: NumKind::Percent,
            ..
        } => Some("0.0## %"),
        Type::Number { dim, .. } if *dim == Dimension::MONEY => Some("#,##0.00 \"kr.\""),
        Type::Number { dim, .. } if *dim == PER_DAY => Some("#,##0.00 \"kr./dag\""),
        Type::Number { dim, .. } if *dim == Dimension::DAYS => Some("#,##0 \"dage\""),
        _ => None,
    }
}

/// One result in a cell: a number (an amount rounded to the øre, a percentage as
/// the fraction it is, in a percent format), yes or no, or text.
fn cell(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: &Value,
    ty: &Type,
    program: &Program,
) -> Result<(), Diagnostic> {
    use rust_decimal::prelude::ToPrimitive;
    let written = match value {
        Value::Number(n) => {
            let percent = matches!(
                ty,
                Type::Number {
                    kind: NumKind::Percent,
                    ..
                }
            );
            let shown = match percent {
                true => Some(*n),
                false => rounded(*n, ty),
            };
            match (shown.and_then(|n| n.to_f64()), number_format(ty)) {
                (Some(f), Some(format)) => sheet.write_number_with_format(
                    row,
                    column,
                    f,
                    &Format::new().set_num_format(format),
                ),
                (Some(f), None) => sheet.write_number(row, column, f),
                (None, _) => sheet.write_string(row, column, n.to_string()),
            }
        }
        Value::Bool(b) => sheet.write_string(row, column, if *b { "yes" } else { "no" }),
        Value::Choice(_) => match json_typed(value, ty, program) {
            serde_json::Value::String(s) => sheet.write_string(row, column, s),
            other => sheet.write_string(row, column, other.to_string()),
        },
        other => sheet.write_string(row, column, crate::commands::eval::exact(other)),
    };
    written.map(|_| ()).map_err(unwritable)
}
