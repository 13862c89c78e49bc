//! The register machine a compiled plan runs on (`compiled.rs` builds its code).
//!
//! Every number and condition lives in a register (a condition as 1 or 0): 256
//! decimals, indexed by a byte, so that no read needs a bounds check. The number
//! inputs are read into their registers and the other inputs copied into the
//! values; the code is then one sequence of [`Op`]s, slot after slot in the plan's
//! order, and the checks last. A yes/no slot is stored in the values at the end of
//! its code ([`Op::StoreCondition`]); the number slots before the general path
//! reads the values (those before the slot it computes), and, when the code has
//! run, those read after it — the part's results and the figures its checks'
//! messages show (`stores.rs`). The code run is the plan's without the guards of
//! the inputs the row gives (`guards.rs`).
//!
//! The machine reports no error itself: an operation that cannot complete (a
//! zero divisor, an overflow, a choice or a rate that is not there, a form that
//! was not compiled) stops the slot's code, and the slot is computed again by the
//! general evaluator, which says what went wrong. When a slot that has a register
//! then holds no number or yes/no — it failed — the whole plan is evaluated again
//! on the general path, as it was before plans were compiled.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use dsl::program::{Plan, Program, SlotId};
use rust_decimal::Decimal;

use crate::filter::{keep_years, Bound};
use crate::general::{check_one, compute, general_step, run_checks, Finding};
use crate::guards::Guards;
use crate::inputs::Inputs;
use crate::lazy::Lazy;
use crate::operations::run_lean;
use crate::stores::{kept, store, store_kept, Held, Kept};
use crate::value::Value;

/// The index of a register: a byte, so that every index is in the register file
/// and reading a register needs no bounds check.
pub(crate) type Reg = u8;

/// How many registers a plan has.
pub(crate) const REGISTERS: usize = Reg::MAX as usize + 1;

/// A slot's register when it has none (the last register, never read).
pub(crate) const NO_REGISTER: Reg = Reg::MAX;

/// The registers of a plan.
pub(crate) type Registers = [Decimal; REGISTERS];

/// One operation; the destination register comes first.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Op {
    Add(Reg, Reg, Reg),
    Subtract(Reg, Reg, Reg),
    Multiply(Reg, Reg, Reg),
    Divide(Reg, Reg, Reg),
    Negate(Reg, Reg),
    /// The lesser of two numbers, the first when they are equal (as `min`).
    Min(Reg, Reg, Reg),
    /// The greater of two numbers, the second when they are equal (as `max`).
    Max(Reg, Reg, Reg),
    /// The days of the year in the register (as `days_in_year`); a year that is not
    /// whole is left to the general path, which says so.
    DaysInYear(Reg, Reg),
    /// The day number of the date of year, month and day (as `date(…)`); a date
    /// not in the calendar is left to the general path.
    Date(Reg, [Reg; 3]),
    /// `a > b` is compiled as `b < a`, and `a >= b` as `b <= a`.
    Less(Reg, Reg, Reg),
    LessEq(Reg, Reg, Reg),
    Equal(Reg, Reg, Reg),
    NotEqual(Reg, Reg, Reg),
    Not(Reg, Reg),
    Copy(Reg, Reg),
    /// Continue at the operation given when the register is false (0).
    JumpUnless(Reg, u32),
    /// Continue at the operation given when the register is true (not 0).
    JumpIf(Reg, u32),
    Jump(u32),
    /// Continue at `to` unless the choice in `slot` is one of the `count`
    /// variants of the pool from `from` (none of them, when `negated`).
    JumpUnlessIs {
        slot: SlotId,
        from: u32,
        to: u32,
        count: u8,
        negated: bool,
    },
    /// Continue at `to` unless the table in `table` has an entry for the year in the register.
    JumpUnlessHas {
        table: SlotId,
        year: Reg,
        to: u32,
    },
    /// Continue at the operation given unless the comparison holds.
    JumpUnlessLess(Reg, Reg, u32),
    JumpUnlessLessEq(Reg, Reg, u32),
    JumpUnlessEqual(Reg, Reg, u32),
    JumpUnlessNotEqual(Reg, Reg, u32),
    /// True if the choice in `slot` is one of `variants` (a range of the pool), or
    /// is none of them when `negated`.
    Is {
        dst: Reg,
        slot: SlotId,
        negated: bool,
        variants: (u32, u32),
    },
    /// The number a series holds on the date of year, month and day.
    On {
        dst: Reg,
        series: SlotId,
        date: [Reg; 3],
    },
    /// True if the table in `table` has an entry for the year in the register.
    Has {
        dst: Reg,
        table: SlotId,
        year: Reg,
    },
    /// The number of the table in `table` for the year in the register.
    Index {
        dst: Reg,
        table: SlotId,
        year: Reg,
    },
    /// The table in `slot` set to the entries of the one in `table` whose years
    /// pass the `count` bounds from `from` (`filter.rs`).
    KeepYears {
        slot: SlotId,
        table: SlotId,
        from: u16,
        count: u8,
    },
    /// The number of entries of the table in `table` (as `count`).
    Count {
        dst: Reg,
        table: SlotId,
    },
    /// A form that was not compiled, in a branch not always taken: when reached,
    /// the slot is computed on the general path.
    General,
    /// An input whose default uses other values, where the default is computed:
    /// when it is given (it was copied before the code), the code of the default,
    /// which follows, is skipped up to `skip`.
    Default {
        slot: SlotId,
        skip: u32,
    },
    /// `when c then a otherwise b` of plain values: the register `a` if `c` is true, else `b`.
    Select(Reg, Reg, Reg, Reg),
    /// An input that has no default is read here: when it is not given, the slot
    /// is computed by the general evaluator (which says the input is missing).
    /// Emitted where the input is read, so that an input missing in a branch not
    /// taken costs nothing.
    Need(SlotId),
    /// A slot computed by the general evaluator.
    Compute {
        slot: SlotId,
        reg: Reg,
    },
    /// The end of a yes/no slot's code: its register is stored in the values.
    StoreCondition(SlotId, Reg),
    /// The check does not hold (its code jumps here when it does not).
    Fail(u32),
    /// A check that is a comparison of two registers (`>` and `>=` with them swapped).
    CheckLess(u32, Reg, Reg),
    CheckLessEq(u32, Reg, Reg),
    CheckEqual(u32, Reg, Reg),
    CheckNotEqual(u32, Reg, Reg),
    /// A check evaluated by the general evaluator.
    CheckGeneral(u32),
}

