//! The general evaluator: a plan walked slot by slot, each formula over a `Vec`
//! of values (`formula.rs`, with fast paths for numbers and conditions in
//! `fast.rs`) — for the worked examples, for the slots the register machine does
//! not compile, and for a run in which a value failed. A library the machine
//! (`machine.rs`) and the compiler (`compiled.rs`, for constants) call; it calls
//! neither.
//!
//! Names were resolved to slot indices and units checked before this runs, so
//! evaluation is a walk over resolved nodes with exact decimal arithmetic.
//! Anything that can still go wrong — a zero divisor, an overflow, a missing
//! table entry or rate — is an [`EvalError`], never a panic.

use std::sync::Arc;

use dsl::program::{Plan, Program, SlotId, SlotRule};
use dsl::Code;

use crate::error::EvalError;
use crate::fast::{decimal, truth};
use crate::formula::eval;
use crate::inputs::Inputs;
use crate::value::Value;

/// A check that did not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Index into `program.checks`.
    pub check: u32,
    /// Why the check could not be evaluated, if it could not (a missing rate, say).
    pub error: Option<EvalError>,
    /// For a check of every entry of a table: the entries where it does not hold.
    pub entries: Vec<dsl::program::Key>,
}

/// The figures a failed check names in its message (`"{overhead_rate} is above
/// {overhead_cap}"`), computed from the values of the evaluation, in order; `None`
/// for a figure that cannot be computed (its input is missing, say).
pub fn message_figures(program: &Program, check: u32, values: &[Value]) -> Vec<Option<Value>> {
    let Some(check) = program.checks.get(check as usize) else {
        return Vec::new();
    };
    check
        .figures
        .iter()
        .map(|(node, _)| match eval(node, values, None) {
            Ok(Value::Unset | Value::Failed(_)) | Err(_) => None,
            Ok(value) => Some(value),
        })
        .collect()
}

/// Computes one slot of a plan on the general path: an input is copied from the
/// inputs (or its default computed), anything else computed.
pub(crate) fn general_step(program: &Program, slot: SlotId, inputs: &Inputs, values: &mut [Value]) {
    let s = slot as usize;
    match (&program.slots[s].rule, inputs.value(slot)) {
        (SlotRule::Input { .. }, Some(given)) => values[s] = given.clone(),
        _ => compute(program, slot, values),
    }
}

/// Evaluates `plan` into `values`, which holds the inputs (and any fixed slots).
/// Slots already set are kept: that is how inputs and givens enter. A slot
/// that fails holds [`Value::Failed`]; a check that cannot be evaluated is reported.
pub fn evaluate(program: &Program, plan: &Plan, values: &mut [Value]) -> Vec<Finding> {
    crate::budget::start();
    for &slot in &plan.order {
        if matches!(values[slot as usize], Value::Unset) {
            compute(program, slot, values);
        }
    }
    run_checks(program, plan, values)
}

/// Computes one slot from the slots before it in the plan, and stores it.
pub(crate) fn compute(program: &Program, slot: SlotId, values: &mut [Value]) {
    let s = slot as usize;
    let definition = &program.slots[s];
    // A number is computed on decimals and stored as one, without passing a
    // generic value through (which costs more than the arithmetic).
    let formula = match &definition.rule {
        SlotRule::Param(node) | SlotRule::Define(node) => Some(node),
        SlotRule::Input { default } => default.as_ref(),
    };
    if let (true, Some(node)) = (definition.ty.is_number(), formula) {
        let mut failure = None;
        let n = decimal(node, values, None, &mut failure);
        match (failure, &mut values[s]) {
            // In place when the slot held a number last run: no temporary value.
            (None, Value::Number(held)) => *held = n,
            (None, other) => *other = Value::Number(n),
            (Some(mut e), other) => {
                e.slot.get_or_insert(slot);
                *other = Value::Failed(Arc::new(e));
            }
        }
        return;
    }
    if let (dsl::types::Type::Bool, Some(node)) = (&definition.ty, formula) {
        values[s] = match truth(node, values, None) {
            Ok(b) => Value::Bool(b),
            Err(mut e) => {
                e.slot.get_or_insert(slot);
                Value::Failed(Arc::new(e))
            }
        };
        return;
    }
    let value = match &definition.rule {
        SlotRule::Param(node) | SlotRule::Define(node) => eval(node, values, None),
        SlotRule::Input {
            default: Some(node),
        } => eval(node, values, None),
        SlotRule::Input { default: None } => Err(EvalError::new(
            Code::MissingInput,
            definition.span,
            format!("the input `{}` is missing", definition.name),
        )
        .help(crate::inputs::example_of(
            &definition.name,
            &definition.ty,
            program,
        ))),
    };
    values[s] = value.unwrap_or_else(|mut e| {
        e.slot.get_or_insert(slot);
        Value::Failed(Arc::new(e))
    });
}

/// The checks of a plan that do not hold, or cannot be evaluated.
pub(crate) fn run_checks(program: &Program, plan: &Plan, values: &[Value]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for &check in &plan.checks {
        check_one(program, check, values, &mut findings);
    }
    findings
}

/// Evaluates one check on the general path; records it if it does not hold.
pub(crate) fn check_one(
    program: &Program,
    check: u32,
    values: &[Value],
    findings: &mut Vec<Finding>,
) {
    let Some(rule) = program.checks.get(check as usize) else {
        return;
    };
    let outcome = if rule.per_entry {
        failing_entries(&rule.condition, values).map(|entries| (entries.is_empty(), entries))
    } else {
        truth(&rule.condition, values, None).map(|holds| (holds, Vec::new()))
    };
    match outcome {
        Ok((true, _)) => {}
        Ok((false, entries)) => findings.push(Finding {
            check,
            error: None,
            entries,
        }),
        Err(error) => findings.push(Finding {
            check,
            error: Some(error),
            entries: Vec::new(),
        }),
    }
}

/// The keys of a table of yes/no where the value is no.
fn failing_entries(
    condition: &dsl::program::Node,
    values: &[Value],
) -> Result<Vec<dsl::program::Key>, EvalError> {
    match eval(condition, values, None)? {
        Value::Table(t) => Ok(t
            .entries
            .iter()
            .filter(|(_, v)| matches!(v, Value::Bool(false)))
            .map(|(k, _)| k.clone())
            .collect()),
        _ => Ok(Vec::new()),
    }
}
