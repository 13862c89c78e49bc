//! The first pass over a tariff file, for an agreement with inputs gathered across
//! rows (`input … gathered gross_budget over rows of the same operator`): every
//! row's group, name and figure, gathered into a table per group
//! (`engine::Gathering`) before any row is evaluated. Only the tables are kept —
//! an entry per row of a group — never the rows; the rows are read again, chunk by
//! chunk, for the second pass. The tables are made in the file's order whatever
//! the number of threads, so the results are the same for any. Only what can give
//! an entry is read: a row whose group cell is blank is skipped, and a file without
//! a column for any group is not read twice at all (every row of it names no group).

use std::ops::Range;

use dsl::program::{PartRule, Plan, Program, SlotId};
use dsl::{Code, Diagnostic};
use engine::{Columns, Decimals, Gathering, Inputs, Value};

use super::evaluate::Agreement;
use super::sheet::{Chunk, Sheet};
use crate::csv_reader::{self, Field};

/// One gathered input the evaluated part reads, and how its figure is computed.
pub struct Gather {
    pub slot: SlotId,
    /// The input naming each row's group.
    pub group: SlotId,
    /// The column of the group, if the file has one.
    pub group_column: Option<usize>,
    /// The plan computing the figure each row gives (its only output).
    rule: PartRule,
}

impl Gather {
    /// The gathered inputs `part` of `program` reads (in any branch).
    pub fn of(program: &Program, part: usize, columns: &Columns) -> Vec<Gather> {
        let plan = &program.parts[part].plan;
        (plan.inputs.iter())
            .filter_map(|&slot| {
                let g = program.slot(slot).gathered.as_ref()?;
                let Plan { order, inputs, .. } = program.plan(&[g.value], &[]);
                let rule = PartRule {
                    name: format!("{} (gathered)", program.slot(slot).name),
                    label: None,
                    citation: None,
                    outputs: vec![g.value],
                    // The figure alone: the row's checks are the second pass's.
                    plan: Plan {
                        order,
                        inputs,
                        checks: Vec::new(),
                    },
                    span: g.span,
                };
                Some(Gather {
                    slot,
                    group: g.group,
                    group_column: columns.position(&program.slot(g.group).name),
                    rule,
                })
            })
            .collect()
    }
}

/// One row's contribution to one gathered table.
struct Given {
    agreement: usize,
    gather: usize,
    group: String,
    name: Option<String>,
    line: usize,
    figure: Result<Value, String>,
}

/// The tables of every agreement's gathered inputs (an empty list for an agreement
/// without any), from a pass over the file `sheet` was opened on.
pub fn first_pass(
    sheet: &Sheet,
    agreements: &[Agreement],
    threads: usize,
) -> Result<Vec<Vec<Gathering>>, Vec<Diagnostic>> {
    let mut tables: Vec<Vec<Gathering>> = (agreements.iter())
        .map(|a| a.gathers.iter().map(|g| Gathering::new(g.slot)).collect())
        .collect();
    // A gathered input whose group has no column in this file gathers nothing:
    // every row of it names no group. An agreement with none to gather is not read.
    let read: Vec<bool> = (agreements.iter())
        .map(|a| a.gathers.iter().any(|g| g.group_column.is_some()))
        .collect();
    if !read.contains(&true) {
        return Ok(tables);
    }
    let mut again = sheet.again().map_err(|d| vec![d])?;
    let (separator, decimals, name_column) =
        (again.separator(), again.decimals(), again.name_column());
    let mut workers: Vec<Worker> = (0..threads.max(1))
        .map(|_| Worker {
            inputs: agreements.iter().map(|a| a.base.clone()).collect(),
            evaluators: agreements.iter().map(|_| Default::default()).collect(),
            numbers: match agreements.len() {
                1 => Default::default(),
                _ => engine::RowNumbers::shared(),
            },
        })
        .collect();
    let reading = Reading {
        agreements,
        read,
        separator,
        decimals,
        name_column,
    };
    while let Some(chunk) = again.next_chunk().map_err(|d| vec![d])? {
        let parts = super::evaluate::split(chunk.records.len(), workers.len());
        let given: Result<Vec<Vec<Given>>, ()> = match workers.as_mut_slice() {
            [one] => Ok(vec![one.part(&reading, &chunk, 0..chunk.records.len())]),
            many => std::thread::scope(|scope| {
                let handles: Vec<_> = (many.iter_mut().zip(&parts))
                    .map(|(worker, range)| {
                        let (reading, chunk, range) = (&reading, &chunk, range.clone());
                        scope.spawn(move || worker.part(reading, chunk, range))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().map_err(|_| ()))
                    .collect()
            }),
        };
        // A thread that ended without its rows would leave them out of their tables.
        let Ok(given) = given else {
            return Err(vec![Diagnostic::error(
                Code::BadInput,
                String::from("the rows could not be gathered (an internal error)"),
            )
            .help("please report this tariff file")]);
        };
        // In the file's order: the parts are in order, and so are their rows.
        for g in given.into_iter().flatten() {
            let program = &agreements[g.agreement].program;
            tables[g.agreement][g.gather].add(
                program,
                &g.group,
                g.name.as_deref(),
                g.line,
                g.figure,
            );
        }
    }
    for table in tables.iter_mut().flatten() {
        table.finish();
    }
    Ok(tables)
}

/// What every thread reads the rows with.
struct Reading<'a> {
    agreements: &'a [Agreement],
    /// Whether each agreement has a group to gather in this file.
    read: Vec<bool>,
    separator: char,
    decimals: Decimals,
    name_column: Option<usize>,
}

