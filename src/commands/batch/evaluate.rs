//! Evaluating every row of a tariff file under one or several agreements, on
//! every core, chunk by chunk, the rows coming out in the file's order.
//!
//! A [`Sheet`] gives chunks of rows (CSV or XLSX); each chunk is cut into as many
//! parts as there are threads, each thread evaluates its part with its own
//! evaluators and inputs (kept from chunk to chunk: nothing is copied per row), and
//! hands what it made of each row to a [`Sink`] — the text of a CSV row, say — in
//! a buffer of its own. The parts are then written in order, so the output does not
//! depend on the number of threads. What must be decided in the file's order (an
//! offer named as an earlier one, warnings shared by many rows) is decided here,
//! on one thread.

use std::ops::Range;
use std::sync::Arc;

use dsl::program::SlotId;
use dsl::span::SourceFile;
use dsl::{Code, Diagnostic, Program};
use engine::{Columns, Decimals, Inputs, Value};

use super::gather::{self, Gather};
use super::order::{row_label, Noted, Order};
use super::sheet::{Chunk, Sheet};
use crate::csv_reader::{self, Field};
use crate::render::Locale;

mod row;

use row::Repeated;

/// One agreement, ready for the rows of a tariff file.
pub struct Agreement {
    pub program: Program,
    /// The part evaluated (an index into `program.parts`).
    pub part: usize,
    pub(super) columns: Columns,
    /// The reference data, read once.
    pub(super) base: Inputs,
    /// The inputs gathered across rows that the part reads.
    pub(super) gathers: Vec<Gather>,
}

impl Agreement {
    /// Prepares `program`'s part `part` for the columns of `header`. Returns the
    /// agreement and the header's warnings (a column this agreement does not
    /// read), or its errors.
    pub fn new(
        program: Program,
        part: usize,
        header: &SourceFile,
        fields: &[Field<'_>],
    ) -> Result<(Agreement, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (columns, warnings) = Columns::read(&program, header, fields)?;
        let mut base = Inputs::new(&program);
        for (name, text) in crate::catalog::reference_data() {
            base.read(&program, &name, text)?;
        }
        let gathers = Gather::of(&program, part, &columns);
        let agreement = Agreement {
            program,
            part,
            columns,
            base,
            gathers,
        };
        Ok((agreement, warnings))
    }

    /// The results of the part, in order.
    pub fn outputs(&self) -> &[SlotId] {
        &self.program.parts[self.part].outputs
    }
}

/// What became of one row under one agreement.
pub struct Outcome<'a> {
    /// The values of every slot (see [`Outcome::results`]); none when the row's
    /// figures are wrong.
    pub values: Option<&'a [Value]>,
    /// The row's warnings and errors under this agreement (an error of the row
    /// itself, whatever the agreement, under each).
    pub warnings: &'a [Diagnostic],
    pub errors: &'a [Diagnostic],
}

/// The titles of diagnostics, as a cell shows them: `first | second`.
pub fn titles(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push_str(" | ");
        }
        out.push_str(&d.title);
    }
    out
}

impl<'a> Outcome<'a> {
    /// The part's results, in order (see [`Agreement::outputs`]); none when the
    /// row's figures are wrong.
    pub fn results<'b>(
        &'b self,
        agreement: &'b Agreement,
    ) -> Option<impl Iterator<Item = &'a Value> + 'b> {
        let values = self.values?;
        Some(
            agreement
                .outputs()
                .iter()
                .map(move |&o| &values[o as usize]),
        )
    }
}

/// One row, evaluated under every agreement.
pub struct Row<'a> {
    /// The line of the file it starts on (from 1).
    pub line: usize,
    /// The offer's name (its `name` cell), or `line N` when it has none.
    pub name: &'a str,
    /// Whether `name` is the row's `name` cell.
    pub named: bool,
    /// One outcome per agreement, in the order they were given.
    pub outcomes: &'a [Outcome<'a>],
}

/// One row's outcomes, owned: for a caller that keeps the rows (a report, a workbook).
#[derive(Debug, Clone)]
pub struct OwnedRow {
    /// The line of the file the row starts on (from 1).
    #[cfg_attr(not(test), allow(dead_code))]
    pub line: usize,
    pub name: String,
    /// Whether `name` is the row's `name` cell (not `line N`).
    pub named: bool,
    /// One per agreement, in the order they were given.
    pub outcomes: Vec<OwnedOutcome>,
}

