//! Compiling formulas to operations of the register machine (`machine.rs`).
//!
//! Numbers and conditions — arithmetic, comparisons, `when`, `is`, `and`, `or`,
//! `not`, a series read on `date(…)`, a table's entry for a year and `has` — become
//! [`Op`]s over registers. Each slot of the plan that holds a number or a yes/no
//! has a register, in the plan's order (a slot defined as another shares that
//! one's); literals and intermediate results get registers after those. When the
//! 256 registers are taken, what is left is computed by the general evaluator. A
//! `when`'s arm and a check jump on their condition directly
//! (`conditions.rs`). A formula with any other
//! form (a call, a date, a table) is not compiled, and the general evaluator
//! computes it — unless that form is in a branch not always taken: there it
//! becomes [`Op::General`], which hands the slot to the general evaluator only
//! when the branch is taken.

use dsl::builtins::Builtin;
use dsl::program::{BinaryOp, Node, NodeKind, Program, SlotId, SlotRule, UnaryOp};
use dsl::types::Type;
use rust_decimal::Decimal;

use crate::filter::Bound;
use crate::machine::{day_number, flag, Ending, Op, Reg, NO_REGISTER};
use crate::value::Value;

mod conditions;
mod constants;
mod tables;

use conditions::Compare;

/// Operations and registers being built for one plan.
pub(crate) struct Compiler<'p> {
    program: &'p Program,
    /// The register of each slot of the plan that holds a number or a yes/no, in
    /// the plan's order while registers last; [`NO_REGISTER`] for the others.
    pub(crate) slot_registers: Vec<Reg>,
    pub(crate) ops: Vec<Op>,
    /// The variants of `is` tests.
    pub(crate) pool: Vec<u32>,
    /// The bounds of tables filtered by their years ([`Op::KeepYears`]).
    pub(crate) bounds: Vec<Bound>,
    /// The registers' starting values: constants as computed, literals, 0 elsewhere.
    pub(crate) registers: Vec<Decimal>,
    /// Where the code of each slot and check ends, in order.
    pub(crate) ends: Vec<(u32, Ending)>,
    /// How deep inside branches not always taken the formula being compiled is.
    guarded: u32,
    /// The inputs that may be missing (no default): each read is guarded ([`Op::Need`]).
    may_be_missing: Vec<bool>,
    /// The values of the plan's constants, computed before compiling.
    values: &'p [Value],
    /// The checks that fail by jumping: where their jumps are, and where their
    /// code ends. Their failures are placed after all the code ([`Compiler::finish`]),
    /// so that a check that holds runs on without a jump over its failure.
    failures: Vec<(Vec<usize>, u32, u32)>,
}

