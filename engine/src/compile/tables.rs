//! Compiling a table of years filtered by its keys (`filter.rs` runs it).

use dsl::program::{BinaryOp, Node, NodeKind, SlotId};
use dsl::types::{KeyType, Type};

use super::Compiler;
use crate::filter::Bound;
use crate::machine::{Ending, Op, NO_REGISTER};

impl Compiler<'_> {
    /// Compiles a table slot that is a table of years filtered by comparisons of
    /// its keys (`history where key >= year - 2 and key <= year - 1`) into
    /// [`Op::KeepYears`]; false, with nothing emitted, for any other formula.
    pub(crate) fn kept_years(&mut self, slot: SlotId, node: &Node) -> bool {
        let NodeKind::Binary(BinaryOp::Where, table, condition) = &node.kind else {
            return false;
        };
        let NodeKind::Slot(table) = table.kind else {
            return false;
        };
        let of_years = |s: SlotId| {
            matches!(
                self.program.slots.get(s as usize).map(|d| &d.ty),
                Some(Type::Table {
                    key: KeyType::Year,
                    ..
                })
            )
        };
        if !of_years(table) || !of_years(slot) {
            return false;
        }
        let mut tests = Vec::new();
        if crate::filter::key_tests(condition, &mut tests).is_none() || tests.len() > 8 {
            return false;
        }
        let (start, registers, bounds) = (self.ops.len(), self.registers.len(), self.bounds.len());
        let from = u16::try_from(bounds).ok();
        let mut compiled = || {
            // A table that may be missing is guarded as any input read.
            if self.may_be_missing.get(table as usize) == Some(&true) {
                self.emit(Op::Need(table));
            }
            for (op, key_left, other) in &tests {
                let other = self.number(other, None)?;
                self.bounds.push(Bound::of(*op, *key_left, other)?);
            }
            Some(())
        };
        let (Some(()), Some(from)) = (compiled(), from) else {
            self.ops.truncate(start);
            self.registers.truncate(registers);
            self.bounds.truncate(bounds);
            return false;
        };
        self.emit(Op::KeepYears {
            slot,
            table,
            from,
            count: tests.len() as u8,
        });
        self.ends
            .push((self.ops.len() as u32, Ending::Slot(slot, NO_REGISTER)));
        true
    }
}
