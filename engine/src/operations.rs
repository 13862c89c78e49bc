//! The operations of the machine (`machine.rs`), run one after another in a loop
//! of their own: all but the three that need the general path's state, which
//! [`CompiledPlan::run`](crate::machine::CompiledPlan::run) runs itself. Few
//! values are live in this loop, so an operation costs less to dispatch here.

use chrono::NaiveDate;
use dsl::program::{Key, SlotId};
use rust_decimal::Decimal;

use crate::general::Finding;
use crate::inputs::Inputs;
use crate::machine::{flag, Op, Reg, Registers};
use crate::order::{equal, less, less_eq};
use crate::quotient::divide;
use crate::value::Value;

/// Runs the code from `pc` until it ends, or an operation cannot complete, or
/// one that needs the general path's state ([`Op::KeepYears`], [`Op::Compute`],
/// [`Op::CheckGeneral`]) comes: where it stopped, and whether that operation
/// could not complete. A loop of its own, as few values are live in it: the
/// dispatch of an operation costs half what it does in [`CompiledPlan::run`].
#[inline(never)]
pub(crate) fn run_lean(
    ops: &[Op],
    mut pc: usize,
    r: &mut Registers,
    values: &mut [Value],
    pool: &[u32],
    inputs: &Inputs,
    findings: &mut Vec<Finding>,
) -> (usize, bool) {
    // A result put in its register: true, or false when there is none (the
    // operation could not complete).
    macro_rules! set {
        ($dst:expr, $result:expr) => {{
            match $result {
                Some(n) => {
                    r[$dst as usize] = n;
                    true
                }
                None => false,
            }
        }};
    }
    while let Some(op) = ops.get(pc) {
        pc += 1;
        let done = match *op {
            Op::Add(d, a, b) => set!(d, get(r, a).checked_add(get(r, b))),
            Op::Subtract(d, a, b) => set!(d, get(r, a).checked_sub(get(r, b))),
            Op::Multiply(d, a, b) => set!(d, get(r, a).checked_mul(get(r, b))),
            // `divide` (as `checked_div`) gives nothing for a zero divisor, as for an overflow.
            Op::Divide(d, a, b) => set!(d, divide(get(r, a), get(r, b))),
            Op::Negate(d, a) => set!(d, Some(-get(r, a))),
            Op::Less(d, a, b) => set!(d, Some(flag(less(get(r, a), get(r, b))))),
            Op::LessEq(d, a, b) => set!(d, Some(flag(less_eq(get(r, a), get(r, b))))),
            Op::Equal(d, a, b) => set!(d, Some(flag(equal(get(r, a), get(r, b))))),
            Op::NotEqual(d, a, b) => set!(d, Some(flag(!equal(get(r, a), get(r, b))))),
            Op::Not(d, a) => set!(d, Some(flag(get(r, a).is_zero()))),
            Op::Copy(d, a) => set!(d, Some(get(r, a))),
            Op::JumpUnless(c, to) => {
                if get(r, c).is_zero() {
                    pc = to as usize;
                }
                continue;
            }
            Op::JumpIf(c, to) => {
                if !get(r, c).is_zero() {
                    pc = to as usize;
                }
                continue;
            }
            Op::Jump(to) => {
                pc = to as usize;
                continue;
            }
            Op::JumpUnlessIs {
                slot,
                from,
                to,
                count,
                negated,
            } => match is(values, slot, pool, (from, from + u32::from(count))) {
                Some(b) => {
                    if b == negated {
                        pc = to as usize;
                    }
                    continue;
                }
                None => false,
            },
            Op::JumpUnlessHas { table, year, to } => match has(r, values, table, year) {
                Some(held) => {
                    if !held {
                        pc = to as usize;
                    }
                    continue;
                }
                None => false,
            },
            Op::JumpUnlessLess(a, b, to) => {
                if !less(get(r, a), get(r, b)) {
                    pc = to as usize;
                }
                continue;
            }
            Op::JumpUnlessLessEq(a, b, to) => {
                if !less_eq(get(r, a), get(r, b)) {
                    pc = to as usize;
                }
                continue;
            }
            Op::JumpUnlessEqual(a, b, to) => {
                if !equal(get(r, a), get(r, b)) {
                    pc = to as usize;
                }
                continue;
            }
            Op::JumpUnlessNotEqual(a, b, to) => {
                if equal(get(r, a), get(r, b)) {
                    pc = to as usize;
                }
                continue;
            }
            Op::Is {
                dst,
                slot,
                negated,
                variants: (from, to),
            } => set!(
                dst,
                is(values, slot, pool, (from, to)).map(|b| flag(b != negated))
            ),
            Op::On { dst, series, date } => set!(dst, on(r, values, series, date)),
            Op::Has { dst, table, year } => set!(dst, has(r, values, table, year).map(flag)),
            Op::Index { dst, table, year } => set!(dst, index(r, values, table, year)),
            Op::Min(d, a, b) => {
                let (a, b) = (get(r, a), get(r, b));
                set!(d, Some(if less(b, a) { b } else { a }))
            }
            Op::Max(d, a, b) => {
                let (a, b) = (get(r, a), get(r, b));
                set!(d, Some(if less(b, a) { a } else { b }))
            }
            Op::DaysInYear(d, year) => set!(d, days_in_year(get(r, year))),
            Op::Date(d, date) => set!(d, day_number_of(r, date).map(Decimal::from)),
            Op::Count { dst, table } => set!(
                dst,
                match values.get(table as usize) {
                    Some(Value::Table(t)) => Some(Decimal::from(t.entries.len())),
                    _ => None,
                }
            ),
            Op::General => false,
            Op::Default { slot, skip } => {
                if inputs.value(slot).is_some() {
                    pc = skip as usize;
                }
                continue;
            }
            Op::Select(d, c, a, b) => {
                set!(d, Some(get(r, if get(r, c).is_zero() { b } else { a })))
            }
            Op::Need(slot) => {
                if inputs.value(slot).is_some() {
                    continue;
                }
                false
            }
            Op::StoreCondition(slot, reg) => {
                values[slot as usize] = Value::Bool(!get(r, reg).is_zero());
                continue;
            }
            Op::Fail(check) => {
                finding(false, check, findings);
                continue;
            }
            Op::CheckLess(check, a, b) => {
                finding(less(get(r, a), get(r, b)), check, findings);
                continue;
            }
            Op::CheckLessEq(check, a, b) => {
                finding(less_eq(get(r, a), get(r, b)), check, findings);
                continue;
            }
            Op::CheckEqual(check, a, b) => {
                finding(equal(get(r, a), get(r, b)), check, findings);
                continue;
            }
            Op::CheckNotEqual(check, a, b) => {
                finding(!equal(get(r, a), get(r, b)), check, findings);
                continue;
            }
            Op::KeepYears { .. } | Op::Compute { .. } | Op::CheckGeneral(_) => {
                return (pc - 1, false)
            }
        };
        if !done {
            return (pc - 1, true);
        }
    }
    (pc, false)
}

