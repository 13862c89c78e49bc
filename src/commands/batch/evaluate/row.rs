//! One row of a tariff file under each agreement: its figures, errors and
//! warnings; warnings made of the same figures as the row before are not made
//! again ([`Repeated`]).

use std::ops::Range;
use std::sync::Arc;

use dsl::span::SourceFile;
use dsl::{Code, Diagnostic, Program};
use engine::{Decimals, Value};

use super::{Agreement, Context, Found, Outcome, Row, Sink, Worker};
use crate::commands::batch::order::{name_of, row_label, Noted, Warned};
use crate::commands::batch::sheet::Chunk;
use crate::commands::eval::{judge, judge_findings};
use crate::csv_reader::Field;

/// Warnings of checks made for one row, and the figures their messages show: a
/// row whose checks fail with the same figures (the tariff year outside the
/// agreement's period, on every row of a file) is given the same warnings,
/// without making them again. Only their titles differ between rows — a
/// warning's help names the row it was made for — and of a warning seen before,
/// only the title is kept (`Order::note`); the sinks write titles.
pub(super) struct Repeated {
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
    #[allow(clippy::too_many_arguments)]
    pub(super) fn row<'c, S: Sink>(
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
        } else if let Some((_, span)) = (cells.last())
            .filter(|_| context.decimals != Decimals::Workbook && cells.len() < context.width)
        {
            // A separator left out in the middle of a row moves every cell after it
            // into the wrong column: a row of fewer cells is not read as blanks. (A
            // workbook leaves a row's empty cells out.)
            errors.push(
                Diagnostic::error(
                    Code::BadInput,
                    format!(
                        "{} cells, but the header has {} columns",
                        cells.len(),
                        context.width
                    ),
                )
                .label_in(file.clone(), span.clone(), "the row's last cell")
                .help("a cell left out moves every cell after it into the wrong column: give every column its cell, an empty one where there is no figure"),
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
