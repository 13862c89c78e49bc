//! Running the worked examples inside a rule file.

use dsl::program::{BinaryOp, ExampleRule, NodeKind, Program, Severity};
use dsl::span::Span;

use crate::error::EvalError;
use crate::formula::eval;
use crate::general::evaluate;
use crate::value::Value;

/// How one example went.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub title: String,
    pub citation: Option<String>,
    pub span: Span,
    /// Each expectation that did not hold, with what was found.
    pub failures: Vec<Failure>,
    /// An evaluation error, if the example could not be computed.
    pub error: Option<EvalError>,
}

impl Outcome {
    /// True if every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.error.is_none()
    }
}

/// An expectation that did not hold.
#[derive(Debug, Clone)]
pub struct Failure {
    pub span: Span,
    /// The two sides of a comparison, as computed.
    pub found: Option<(Value, Value)>,
    /// Their type, where the checker knows it (to show the unit).
    pub ty: Option<dsl::types::Type>,
    pub message: String,
}

/// Runs every example of the program.
pub fn run_all(program: &Program) -> Vec<Outcome> {
    program.examples.iter().map(|e| run(program, e)).collect()
}

/// Runs one example: sets its givens, evaluates its plan, tests its expectations.
pub fn run(program: &Program, example: &ExampleRule) -> Outcome {
    let mut outcome = Outcome {
        title: example.title.clone(),
        citation: example.citation.clone(),
        span: example.span,
        failures: Vec::new(),
        error: None,
    };
    let mut values = vec![Value::Unset; program.slots.len()];
    crate::budget::start();
    let result = (|| -> Result<(), EvalError> {
        for (slot, node) in &example.givens {
            values[*slot as usize] = eval(node, &values, None)?;
        }
        for finding in evaluate(program, &example.plan, &mut values) {
            let check = &program.checks[finding.check as usize];
            if check.severity == Severity::Error && finding.error.is_none() {
                outcome.failures.push(Failure {
                    span: check.span,
                    found: None,
                    ty: None,
                    message: format!("check `{}` failed: {}", check.name, check.message),
                });
            }
        }
        for (i, expect) in example.expects.iter().enumerate() {
            if eval(expect, &values, None)? == Value::Bool(true) {
                continue;
            }
            let found = match &expect.kind {
                NodeKind::Numeric(_, a, b) => {
                    Some((eval(a, &values, None)?, eval(b, &values, None)?))
                }
                NodeKind::Binary(op, a, b)
                    if !matches!(
                        op,
                        BinaryOp::And | BinaryOp::Or | BinaryOp::Where | BinaryOp::Each
                    ) =>
                {
                    Some((eval(a, &values, None)?, eval(b, &values, None)?))
                }
                _ => None,
            };
            let message = String::from("this expectation does not hold");
            outcome.failures.push(Failure {
                span: expect.span,
                found,
                ty: example.sides.get(i).cloned().flatten(),
                message,
            });
        }
        Ok(())
    })();
    outcome.error = result.err().map(|mut error| {
        if let (dsl::Code::MissingInput, Some(slot)) = (error.code, error.slot) {
            let name = &program.slot(slot).name;
            error.title = format!("the example \"{}\" does not give `{name}`", example.title);
            error.help = Some(format!("add `given {name} = …` to the example"));
        }
        error
    });
    outcome
}

/// The value of `slot` in a worked example: the example's givens set, and what the slot
/// needs evaluated (the example's expectations are not tested). An editor shows it at
/// the name: every example's figure one look away.
pub fn value_in(
    program: &Program,
    example: &ExampleRule,
    slot: dsl::program::SlotId,
) -> Result<Value, EvalError> {
    let fixed: Vec<_> = example.givens.iter().map(|(s, _)| *s).collect();
    let plan = program.plan(&[slot], &fixed);
    let mut values = vec![Value::Unset; program.slots.len()];
    crate::budget::start();
    for (given, node) in &example.givens {
        values[*given as usize] = eval(node, &values, None)?;
    }
    let _findings = evaluate(program, &plan, &mut values);
    match values.get(slot as usize) {
        Some(Value::Failed(e)) => Err((**e).clone()),
        Some(value) => Ok(value.clone()),
        None => Ok(Value::Unset),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use dsl::NoBases;

    #[test]
    fn a_value_in_each_example() {
        let text = "agreement \"A\"\ninput cost: money\ninput places: number\n\
                    define per_place = cost / places\ndefine doubled = per_place × 2\n\
                    example \"one\" {\n  given cost = 100 kr\n  given places = 4\n  expect doubled == 50 kr\n}\n\
                    example \"two\" {\n  given per_place = 7 kr\n  expect doubled == 14 kr\n}\n";
        let program = dsl::check("a.takst", text, &NoBases).expect("checks");
        let slot = program.slot_id("per_place").expect("a slot");
        let values: Vec<_> = (program.examples.iter())
            .map(|e| value_in(&program, e, slot))
            .collect();
        assert_eq!(values[0], Ok(Value::Number(25.into())));
        assert_eq!(values[1], Ok(Value::Number(7.into())));
        // `cost` is given only in the first: the second cannot compute it.
        let cost = program.slot_id("cost").expect("a slot");
        let second = value_in(&program, &program.examples[1], cost);
        assert_eq!(second.map_err(|e| e.code), Err(dsl::Code::MissingInput));
    }
}
