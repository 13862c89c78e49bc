//! Errors at evaluation: each says what failed, where in the rule file, and
//! which inputs fed the failing value.

use dsl::program::{Program, SlotId};
use dsl::span::Span;
use dsl::{Code, Diagnostic};

use crate::inputs::Inputs;

/// A failure while evaluating a checked program. Boxed, so that the `Result`
/// every formula node returns stays small on the path where nothing fails.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError(Box<Failure>);

/// What an [`EvalError`] says.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub code: Code,
    pub title: String,
    /// The formula (or declaration) that failed.
    pub span: Span,
    pub help: Option<String>,
    /// The slot being computed, once known.
    pub slot: Option<SlotId>,
    /// The input the failure is about (the series read past its end), if one.
    pub about: Option<SlotId>,
}

impl std::ops::Deref for EvalError {
    type Target = Failure;
    fn deref(&self) -> &Failure {
        &self.0
    }
}

impl std::ops::DerefMut for EvalError {
    fn deref_mut(&mut self) -> &mut Failure {
        &mut self.0
    }
}

impl EvalError {
    /// An error at a place in the rule file.
    pub fn new(code: Code, span: Span, title: impl Into<String>) -> EvalError {
        let failure = Failure {
            code,
            title: title.into(),
            span,
            help: None,
            slot: None,
            about: None,
        };
        EvalError(Box::new(failure))
    }

    /// Adds a help line.
    pub fn help(mut self, help: impl Into<String>) -> EvalError {
        self.help = Some(help.into());
        self
    }

    /// A diagnostic with labels in the rule file and on the input fields involved.
    pub fn to_diagnostic(&self, program: &Program, inputs: &Inputs) -> Diagnostic {
        // "the series is known up to …" names the series when it is an input.
        let named = match self.about {
            Some(about) => {
                self.title
                    .replacen("the series", &format!("`{}`", program.slot(about).name), 1)
            }
            None => self.title.clone(),
        };
        let title = match self.slot {
            Some(slot) if self.code != Code::MissingInput => {
                format!("{named} (while computing `{}`)", program.slot(slot).name)
            }
            _ => named,
        };
        let mut d = Diagnostic::error(self.code, title);
        if let (Code::MissingInput, Some(file), Some(slot)) =
            (self.code, inputs.last_file(), self.slot)
        {
            let name = &program.slot(slot).name;
            d = d.label_in(file.clone(), 0..0, format!("this file has no `{name}`"));
        }
        let here = if self.code == Code::MissingInput {
            "declared here"
        } else {
            "here"
        };
        let d = d.label(&program.sources, self.span, here);
        let mut d = d;
        if let (Some(slot), false) = (self.slot, self.code == Code::MissingInput) {
            for input in inputs_behind(program, slot).into_iter().take(4) {
                if let Some((file, range, value)) = inputs.origin(input) {
                    let name = &program.slot(input).name;
                    d = d.label_in(file.clone(), range, format!("`{name}` = {value}"));
                }
            }
        }
        match &self.help {
            Some(h) => d.help(h.clone()),
            None => d,
        }
    }
}

/// The inputs a slot depends on, nearest first.
fn inputs_behind(program: &Program, slot: SlotId) -> Vec<SlotId> {
    let mut seen = vec![false; program.slots.len()];
    let mut queue = std::collections::VecDeque::from([slot]);
    let mut found = Vec::new();
    while let Some(s) = queue.pop_front() {
        if std::mem::replace(&mut seen[s as usize], true) {
            continue;
        }
        if program.slot(s).is_input() {
            found.push(s);
        }
        queue.extend(program.slot(s).uses.iter().copied());
    }
    found
}
