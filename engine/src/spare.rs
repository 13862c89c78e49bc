//! Tables given back for the next row.
//!
//! A tariff file gives some inputs in columns of their own (`occupancy_history.2020`,
//! `occupancy_history.2021`): each row's cells become a table, which the evaluation
//! copies into its values (a shared pointer) and lets go when the next row's
//! replaces it. Freeing one table per row and allocating the next cost more than
//! the arithmetic of a tariff, so the evaluation gives a table it held alone back
//! here, and the next row's cells are read into it: per thread, a few tables, no
//! allocation in the steady state.

use std::cell::RefCell;
use std::sync::Arc;

use crate::value::{Key, Table, Value};

/// How many tables and lists of entries a thread keeps.
const KEPT: usize = 16;

#[derive(Default)]
struct Spare {
    /// Tables without entries.
    tables: Vec<Arc<Table>>,
    /// Lists of entries, empty, with their room.
    entries: Vec<Vec<(Key, Value)>>,
}

thread_local! {
    static SPARE: RefCell<Spare> = RefCell::default();
}

/// Gives a value that is no longer needed back: a table held by nothing else is
/// kept (emptied) for [`entries`] and [`table`]; anything else is dropped.
pub(crate) fn give_back(value: Value) {
    let Value::Table(mut table) = value else {
        return;
    };
    let Some(held) = Arc::get_mut(&mut table) else {
        return;
    };
    let mut entries = std::mem::take(&mut held.entries);
    entries.clear();
    // A thread that is being torn down has no spare: the table is dropped.
    let _ = SPARE.try_with(|spare| {
        let Ok(mut spare) = spare.try_borrow_mut() else {
            return;
        };
        if spare.tables.len() < KEPT {
            spare.tables.push(table);
        }
        if spare.entries.len() < KEPT && entries.capacity() > 0 {
            spare.entries.push(entries);
        }
    });
}

/// An empty list of entries, with room from a table given back when there is one.
pub(crate) fn entries() -> Vec<(Key, Value)> {
    SPARE
        .try_with(|spare| spare.try_borrow_mut().ok()?.entries.pop())
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// A shared table of `entries`, in a table given back when there is one.
pub(crate) fn table(entries: Vec<(Key, Value)>) -> Arc<Table> {
    let spare = SPARE
        .try_with(|spare| spare.try_borrow_mut().ok()?.tables.pop())
        .ok()
        .flatten();
    match spare {
        Some(mut table) => match Arc::get_mut(&mut table) {
            Some(held) => {
                held.entries = entries;
                table
            }
            // Only tables held by nothing else are kept; this cannot be reached.
            None => Arc::new(Table { entries }),
        },
        None => Arc::new(Table { entries }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn year_table(years: &[i64]) -> Vec<(Key, Value)> {
        let mut entries = entries();
        entries.extend(
            years
                .iter()
                .map(|&y| (Key::Year(y), Value::Number(Decimal::from(y)))),
        );
        entries
    }

    #[test]
    fn a_table_given_back_is_read_into_again_with_its_own_entries() {
        let first = table(year_table(&[2020, 2021]));
        let address = Arc::as_ptr(&first);
        give_back(Value::Table(first));
        let second = table(year_table(&[2022]));
        assert_eq!(Arc::as_ptr(&second), address, "the table is reused");
        assert_eq!(
            second.entries,
            vec![(Key::Year(2022), Value::Number(2022.into()))]
        );
    }

    #[test]
    fn a_table_still_held_elsewhere_is_not_taken() {
        let held = table(year_table(&[2020]));
        let copy = Arc::clone(&held);
        give_back(Value::Table(copy));
        let other = table(year_table(&[2021]));
        assert_ne!(Arc::as_ptr(&other), Arc::as_ptr(&held));
        assert_eq!(
            held.entries,
            vec![(Key::Year(2020), Value::Number(2020.into()))]
        );
    }
}
