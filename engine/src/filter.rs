//! A table of years filtered by its keys, on the register machine:
//! `occupancy_history where key >= year - 2 and key <= year - 1`.
//!
//! The condition is compiled when it is comparisons of `key` with numbers that do
//! not read the entry (`and`-ed): the numbers are computed once into registers,
//! and the entries kept are copied into a table the slot held before (so a row
//! allocates nothing). Any other condition, a table that is not of years, or a
//! large one (the general path counts it against the evaluation's budget) is left
//! to the general evaluator.

use std::sync::Arc;

use dsl::program::{BinaryOp, Key, Local, Node, NodeKind, SlotId};
use rust_decimal::Decimal;

use crate::machine::{Reg, Registers};
use crate::order::{equal, less, less_eq};
use crate::value::Value;

/// A test of an entry's year against a register.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bound {
    Less(Reg),
    LessEq(Reg),
    Greater(Reg),
    GreaterEq(Reg),
    Equal(Reg),
    NotEqual(Reg),
}

/// Tables longer than this are filtered on the general path.
const LONGEST: usize = 1_000;

impl Bound {
    /// The test `key OP other` for a comparison `op` with the key on the left
    /// (`key_left`) or the right (`other < key` is `key > other`).
    pub(crate) fn of(op: BinaryOp, key_left: bool, other: Reg) -> Option<Bound> {
        use BinaryOp::*;
        Some(match (op, key_left) {
            (Less, true) | (Greater, false) => Bound::Less(other),
            (LessEq, true) | (GreaterEq, false) => Bound::LessEq(other),
            (Greater, true) | (Less, false) => Bound::Greater(other),
            (GreaterEq, true) | (LessEq, false) => Bound::GreaterEq(other),
            (Equal, _) => Bound::Equal(other),
            (NotEqual, _) => Bound::NotEqual(other),
            _ => return None,
        })
    }

    fn holds(self, year: Decimal, r: &Registers) -> bool {
        match self {
            Bound::Less(x) => less(year, r[x as usize]),
            Bound::LessEq(x) => less_eq(year, r[x as usize]),
            Bound::Greater(x) => less(r[x as usize], year),
            Bound::GreaterEq(x) => less_eq(r[x as usize], year),
            Bound::Equal(x) => equal(year, r[x as usize]),
            Bound::NotEqual(x) => !equal(year, r[x as usize]),
        }
    }
}

/// The comparisons of `key` the condition `node` is made of (`and`-ed), each with
/// the number it compares the key with; none if it has any other form.
pub(crate) fn key_tests(node: &Node, found: &mut Vec<(BinaryOp, bool, Node)>) -> Option<()> {
    match &node.kind {
        NodeKind::Binary(BinaryOp::And, a, b) => {
            key_tests(a, found)?;
            key_tests(b, found)
        }
        NodeKind::Numeric(op, a, b) => {
            let is_key = |n: &Node| matches!(n.kind, NodeKind::Local(Local::Key));
            let (key_left, other) = match (is_key(a), is_key(b)) {
                (true, false) => (true, b),
                (false, true) => (false, a),
                _ => return None,
            };
            if reads_entry(other) {
                return None;
            }
            found.push((*op, key_left, (**other).clone()));
            Some(())
        }
        _ => None,
    }
}

/// True if a formula reads the entry being walked (`key` or `value`).
fn reads_entry(node: &Node) -> bool {
    node.any(&mut |n| matches!(n.kind, NodeKind::Local(_)))
}

/// Sets `slot` to the entries of the table in `table` whose years pass every
/// bound; false (nothing set) for what the general path must do.
#[inline(always)]
pub(crate) fn keep_years(
    r: &Registers,
    values: &mut [Value],
    slot: SlotId,
    table: SlotId,
    bounds: &[Bound],
) -> bool {
    // The table read and the slot set (never the same: a slot is defined from others).
    let Ok([Value::Table(from), held]) = values.get_disjoint_mut([table as usize, slot as usize])
    else {
        return false;
    };
    if from.entries.len() > LONGEST || !from.entries.iter().all(|(k, _)| matches!(k, Key::Year(_)))
    {
        return false;
    }
    // The table the slot held for the row before, when nothing else holds it.
    let mut table = match std::mem::take(held) {
        Value::Table(table) => table,
        _ => crate::spare::table(crate::spare::entries()),
    };
    if Arc::get_mut(&mut table).is_none() {
        table = crate::spare::table(crate::spare::entries());
    }
    let Some(kept) = Arc::get_mut(&mut table) else {
        return false;
    };
    kept.entries.clear();
    for (key, value) in &from.entries {
        if let Key::Year(year) = key {
            let year = Decimal::from(*year);
            if bounds.iter().all(|b| b.holds(year, r)) {
                kept.entries.push((key.clone(), value.clone()));
            }
        }
    }
    *held = Value::Table(table);
    true
}