impl OwnedRow {
    /// How messages name the row: `line 3 (Lindely)`.
    pub fn label(&self) -> String {
        row_label(self.line, self.named.then_some(self.name.as_str()))
    }
}

/// What became of one row under one agreement (see [`Outcome`]), owned.
#[derive(Debug, Clone)]
pub struct OwnedOutcome {
    /// The part's results, in the order of [`Agreement::outputs`]; none when the
    /// row's figures are wrong.
    pub values: Option<Vec<Value>>,
    pub warnings: Vec<Diagnostic>,
    pub errors: Vec<Diagnostic>,
}

/// Keeps every row, owned.
pub struct Kept<'a>(pub &'a [Agreement]);

impl Sink for Kept<'_> {
    type Made = Vec<OwnedRow>;

    fn row(&self, row: &Row<'_>, made: &mut Vec<OwnedRow>) {
        made.push(OwnedRow {
            line: row.line,
            name: row.name.to_string(),
            named: row.named,
            outcomes: (row.outcomes.iter().zip(self.0))
                .map(|(o, a)| OwnedOutcome {
                    values: o.results(a).map(|values| values.cloned().collect()),
                    warnings: o.warnings.to_vec(),
                    errors: o.errors.to_vec(),
                })
                .collect(),
        });
    }
}

/// What is made of each row, on the thread that evaluated it.
pub trait Sink: Sync {
    /// What a thread makes of its rows of a chunk (the text of CSV rows, say).
    type Made: Send + Default;
    fn row(&self, row: &Row<'_>, made: &mut Self::Made);
    /// What a thread starts from for `rows` rows (room for them, say).
    fn made(&self, rows: usize) -> Self::Made {
        let _ = rows;
        Self::Made::default()
    }
}

/// How the rows are read and evaluated.
pub struct Settings {
    pub locale: Locale,
    /// How many threads evaluate rows (at least 1).
    pub threads: usize,
}

/// What a run over every row found.
#[derive(Default)]
pub struct Report {
    /// How many rows were evaluated (a line with nothing on it is no row).
    pub rows: usize,
    /// How many of them could not be computed under some agreement.
    pub failed: usize,
    /// The errors of the wrong rows, in order, each titled with its row; at most
    /// [`super::order::ERRORS_SHOWN`] rows' worth.
    pub errors: Vec<Diagnostic>,
    /// The rows' warnings, each shown once with the rows it concerns.
    pub warnings: Vec<Diagnostic>,
}

/// What one thread found in its part of a chunk (`'c`), row by row.
struct Found<'c> {
    /// The rows that have errors or warnings, in order.
    rows: Vec<Noted<'c>>,
    /// How many rows it evaluated, and how many failed.
    evaluated: usize,
    failed: usize,
}

/// Evaluates every row of `sheet` under `agreements`: what `sink` makes of each
/// row, a thread's part of a chunk at a time, is given to `emit` in the file's
/// order. `progress` is told how far through the file the rows are.
pub fn run<S: Sink>(
    sheet: &mut Sheet,
    agreements: &[Agreement],
    sink: &S,
    settings: &Settings,
    mut emit: impl FnMut(S::Made) -> Result<(), Diagnostic>,
    mut progress: impl FnMut(u64),
) -> Result<Report, Vec<Diagnostic>> {
    let threads = settings.threads.max(1);
    // The tables gathered across rows, made before any row is evaluated.
    let tables = gather::first_pass(sheet, agreements, threads)?;
    let mut workers: Vec<Worker> = (0..threads).map(|_| Worker::new(agreements)).collect();
    let mut order = Order::default();
    let mut report = Report::default();
    let name_column = sheet.name_column();
    let separator = sheet.separator();
    let width = sheet.width();
    let context = Context {
        agreements,
        decimals: sheet.decimals(),
        separator,
        width,
        name_column,
        locale: settings.locale,
        tables: &tables,
        no_group: Arc::from("(no group)"),
    };
    while let Some(chunk) = sheet.next_chunk().map_err(|d| vec![d])? {
        // An offer named as an earlier one, found in the file's order.
        let mut scratch = Vec::new();
        let repeated: Vec<Option<usize>> = (chunk.records.iter())
            .map(|(range, line)| {
                let name = name_column.and_then(|at| {
                    csv_reader::field_with(&chunk.file, range.clone(), separator, at, &mut scratch)
                });
                order.repeated(name.as_deref(), *line)
            })
            .collect();
        let parts = split(chunk.records.len(), threads);
        let results: Vec<(S::Made, Found<'_>)> = match workers.as_mut_slice() {
            [one] => vec![one.part(&context, &chunk, 0..chunk.records.len(), &repeated, sink)],
            many => std::thread::scope(|scope| {
                let handles: Vec<_> = (many.iter_mut().zip(&parts))
                    .map(|(worker, range)| {
                        let (context, chunk, repeated) = (&context, &chunk, &repeated);
                        let range = range.clone();
                        scope.spawn(move || worker.part(context, chunk, range, repeated, sink))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join()
                            .unwrap_or_else(|_| (S::Made::default(), Found::lost()))
                    })
                    .collect()
            }),
        };
        for (made, found) in results {
            if found.evaluated == usize::MAX {
                return Err(vec![Diagnostic::error(
                    Code::BadInput,
                    String::from("a row could not be evaluated (an internal error)"),
                )
                .help("please report this tariff file")]);
            }
            report.rows += found.evaluated;
            report.failed += found.failed;
            for noted in found.rows {
                order.note(&mut report, noted);
            }
            emit(made).map_err(|d| vec![d])?;
        }
        progress(chunk.file.text.len() as u64);
    }
    order.finish(&mut report, &sheet.name());
    Ok(report)
}

