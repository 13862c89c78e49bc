//! Running a part: its plan compiled once per program (`compiled.rs`), then run
//! on the register machine (`machine.rs`), which hands what it does not compile,
//! and any run in which a value failed, to the general evaluator (`general.rs`).
//! Compile, then run: nothing below calls back up here.

use dsl::program::{PartRule, Program};

use crate::compiled::{compile, constants};
use crate::error::EvalError;
use crate::general::{run_checks, Finding};
use crate::inputs::Inputs;
use crate::machine::CompiledPlan;
use crate::value::Value;

/// The values of every slot after evaluating a plan.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub values: Vec<Value>,
    /// Checks of the plan that failed (errors and warnings).
    pub findings: Vec<Finding>,
}

/// Evaluates a part with the given inputs; fails if any of its results fails.
pub fn run(program: &Program, part: &PartRule, inputs: &Inputs) -> Result<Evaluation, EvalError> {
    let mut values = Vec::new();
    constants(program, &part.plan, &mut values);
    let mut compiled = compile(program, part, &values);
    compiled.keep_every_figure();
    let findings = run_into(program, part, inputs, &mut values, &mut compiled)?;
    Ok(Evaluation { values, findings })
}

/// Evaluates a part and its checks, and gives the checks' findings even when a
/// result fails: a check that names the mistake in the input (negative places,
/// a year missing) explains the failure better than the formula that tripped on it.
pub fn run_all(
    program: &Program,
    part: &PartRule,
    inputs: &Inputs,
) -> (Evaluation, Option<EvalError>) {
    let mut values = Vec::new();
    constants(program, &part.plan, &mut values);
    let mut compiled = compile(program, part, &values);
    compiled.keep_every_figure();
    let (findings, failed) = match run_into(program, part, inputs, &mut values, &mut compiled) {
        Ok(findings) => (findings, None),
        Err(e) => (run_checks(program, &part.plan, &values), Some(e)),
    };
    (Evaluation { values, findings }, failed)
}

/// Evaluates parts again and again with one buffer of values: for a whole tariff
/// file, and for measuring the engine without the allocation of a fresh buffer.
#[derive(Debug, Default)]
pub struct Evaluator {
    values: Vec<Value>,
    /// The program the values belong to: constants computed for it are kept.
    program: u64,
    /// The parts compiled for that program, by the address of the part and of its plan.
    compiled: Vec<((usize, usize), CompiledPlan)>,
}

impl Evaluator {
    /// The values of the last run: the part's results and the figures its checks'
    /// messages show. A figure neither of them reads is left unset (nothing, never
    /// the figure of an earlier run): [`run`] gives every figure.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// Evaluates a part; the values (as [`Evaluator::values`]) are valid until the next run.
    pub fn run(
        &mut self,
        program: &Program,
        part: &PartRule,
        inputs: &Inputs,
    ) -> Result<(&[Value], Vec<Finding>), EvalError> {
        if self.program != program.id {
            self.values.clear();
            self.compiled.clear();
            self.program = program.id;
        }
        let key = (
            part as *const PartRule as usize,
            part.plan.order.as_ptr() as usize,
        );
        let index = match self.compiled.iter().position(|(k, _)| *k == key) {
            Some(index) => index,
            None => {
                constants(program, &part.plan, &mut self.values);
                let compiled = compile(program, part, &self.values);
                self.compiled.push((key, compiled));
                self.compiled.len() - 1
            }
        };
        let compiled = &mut self.compiled[index].1;
        let findings = run_into(program, part, inputs, &mut self.values, compiled)?;
        Ok((&self.values, findings))
    }
}

fn run_into(
    program: &Program,
    part: &PartRule,
    inputs: &Inputs,
    values: &mut [Value],
    compiled: &mut CompiledPlan,
) -> Result<Vec<Finding>, EvalError> {
    // Every slot of the plan is written in order (constants once per program), so
    // nothing needs resetting between runs: slots outside the plan are never read.
    let (findings, ran_to_end) = compiled.run(program, &part.plan, inputs, values);
    let outputs = if ran_to_end {
        &compiled.unsure
    } else {
        &part.outputs
    };
    for &output in outputs {
        if let Value::Failed(error) = &values[output as usize] {
            return Err((**error).clone());
        }
    }
    Ok(findings)
}