/// What a piece of code computes: a slot (into a register), or a check.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ending {
    Slot(SlotId, Reg),
    Check(u32),
}

/// An input of the plan, copied into the values (and its register) before the code runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Input {
    pub(crate) slot: SlotId,
    pub(crate) reg: Reg,
    pub(crate) otherwise: Otherwise,
    /// One of the part's results: when it is missing, the part fails.
    pub(crate) output: bool,
    /// Its bit in the sets of guarded inputs a row leaves out (`guards.rs`); 0
    /// when no guard names it.
    pub(crate) guard: u64,
}

/// What an input holds when it is not given.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Otherwise {
    /// A default that uses nothing, computed once: one of the constants.
    Constant(u32),
    /// A default computed where the input comes in the plan ([`Op::Default`]).
    Default,
    /// Nothing: the general path says the input is missing.
    Missing,
}

/// A plan compiled for one program: its code, and the registers it runs on.
#[derive(Debug, Clone)]
pub(crate) struct CompiledPlan {
    /// The inputs that are numbers: read into their registers only.
    pub(crate) numbers: Vec<Input>,
    /// The other inputs: copied into the values (a yes/no also into its register).
    pub(crate) inputs: Vec<Input>,
    /// The inputs copied into the values only when the general path takes over
    /// (`lazy.rs`): read by no operation, and by nobody after the run.
    pub(crate) lazy: Lazy,
    /// Every number and date slot of the plan that has a register, inputs
    /// included: its register is stored in the values when the code has run, and
    /// before the general path reads them.
    pub(crate) stores: Vec<(SlotId, Reg, Held)>,
    /// The stores read once the code has run (the part's results, the figures
    /// the checks' messages show), in order: only these are stored at the end
    /// of a run.
    pub(crate) kept: Vec<Kept>,
    /// The other stores: their slots are set to nothing before a run when the
    /// run before stored them ([`CompiledPlan::dirty`]), so that no value of an
    /// earlier row is ever read as this row's.
    pub(crate) unkept: Vec<u32>,
    /// True when the last run stored more than `kept`: a slot went to the
    /// general path, or the whole plan did. (The inputs it missed, which hold
    /// their failures, are set to nothing at the start of the next run too.)
    pub(crate) dirty: bool,
    pub(crate) ops: Vec<Op>,
    /// Where the code of each slot and check ends, in order: when an operation
    /// cannot complete, what the general path computes instead, and where to go on.
    pub(crate) ends: Vec<(u32, Ending)>,
    /// The code without the guards of the inputs a row gives, per set left out.
    pub(crate) guards: Guards,
    /// The variants of `is` tests.
    pub(crate) pool: Vec<u32>,
    /// The bounds of tables filtered by their years.
    pub(crate) bounds: Vec<Bound>,
    pub(crate) constants: Vec<Value>,
    /// The part's results that have no register: they may have failed, even when
    /// the machine ran to the end.
    pub(crate) unsure: Vec<SlotId>,
    pub(crate) registers: Box<Registers>,
    /// The inputs missing in this run (not given, no default), each with its
    /// failure's place in `failures`: their registers hold nothing, and
    /// [`Op::Need`] guards every read.
    pub(crate) missing: Vec<(SlotId, usize)>,
    /// Those of the run before: set to nothing unless missing again.
    pub(crate) missing_before: Vec<(SlotId, usize)>,
    /// The failure of each input that has been missing, computed once: it is the
    /// same on every run.
    pub(crate) failures: Vec<(SlotId, Value)>,
    /// For each slot, how many of `stores` come before it in the plan (or with it).
    pub(crate) prefix: Vec<u32>,
}

