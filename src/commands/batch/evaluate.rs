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
use super::order::{name_of, row_label, Noted, Order, Warned};
use super::sheet::{Chunk, Sheet};
use crate::commands::eval::{judge, judge_findings};
use crate::csv_reader::{self, Field};
use crate::render::Locale;

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

/// The check and figures of each finding, when every one is a warning whose
/// message is made of its figures alone ([`Repeated`]); none otherwise.
fn only_warnings(
    program: &Program,
    values: &[Value],
    findings: &[engine::Finding],
) -> Option<Vec<(u32, Vec<Option<Value>>)>> {
    (findings.iter())
        .map(|f| {
            let check = program.checks.get(f.check as usize)?;
            let warning = check.severity == dsl::program::Severity::Warning;
            (warning && f.error.is_none() && f.entries.is_empty())
                .then(|| (f.check, engine::message_figures(program, f.check, values)))
        })
        .collect()
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

/// Warnings of checks made for one row, and the figures their messages show: a
/// row whose checks fail with the same figures (the tariff year outside the
/// agreement's period, on every row of a file) is given the same warnings,
/// without making them again. Only their titles differ between rows — a
/// warning's help names the row it was made for — and of a warning seen before,
/// only the title is kept (`Order::note`); the sinks write titles.
struct Repeated {
    figures: Vec<(u32, Vec<Option<Value>>)>,
    /// As the sinks show them.
    warnings: Vec<Diagnostic>,
    /// As the report shows them: marked with their agreement when there are several.
    marked: Arc<[Diagnostic]>,
}

/// A row's warnings under one agreement.
enum Warnings {
    /// Made for this row.
    Own(Vec<Diagnostic>),
    /// The agreement's [`Repeated`] warnings (the row gave no warning of its own).
    Repeated,
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

/// The values of one row under one agreement, where they are held.
enum Held {
    /// In the agreement's evaluator (the row was right at once).
    Evaluator,
    /// Evaluated again for the report (a check failed or a result did).
    Own(Vec<Value>),
    /// None: the row's cells are wrong.
    Nothing,
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

    #[allow(clippy::too_many_arguments)]
    fn row<'c, S: Sink>(
        &mut self,
        context: &Context,
        chunk: &'c Chunk,
        cells: &[Field<'c>],
        record: &Range<usize>,
        line: usize,
        repeated: Option<usize>,
        mut errors: Vec<Diagnostic>,
        sink: &S,
        made: &mut S::Made,
        found: &mut Found<'c>,
    ) {
        let file = &chunk.file;
        let name = (context.name_column)
            .and_then(|i| cells.get(i))
            .map(|(text, _)| text.trim())
            .filter(|n| !n.is_empty());
        // How the row is named in messages: made only for a row that has any, once.
        let labelled = std::cell::OnceCell::new();
        let label = || labelled.get_or_init(|| row_label(line, name)).clone();
        let named = name.is_some();
        let unnamed;
        let name = match name {
            Some(name) => name,
            None => {
                unnamed = format!("line {line}");
                &unnamed
            }
        };
        if let Some((_, span)) = cells.get(context.width) {
            errors.push(
                Diagnostic::error(
                    Code::BadInput,
                    String::from("more cells than the header has columns"),
                )
                .label_in(file.clone(), span.clone(), "no column for this cell")
                .help("name the column in the header, or remove the cell"),
            );
        }
        // Two offers of one name cannot be told apart in the results.
        if let (Some(first), Some((_, span))) =
            (repeated, context.name_column.and_then(|i| cells.get(i)))
        {
            errors.push(
                Diagnostic::error(
                    Code::BadInput,
                    format!("the offer is named as on line {first}"),
                )
                .label_in(file.clone(), span.clone(), "the same name again")
                .help("give each offer a name of its own: the results are known by their names"),
            );
        }
        // The errors of the row itself, whatever the agreement; its cells cannot be
        // read when it cannot be split into them.
        let shared = errors;
        let split = !cells.is_empty();
        let several = context.agreements.len() > 1;
        let mut held: smallvec::SmallVec<[Held; 4]> = smallvec::SmallVec::new();
        // Each agreement's errors (the row's own first) and warnings.
        let mut found_in: smallvec::SmallVec<[(Vec<Diagnostic>, Warnings); 4]> =
            smallvec::SmallVec::new();
        for (a, agreement) in context.agreements.iter().enumerate() {
            let (errors, warnings, h) = match split {
                true => self.evaluate(context, a, agreement, file, cells, record, &label),
                false => (Vec::new(), Warnings::Own(Vec::new()), Held::Nothing),
            };
            let wrong = !shared.is_empty() || !errors.is_empty();
            held.push(if wrong { Held::Nothing } else { h });
            let errors = match shared.is_empty() {
                true => errors,
                false => shared.iter().cloned().chain(errors).collect(),
            };
            found_in.push((errors, warnings));
        }
        if held.iter().any(|h| matches!(h, Held::Nothing)) {
            found.failed += 1;
        }
        let outcomes: smallvec::SmallVec<[Outcome; 4]> = (held.iter().zip(&self.evaluators))
            .zip(&found_in)
            .zip(&self.repeated)
            .map(|(((h, evaluator), (errors, warnings)), repeated)| Outcome {
                values: match h {
                    Held::Evaluator => Some(evaluator.values()),
                    Held::Own(values) => Some(values),
                    Held::Nothing => None,
                },
                warnings: match (warnings, repeated) {
                    (Warnings::Own(warnings), _) => warnings,
                    (Warnings::Repeated, Some(repeated)) => &repeated.warnings,
                    (Warnings::Repeated, None) => &[],
                },
                errors,
            })
            .collect();
        sink.row(
            &Row {
                line,
                name,
                named,
                outcomes: &outcomes,
            },
            made,
        );
        drop(outcomes);
        // The row's errors (its own once) and warnings, each marked with its
        // agreement when there are several.
        let mut row_errors = shared.clone();
        let mut row_warnings = Vec::new();
        for (((errors, warnings), agreement), repeated) in
            (found_in.into_iter().zip(context.agreements)).zip(&self.repeated)
        {
            let mark = |d: Diagnostic| mark(d, agreement, several);
            row_errors.extend(errors.into_iter().skip(shared.len()).map(mark));
            match (warnings, repeated) {
                (Warnings::Own(warnings), _) => {
                    row_warnings.extend(warnings.into_iter().map(mark).map(Warned::One));
                }
                (Warnings::Repeated, Some(repeated)) => {
                    row_warnings.push(Warned::Shared(repeated.marked.clone()));
                }
                (Warnings::Repeated, None) => {}
            }
        }
        if !row_errors.is_empty() || !row_warnings.is_empty() {
            let name = (context.name_column)
                .and_then(|i| cells.get(i))
                .and_then(|(text, _)| name_of(text));
            found.rows.push(Noted {
                line,
                name,
                errors: row_errors,
                warnings: row_warnings,
            });
        }
    }

    /// One row under one agreement: its errors, its warnings, and where its values are.
    #[allow(clippy::too_many_arguments)]
    fn evaluate(
        &mut self,
        context: &Context,
        a: usize,
        agreement: &Agreement,
        file: &SourceFile,
        cells: &[Field],
        record: &Range<usize>,
        label: &dyn Fn() -> String,
    ) -> (Vec<Diagnostic>, Warnings, Held) {
        let program = &agreement.program;
        let rule = &program.parts[agreement.part];
        let inputs = &mut self.inputs[a];
        let mut warnings = match inputs.read_row_sharing(
            &agreement.base,
            program,
            &agreement.columns,
            file,
            cells,
            context.decimals,
            &mut self.numbers,
        ) {
            Ok(warnings) => warnings,
            Err(errors) => return (errors, Warnings::Own(Vec::new()), Held::Nothing),
        };
        // Each gathered input: the table of the row's group, shown at its group's cell.
        for (gather, table) in agreement.gathers.iter().zip(&context.tables[a]) {
            let group = match inputs.value(gather.group) {
                Some(Value::Text(group)) => Some(group.clone()),
                _ => None,
            };
            let at = gather.group_column.and_then(|i| cells.get(i));
            let range = at.map_or(record.start..record.start, |(_, span)| span.clone());
            let shown = match &group {
                Some(group) => Arc::from(format!("(the rows of `{group}`)")),
                None => context.no_group.clone(),
            };
            let value = table.table(program, group.as_deref());
            inputs.give_gathered(gather.slot, value, range, shown);
        }
        let evaluator = &mut self.evaluators[a];
        // The compiled plan on every row; a row whose checks fail keeps its values in
        // the evaluator, its findings said as `takst eval` says them; a result that
        // failed is evaluated again with every check, for the report `takst eval` gives.
        let (values, failed) = match evaluator.run(program, rule, inputs) {
            Ok((_, findings)) if findings.is_empty() => {
                return (Vec::new(), Warnings::Own(warnings), Held::Evaluator);
            }
            Ok((values, findings)) => {
                let figures = only_warnings(program, values, &findings);
                if let (Some(figures), Some(last)) = (&figures, &self.repeated[a]) {
                    if last.figures == *figures {
                        if warnings.is_empty() {
                            return (Vec::new(), Warnings::Repeated, Held::Evaluator);
                        }
                        warnings.extend(last.warnings.iter().cloned());
                        return (Vec::new(), Warnings::Own(warnings), Held::Evaluator);
                    }
                }
                let what = format!("{}, {}", file.name, label());
                let (mut errors, mut made) = (Vec::new(), Vec::new());
                let found = (&mut errors, &mut made);
                judge_findings(program, values, &findings, &what, found, context.locale);
                if let Some(figures) = figures {
                    let several = context.agreements.len() > 1;
                    let marked = made.iter().map(|d| mark(d.clone(), agreement, several));
                    self.repeated[a] = Some(Repeated {
                        figures,
                        warnings: made.clone(),
                        marked: marked.collect(),
                    });
                }
                warnings.append(&mut made);
                return (errors, Warnings::Own(warnings), Held::Evaluator);
            }
            Err(_) => engine::run_all(program, rule, inputs),
        };
        let what = format!("{}, {}", file.name, label());
        let mut errors = judge(
            program,
            inputs,
            &values,
            failed,
            &what,
            &mut warnings,
            context.locale,
        );
        for d in errors.iter_mut().filter(|d| d.code == Code::MissingInput) {
            missing_here(d, agreement, file, record.clone());
        }
        (errors, Warnings::Own(warnings), Held::Own(values.values))
    }
}

/// A row's diagnostic under `agreement`, marked with its name when there are `several`.
fn mark(mut d: Diagnostic, agreement: &Agreement, several: bool) -> Diagnostic {
    if several {
        d.title = format!("{}: {}", agreement.program.agreement.name, d.title);
    }
    d
}

/// An input missing from a row, said in the tariff file's terms: pointed at the
/// row (not at the start of its piece of the file), with how to give it in columns.
fn missing_here(
    d: &mut Diagnostic,
    agreement: &Agreement,
    file: &SourceFile,
    record: Range<usize>,
) {
    let program = &agreement.program;
    let Some(name) = d.title.split('`').nth(1).map(str::to_string) else {
        return;
    };
    let Some(slot) = program.slot_id(&name) else {
        return;
    };
    let column = agreement.columns.position(&name).is_some();
    let message = match column {
        true => format!("the cell of `{name}` is empty"),
        false => format!("no column `{name}`"),
    };
    d.labels
        .retain(|l| !Arc::ptr_eq(&l.source.text, &file.text));
    let label = dsl::diagnostic::Label {
        source: file.clone(),
        range: record.start..record.start,
        message,
    };
    d.labels.insert(0, label);
    let help = engine::column_example(&name, &program.slot(slot).ty, program);
    d.help = Some(match column {
        true => help.replace(
            &format!("add a column `{name}` to the header and fill its cell"),
            "fill its cell",
        ),
        false => help,
    });
}
