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