/// The row ranges of `parts` parts of `count` rows, in order.
pub(super) fn split(count: usize, parts: usize) -> Vec<Range<usize>> {
    let each = count.div_ceil(parts.max(1)).max(1);
    (0..parts)
        .map(|i| (i * each).min(count)..((i + 1) * each).min(count))
        .collect()
}

/// What every thread reads the rows with.
struct Context<'a> {
    agreements: &'a [Agreement],
    decimals: Decimals,
    separator: char,
    /// How many columns the header names.
    width: usize,
    name_column: Option<usize>,
    locale: Locale,
    /// The tables gathered across rows, per agreement, per gathered input.
    tables: &'a [Vec<engine::Gathering>],
    /// How a gathered input of a row that names no group is shown.
    no_group: Arc<str>,
}

/// A thread's evaluators and inputs, one per agreement, kept from chunk to chunk.
struct Worker {
    evaluators: Vec<engine::Evaluator>,
    inputs: Vec<Inputs>,
    /// The plain numbers of the row's cells, read once for every agreement.
    numbers: engine::RowNumbers,
    /// For each agreement, the warnings of the last row that had only warnings.
    repeated: Vec<Option<Repeated>>,
}

impl Found<'_> {
    /// A thread that ended without its results (it panicked).
    fn lost() -> Found<'static> {
        Found {
            rows: Vec::new(),
            evaluated: usize::MAX,
            failed: 0,
        }
    }
}

impl Worker {
    fn new(agreements: &[Agreement]) -> Worker {
        Worker {
            evaluators: agreements.iter().map(|_| Default::default()).collect(),
            inputs: agreements.iter().map(|a| a.base.clone()).collect(),
            numbers: match agreements.len() {
                1 => Default::default(),
                _ => engine::RowNumbers::shared(),
            },
            repeated: agreements.iter().map(|_| None).collect(),
        }
    }

    /// Evaluates the rows `range` of `chunk`.
    fn part<'c, S: Sink>(
        &mut self,
        context: &Context,
        chunk: &'c Chunk,
        range: Range<usize>,
        repeated: &[Option<usize>],
        sink: &S,
    ) -> (S::Made, Found<'c>) {
        let mut made = sink.made(range.len());
        let mut found = Found {
            rows: Vec::new(),
            evaluated: 0,
            failed: 0,
        };
        let mut cells: Vec<Field> = Vec::new();
        for index in range {
            let (record, line) = &chunk.records[index];
            cells.clear();
            let mut errors = Vec::new();
            if let Err(d) =
                csv_reader::fields(&chunk.file, record.clone(), context.separator, &mut cells)
            {
                errors.push(d);
            }
            // A line with nothing on it is no row.
            if errors.is_empty() && cells.iter().all(|(t, _)| t.trim().is_empty()) {
                continue;
            }
            found.evaluated += 1;
            self.row(
                context,
                chunk,
                &cells,
                record,
                *line,
                repeated[index],
                errors,
                sink,
                &mut made,
                &mut found,
            );
        }
        (made, found)
    }
}