/// A date as a register value: its day counted from 1 January of year 1, so that
/// the difference of two is the days between them, and their order is theirs.
pub(crate) fn day_number(date: NaiveDate) -> Decimal {
    Decimal::from(date.num_days_from_ce())
}

/// A condition as a register value.
#[inline]
pub(crate) fn flag(b: bool) -> Decimal {
    if b {
        Decimal::ONE
    } else {
        Decimal::ZERO
    }
}

impl CompiledPlan {
    /// Stores every figure at the end of a run, not only the results and the
    /// figures the checks show: for an evaluation that is explained figure by figure.
    pub(crate) fn keep_every_figure(&mut self) {
        self.kept = kept(&self.stores, |_| true);
        self.unkept.clear();
        self.inputs.append(&mut self.lazy.inputs);
    }

    /// Runs the code into `values` (which holds the plan's constants); the checks
    /// that do not hold, and whether the machine ran to the end — then every slot
    /// that has a register holds a number or a yes/no, none has failed.
    pub(crate) fn run(
        &mut self,
        program: &Program,
        plan: &Plan,
        inputs: &Inputs,
        values: &mut [Value],
    ) -> (Vec<Finding>, bool) {
        let CompiledPlan {
            numbers,
            inputs: copied,
            lazy,
            stores,
            ops,
            ends,
            pool,
            bounds,
            constants,
            registers: r,
            missing,
            missing_before,
            failures,
            prefix,
            kept,
            unkept,
            dirty,
            guards,
            ..
        } = self;
        let mut stored = 0;
        let r: &mut Registers = r;
        crate::budget::start();
        // Only the kept slots are stored at the end of a run: a slot the run
        // before stored besides them, or an input it missed, is set to nothing,
        // never left holding a figure of the row before.
        if *dirty {
            for &i in unkept.iter() {
                if let Some(value) = stores
                    .get(i as usize)
                    .and_then(|s| values.get_mut(s.0 as usize))
                {
                    *value = Value::Unset;
                }
            }
        }
        // The lazy inputs of the row before are not this row's.
        let copy_lazy = lazy.start(values);
        std::mem::swap(missing, missing_before);
        missing.clear();
        // Until the run ends having stored only the kept slots.
        *dirty = true;
        // The guarded inputs this row leaves out, as their bits.
        let mut left_out = 0u64;
        for input in numbers.iter() {
            let value = inputs.value(input.slot);
            if value.is_none() {
                left_out |= input.guard;
            }
            let given = match (value, input.otherwise) {
                (Some(Value::Number(n)), _) => *n,
                (None, Otherwise::Constant(c)) => match constants.get(c as usize) {
                    Some(Value::Number(n)) => *n,
                    _ => return (general(program, plan, inputs, values), false),
                },
                (None, Otherwise::Default) => continue,
                // Missing: an error only where it is read (`Op::Need`).
                // (Its failure is put in the values where the registers are stored.)
                (None, Otherwise::Missing) if !input.output => {
                    let failure = failure(program, input.slot, values, failures);
                    missing.push((input.slot, failure));
                    continue;
                }
                // Not a number: the general path says what is wrong.
                _ => return (general(program, plan, inputs, values), false),
            };
            r[input.reg as usize] = given;
        }
        left_out |= lazy.left_out(inputs);
        for input in copied.iter() {
            let s = input.slot as usize;
            let value = inputs.value(input.slot);
            if value.is_none() {
                left_out |= input.guard;
            }
            let given = match (value, input.otherwise) {
                (Some(given), _) => given,
                (None, Otherwise::Constant(c)) => match constants.get(c as usize) {
                    Some(value) => value,
                    None => continue,
                },
                (None, Otherwise::Default) => continue,
                (None, Otherwise::Missing) => {
                    let at = failure(program, input.slot, values, failures);
                    let Some((_, failure)) = failures.get(at) else {
                        return (general(program, plan, inputs, values), false);
                    };
                    put(&mut values[s], failure);
                    if !load(r, input.reg, failure) {
                        if input.output {
                            return (general(program, plan, inputs, values), false);
                        }
                        missing.push((input.slot, at));
                    }
                    continue;
                }
            };
            if !take(r, input.reg, values, s, given) {
                return (general(program, plan, inputs, values), false);
            }
        }
        // The lazy inputs are put in the values (once per run) when the general
        // path takes over, or before the code when it took over in the row before.
        macro_rules! copy_lazy {
            () => {
                let failure = &mut |p: &Program, s, v: &mut [Value]| failure_of(p, s, v, failures);
                lazy.copy(program, inputs, constants, values, failure);
            };
        }
        // The general path takes over: what it reads is put in the values — the
        // lazy inputs, and the registers of the slots before `upto` stores.
        macro_rules! hand_over {
            ($upto:expr) => {
                lazy.hand_over();
                copy_lazy!();
                store(stores, r, values, (missing, failures), &mut stored, $upto);
            };
        }
        // How many stores come before `slot` in the plan (or with it).
        let before =
            |slot: SlotId| (prefix.get(slot as usize)).map_or(stores.len(), |&p| p as usize);
        // An input missing in the row before but not in this one holds nothing
        // until it is stored (or for good, when it is not kept).
        for &(slot, _) in missing_before.iter() {
            if !missing.iter().any(|&(s, _)| s == slot) {
                if let Some(value) = values.get_mut(slot as usize) {
                    *value = Value::Unset;
                }
            }
        }
        if copy_lazy {
            copy_lazy!();
        }
        let mut findings = Vec::new();
        // The guards of the inputs this row gives do nothing: code without them.
        let (ops, ends): (&[Op], &[(u32, Ending)]) = match guards.code(ops, ends, left_out) {
            Some(code) => (&code.ops, &code.ends),
            None => (ops, ends),
        };
        let mut pc = 0;
        loop {
            // Every operation but those the general path's state is needed for, in
            // a loop of its own (few values live: cheap to dispatch).
            let (at, failed) = run_lean(ops, pc, r, values, pool, inputs, &mut findings);
            let Some(op) = ops.get(at) else {
                break;
            };
            pc = at + 1;
            let done = !failed
                && match *op {
                    Op::KeepYears {
                        slot,
                        table,
                        from,
                        count,
                    } => {
                        let bounds = bounds.get(from as usize..from as usize + count as usize);
                        bounds.is_some_and(|b| keep_years(r, values, slot, table, b))
                    }
                    Op::Compute { slot, reg } => {
                        hand_over!(before(slot));
                        compute(program, slot, values);
                        if !load(r, reg, &values[slot as usize]) {
                            return (general(program, plan, inputs, values), false);
                        }
                        true
                    }
                    Op::CheckGeneral(check) => {
                        hand_over!(stores.len());
                        check_one(program, check, values, &mut findings);
                        true
                    }
                    // Run by `run_lean`, which stopped at it: it could not complete.
                    _ => false,
                };
            if done {
                continue;
            }
            // The rest of this slot's (or check's) code is skipped: the general
            // path computes it.
            let at = (pc - 1) as u32;
            let Some(&(end, ending)) = ends.get(ends.partition_point(|(end, _)| *end <= at)) else {
                break;
            };
            pc = end as usize;
            hand_over!(match ending {
                Ending::Slot(slot, _) => before(slot),
                Ending::Check(_) => stores.len(),
            });
            match ending {
                Ending::Slot(slot, reg) => {
                    compute(program, slot, values);
                    if !load(r, reg, &values[slot as usize]) {
                        return (general(program, plan, inputs, values), false);
                    }
                }
                Ending::Check(check) => check_one(program, check, values, &mut findings),
            }
        }
        // Nothing stored before the end: the slots not kept still hold nothing.
        *dirty = stored > 0;
        lazy.end();
        store_kept(kept, r, values, (missing, failures), stored);
        (findings, true)
    }
}

