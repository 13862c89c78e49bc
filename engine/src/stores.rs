//! What a run of the machine stores in the values: the registers of the number
//! and date slots, before the general path reads them (the slots before the one
//! it computes) and when the code has run (only the figures read after it: the
//! part's results and the figures its checks' messages show).

use chrono::NaiveDate;
use dsl::program::SlotId;
use rust_decimal::Decimal;

use crate::machine::{Reg, Registers};
use crate::value::Value;

/// The inputs missing in a run, each with its failure's place among the
/// failures (`CompiledPlan::missing` and `failures`).
pub(crate) type Missing<'a> = (&'a [(SlotId, usize)], &'a [(SlotId, Value)]);

/// A store read once the code has run: where it is among the stores, and what it stores.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kept {
    at: u32,
    slot: SlotId,
    reg: Reg,
    held: Held,
}

/// The stores for which `read` is true, as [`Kept`].
pub(crate) fn kept(stores: &[(SlotId, Reg, Held)], read: impl Fn(SlotId) -> bool) -> Vec<Kept> {
    (stores.iter().enumerate())
        .filter(|(_, &(slot, _, _))| read(slot))
        .map(|(at, &(slot, reg, held))| Kept {
            at: at as u32,
            slot,
            reg,
            held,
        })
        .collect()
}

/// What a stored register holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Held {
    Number,
    /// A date, as its day number ([`day_number`]).
    Date,
}

/// The date of a day number; none for a number that is not one (never stored:
/// every date register is set from a date).
fn date_of(n: Decimal) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(i64::try_from(n).ok()?).ok()?)
}

/// Stores the registers of the number slots `stored..upto` (in the plan's order:
/// the general path, computing a slot, reads only the slots before it, and those
/// are final once their code has run) in the values, and moves `stored` on; an
/// input missing in this run holds its failure, not its register.
#[inline]
pub(crate) fn store(
    stores: &[(SlotId, Reg, Held)],
    r: &Registers,
    values: &mut [Value],
    missing: Missing,
    stored: &mut usize,
    upto: usize,
) {
    let upto = upto.min(stores.len());
    let from = (*stored).min(upto);
    *stored = (*stored).max(upto);
    for &(slot, reg, held) in &stores[from..upto] {
        store_one(values, slot, r[reg as usize], held);
    }
    fail_missing(values, missing);
}

/// Stores the kept registers not stored yet (`stored..`), and the failures of the
/// inputs missing in this run.
#[inline(never)]
pub(crate) fn store_kept(
    kept: &[Kept],
    r: &Registers,
    values: &mut [Value],
    missing: Missing,
    stored: usize,
) {
    let from = match stored {
        0 => 0,
        _ => kept.partition_point(|k| (k.at as usize) < stored),
    };
    for k in kept.get(from..).unwrap_or_default() {
        store_one(values, k.slot, r[k.reg as usize], k.held);
    }
    fail_missing(values, missing);
}

/// Puts the failure of each input missing in this run in its slot (`missing`:
/// each with its failure's place in `failures`); one already there is kept.
#[inline]
fn fail_missing(values: &mut [Value], (missing, failures): Missing) {
    for &(slot, at) in missing {
        if let (Some(value), Some((_, failure))) = (values.get_mut(slot as usize), failures.get(at))
        {
            crate::machine::put(value, failure);
        }
    }
}

/// Stores one register in its slot.
#[inline(always)]
fn store_one(values: &mut [Value], slot: SlotId, n: Decimal, held: Held) {
    if let Some(value) = values.get_mut(slot as usize) {
        match (value, held) {
            (Value::Number(held), Held::Number) => *held = n,
            (other, Held::Number) => *other = Value::Number(n),
            (other, Held::Date) => *other = date_of(n).map_or(Value::Unset, Value::Date),
        }
    }
}
