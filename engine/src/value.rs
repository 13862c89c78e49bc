//! Values at evaluation time.
//!
//! Types were checked before evaluation, so a value does not carry its unit:
//! a [`Value::Number`] is an exact decimal whose unit the program knows.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::EvalError;

pub use dsl::program::Key;

/// A value of any type.
#[derive(Debug, Clone, PartialEq, Default)]
// A plain tag byte before an aligned payload: writing a value and reading it back
// soon after (every formula does) then never straddles a field.
#[repr(u8)]
pub enum Value {
    /// Not computed (yet): a slot outside the plan.
    #[default]
    Unset,
    Number(Decimal),
    Date(NaiveDate),
    Bool(bool),
    Text(Arc<str>),
    /// The index of the variant in its choice type.
    Choice(u32),
    Table(Arc<Table>),
    Series(Arc<Series>),
    /// A slot whose evaluation failed. It is an error only where it is used:
    /// an input needed in a branch that is not taken does no harm.
    Failed(Arc<EvalError>),
}

/// Entries by key, in the order they were given (years ascending when read from a file).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub entries: Vec<(Key, Value)>,
}

impl Table {
    /// The value at `key`, if any.
    pub fn get(&self, key: &Key) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// For looking up many keys: a large table is indexed by key first, so that
    /// combining two tables takes time linear in their entries, not in the
    /// product of their counts. The first entry of a key is found, as by [`Table::get`].
    pub(crate) fn lookup(&self) -> Lookup<'_> {
        let index = (self.entries.len() > Lookup::INDEXED).then(|| {
            let mut index = HashMap::with_capacity(self.entries.len());
            for (at, (key, _)) in self.entries.iter().enumerate() {
                index.entry(key).or_insert(at);
            }
            index
        });
        Lookup { table: self, index }
    }
}

/// A table ready for many lookups (see [`Table::lookup`]).
pub(crate) struct Lookup<'a> {
    table: &'a Table,
    index: Option<HashMap<&'a Key, usize>>,
}

impl<'a> Lookup<'a> {
    /// Tables of more entries than this are indexed; smaller ones are searched.
    const INDEXED: usize = 16;

    /// The value at `key`, if any.
    pub(crate) fn get(&self, key: &Key) -> Option<&'a Value> {
        match &self.index {
            Some(index) => index.get(key).map(|&at| &self.table.entries[at].1),
            None => self.table.get(key),
        }
    }

    /// The position of the first entry at `key`, if any.
    pub(crate) fn position(&self, key: &Key) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.table.entries.iter().position(|(k, _)| k == key),
        }
    }
}

/// Values that take effect on dates, sorted by date, and how far they are known.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    pub points: Vec<(NaiveDate, Value)>,
    /// The last day the series is known to be complete (`complete_until`): no change
    /// after the last point up to this day. `None`: complete up to its last point.
    pub complete_until: Option<NaiveDate>,
}

impl Series {
    /// The value in force on `date`: the latest point on or before it — if the
    /// series is known that far. Past that, a rate may have changed unseen, so
    /// there is no value, never a stale one.
    pub fn on(&self, date: NaiveDate) -> Option<&Value> {
        if self.known_until().is_some_and(|until| date > until) {
            return None;
        }
        let after = self.points.partition_point(|(d, _)| *d <= date);
        after.checked_sub(1).map(|i| &self.points[i].1)
    }

    /// The last day the series is known to hold: `complete_until` where it says so
    /// (points after it are isolated values with unchecked gaps before them, and are
    /// not used), else its last point.
    pub fn known_until(&self) -> Option<NaiveDate> {
        self.complete_until
            .or_else(|| self.points.last().map(|(d, _)| *d))
    }
}

impl Value {
    /// The number, if this is one.
    pub fn as_number(&self) -> Option<Decimal> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_series_gives_the_latest_value_on_or_before_the_date() {
        let mut s = Series {
            points: vec![
                (d(2020, 1, 1), Value::Number(Decimal::ONE)),
                (d(2020, 5, 1), Value::Number(Decimal::TWO)),
            ],
            complete_until: None,
        };
        assert_eq!(s.on(d(2019, 12, 31)), None);
        assert_eq!(s.on(d(2020, 4, 30)), Some(&Value::Number(Decimal::ONE)));
        assert_eq!(s.on(d(2020, 5, 1)), Some(&Value::Number(Decimal::TWO)));
        // Past its last point a series is not known, unless it says how far it is.
        assert_eq!(s.on(d(2020, 5, 2)), None);
        s.complete_until = Some(d(2021, 12, 31));
        assert_eq!(s.on(d(2021, 12, 31)), Some(&Value::Number(Decimal::TWO)));
        assert_eq!(s.on(d(2022, 1, 1)), None);
    }
}