/// The whole plan on the general path, once a value has failed: the slots (but
/// constants) in order, then the checks.
#[cold]
fn general(program: &Program, plan: &Plan, inputs: &Inputs, values: &mut [Value]) -> Vec<Finding> {
    for &slot in &plan.order {
        if !program.slots[slot as usize].constant {
            general_step(program, slot, inputs, values);
        }
    }
    run_checks(program, plan, values)
}

/// What an input that is not given and has no default holds: its failure (the
/// input is missing), computed the first time and kept, as it is the same on
/// every run — making it again would allocate a message per offer. Its place
/// in `failures`.
fn failure(
    program: &Program,
    slot: SlotId,
    values: &mut [Value],
    failures: &mut Vec<(SlotId, Value)>,
) -> usize {
    if let Some(at) = failures.iter().position(|(s, _)| *s == slot) {
        return at;
    }
    compute(program, slot, values);
    let failure = values.get(slot as usize).cloned().unwrap_or_default();
    failures.push((slot, failure));
    failures.len() - 1
}

/// [`failure`], the value itself (for a lazy input, copied when the general path takes over).
fn failure_of(
    program: &Program,
    slot: SlotId,
    values: &mut [Value],
    failures: &mut Vec<(SlotId, Value)>,
) -> Value {
    let at = failure(program, slot, values, failures);
    failures.get(at).map(|(_, f)| f.clone()).unwrap_or_default()
}

