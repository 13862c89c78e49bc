//! The evaluation budget: a bound on the tables one evaluation may build.
//!
//! A formula is small, but a table is not: `months(0001-01-01, 9999-12-31)` has
//! 119,988 entries, and `each` over it of another such table would build 10^10
//! values — an evaluation that never ends. So every table an operation builds
//! may hold at most [`MAX_ENTRIES`] entries, and one evaluation may build or walk
//! through at most [`MAX_STEPS`] entries in all (an entry looked up in a table
//! counts as the entries before it). Past either, the evaluation stops with
//! `takst::too_large`, naming the formula. Both are far above any agreement's
//! needs: a table per month over 100 years has 1,200 entries, a region's
//! tariff file some 10^5 offers.
//!
//! The steps are counted per thread and set to zero where an evaluation starts
//! ([`start`]); arithmetic on numbers is not counted (a formula is at most a
//! few hundred operations, see `dsl::limits`).

use std::cell::Cell;

use dsl::program::Node;
use dsl::Code;

use crate::error::EvalError;

/// The most entries a table built during an evaluation may have.
pub const MAX_ENTRIES: usize = 1_000_000;

/// The most table entries one evaluation may build or walk through.
pub const MAX_STEPS: u64 = 10_000_000;

thread_local! {
    static SPENT: Cell<u64> = const { Cell::new(0) };
}

/// Starts an evaluation: no steps spent yet.
pub fn start() {
    SPENT.with(|spent| spent.set(0));
}

/// Spends `steps` on the formula `node`; an error once the evaluation has spent
/// more than [`MAX_STEPS`].
#[inline]
pub(crate) fn spend(steps: usize, node: &Node) -> Result<(), EvalError> {
    let total = SPENT.with(|spent| {
        let total = spent
            .get()
            .saturating_add(u64::try_from(steps).unwrap_or(u64::MAX));
        spent.set(total);
        total
    });
    if total > MAX_STEPS {
        return Err(EvalError::new(
            Code::TooLarge,
            node.span,
            format!(
                "this formula builds or reads more than {} table entries",
                thousands(MAX_STEPS)
            ),
        )
        .help("an evaluation may handle at most that many entries in all; check the dates and tables this formula goes over (a table per month over centuries, an `each` inside an `each`)"));
    }
    Ok(())
}

/// An error unless a table of `entries` entries may be built by `node`; spends them.
pub(crate) fn table(entries: usize, node: &Node) -> Result<(), EvalError> {
    if entries > MAX_ENTRIES {
        return Err(EvalError::new(
            Code::TooLarge,
            node.span,
            format!(
                "this formula would make a table of {} entries; a table may have at most {}",
                thousands(u64::try_from(entries).unwrap_or(u64::MAX)),
                thousands(u64::try_from(MAX_ENTRIES).unwrap_or(u64::MAX))
            ),
        )
        .help("check the dates or tables it is made from: a table per month over 100 years has 1,200 entries"));
    }
    spend(entries, node)
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(10_000_000), "10,000,000");
    }
}
