//! Inputs copied into the values only when something reads them there.
//!
//! Before its code runs, the machine copies each input that is not a number
//! into the values — a choice, a table, a text. Some are read by no operation of
//! the code and by nobody once it has run: a row's name, a table only a branch
//! left to the general path reads. Copying such an input per row (a shared
//! pointer's count up and down, the table of the row before given back) costs as
//! much as several additions. So these are *lazy*: copied only when the general
//! path takes over (which reads any value before the slot it computes), at most
//! once per run — or before the code, when the general path took over in the row
//! before (rows of a file mostly take the same path, and a copy over the row
//! before's keeps what is the same). A run that copied them leaves them to be
//! set to nothing at the start of the next unless it copies them again, as the
//! figures it stored besides the kept ones (`stores.rs`): no value of an earlier
//! row is ever read as this row's.

use dsl::program::{Program, SlotId};

use crate::inputs::Inputs;
use crate::machine::{put, Input, Op, Otherwise, NO_REGISTER};
use crate::value::Value;

impl Op {
    /// The slot whose value in the values (not in a register) the operation
    /// reads, if any. Every operation is named, so that a new one must say.
    pub(crate) fn value_read(self) -> Option<SlotId> {
        match self {
            Op::JumpUnlessIs { slot, .. } | Op::Is { slot, .. } => Some(slot),
            Op::JumpUnlessHas { table, .. }
            | Op::Has { table, .. }
            | Op::Index { table, .. }
            | Op::KeepYears { table, .. }
            | Op::Count { table, .. } => Some(table),
            Op::On { series, .. } => Some(series),
            Op::Add(..)
            | Op::Subtract(..)
            | Op::Multiply(..)
            | Op::Divide(..)
            | Op::Negate(..)
            | Op::Min(..)
            | Op::Max(..)
            | Op::DaysInYear(..)
            | Op::Date(..)
            | Op::Less(..)
            | Op::LessEq(..)
            | Op::Equal(..)
            | Op::NotEqual(..)
            | Op::Not(..)
            | Op::Copy(..)
            | Op::JumpUnless(..)
            | Op::JumpIf(..)
            | Op::Jump(..)
            | Op::JumpUnlessLess(..)
            | Op::JumpUnlessLessEq(..)
            | Op::JumpUnlessEqual(..)
            | Op::JumpUnlessNotEqual(..)
            | Op::General
            // Reads whether the input is given, not its value.
            | Op::Default { .. }
            | Op::Need(..)
            | Op::Select(..)
            | Op::Compute { .. }
            | Op::StoreCondition(..)
            | Op::Fail(..)
            | Op::CheckLess(..)
            | Op::CheckLessEq(..)
            | Op::CheckEqual(..)
            | Op::CheckNotEqual(..)
            | Op::CheckGeneral(..) => None,
        }
    }
}

/// Whether an input may be lazy: it has no register, no operation of `ops`
/// reads its value, and nobody reads it once the code has run (`read_after`).
pub(crate) fn may_be_lazy(input: &Input, ops: &[Op], read_after: impl Fn(SlotId) -> bool) -> bool {
    input.reg == NO_REGISTER
        && !input.output
        && !read_after(input.slot)
        && !ops.iter().any(|op| op.value_read() == Some(input.slot))
}

/// The lazy inputs of a plan, and whether the values hold them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lazy {
    pub(crate) inputs: Vec<Input>,
    /// The values hold the inputs of the row run last, or of the row running.
    held: bool,
    /// The general path took over in the row run last.
    needed: bool,
    /// The row running has copied them.
    copied: bool,
    /// The general path has taken over in the row running.
    handed_over: bool,
}

impl Lazy {
    pub(crate) fn new(inputs: Vec<Input>) -> Lazy {
        Lazy {
            inputs,
            ..Lazy::default()
        }
    }

    /// Starts a run: true when the inputs are to be copied before the code (the
    /// general path took over in the row before); otherwise those of the row
    /// before are set to nothing.
    #[inline(always)]
    pub(crate) fn start(&mut self, values: &mut [Value]) -> bool {
        if self.inputs.is_empty() {
            return false;
        }
        self.copied = false;
        self.handed_over = false;
        if self.held && !self.needed {
            unset(&self.inputs, values);
        }
        // Until the run ends ([`Lazy::end`]): one that ends early, the whole plan
        // on the general path, puts every input in the values.
        self.held = true;
        self.needed
    }

    /// The bits (`guards.rs`) of the inputs the row leaves out.
    #[inline(always)]
    pub(crate) fn left_out(&self, inputs: &Inputs) -> u64 {
        (self.inputs.iter())
            .filter(|input| inputs.value(input.slot).is_none())
            .fold(0, |bits, input| bits | input.guard)
    }

    /// Puts the inputs in the values, once per run.
    #[inline(always)]
    pub(crate) fn copy(
        &mut self,
        program: &Program,
        inputs: &Inputs,
        constants: &[Value],
        values: &mut [Value],
        failure: &mut impl FnMut(&Program, SlotId, &mut [Value]) -> Value,
    ) {
        if self.copied || self.inputs.is_empty() {
            return;
        }
        self.copied = true;
        copy(&self.inputs, program, inputs, constants, values, failure);
    }

    /// The general path takes over (the inputs are to be copied, [`Lazy::copy`]).
    #[inline(always)]
    pub(crate) fn hand_over(&mut self) {
        self.handed_over = true;
    }

    /// Ends a run that ran its code to the end: the next copies the inputs
    /// before its code when this one handed over.
    #[inline(always)]
    pub(crate) fn end(&mut self) {
        self.held = self.copied;
        self.needed = self.handed_over;
    }
}

/// Copies the lazy inputs into the values: what the row gives, the constant
/// default when it gives nothing, or the failure of a missing input (made by
/// `failure`). An input whose default is computed by the code is left to it.
#[cold]
#[inline(never)]
fn copy(
    lazy: &[Input],
    program: &Program,
    inputs: &Inputs,
    constants: &[Value],
    values: &mut [Value],
    failure: &mut impl FnMut(&Program, SlotId, &mut [Value]) -> Value,
) {
    for input in lazy {
        let s = input.slot as usize;
        let given = match (inputs.value(input.slot), input.otherwise) {
            (Some(given), _) => given,
            (None, Otherwise::Constant(c)) => match constants.get(c as usize) {
                Some(value) => value,
                None => continue,
            },
            (None, Otherwise::Default) => continue,
            (None, Otherwise::Missing) => {
                let failure = failure(program, input.slot, values);
                if let Some(held) = values.get_mut(s) {
                    *held = failure;
                }
                continue;
            }
        };
        if let Some(held) = values.get_mut(s) {
            put(held, given);
        }
    }
}

/// Sets the lazy inputs to nothing (after a run that copied them).
#[cold]
#[inline(never)]
fn unset(lazy: &[Input], values: &mut [Value]) {
    for input in lazy {
        if let Some(held) = values.get_mut(input.slot as usize) {
            *held = Value::Unset;
        }
    }
}
