//! Evaluation of the builtin functions (their types are in `dsl::builtins`).

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use dsl::builtins::{self as names, Builtin};
use dsl::program::Node;
use dsl::Code;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::allocation::{self, AllocationError};
use crate::budget;
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
    let too_large = |what: &str| {
        fail(Code::Overflow, format!("{what} is too large to compute exactly"))
        .help("check the figures it is computed from: an amount of more than 28 digits is not plausible")
    };
    // Every table given to a function is gone through once (`has` is counted where it is called).
    if builtin != Has {
        for arg in args {
            if let Value::Table(t) = arg {
                budget::spend(t.entries.len(), node)?;
            }
        }
    }
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
        Clamp => {
            let (Some(x), Some(low), Some(high)) = (args.first(), args.get(1), args.get(2)) else {
                return Err(fail(
                    Code::WrongArguments,
                    String::from("`clamp` takes x, low and high"),
                ));
            };
            let empty = match (low, high) {
                (Value::Number(l), Value::Number(h)) => l > h,
                (Value::Date(l), Value::Date(h)) => l > h,
                _ => false,
            };
            if empty {
                return Err(fail(
                    Code::WrongArguments,
                    String::from("`clamp`'s low bound is above its high bound"),
                )
                .help("write the bounds in order: clamp(x, low, high)"));
            }
            let raised = grouping::pick(false, x, low, node)?;
            grouping::pick(true, &raised, high, node)?
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
                        .ok_or_else(|| too_large("the sum of the average"))?;
                }
                let average = sum.checked_div(Decimal::from(items.len()));
                Value::Number(average.ok_or_else(|| too_large("the average"))?)
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
            let decimals = match args.len() > 1 {
                true => whole(1)?,
                false => 0,
            };
            // Rounding to tens is not rounding to units: a negative count of decimals
            // is refused, never taken as 0. Past 28 decimals a number is exact already.
            let Ok(decimals) = u32::try_from(decimals) else {
                return Err(fail(
                    Code::WrongArguments,
                    format!("`{}` to {decimals} decimals", names::name(builtin)),
                )
                .help("give 0 or more decimals; to round to hundreds of kroner, write round(x / 100) × 100"));
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
                    .ok_or_else(|| too_large("the sum"))?;
            }
            Value::Number(sum)
        }
        Count => Value::Number(Decimal::from(table(0).map_or(0, |t| t.entries.len()))),
        Share => {
            let t = table(0).unwrap_or_default();
            let mut total = Decimal::ZERO;
            for n in t.entries.iter().filter_map(|(_, v)| v.as_number()) {
                total = total
                    .checked_add(n)
                    .ok_or_else(|| too_large("the total of the shares"))?;
            }
            if total.is_zero() {
                return Err(fail(Code::EmptyShares, "the shares add up to zero".into())
                    .help("a share of a total of 0 is undefined; check the figures shared by"));
            }
            let mut entries = Vec::with_capacity(t.entries.len());
            for (k, v) in &t.entries {
                let share = v.as_number().unwrap_or_default().checked_div(total);
                let share =
                    share.ok_or_else(|| too_large(&format!("the share of {}", show_key(k))))?;
                entries.push((k.clone(), Value::Number(share)));
            }
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
                // No party at all is most often an input left out of the file.
                AllocationError::NoWeight if t.entries.is_empty() => fail(
                    Code::EmptyShares,
                    "no party to allocate to: the table of weights is empty".into(),
                )
                .help("give the weight of each party (revenue, bed days, budget …): a table left out of the input file holds no party"),
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
                // A year is whole: `has(h, 2020.5)` is no, not a look at 2020.
                Value::Number(n) if n.fract().is_zero() => {
                    i64::try_from(*n).ok().map(dsl::program::Key::Year)
                }
                Value::Text(s) => Some(dsl::program::Key::Label(s.clone())),
                Value::Date(d) => Some(dsl::program::Key::Date(*d)),
                _ => None,
            };
            Value::Bool(key.is_some_and(|k| t.get(&k).is_some()))
        }
        Months => {
            let (from, to) = (date(0), date(1));
            let months = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
            let count = (months(to) - months(from) + 1).max(0);
            budget::table(usize::try_from(count).unwrap_or(usize::MAX), node)?;
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
            let overflow = |_| too_large("the reserve");
            if builtin == ReserveByOrigin {
                let left = crate::reserves::remaining_by_origin(&results, whole(1)?, kind)
                    .map_err(overflow)?;
                let entries = left
                    .into_iter()
                    .map(|(year, amount)| (dsl::program::Key::Year(year), Value::Number(amount)))
                    .collect();
                return Ok(Value::Table(Arc::new(Table { entries })));
            }
            let rows = crate::reserves::ledger(&results, whole(1)?, kind).map_err(overflow)?;
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
            let (first, second) = (table(0).unwrap_or_default(), table(1).unwrap_or_default());
            budget::table(
                first.entries.len().saturating_add(second.entries.len()),
                node,
            )?;
            // An entry of the second replaces the first's of its key, in its place;
            // one the first has not is added at the end.
            let in_first = first.lookup();
            let mut entries = first.entries.clone();
            let mut added: std::collections::HashMap<&dsl::program::Key, usize> =
                std::collections::HashMap::new();
            for (key, value) in &second.entries {
                match in_first.position(key).or_else(|| added.get(key).copied()) {
                    Some(at) => entries[at].1 = value.clone(),
                    None => {
                        added.insert(key, entries.len());
                        entries.push((key.clone(), value.clone()));
                    }
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
