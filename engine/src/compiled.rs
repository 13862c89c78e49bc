//! A part's plan compiled once per program, run many times.
//!
//! Walking a formula tree for every figure costs several times the decimal
//! arithmetic it does (a call, a frame and a branch on the node's kind per node),
//! so a plan is compiled into the code of the register machine (`machine.rs`):
//! the inputs are read first; then, for each slot that is not a constant, in
//! the plan's order, an input's default is computed if it is not given and uses
//! other values, a number or condition the compiler knows
//! (`compile/`) is computed by operations over registers, and anything else by
//! the general evaluator, as before; then the checks. The number slots are stored
//! in the values before the general path reads them, so it can take over at any
//! point.

use dsl::program::{PartRule, Plan, Program, SlotId, SlotRule};
use dsl::types::Type;

use crate::compile::Compiler;
use crate::formula::eval;
use crate::general::compute;
use crate::guards::Guards;
use crate::machine::{CompiledPlan, Input, Op, Otherwise, NO_REGISTER, REGISTERS};
use crate::stores::Held;
use crate::value::Value;
use rust_decimal::Decimal;

/// Compiles the plan of `part`; `values` holds the plan's constants (see [`constants`]).
pub(crate) fn compile(program: &Program, part: &PartRule, values: &[Value]) -> CompiledPlan {
    let plan = &part.plan;
    let mut compiler = Compiler::new(program, &plan.order, values);
    let (mut numbers, mut copied, mut constants) = (Vec::new(), Vec::new(), Vec::new());
    let mut stores = Vec::new();
    let mut prefix = vec![0u32; program.slots.len()];
    for &slot in &plan.order {
        let definition = &program.slots[slot as usize];
        let reg = compiler.register_of(slot);
        let number = definition.ty.is_number() && reg != NO_REGISTER;
        let date = definition.ty == Type::Date && reg != NO_REGISTER;
        if (number || date) && !definition.constant {
            let held = if date { Held::Date } else { Held::Number };
            stores.push((slot, reg, held));
        }
        if let Some(p) = prefix.get_mut(slot as usize) {
            *p = stores.len() as u32;
        }
        let formula = match &definition.rule {
            _ if definition.constant => continue,
            SlotRule::Param(node) | SlotRule::Define(node) => node,
            SlotRule::Input { default } => {
                // A default that uses only constants is the same on every run: computed once.
                let constant = default
                    .as_ref()
                    .filter(|_| {
                        let uses = definition.uses.iter();
                        uses.clone().all(|&u| program.slots[u as usize].constant)
                    })
                    .and_then(|node| eval(node, values, None).ok());
                let otherwise = match (default, constant) {
                    (None, _) => Otherwise::Missing,
                    (Some(_), Some(value)) => {
                        constants.push(value);
                        Otherwise::Constant((constants.len() - 1) as u32)
                    }
                    (Some(node), None) => {
                        let at = compiler.ops.len();
                        compiler.ops.push(Op::Default { slot, skip: 0 });
                        if !compiler.slot(slot, node) {
                            compiler.ops.push(Op::Compute { slot, reg });
                        }
                        let skip = compiler.ops.len() as u32;
                        compiler.ops[at] = Op::Default { slot, skip };
                        Otherwise::Default
                    }
                };
                let input = Input {
                    slot,
                    reg,
                    otherwise,
                    output: part.outputs.contains(&slot),
                    guard: 0,
                };
                match number {
                    true => numbers.push(input),
                    false => copied.push(input),
                }
                continue;
            }
        };
        if !compiler.slot(slot, formula) && !compiler.kept_years(slot, formula) {
            compiler.ops.push(Op::Compute { slot, reg });
        }
    }
    for &check in &plan.checks {
        let rule = &program.checks[check as usize];
        // A check of every entry of a table names the entries that fail: general path.
        if rule.per_entry || !compiler.check(check, &rule.condition) {
            compiler.ops.push(Op::CheckGeneral(check));
        }
    }
    compiler.finish();
    // What is read once the code has run: the part's results, and the figures
    // the messages of its checks show. Only these are stored at the end.
    let mut read = vec![false; program.slots.len()];
    let checks = plan
        .checks
        .iter()
        .filter_map(|&c| program.checks.get(c as usize));
    let shown = checks.flat_map(|c| c.figure_uses.iter());
    for &slot in part.outputs.iter().chain(shown) {
        if let Some(r) = read.get_mut(slot as usize) {
            *r = true;
        }
    }
    let is_read = |slot: SlotId| read.get(slot as usize) == Some(&true);
    let kept = crate::stores::kept(&stores, is_read);
    let unkept = (0..stores.len() as u32)
        .filter(|&i| !is_read(stores[i as usize].0))
        .collect();
    let unsure = (part.outputs.iter().copied())
        .filter(|&o| compiler.register_of(o) == NO_REGISTER)
        .collect();
    // Each guarded input's bit, set by a run when the row leaves the input out.
    let mut guards = Guards::of(&compiler.ops);
    for input in numbers.iter_mut().chain(copied.iter_mut()) {
        input.guard = guards.bit(input.slot);
    }
    let is_input = |slot| (numbers.iter().chain(&copied)).any(|i: &Input| i.slot == slot);
    if compiler
        .ops
        .iter()
        .any(|op| matches!(*op, Op::Need(slot) if !is_input(slot)))
    {
        guards.keep_every_guard();
    }
    // The inputs nothing reads but the general path: copied only when it takes over.
    let (lazy, copied): (Vec<Input>, Vec<Input>) = (copied.into_iter())
        .partition(|input| crate::lazy::may_be_lazy(input, &compiler.ops, is_read));
    let mut registers = Box::new([Decimal::ZERO; REGISTERS]);
    for (held, start) in registers.iter_mut().zip(&compiler.registers) {
        *held = *start;
    }
    CompiledPlan {
        numbers,
        inputs: copied,
        lazy: crate::lazy::Lazy::new(lazy),
        stores,
        kept,
        unkept,
        dirty: false,
        guards,
        ops: compiler.ops,
        ends: compiler.ends,
        pool: compiler.pool,
        bounds: compiler.bounds,
        constants,
        unsure,
        registers,
        missing: Vec::new(),
        missing_before: Vec::new(),
        failures: Vec::new(),
        prefix,
    }
}