/// Records a check that does not hold.
#[inline(always)]
fn finding(holds: bool, check: u32, findings: &mut Vec<Finding>) {
    if !holds {
        findings.push(Finding {
            check,
            error: None,
            entries: Vec::new(),
        });
    }
}

/// A register's value.
#[inline(always)]
fn get(r: &Registers, reg: Reg) -> Decimal {
    r[reg as usize]
}

/// The days of a whole year; none for any other number.
fn days_in_year(year: Decimal) -> Option<Decimal> {
    let year = match year.scale() {
        // A year as read: its mantissa (cheaper than rust_decimal's conversion).
        0 => i64::try_from(year.mantissa()).ok()?,
        _ if year.fract().is_zero() => i64::try_from(year).ok()?,
        _ => return None,
    };
    let year = i32::try_from(year).ok()?;
    Some(Decimal::from(crate::calendar::days_in_year(year)))
}

/// Whether the choice in a slot is one of the variants; `None` if the slot holds
/// no choice (it failed), for the general path to say so.
#[inline(always)]
fn is(values: &[Value], slot: SlotId, pool: &[u32], (from, to): (u32, u32)) -> Option<bool> {
    match values.get(slot as usize)? {
        Value::Choice(c) => Some(pool.get(from as usize..to as usize)?.contains(c)),
        _ => None,
    }
}

/// The integer in a register, if it holds one.
fn integer(r: &Registers, reg: Reg) -> Option<i64> {
    let n = get(r, reg);
    (n.scale() == 0).then(|| i64::try_from(n.mantissa()).ok())?
}

/// The date of year, month and day in three integer registers, if it is in the calendar.
fn day(r: &Registers, date: [Reg; 3]) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        i32::try_from(integer(r, date[0])?).ok()?,
        u32::try_from(integer(r, date[1])?).ok()?,
        u32::try_from(integer(r, date[2])?).ok()?,
    )
}

/// The day number ([`day_number`]) of the date of year, month and day in three
/// integer registers, if it is in the calendar: computed without making the date.
fn day_number_of(r: &Registers, date: [Reg; 3]) -> Option<i64> {
    let [year, month, day] = date.map(|reg| integer(r, reg));
    crate::calendar::day_number(year?, month?, day?)
}

/// The number in force in a series on a date given as three integer registers.
fn on(r: &Registers, values: &[Value], series: SlotId, date: [Reg; 3]) -> Option<Decimal> {
    let day = day(r, date)?;
    match values.get(series as usize)? {
        Value::Series(s) => s.on(day)?.as_number(),
        _ => None,
    }
}

/// Whether a table has an entry for a year; `None` if the slot holds no table.
fn has(r: &Registers, values: &[Value], table: SlotId, year: Reg) -> Option<bool> {
    match values.get(table as usize)? {
        Value::Table(t) => Some(t.get(&Key::Year(integer(r, year)?)).is_some()),
        _ => None,
    }
}

/// The number a table holds for a year, if it holds one.
fn index(r: &Registers, values: &[Value], table: SlotId, year: Reg) -> Option<Decimal> {
    match values.get(table as usize)? {
        Value::Table(t) => t.get(&Key::Year(integer(r, year)?))?.as_number(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_days_of_a_whole_year_of_any_scale() {
        let days = |text: &str| days_in_year(text.parse().expect("a decimal"));
        assert_eq!(days("2024"), Some(Decimal::from(366)));
        assert_eq!(days("2023"), Some(Decimal::from(365)));
        assert_eq!(days("2024.00"), Some(Decimal::from(366)));
        assert_eq!(
            days("2024.5"),
            None,
            "not a whole year: the general path says so"
        );
        assert_eq!(days("99999999999"), None, "not a year of the calendar");
    }
}