impl<'p> Compiler<'p> {
    /// A compiler for the plan `order`, whose constants are already in `values`.
    pub(crate) fn new(program: &'p Program, order: &[SlotId], values: &'p [Value]) -> Compiler<'p> {
        let mut registers = Vec::new();
        let mut slot_registers = vec![NO_REGISTER; program.slots.len()];
        for &slot in order {
            let s = slot as usize;
            let definition = &program.slots[s];
            if !(definition.ty.is_number() || matches!(definition.ty, Type::Bool | Type::Date)) {
                continue;
            }
            // A slot defined as another (`overhead_base = cost`) shares its register.
            if let (SlotRule::Define(node) | SlotRule::Param(node), false) =
                (&definition.rule, definition.constant)
            {
                if let NodeKind::Slot(other) = node.kind {
                    let shared = slot_registers[other as usize];
                    if shared != NO_REGISTER {
                        slot_registers[s] = shared;
                        continue;
                    }
                }
            }
            let start = match values.get(s) {
                _ if !definition.constant => Decimal::ZERO,
                Some(Value::Number(n)) => *n,
                Some(Value::Bool(b)) => flag(*b),
                Some(Value::Date(d)) => day_number(*d),
                _ => continue,
            };
            // Past the last register, a slot is computed on the general path.
            if registers.len() < NO_REGISTER as usize {
                slot_registers[s] = registers.len() as Reg;
                registers.push(start);
            }
        }
        let may_be_missing = (program.slots.iter())
            .map(|s| matches!(s.rule, SlotRule::Input { default: None }))
            .collect();
        Compiler {
            program,
            slot_registers,
            ops: Vec::new(),
            pool: Vec::new(),
            bounds: Vec::new(),
            registers,
            ends: Vec::new(),
            guarded: 0,
            may_be_missing,
            values,
            failures: Vec::new(),
        }
    }

    /// The register of a slot, or [`NO_REGISTER`].
    pub(crate) fn register_of(&self, slot: SlotId) -> Reg {
        self.slot_registers
            .get(slot as usize)
            .copied()
            .unwrap_or(NO_REGISTER)
    }

    /// Compiles `node` into the code of `slot`, leaving its value in the slot's
    /// register. False, with nothing emitted, if it has a form not compiled.
    pub(crate) fn slot(&mut self, slot: SlotId, node: &Node) -> bool {
        let (start, registers, pool) = (self.ops.len(), self.registers.len(), self.pool.len());
        let reg = self.register_of(slot);
        let condition = self.program.slots[slot as usize].ty == Type::Bool;
        let result = match reg {
            NO_REGISTER => None,
            _ if condition => self.condition(node, Some(reg)),
            _ => self.number(node, Some(reg)),
        };
        let Some(result) = result else {
            self.ops.truncate(start);
            self.registers.truncate(registers);
            self.pool.truncate(pool);
            return false;
        };
        if result != reg {
            self.ops.push(Op::Copy(reg, result));
        }
        if condition {
            self.ops.push(Op::StoreCondition(slot, reg));
        }
        self.ends
            .push((self.ops.len() as u32, Ending::Slot(slot, reg)));
        true
    }

    /// Compiles a check's condition, ending with the test of it; false, with
    /// nothing emitted, if it has a form not compiled.
    pub(crate) fn check(&mut self, check: u32, node: &Node) -> bool {
        let start = self.ops.len();
        if let NodeKind::Numeric(op, a, b) = &node.kind {
            // A comparison is tested as it is computed.
            let Some((compare, x, y)) = self.compared(*op, a, b) else {
                self.ops.truncate(start);
                return false;
            };
            self.ops.push(match compare {
                Compare::Less => Op::CheckLess(check, x, y),
                Compare::LessEq => Op::CheckLessEq(check, x, y),
                Compare::Equal => Op::CheckEqual(check, x, y),
                Compare::NotEqual => Op::CheckNotEqual(check, x, y),
            });
            self.ends
                .push((self.ops.len() as u32, Ending::Check(check)));
            return true;
        }
        // Any other condition jumps to the failure when it does not hold.
        let mut fails = Vec::new();
        if self.jump(node, false, &mut fails).is_none() {
            self.ops.truncate(start);
            return false;
        }
        let end = self.ops.len() as u32;
        self.failures.push((fails, check, end));
        self.ends.push((end, Ending::Check(check)));
        true
    }

    /// Ends the code: the failures of the checks that jump to them, each going on
    /// after its check's code, placed after the end of the code (a jump to the end
    /// stops the run before them); every jump to a jump goes where that one goes.
    pub(crate) fn finish(&mut self) {
        if !self.failures.is_empty() {
            let stop = self.emit(Op::Jump(0));
            for (fails, check, end) in std::mem::take(&mut self.failures) {
                let failed = self.ops.len() as u32;
                for at in fails {
                    self.patch(at, failed);
                }
                self.emit(Op::Fail(check));
                self.emit(Op::Jump(end));
            }
            let end = self.ops.len() as u32;
            self.patch(stop, end);
        }
        // A jump onto a jump goes straight to where that one goes (a chain of
        // `when` arms ending where another ends); at most as many steps as
        // there are operations, so a loop of jumps (never made) cannot hang.
        let ops = &self.ops;
        let through = |mut to: u32| {
            for _ in 0..ops.len() {
                match ops.get(to as usize) {
                    Some(Op::Jump(next)) if *next != to => to = *next,
                    _ => break,
                }
            }
            to
        };
        let threaded: Vec<Op> = ops.iter().map(|&op| op.moved(&through)).collect();
        self.ops = threaded;
    }

    /// A new register holding `value`; none when all are taken (the formula is
    /// then computed on the general path).
    fn register(&mut self, value: Decimal) -> Option<Reg> {
        let reg = Reg::try_from(self.registers.len()).ok()?;
        if reg == NO_REGISTER {
            return None;
        }
        self.registers.push(value);
        Some(reg)
    }

    fn emit(&mut self, op: Op) -> usize {
        self.ops.push(op);
        self.ops.len() - 1
    }

    /// The register of a slot read by a formula, after a guard if it is an input
    /// that may be missing.
    fn read(&mut self, slot: SlotId) -> Option<Reg> {
        let reg = Some(self.register_of(slot)).filter(|&r| r != NO_REGISTER)?;
        if self.may_be_missing.get(slot as usize) == Some(&true) {
            self.emit(Op::Need(slot));
        }
        Some(reg)
    }

    /// True for a value that is in a register without any operation: a literal, or
    /// a slot that is never missing.
    fn plain(&self, node: &Node) -> bool {
        match node.kind {
            NodeKind::Number(_) | NodeKind::Bool(_) => true,
            NodeKind::Slot(slot) => self.may_be_missing.get(slot as usize) != Some(&true),
            _ => false,
        }
    }

    /// True for a date the machine computes as its day number: a literal, a date
    /// slot, `date(…)`.
    fn is_date(&self, node: &Node) -> bool {
        match &node.kind {
            NodeKind::Date(_) | NodeKind::Call(Builtin::Date, _) => true,
            NodeKind::Slot(slot) => {
                (self.program.slots.get(*slot as usize)).is_some_and(|d| d.ty == Type::Date)
            }
            _ => false,
        }
    }

    /// True for a comparison of two numbers, or of two dates (by their day numbers).
    fn compares_numbers(&self, node: &Node) -> bool {
        match &node.kind {
            NodeKind::Numeric(..) => true,
            NodeKind::Binary(_, a, b) => self.is_date(a) && self.is_date(b),
            _ => false,
        }
    }

    /// The register for a result: the one asked for, or a new one.
    fn target(&mut self, into: Option<Reg>) -> Option<Reg> {
        into.or_else(|| self.register(Decimal::ZERO))
    }

    /// The register holding a number node's value (`into`, when the node is an
    /// operation), after the operations computing it.
    fn number(&mut self, node: &Node, into: Option<Reg>) -> Option<Reg> {
        match self.folded(node) {
            Some(Value::Number(n)) => return self.register(n),
            Some(Value::Date(d)) => return self.register(day_number(d)),
            _ => {}
        }
        match &node.kind {
            NodeKind::Number(n) => self.register(*n),
            // A date is its day number (`machine::day_number`).
            NodeKind::Date(d) => self.register(day_number(*d)),
            NodeKind::Call(Builtin::Date, args) => {
                let Ok(date) = <&[Node; 3]>::try_from(args.as_slice()) else {
                    return self.general(into);
                };
                let date = self.date(date)?;
                let dst = self.target(into)?;
                self.emit(Op::Date(dst, date));
                Some(dst)
            }
            // The days between two dates: the difference of their day numbers.
            NodeKind::Binary(BinaryOp::Subtract, a, b) if self.is_date(a) && self.is_date(b) => {
                let (x, y) = (self.number(a, None)?, self.number(b, None)?);
                let dst = self.target(into)?;
                self.emit(Op::Subtract(dst, x, y));
                Some(dst)
            }
            NodeKind::Slot(slot) => self.read(*slot),
            NodeKind::Numeric(op, a, b) => {
                let (x, y) = (self.number(a, None)?, self.number(b, None)?);
                let dst = self.target(into)?;
                self.emit(match op {
                    BinaryOp::Add => Op::Add(dst, x, y),
                    BinaryOp::Subtract => Op::Subtract(dst, x, y),
                    BinaryOp::Multiply => Op::Multiply(dst, x, y),
                    BinaryOp::Divide => Op::Divide(dst, x, y),
                    _ => return None,
                });
                Some(dst)
            }
            NodeKind::Unary(UnaryOp::Negate, inner) => {
                let x = self.number(inner, None)?;
                let dst = self.target(into)?;
                self.emit(Op::Negate(dst, x));
                Some(dst)
            }
            NodeKind::When { arms, otherwise } => self.when(arms, otherwise, into, Self::number),
            NodeKind::Index(table, year) => {
                let NodeKind::Slot(table) = table.kind else {
                    return self.general(into);
                };
                let year = self.number(year, None)?;
                let dst = self.target(into)?;
                self.emit(Op::Index { dst, table, year });
                Some(dst)
            }
            NodeKind::Call(builtin @ (Builtin::Min | Builtin::Max), args) if args.len() > 1 => {
                // Of numbers only: a table or a date has no register, and is not compiled.
                let mut best = self.number(&args[0], None)?;
                for arg in &args[1..] {
                    let x = self.number(arg, None)?;
                    let dst = self.register(Decimal::ZERO)?;
                    self.emit(match builtin {
                        Builtin::Min => Op::Min(dst, best, x),
                        _ => Op::Max(dst, best, x),
                    });
                    best = dst;
                }
                Some(best)
            }
            NodeKind::Call(Builtin::Count, args) => {
                let [table] = args.as_slice() else {
                    return self.general(into);
                };
                let NodeKind::Slot(table) = table.kind else {
                    return self.general(into);
                };
                let is_table = matches!(
                    self.program.slots.get(table as usize).map(|d| &d.ty),
                    Some(Type::Table { .. })
                );
                if !is_table {
                    return self.general(into);
                }
                if self.may_be_missing.get(table as usize) == Some(&true) {
                    self.emit(Op::Need(table));
                }
                let dst = self.target(into)?;
                self.emit(Op::Count { dst, table });
                Some(dst)
            }
            NodeKind::Call(Builtin::DaysInYear, args) => {
                let [year] = args.as_slice() else {
                    return self.general(into);
                };
                let year = self.number(year, None)?;
                let dst = self.target(into)?;
                self.emit(Op::DaysInYear(dst, year));
                Some(dst)
            }
            NodeKind::On(series, day) => {
                let (NodeKind::Slot(series), NodeKind::Call(Builtin::Date, args)) =
                    (&series.kind, &day.kind)
                else {
                    return self.general(into);
                };
                let Ok(date) = <&[Node; 3]>::try_from(args.as_slice()) else {
                    return self.general(into);
                };
                let date = self.date(date)?;
                let dst = self.target(into)?;
                self.emit(Op::On {
                    dst,
                    series: *series,
                    date,
                });
                Some(dst)
            }
            _ => self.general(into),
        }
    }

    /// The registers of the year, month and day of `date(y, m, d)`, after the
    /// operations computing them.
    fn date(&mut self, [y, m, d]: &[Node; 3]) -> Option<[Reg; 3]> {
        Some([
            self.number(y, None)?,
            self.number(m, None)?,
            self.number(d, None)?,
        ])
    }

    /// A form not compiled: in a branch not always taken, an operation handing the
    /// slot to the general evaluator; elsewhere, the formula is not compiled.
    fn general(&mut self, into: Option<Reg>) -> Option<Reg> {
        if self.guarded == 0 {
            return None;
        }
        self.emit(Op::General);
        self.target(into)
    }
}
