//! The plan's code without the guards of the inputs a row gives.
//!
//! An input that has no default is guarded where it is read ([`Op::Need`]): when
//! it is not given, the slot reading it goes to the general path, which says the
//! input is missing. In a row that gives it, each guard is an operation that does
//! nothing — a fifth of the operations of a tariff. So the code is kept once more
//! for each set of such inputs rows leave out (rows of one file mostly leave out
//! the same ones), without the guards of the inputs given; the jumps and the ends
//! of the slots' code are moved to where their operations now are.

use dsl::program::SlotId;

use crate::machine::{Ending, Op};

/// How many sets of left-out inputs get code of their own; rows leaving out
/// yet another set run the code with every guard.
const KEPT: usize = 8;

/// The code without guards for one set of left-out inputs.
#[derive(Debug, Clone)]
pub(crate) struct Unguarded {
    /// The inputs left out, as bits of [`Guards::inputs`].
    left_out: u64,
    pub(crate) ops: Vec<Op>,
    pub(crate) ends: Vec<(u32, Ending)>,
}

/// The guarded inputs of a plan, and its code for each set of them left out so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct Guards {
    /// Every input that a guard names, once; none when there are more than 64.
    inputs: Vec<SlotId>,
    codes: Vec<Unguarded>,
    /// The code the last row ran (rows of a file mostly leave out the same inputs).
    last: usize,
}

impl Guards {
    /// The guarded inputs of `ops`.
    pub(crate) fn of(ops: &[Op]) -> Guards {
        let mut inputs: Vec<SlotId> = Vec::new();
        for op in ops {
            if let Op::Need(slot) = op {
                if !inputs.contains(slot) {
                    inputs.push(*slot);
                }
            }
        }
        if inputs.len() > 64 {
            inputs.clear();
        }
        Guards {
            inputs,
            codes: Vec::new(),
            last: 0,
        }
    }

    /// The bit of a guarded input in the sets of inputs left out (see
    /// [`Guards::code`]); 0 for an input no guard names.
    pub(crate) fn bit(&self, slot: SlotId) -> u64 {
        (self.inputs.iter().position(|&s| s == slot)).map_or(0, |i| 1 << i)
    }

    /// Keeps no code without guards: for a plan whose guarded inputs are not all
    /// read into the registers, whose bits a run could not set.
    pub(crate) fn keep_every_guard(&mut self) {
        self.inputs.clear();
        self.codes.clear();
    }

    /// The code for a row that leaves out the inputs of the bits in `left_out`
    /// (each input's [`Guards::bit`]); none when the code with every guard must
    /// run (no guards, or too many sets seen).
    pub(crate) fn code(
        &mut self,
        ops: &[Op],
        ends: &[(u32, Ending)],
        left_out: u64,
    ) -> Option<&Unguarded> {
        if self.inputs.is_empty() {
            return None;
        }
        if self
            .codes
            .get(self.last)
            .is_some_and(|c| c.left_out == left_out)
        {
            return self.codes.get(self.last);
        }
        let found = self.codes.iter().position(|c| c.left_out == left_out);
        let index = match found {
            Some(index) => index,
            None if self.codes.len() < KEPT => {
                let (ops, ends) = without_guards(ops, ends, |slot| self.bit(slot) & left_out != 0);
                self.codes.push(Unguarded {
                    left_out,
                    ops,
                    ends,
                });
                self.codes.len() - 1
            }
            None => return None,
        };
        self.last = index;
        self.codes.get(index)
    }
}