/// Computes the constants of `plan` not computed yet, in a buffer as long as the
/// program's slots: once per program, before compiling.
pub(crate) fn constants(program: &Program, plan: &Plan, values: &mut Vec<Value>) {
    if values.len() != program.slots.len() {
        values.clear();
        values.resize(program.slots.len(), Value::Unset);
    }
    crate::budget::start();
    for &slot in &plan.order {
        if program.slots[slot as usize].constant && matches!(values[slot as usize], Value::Unset) {
            compute(program, slot, values);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use dsl::NoBases;

    /// The operations that hand a slot or a check to the general path.
    fn general_ops(text: &str) -> Vec<Op> {
        let program = dsl::check("a.takst", text, &NoBases).expect("checks");
        let part = program.part("tariff").expect("a part");
        let mut values = Vec::new();
        constants(&program, &part.plan, &mut values);
        let compiled = compile(&program, part, &values);
        (compiled.ops.into_iter())
            .filter(|op| matches!(op, Op::General | Op::Compute { .. } | Op::CheckGeneral(_)))
            .collect()
    }

    #[test]
    fn formulas_of_constants_are_computed_once_when_compiling() {
        // `year_of(valid_from)` is a call the machine has no operation for; it
        // reads only the period, so it is computed once, and the check is compiled.
        let text = "agreement \"A\"\n  valid from 2025-01-01 to 2026-12-31\n\
                    reading days \"Dage\":\n  fixed \"365\"\n  calendar \"kalenderens\"\n  taken fixed \"why\"\n\
                    input year: year\ninput cost: money\n\
                    define days_used = when days is fixed then 365 days otherwise days_in_year(year)\n\
                    define per_day = cost / days_used\n\
                    check year_in_period: year >= year_of(valid_from) and year <= year_of(valid_to)\n\
                    \x20 else warning \"outside\"\n\
                    part tariff: per_day\n";
        assert_eq!(format!("{:?}", general_ops(text)), "[]");
        // A call that reads an input is still left to the general path (here
        // when the check reaches it: it is on the right of `and`).
        let reads_input = text
            .replace("input cost: money", "input cost: money\ninput start: date")
            .replace("year <= year_of(valid_to)", "year <= year_of(start)");
        assert_eq!(format!("{:?}", general_ops(&reads_input)), "[General]");
    }

    #[test]
    fn failures_of_checks_are_placed_after_the_code_and_no_jump_lands_on_a_jump() {
        let text = "agreement \"A\"\ninput a: number\ninput b: number\n\
                    define c = when a > 5 then (when b > 5 then a otherwise b) otherwise a + b\n\
                    check in_range: a > 0 and a < 10 else warning \"range\"\n\
                    check either: a == 1 or b == 1 else warning \"either\"\n\
                    part tariff: c\n";
        let program = dsl::check("a.takst", text, &NoBases).expect("checks");
        let part = program.part("tariff").expect("a part");
        let mut values = Vec::new();
        constants(&program, &part.plan, &mut values);
        let ops = compile(&program, part, &values).ops;
        let target = |op: &Op| match *op {
            Op::Jump(t) | Op::JumpUnless(_, t) | Op::JumpIf(_, t) => Some(t),
            Op::JumpUnlessLess(_, _, t) | Op::JumpUnlessLessEq(_, _, t) => Some(t),
            Op::JumpUnlessEqual(_, _, t) | Op::JumpUnlessNotEqual(_, _, t) => Some(t),
            _ => None,
        };
        for op in &ops {
            if let Some(t) = target(op) {
                assert!(
                    !matches!(ops.get(t as usize), Some(Op::Jump(_))),
                    "{op:?} in {ops:?}"
                );
            }
        }
        // The failures come after a jump to the end of the code, each followed by
        // a jump back to after its check.
        let first_fail = ops
            .iter()
            .position(|op| matches!(op, Op::Fail(_)))
            .expect("a fail");
        assert!(
            matches!(ops[first_fail - 1], Op::Jump(end) if end as usize == ops.len()),
            "{ops:?}"
        );
        // And the checks still say what they said.
        for (a, b, failed) in [
            ("3", "1", vec![]),
            ("12", "1", vec![0]),
            ("3", "2", vec![1]),
            ("0", "0", vec![0, 1]),
        ] {
            let mut inputs = crate::inputs::Inputs::new(&program);
            inputs
                .read(&program, "i.toml", &format!("a = {a}\nb = {b}\n"))
                .expect("inputs");
            let found = crate::eval::run(&program, part, &inputs)
                .expect("runs")
                .findings;
            let checks: Vec<u32> = found.iter().map(|f| f.check).collect();
            assert_eq!(checks, failed, "a = {a}, b = {b}");
        }
    }

    #[test]
    fn a_table_of_years_filtered_by_its_keys_is_compiled() {
        let text = "agreement \"A\"\ninput year: year\ninput history: percent per year\n\
                    define last_two = history where key >= year - 2 and key <= year - 1\n\
                    check stated: count(last_two) == 2 else warning \"two\"\n\
                    part tariff: last_two\n";
        assert_eq!(format!("{:?}", general_ops(text)), "[]");
        // A condition that reads the entry's value is left to the general path.
        let by_value = text.replace("key >= year - 2", "value >= 90 %");
        assert_eq!(general_ops(&by_value).len(), 1);
    }

    #[test]
    fn dates_are_compiled_as_day_numbers() {
        let text = "agreement \"A\"\ninput year: year\ninput start: date\n\
                    input in_use: date default date(year + 1, 1, 1)\n\
                    define share = max(0 days, date(year + 1, 1, 1) - in_use) / days_in_year(year)\n\
                    define late = when start > 2025-06-30 then 1 otherwise 0\n\
                    part tariff: share, late, in_use\n";
        assert_eq!(format!("{:?}", general_ops(text)), "[]");
        // A date moved by a number of days is not compiled (yet).
        let moved = text.replace(
            "then 1 otherwise 0",
            "then 1 otherwise 0\ndefine later = start + 30 days",
        );
        let moved = moved.replace("share, late, in_use", "share, late, in_use, later");
        assert_eq!(general_ops(&moved).len(), 1);
    }
}
