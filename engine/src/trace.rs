//! The explanation of an evaluation: for each value, its formula, what it
//! used and the section of the agreement it comes from.
//!
//! A trace is data built after evaluation from the program and the values;
//! evaluation itself records nothing, so it costs nothing unless asked for.
//! Rendering it (table, tree, JSON) is the CLI's job.

use std::sync::Arc;

use dsl::lines::Located;
use dsl::program::{Plan, Program, SlotId, SlotRule};

use crate::eval::Evaluation;
use crate::inputs::Inputs;
use crate::value::Value;

/// One explained value.
#[derive(Debug, Clone)]
pub struct Step {
    pub slot: SlotId,
    /// `input`, `param` or `define`.
    pub kind: &'static str,
    /// The formula as written (empty for inputs).
    pub formula: String,
    pub value: Value,
    /// The slots the formula used, with their values.
    pub uses: Vec<(SlotId, Value)>,
    /// For inputs: `file:line` they were read from, or `default`.
    pub origin: Option<String>,
}

/// Every value of a plan, in evaluation order.
#[derive(Debug, Clone)]
pub struct Trace {
    pub steps: Vec<Step>,
}

/// Builds the trace of an evaluation.
pub fn trace(program: &Program, plan: &Plan, evaluation: &Evaluation, inputs: &Inputs) -> Trace {
    // The lines of each input file, indexed once: an input's line is then a binary search.
    let mut indexed: Vec<Located> = Vec::new();
    let steps = plan
        .order
        .iter()
        .map(|&slot| {
            let s = program.slot(slot);
            let (kind, formula) = match &s.rule {
                SlotRule::Input { .. } => ("input", String::new()),
                SlotRule::Param(_) => ("param", s.formula.clone()),
                SlotRule::Define(_) => ("define", s.formula.clone()),
            };
            let origin = if s.is_input() {
                Some(match inputs.origin(slot) {
                    Some((file, range, _)) => {
                        let same = |l: &Located| Arc::ptr_eq(&l.file.text, &file.text);
                        let at = match indexed.iter().position(same) {
                            Some(at) => at,
                            None => {
                                indexed.push(Located::new(file.clone()));
                                indexed.len() - 1
                            }
                        };
                        let (line, _) = indexed[at].line_and_column(range.start);
                        format!("{}:{line}", file.name)
                    }
                    None if inputs.value(slot).is_some() => String::from("given"),
                    None => String::from("default"),
                })
            } else {
                None
            };
            Step {
                slot,
                kind,
                formula,
                value: evaluation.values[slot as usize].clone(),
                uses: s
                    .uses
                    .iter()
                    .map(|&u| (u, evaluation.values[u as usize].clone()))
                    .collect(),
                origin,
            }
        })
        .collect();
    Trace { steps }
}