/// `ops` without the guards of inputs for which `left_out` is false, and with
/// every jump and every end of a slot's code moved to where its operation is now.
pub(crate) fn without_guards(
    ops: &[Op],
    ends: &[(u32, Ending)],
    left_out: impl Fn(SlotId) -> bool,
) -> (Vec<Op>, Vec<(u32, Ending)>) {
    let dropped = |op: &Op| matches!(op, Op::Need(slot) if !left_out(*slot));
    // Where each operation (and the end of the code) is in the new code: a
    // dropped one's place is the next one kept.
    let mut at = Vec::with_capacity(ops.len() + 1);
    let mut kept = 0u32;
    for op in ops {
        at.push(kept);
        if !dropped(op) {
            kept += 1;
        }
    }
    at.push(kept);
    let to = |old: u32| at.get(old as usize).copied().unwrap_or(kept);
    let new_ops = (ops.iter())
        .filter(|op| !dropped(op))
        .map(|&op| op.moved(&to))
        .collect();
    let new_ends = ends
        .iter()
        .map(|&(end, ending)| (to(end), ending))
        .collect();
    (new_ops, new_ends)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where `op` may continue, if it jumps.
    fn target(op: &Op) -> Option<u32> {
        match *op {
            Op::JumpUnless(_, t)
            | Op::JumpIf(_, t)
            | Op::Jump(t)
            | Op::JumpUnlessIs { to: t, .. }
            | Op::JumpUnlessHas { to: t, .. }
            | Op::JumpUnlessLess(_, _, t)
            | Op::JumpUnlessLessEq(_, _, t)
            | Op::JumpUnlessEqual(_, _, t)
            | Op::JumpUnlessNotEqual(_, _, t)
            | Op::Default { skip: t, .. } => Some(t),
            _ => None,
        }
    }

    #[test]
    fn every_jump_lands_on_the_operation_it_landed_on_before() {
        // Guards of input 7 (left out) and 8 (given), jumps over and onto them.
        let ops = vec![
            Op::Need(8),
            Op::JumpUnless(1, 4),
            Op::Need(7),
            Op::Jump(6),
            Op::Need(8),
            Op::Add(2, 3, 4),
            Op::Need(8),
            Op::Default { slot: 9, skip: 9 },
            Op::JumpUnlessLess(1, 2, 10),
            Op::Need(8),
        ];
        let ends = vec![
            (2, Ending::Slot(1, 1)),
            (7, Ending::Slot(2, 2)),
            (10, Ending::Check(0)),
        ];
        let (new, new_ends) = without_guards(&ops, &ends, |slot| slot == 7);
        assert_eq!(new.len(), 6, "{new:?}");
        assert!(!new.iter().any(|op| matches!(op, Op::Need(8))));
        assert!(new.iter().any(|op| matches!(op, Op::Need(7))));
        // Old target -> the first operation kept at or after it (or the end), in
        // the new code: the old place of each new operation.
        let was_at: Vec<usize> = (0..ops.len())
            .filter(|&i| !matches!(ops[i], Op::Need(8)))
            .collect();
        let first_kept = |old: u32| {
            (old as usize..ops.len())
                .find(|&i| !matches!(ops[i], Op::Need(8)))
                .unwrap_or(ops.len())
        };
        for (old, new_op) in was_at.iter().map(|&i| &ops[i]).zip(&new) {
            let (Some(was), Some(is)) = (target(old), target(new_op)) else {
                continue;
            };
            let lands = was_at.get(is as usize).copied().unwrap_or(ops.len());
            assert_eq!(first_kept(was), lands, "{old:?} became {new_op:?}");
        }
        let ends: Vec<u32> = new_ends.iter().map(|(end, _)| *end).collect();
        assert_eq!(ends, vec![1, 4, 6]);
    }

    #[test]
    fn code_of_its_own_for_each_set_left_out_up_to_a_limit() {
        let ops: Vec<Op> = (0..70).map(Op::Need).collect();
        // More than 64 guarded inputs: always the code with every guard.
        let mut guards = Guards::of(&ops);
        assert_eq!(guards.bit(3), 0);
        assert!(guards.code(&ops, &[], 0).is_none());
        // Slots 100.. guarded, in order of first guard.
        let ops: Vec<Op> = (100..120).rev().map(Op::Need).collect();
        let mut guards = Guards::of(&ops);
        assert_eq!(guards.bit(119), 1);
        assert_eq!(guards.bit(100), 1 << 19);
        assert_eq!(guards.bit(7), 0, "not guarded");
        for left_out in 100..100 + KEPT as u32 {
            let code = guards
                .code(&ops, &[], guards.bit(left_out))
                .expect("a code");
            assert!(matches!(code.ops[..], [Op::Need(s)] if s == left_out));
        }
        assert!(
            guards.code(&ops, &[], guards.bit(119)).is_none(),
            "the limit"
        );
        // The code of an earlier set, found again, then the last one run again.
        for _ in 0..2 {
            let both = guards.bit(103) | guards.bit(101);
            assert!(guards.code(&ops, &[], both).is_none(), "never seen");
            let again = guards.code(&ops, &[], guards.bit(103)).expect("kept");
            assert!(matches!(again.ops[..], [Op::Need(103)]));
            let again = guards.code(&ops, &[], guards.bit(103)).expect("kept");
            assert!(matches!(again.ops[..], [Op::Need(103)]));
            let other = guards.code(&ops, &[], guards.bit(100)).expect("kept");
            assert!(matches!(other.ops[..], [Op::Need(100)]));
        }
        guards.keep_every_guard();
        assert!(guards.code(&ops, &[], guards.bit(100)).is_none());
    }
}
