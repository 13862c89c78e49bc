//! Compiling conditions: a yes/no into a register, or, where a `when`'s arm or a
//! check branches on it, straight into jumps — an `is`, a comparison or `has`
//! tests and jumps in one operation, and `and`, `or` and `not` are jumps over
//! such tests.

use dsl::builtins::Builtin;
use dsl::program::{BinaryOp, Node, NodeKind, UnaryOp};

use super::Compiler;
use crate::machine::{flag, Op, Reg};
use crate::value::Value;

impl Compiler<'_> {
    /// The register holding a condition's value, 1 or 0 (`into`, when the node is
    /// an operation), after the operations computing it.
    pub(super) fn condition(&mut self, node: &Node, into: Option<Reg>) -> Option<Reg> {
        if let Some(Value::Bool(b)) = self.folded(node) {
            return self.register(flag(b));
        }
        match &node.kind {
            NodeKind::Bool(b) => self.register(flag(*b)),
            NodeKind::Slot(slot) => self.read(*slot),
            NodeKind::Numeric(op, a, b) | NodeKind::Binary(op, a, b)
                if self.compares_numbers(node) =>
            {
                let (compare, x, y) = self.compared(*op, a, b)?;
                let dst = self.target(into)?;
                self.emit(match compare {
                    Compare::Less => Op::Less(dst, x, y),
                    Compare::LessEq => Op::LessEq(dst, x, y),
                    Compare::Equal => Op::Equal(dst, x, y),
                    Compare::NotEqual => Op::NotEqual(dst, x, y),
                });
                Some(dst)
            }
            NodeKind::Is {
                subject,
                negated,
                variants,
            } => {
                let NodeKind::Slot(slot) = subject.kind else {
                    return self.general(into);
                };
                let from = self.pool.len() as u32;
                self.pool.extend_from_slice(variants);
                let dst = self.target(into)?;
                self.emit(Op::Is {
                    dst,
                    slot,
                    negated: *negated,
                    variants: (from, self.pool.len() as u32),
                });
                Some(dst)
            }
            NodeKind::Call(Builtin::Has, args) => {
                let [table, year] = args.as_slice() else {
                    return self.general(into);
                };
                let NodeKind::Slot(table) = &table.kind else {
                    return self.general(into);
                };
                let year = self.number(year, None)?;
                let dst = self.target(into)?;
                self.emit(Op::Has {
                    dst,
                    table: *table,
                    year,
                });
                Some(dst)
            }
            NodeKind::Binary(op @ (BinaryOp::And | BinaryOp::Or), a, b) => {
                // Short-circuit, as the general path does: the right side is not
                // evaluated when the left decides.
                let dst = self.target(into)?;
                let x = self.condition(a, Some(dst))?;
                if x != dst {
                    self.emit(Op::Copy(dst, x));
                }
                let decided = self.emit(Op::Jump(0));
                self.guarded += 1;
                let y = self.condition(b, Some(dst));
                self.guarded -= 1;
                if y? != dst {
                    self.emit(Op::Copy(dst, y?));
                }
                let end = self.ops.len() as u32;
                self.ops[decided] = match op {
                    BinaryOp::And => Op::JumpUnless(dst, end),
                    _ => Op::JumpIf(dst, end),
                };
                Some(dst)
            }
            NodeKind::Unary(UnaryOp::Not, inner) => {
                let x = self.condition(inner, None)?;
                let dst = self.target(into)?;
                self.emit(Op::Not(dst, x));
                Some(dst)
            }
            NodeKind::When { arms, otherwise } => self.when(arms, otherwise, into, Self::condition),
            _ => self.general(into),
        }
    }

    /// Code that continues at a place not known yet when `node` is `when` (true
    /// or false), and goes on otherwise: the jumps to point there are added to
    /// `jumps`. An `is`, a comparison and `has` are tested by the jump itself;
    /// `and`, `or` and `not` become jumps over the tests, the right side tested
    /// only when the left does not decide.
    pub(super) fn jump(&mut self, node: &Node, when: bool, jumps: &mut Vec<usize>) -> Option<()> {
        const LATER: u32 = u32::MAX;
        // A condition of constants always jumps, or never.
        if let Some(Value::Bool(b)) = self.folded(node) {
            if b == when {
                jumps.push(self.emit(Op::Jump(LATER)));
            }
            return Some(());
        }
        let op = match &node.kind {
            NodeKind::Binary(op @ (BinaryOp::And | BinaryOp::Or), a, b) => {
                // `a and b` is false when `a` is; `a or b` is true when `a` is.
                let decides = *op == BinaryOp::Or;
                let mut decided = Vec::new();
                match when == decides {
                    // Where the left side decides is where the jump goes.
                    true => self.jump(a, decides, jumps)?,
                    // Where it decides, the right side is not tested: past it.
                    false => self.jump(a, decides, &mut decided)?,
                }
                self.guarded += 1;
                let right = self.jump(b, when, jumps);
                self.guarded -= 1;
                let here = self.ops.len() as u32;
                for at in decided {
                    self.patch(at, here);
                }
                return right;
            }
            NodeKind::Unary(UnaryOp::Not, inner) => return self.jump(inner, !when, jumps),
            NodeKind::Is {
                subject,
                negated,
                variants,
            } => match (&subject.kind, u8::try_from(variants.len())) {
                (NodeKind::Slot(slot), Ok(count)) => {
                    let from = self.pool.len() as u32;
                    self.pool.extend_from_slice(variants);
                    Op::JumpUnlessIs {
                        slot: *slot,
                        from,
                        to: LATER,
                        count,
                        negated: *negated != when,
                    }
                }
                _ => self.jump_on(node, when)?,
            },
            NodeKind::Numeric(op, a, b) | NodeKind::Binary(op, a, b)
                if Compare::of(*op).is_some() && self.compares_numbers(node) =>
            {
                let (compare, x, y) = self.compared(*op, a, b)?;
                // Jumping when a comparison holds is jumping unless its opposite does:
                // the order of decimals is total.
                let (compare, x, y) = match when {
                    true => compare.opposite(x, y),
                    false => (compare, x, y),
                };
                match compare {
                    Compare::Less => Op::JumpUnlessLess(x, y, LATER),
                    Compare::LessEq => Op::JumpUnlessLessEq(x, y, LATER),
                    Compare::Equal => Op::JumpUnlessEqual(x, y, LATER),
                    Compare::NotEqual => Op::JumpUnlessNotEqual(x, y, LATER),
                }
            }
            NodeKind::Call(Builtin::Has, args) if !when => match args.as_slice() {
                [table, year] => match table.kind {
                    NodeKind::Slot(table) => Op::JumpUnlessHas {
                        table,
                        year: self.number(year, None)?,
                        to: LATER,
                    },
                    _ => self.jump_on(node, when)?,
                },
                _ => self.jump_on(node, when)?,
            },
            _ => self.jump_on(node, when)?,
        };
        jumps.push(self.emit(op));
        Some(())
    }

    /// The comparison `op` of `a` and `b` as the machine tests it, after the
    /// operations computing both: `a > b` is `b < a`. None for other operators.
    pub(super) fn compared(
        &mut self,
        op: BinaryOp,
        a: &Node,
        b: &Node,
    ) -> Option<(Compare, Reg, Reg)> {
        let (compare, swapped) = Compare::of(op)?;
        let (x, y) = (self.number(a, None)?, self.number(b, None)?);
        Some(match swapped {
            true => (compare, y, x),
            false => (compare, x, y),
        })
    }

    /// A jump on a condition computed into a register.
    fn jump_on(&mut self, node: &Node, when: bool) -> Option<Op> {
        let c = self.condition(node, None)?;
        Some(match when {
            true => Op::JumpIf(c, u32::MAX),
            false => Op::JumpUnless(c, u32::MAX),
        })
    }

    /// Points the jump at `at` to `to`.
    pub(super) fn patch(&mut self, at: usize, to: u32) {
        if let Some(op) = self.ops.get_mut(at) {
            *op = op.moved(&|_| to);
        }
    }

    /// `when … then … otherwise …`: each arm's condition, then its value or a jump to the next.
    pub(super) fn when(
        &mut self,
        arms: &[(Node, Node)],
        otherwise: &Node,
        into: Option<Reg>,
        value: fn(&mut Self, &Node, Option<Reg>) -> Option<Reg>,
    ) -> Option<Reg> {
        if let [(condition, then)] = arms {
            if self.plain(then) && self.plain(otherwise) {
                // Both values are at hand: choosing one is a single operation.
                let c = self.condition(condition, None)?;
                let (a, b) = (value(self, then, None)?, value(self, otherwise, None)?);
                let dst = self.target(into)?;
                self.emit(Op::Select(dst, c, a, b));
                return Some(dst);
            }
        }
        let dst = self.target(into)?;
        let mut ends = Vec::with_capacity(arms.len());
        let guarded = self.guarded;
        for (condition, then) in arms {
            let mut skips = Vec::new();
            let c = self.jump(condition, false, &mut skips);
            // Everything after the first condition is reached only on some runs.
            self.guarded = guarded + 1;
            let v = c.and_then(|_| value(self, then, Some(dst)));
            let (Some(()), Some(v)) = (c, v) else {
                self.guarded = guarded;
                return None;
            };
            if v != dst {
                self.emit(Op::Copy(dst, v));
            }
            ends.push(self.emit(Op::Jump(0)));
            let next = self.ops.len() as u32;
            for at in skips {
                self.patch(at, next);
            }
        }
        let v = value(self, otherwise, Some(dst));
        self.guarded = guarded;
        if v? != dst {
            self.emit(Op::Copy(dst, v?));
        }
        let end = self.ops.len() as u32;
        for at in ends {
            self.ops[at] = Op::Jump(end);
        }
        Some(dst)
    }
}

/// A comparison of two numbers as the machine tests it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Compare {
    Less,
    LessEq,
    Equal,
    NotEqual,
}

impl Compare {
    /// The comparison an operator makes, and whether its operands are swapped
    /// (`a > b` is `b < a`); none for an operator that does not compare.
    fn of(op: BinaryOp) -> Option<(Compare, bool)> {
        Some(match op {
            BinaryOp::Less => (Compare::Less, false),
            BinaryOp::LessEq => (Compare::LessEq, false),
            BinaryOp::Greater => (Compare::Less, true),
            BinaryOp::GreaterEq => (Compare::LessEq, true),
            BinaryOp::Equal => (Compare::Equal, false),
            BinaryOp::NotEqual => (Compare::NotEqual, false),
            _ => return None,
        })
    }

    /// The comparison of `x` and `y` that holds exactly when this one does not.
    fn opposite(self, x: Reg, y: Reg) -> (Compare, Reg, Reg) {
        match self {
            Compare::Less => (Compare::LessEq, y, x),
            Compare::LessEq => (Compare::Less, y, x),
            Compare::Equal => (Compare::NotEqual, x, y),
            Compare::NotEqual => (Compare::Equal, x, y),
        }
    }
}
