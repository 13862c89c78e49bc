//! Evaluation of the builtin functions (their types are in `dsl::builtins`).

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use dsl::builtins::{self as names, Builtin};
use dsl::program::Node;
use dsl::Code;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::allocation::{self, AllocationError};
use crate::calendar;
use crate::error::EvalError;
use crate::formula::{show_key, year_value};
use crate::grouping;
use crate::value::{Table, Value};

/// The decimals an allocation is exact to: øre.
const ALLOCATION_DECIMALS: u32 = 2;

/// Calls `builtin` on evaluated arguments; `node` is the call, for errors.
pub(crate) fn call(builtin: Builtin, args: &[Value], node: &Node) -> Result<Value, EvalError> {
    use Builtin::*;
    let fail = |code: Code, title: String| EvalError::new(code, node.span, title);
    let number = |i: usize| args.get(i).and_then(Value::as_number).unwrap_or_default();
    let date = |i: usize| match args.get(i) {
        Some(Value::Date(d)) => *d,
        _ => NaiveDate::MIN,
    };
    let whole = |i: usize| -> Result<i64, EvalError> {
        let n = number(i);
        // The common case, a whole number written without decimals, needs no division.
        if n.scale() == 0 {
            if let Ok(whole) = i64::try_from(n.mantissa()) {
                return Ok(whole);
            }
        }
        if !n.fract().is_zero() {
            return Err(fail(
                Code::InvalidDate,
                format!("`{}` needs a whole number, not {n}", names::name(builtin)),
            ));
        }
        i64::try_from(n).map_err(|_| fail(Code::Overflow, format!("{n} is too large")))
    };
    let year = |i: usize| -> Result<i32, EvalError> {
        i32::try_from(whole(i)?).map_err(|_| fail(Code::InvalidDate, "not a year".into()))
    };
    let table = |i: usize| match args.get(i) {
        Some(Value::Table(t)) => Some(t.clone()),
        _ => None,
    };
    // A table of tables per year: each one separately.
    if names::lifts_over_tables(builtin) {
        if let Some(Value::Table(outer)) = args.first() {
            if outer
                .entries
                .iter()
                .any(|(_, v)| matches!(v, Value::Table(_)))
            {
                let mut entries = Vec::with_capacity(outer.entries.len());
                let mut inner = args.to_vec();
                for (key, value) in &outer.entries {
                    inner[0] = value.clone();
                    entries.push((key.clone(), call(builtin, &inner, node)?));
                }
                return Ok(Value::Table(Arc::new(Table { entries })));
            }
        }
    }
    Ok(match builtin {
        Min | Max if args.len() > 1 && args.iter().any(|a| matches!(a, Value::Table(_))) => {
            let mut best = args[0].clone();
            for arg in &args[1..] {
                best = grouping::pick(builtin == Min, &best, arg, node)?;
            }
            best
        }
        Min | Max | Average => {
            let items: Vec<Value> = match (args, table(0)) {
                ([_], Some(t)) => t.entries.iter().map(|(_, v)| v.clone()).collect(),
                _ => args.to_vec(),
            };
            if items.is_empty() {
                return Err(fail(
                    Code::MissingKey,
                    format!("`{}` of an empty table", names::name(builtin)),
                )
                .help("the table has no entries; check the input file"));
            }
            if builtin == Average {
                let mut sum = Decimal::ZERO;
                for v in &items {
                    sum = sum
                        .checked_add(v.as_number().unwrap_or_default())
                        .ok_or_else(|| fail(Code::Overflow, "the sum is too large".into()))?;
                }
                Value::Number(sum / Decimal::from(items.len()))
            } else {
                let mut best = items[0].clone();
                for v in &items[1..] {
                    let better = match (v, &best) {
                        (Value::Number(a), Value::Number(b)) => (a < b) == (builtin == Min),
                        (Value::Date(a), Value::Date(b)) => (a < b) == (builtin == Min),
                        _ => false,
                    };
                    if better {
                        best = v.clone();
                    }
                }
                best
            }
        }
        Round | Floor | Ceil => {
            let decimals = if args.len() > 1 {
                u32::try_from(whole(1)?.clamp(0, 20)).unwrap_or(0)
            } else {
                0
            };
            let strategy = match builtin {
                Floor => RoundingStrategy::ToNegativeInfinity,
                Ceil => RoundingStrategy::ToPositiveInfinity,
                _ => RoundingStrategy::MidpointAwayFromZero,
            };
            map(&args[0], |n| n.round_dp_with_strategy(decimals, strategy))
        }
        Abs => map(&args[0], |n| n.abs()),
        Sum => {
            let t = table(0).unwrap_or_default();
            let mut sum = Decimal::ZERO;
            for (_, v) in &t.entries {
                sum = sum
                    .checked_add(v.as_number().unwrap_or_default())
                    .ok_or_else(|| fail(Code::Overflow, "the sum is too large".into()))?;
            }
            Value::Number(sum)
        }
        Count => Value::Number(Decimal::from(table(0).map_or(0, |t| t.entries.len()))),
        Share => {
            let t = table(0).unwrap_or_default();
            let total: Decimal = t.entries.iter().filter_map(|(_, v)| v.as_number()).sum();
            if total.is_zero() {
                return Err(fail(Code::EmptyShares, "the shares add up to zero".into())
                    .help("a share of a total of 0 is undefined; check the figures shared by"));
            }
            let entries = t
                .entries
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        Value::Number(v.as_number().unwrap_or_default() / total),
                    )
                })
                .collect();
            Value::Table(Arc::new(Table { entries }))
        }
        Allocate => {
            let t = table(1).unwrap_or_default();
            let weights: Vec<Decimal> = t
                .entries
                .iter()
                .map(|(_, v)| v.as_number().unwrap_or_default())
                .collect();
            // A third argument rounds to that many decimals instead of the øre:
            // `allocate(amount, weights, 0)` splits in whole kroner.
            let decimals = if args.len() > 2 {
                u32::try_from(whole(2)?.clamp(0, 20)).unwrap_or(ALLOCATION_DECIMALS)
            } else {
                ALLOCATION_DECIMALS
            };
            let parts = allocation::allocate(number(0), &weights, decimals).map_err(|e| match e {
                AllocationError::NoWeight => fail(Code::EmptyShares, "every weight is zero: nothing to allocate by".into())
                    .help("at least one party must have a positive weight (revenue, bed days, budget …)"),
                AllocationError::NegativeWeight(i) => fail(
                    Code::EmptyShares,
                    format!("the weight of {} is negative", show_key(&t.entries[i].0)),
                )
                .help("weights are revenues, bed days or budgets: 0 or more"),
                AllocationError::Overflow => fail(Code::Overflow, "the figures are too large".into()),
            })?;
            let entries = t
                .entries
                .iter()
                .zip(parts)
                .map(|((k, _), p)| (k.clone(), Value::Number(p)))
                .collect();
            Value::Table(Arc::new(Table { entries }))
        }
        Has => {
            let t = table(0).unwrap_or_default();
            let key = match &args[1] {
                Value::Number(n) => i64::try_from(*n).ok().map(dsl::program::Key::Year),
                Value::Text(s) => Some(dsl::program::Key::Label(s.clone())),
                Value::Date(d) => Some(dsl::program::Key::Date(*d)),
                _ => None,
            };
            Value::Bool(key.is_some_and(|k| t.get(&k).is_some()))
        }
        Months => {
            let (from, to) = (date(0), date(1));
            let mut entries = Vec::new();
            let mut month = calendar::start_of_month(from);
            while month <= to {
                let first = month.max(from);
                let last = calendar::end_of_month(month).min(to);
                let days = (last - first).num_days() + 1;
                entries.push((
                    dsl::program::Key::Date(month),
                    Value::Number(Decimal::from(days)),
                ));
                match calendar::add_months(month, 1) {
                    Some(next) => month = next,
                    None => break,
                }
            }
            Value::Table(Arc::new(Table { entries }))
        }
        ShiftYears => {
            let by = whole(1)?;
            let t = table(0).unwrap_or_default();
            let mut entries = Vec::with_capacity(t.entries.len());
            for (key, value) in &t.entries {
                let dsl::program::Key::Year(y) = key else {
                    continue;
                };
                let moved = y
                    .checked_add(by)
                    .ok_or_else(|| fail(Code::Overflow, "the year is out of range".into()))?;
                entries.push((dsl::program::Key::Year(moved), value.clone()));
            }
            Value::Table(Arc::new(Table { entries }))
        }
        ReserveBalance | ReserveByOrigin | ReserveUsed | ReserveDrawn | ReserveExpired
        | DeficitUncovered => {
            let t = table(0).unwrap_or_default();
            let results: Vec<(i64, Decimal)> = t
                .entries
                .iter()
                .filter_map(|(k, v)| match k {
                    dsl::program::Key::Year(y) => Some((*y, v.as_number().unwrap_or_default())),
                    _ => None,
                })
                .collect();
            // The third argument, yes: a signed ledger (a deficit the reserves cannot
            // cover is carried, and netted by later surpluses).
            let kind = match args.get(2) {
                Some(Value::Bool(true)) => crate::reserves::Kind::Signed,
                _ => crate::reserves::Kind::NonNegative,
            };
            if builtin == ReserveByOrigin {
                let left = crate::reserves::remaining_by_origin(&results, whole(1)?, kind);
                let entries = left
                    .into_iter()
                    .map(|(year, amount)| (dsl::program::Key::Year(year), Value::Number(amount)))
                    .collect();
                return Ok(Value::Table(Arc::new(Table { entries })));
            }
            let rows = crate::reserves::ledger(&results, whole(1)?, kind);
            if builtin == ReserveDrawn {
                let entries = rows
                    .iter()
                    .filter(|row| !row.drawn.is_empty())
                    .map(|row| {
                        let by_origin = row
                            .drawn
                            .iter()
                            .map(|(origin, amount)| {
                                (dsl::program::Key::Year(*origin), Value::Number(*amount))
                            })
                            .collect();
                        (
                            dsl::program::Key::Year(row.year),
                            Value::Table(Arc::new(Table { entries: by_origin })),
                        )
                    })
                    .collect();
                return Ok(Value::Table(Arc::new(Table { entries })));
            }
            let pick = |row: &crate::reserves::Year| match builtin {
                ReserveBalance => row.closing,
                ReserveUsed => row.used,
                ReserveExpired => row.expired,
                _ => row.uncovered,
            };
            let entries = rows
                .iter()
                .map(|row| (dsl::program::Key::Year(row.year), Value::Number(pick(row))))
                .collect();
            Value::Table(Arc::new(Table { entries }))
        }
        Merge => {
            let mut entries = table(0).unwrap_or_default().entries.clone();
            for (key, value) in &table(1).unwrap_or_default().entries {
                match entries.iter_mut().find(|(k, _)| k == key) {
                    Some(entry) => entry.1 = value.clone(),
                    None => entries.push((key.clone(), value.clone())),
                }
            }
            Value::Table(Arc::new(Table { entries }))
        }
        SumBy | OnePer => {
            let (values, groups) = (table(0).unwrap_or_default(), table(1).unwrap_or_default());
            if builtin == SumBy {
                grouping::sum_by(&values, &groups, node)?
            } else {
                grouping::one_per(&values, &groups, node)?
            }
        }
        Spread => grouping::spread(
            &table(0).unwrap_or_default(),
            &table(1).unwrap_or_default(),
            &table(2).unwrap_or_default(),
            node,
        )?,
        Concat => Value::Text(
            args.iter()
                .map(|a| match a {
                    Value::Text(t) => &**t,
                    _ => "",
                })
                .collect::<String>()
                .into(),
        ),
        Date => {
            let (y, m, d) = (year(0)?, whole(1)?, whole(2)?);
            let made = u32::try_from(m)
                .ok()
                .zip(u32::try_from(d).ok())
                .and_then(|(m, d)| NaiveDate::from_ymd_opt(y, m, d));
            match made {
                Some(date) => Value::Date(date),
                None => {
                    return Err(fail(
                        Code::InvalidDate,
                        format!("{y}-{m:02}-{d:02} is not a date"),
                    )
                    .help("the month is 1-12 and the day must exist in that month"))
                }
            }
        }
        DaysInYear => Value::Number(Decimal::from(calendar::days_in_year(year(0)?))),
        DaysInMonth => Value::Number(Decimal::from(calendar::days_in_month(date(0)))),
        StartOfMonth => Value::Date(calendar::start_of_month(date(0))),
        EndOfMonth => Value::Date(calendar::end_of_month(date(0))),
        AddMonths => match calendar::add_months(date(0), whole(1)?) {
            Some(d) => Value::Date(d),
            None => return Err(fail(Code::InvalidDate, "the date is out of range".into())),
        },
        YearOf => year_value(date(0)),
        MonthOf => Value::Number(Decimal::from(date(0).month())),
        DayOf => Value::Number(Decimal::from(date(0).day())),
        IsLeapYear => Value::Bool(calendar::is_leap_year(year(0)?)),
    })
}

fn map(value: &Value, f: impl Fn(Decimal) -> Decimal + Copy) -> Value {
    match value {
        Value::Number(n) => Value::Number(f(*n)),
        Value::Table(t) => Value::Table(Arc::new(Table {
            entries: t
                .entries
                .iter()
                .map(|(k, v)| (k.clone(), map(v, f)))
                .collect(),
        })),
        other => other.clone(),
    }
}