/// A thread's inputs and evaluators, one per agreement.
struct Worker {
    inputs: Vec<Inputs>,
    evaluators: Vec<engine::Evaluator>,
    /// The plain numbers of the row's cells, read once for every agreement.
    numbers: engine::RowNumbers,
}

impl Worker {
    /// The figures of the rows `range` of `chunk`.
    fn part(&mut self, reading: &Reading, chunk: &Chunk, range: Range<usize>) -> Vec<Given> {
        let mut given = Vec::new();
        let mut cells: Vec<Field> = Vec::new();
        let mut groups: Vec<Option<String>> = Vec::new();
        for (record, line) in &chunk.records[range] {
            cells.clear();
            let split =
                csv_reader::fields(&chunk.file, record.clone(), reading.separator, &mut cells);
            if split.is_ok() && cells.iter().all(|(t, _)| t.trim().is_empty()) {
                continue;
            }
            let cell = |at: Option<usize>| {
                at.and_then(|i| cells.get(i))
                    .map(|(t, _)| t.trim().to_string())
                    .filter(|t| !t.is_empty())
            };
            let name = cell(reading.name_column);
            for (a, agreement) in reading.agreements.iter().enumerate() {
                if !reading.read[a] {
                    continue;
                }
                // The row's group of each gathered input: a row of none gives nothing,
                // and is not read.
                groups.clear();
                groups.extend(agreement.gathers.iter().map(|g| cell(g.group_column)));
                if groups.iter().all(Option::is_none) {
                    continue;
                }
                let read = match &split {
                    Ok(()) => self.inputs[a]
                        .read_row_sharing(
                            &agreement.base,
                            &agreement.program,
                            &agreement.columns,
                            &chunk.file,
                            &cells,
                            reading.decimals,
                            &mut self.numbers,
                        )
                        .map(|_| ())
                        .map_err(|e| first_title(&e)),
                    Err(d) => Err(d.title.clone()),
                };
                for (i, gather) in agreement.gathers.iter().enumerate() {
                    let Some(group) = groups[i].take() else {
                        continue;
                    };
                    let figure = match &read {
                        Ok(()) => self.figure(a, agreement, gather),
                        Err(why) => Err(format!("its cells cannot be read ({why})")),
                    };
                    given.push(Given {
                        agreement: a,
                        gather: i,
                        group,
                        name: name.clone(),
                        line: *line,
                        figure,
                    });
                }
            }
        }
        given
    }

    /// The figure the row read into the inputs of agreement `a` gives.
    fn figure(
        &mut self,
        a: usize,
        agreement: &Agreement,
        gather: &Gather,
    ) -> Result<Value, String> {
        let program = &agreement.program;
        let value = gather.rule.outputs[0] as usize;
        match self.evaluators[a].run(program, &gather.rule, &self.inputs[a]) {
            Ok((values, _)) => Ok(values[value].clone()),
            Err(e) => Err(e.title.clone()),
        }
    }
}

/// The title of the first of a row's errors.
fn first_title(errors: &[Diagnostic]) -> String {
    errors.first().map(|d| d.title.clone()).unwrap_or_default()
}