/// Puts a slot's number or yes/no in its register, if it has one; false if it
/// has one and holds neither (it failed).
fn load(r: &mut Registers, reg: Reg, value: &Value) -> bool {
    if reg == NO_REGISTER {
        return true;
    }
    let held = &mut r[reg as usize];
    match value {
        Value::Number(n) => *held = *n,
        Value::Bool(b) => *held = flag(*b),
        Value::Date(d) => *held = day_number(*d),
        _ => return false,
    }
    true
}

/// Sets slot `s` to a given value, and its register; as [`load`].
#[inline(always)]
fn take(r: &mut Registers, reg: Reg, values: &mut [Value], s: usize, given: &Value) -> bool {
    let Some(held) = values.get_mut(s) else {
        return false;
    };
    match (held, given) {
        (Value::Number(h), Value::Number(g)) => {
            *h = *g;
            r[reg as usize] = *g;
            return true;
        }
        (held, given) => put(held, given),
    }
    load(r, reg, &values[s])
}

/// Sets a value to a given one. A table or series already there (the same
/// one) is kept, not copied again.
#[inline(always)]
pub(crate) fn put(held: &mut Value, given: &Value) {
    match (held, given) {
        (Value::Number(h), Value::Number(g)) => *h = *g,
        (Value::Bool(h), Value::Bool(g)) => *h = *g,
        (Value::Choice(h), Value::Choice(g)) => *h = *g,
        (Value::Table(h), Value::Table(g)) if Arc::ptr_eq(h, g) => {}
        (Value::Series(h), Value::Series(g)) if Arc::ptr_eq(h, g) => {}
        // The same failure on every row (a gathered input of a row without a group).
        (Value::Failed(h), Value::Failed(g)) if Arc::ptr_eq(h, g) => {}
        (Value::Text(h), Value::Text(g)) if Arc::ptr_eq(h, g) => {}
        // The table of the row before, held by nothing else now, is read into again.
        (held, given) => crate::spare::give_back(std::mem::replace(held, given.clone())),
    }
}
