//! Where an operation of the machine continues: the places its jumps go, moved
//! when code is rearranged (guards left out, failures placed after the code,
//! jumps onto jumps sent on, a jump patched when its place is known).

use crate::machine::Op;

impl Op {
    /// An operation with the place it may continue at moved by `to`. Every operation
    /// is named, so that a new one must say whether it jumps.
    pub(crate) fn moved(self, to: &impl Fn(u32) -> u32) -> Op {
        match self {
            Op::JumpUnless(c, t) => Op::JumpUnless(c, to(t)),
            Op::JumpIf(c, t) => Op::JumpIf(c, to(t)),
            Op::Jump(t) => Op::Jump(to(t)),
            Op::JumpUnlessIs {
                slot,
                from,
                to: t,
                count,
                negated,
            } => Op::JumpUnlessIs {
                slot,
                from,
                to: to(t),
                count,
                negated,
            },
            Op::JumpUnlessHas { table, year, to: t } => Op::JumpUnlessHas {
                table,
                year,
                to: to(t),
            },
            Op::JumpUnlessLess(a, b, t) => Op::JumpUnlessLess(a, b, to(t)),
            Op::JumpUnlessLessEq(a, b, t) => Op::JumpUnlessLessEq(a, b, to(t)),
            Op::JumpUnlessEqual(a, b, t) => Op::JumpUnlessEqual(a, b, to(t)),
            Op::JumpUnlessNotEqual(a, b, t) => Op::JumpUnlessNotEqual(a, b, to(t)),
            Op::Default { slot, skip } => Op::Default {
                slot,
                skip: to(skip),
            },
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
            | Op::Is { .. }
            | Op::On { .. }
            | Op::Has { .. }
            | Op::Index { .. }
            | Op::KeepYears { .. }
            | Op::Count { .. }
            | Op::General
            | Op::Select(..)
            | Op::Need(..)
            | Op::Compute { .. }
            | Op::StoreCondition(..)
            | Op::Fail(..)
            | Op::CheckLess(..)
            | Op::CheckLessEq(..)
            | Op::CheckEqual(..)
            | Op::CheckNotEqual(..)
            | Op::CheckGeneral(..) => self,
        }
    }
}
