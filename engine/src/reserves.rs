//! The reserve ledger: surpluses set aside by year, used first in, first out,
//! and expiring after a number of years.
//!
//! Each year's result within the threshold enters: a surplus becomes a reserve of
//! that year (a layer); a deficit draws on the oldest layers first, and what they
//! cannot cover is left uncovered. A layer may be used in the `life` years after
//! the year it arose; what is left of it at the end of its last year expires.
//! Every year, closing = opening + additions − used − expired.
//!
//! Every sum is checked: amounts too large to add exactly are an [`Overflow`],
//! and a life so long that its last year is past the last year there is never expires.

use rust_decimal::Decimal;

/// The amounts are too large to add up exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// One year of the ledger.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Year {
    pub year: i64,
    pub added: Decimal,
    pub used: Decimal,
    pub expired: Decimal,
    pub uncovered: Decimal,
    pub closing: Decimal,
    /// What the year's deficit took from each earlier year's reserve, oldest first.
    pub drawn: Vec<(i64, Decimal)>,
}

/// What is left of each year's reserve after the last year, by year of origin.
pub fn remaining_by_origin(
    results: &[(i64, Decimal)],
    life: i64,
) -> Result<Vec<(i64, Decimal)>, Overflow> {
    let mut remaining = Vec::new();
    run(results, life, Some(&mut remaining))?;
    Ok(remaining)
}

/// Runs the ledger over `(year, result within the threshold)`, in any order.
pub fn ledger(results: &[(i64, Decimal)], life: i64) -> Result<Vec<Year>, Overflow> {
    run(results, life, None)
}

/// `a + b`, or [`Overflow`].
fn add(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_add(b).ok_or(Overflow)
}

fn run(
    results: &[(i64, Decimal)],
    life: i64,
    remaining: Option<&mut Vec<(i64, Decimal)>>,
) -> Result<Vec<Year>, Overflow> {
    // The last year a layer of `origin` may be used in; saturating, so that a life
    // past the end of time never expires (a wrapped sum would expire it at once).
    let last = |origin: i64| origin.saturating_add(life);
    let mut years: Vec<(i64, Decimal)> = results.to_vec();
    years.sort_by_key(|(y, _)| *y);
    let mut layers: std::collections::VecDeque<(i64, Decimal)> = Default::default();
    let mut out = Vec::with_capacity(years.len());
    for (year, result) in years {
        let mut row = Year {
            year,
            ..Year::default()
        };
        // Layers whose last year lies in a gap before this year have expired already.
        while layers
            .front()
            .is_some_and(|(origin, _)| last(*origin) < year)
        {
            if let Some((_, amount)) = layers.pop_front() {
                row.expired = add(row.expired, amount)?;
            }
        }
        if result > Decimal::ZERO {
            row.added = result;
            layers.push_back((year, result));
        } else if result < Decimal::ZERO {
            let mut need = -result;
            while need > Decimal::ZERO {
                // Only layers from earlier years, still within their life, may be used.
                let Some(front) = layers.front_mut() else {
                    break;
                };
                if front.0 >= year {
                    break;
                }
                let take = need.min(front.1);
                row.drawn.push((front.0, take));
                front.1 -= take;
                need -= take;
                row.used = add(row.used, take)?;
                if front.1.is_zero() {
                    layers.pop_front();
                }
            }
            row.uncovered = need;
        }
        while layers
            .front()
            .is_some_and(|(origin, _)| last(*origin) <= year)
        {
            if let Some((_, amount)) = layers.pop_front() {
                row.expired = add(row.expired, amount)?;
            }
        }
        row.closing = layers
            .iter()
            .try_fold(Decimal::ZERO, |sum, (_, a)| add(sum, *a))?;
        out.push(row);
    }
    if let Some(remaining) = remaining {
        remaining.extend(layers);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn a_deficit_uses_the_oldest_reserve_first() {
        let rows = ledger(&[(2019, d(100)), (2020, d(50)), (2021, d(-120))], 5).unwrap();
        assert_eq!(rows[2].used, d(120));
        assert_eq!(rows[2].closing, d(30)); // 2019's 100 gone, 20 of 2020's used
        assert_eq!(rows[2].uncovered, d(0));
        assert_eq!(rows[2].drawn, vec![(2019, d(100)), (2020, d(20))]);
    }

    #[test]
    fn what_is_left_by_year_of_origin() {
        let left =
            remaining_by_origin(&[(2019, d(100)), (2020, d(50)), (2021, d(-120))], 5).unwrap();
        assert_eq!(left, vec![(2020, d(30))]);
    }

    #[test]
    fn reserves_expire_after_their_life() {
        let rows = ledger(
            &[(2015, d(100)), (2016, d(0)), (2020, d(0)), (2021, d(-10))],
            5,
        )
        .unwrap();
        assert_eq!(rows[2].expired, d(100)); // the end of 2020 is 2015's last year
        assert_eq!(rows[3].used, d(0));
        assert_eq!(rows[3].uncovered, d(10));
    }

    #[test]
    fn a_life_past_the_end_of_time_never_expires() {
        let rows = ledger(&[(2019, d(100)), (2020, d(0))], i64::MAX).unwrap();
        assert_eq!(rows[1].closing, d(100));
        assert_eq!(rows[1].expired, d(0));
    }

    #[test]
    fn amounts_too_large_to_add_are_an_overflow() {
        let max = Decimal::MAX;
        assert_eq!(ledger(&[(2019, max), (2020, max)], 5), Err(Overflow));
        assert_eq!(
            remaining_by_origin(&[(2019, max), (2020, max)], 5),
            Err(Overflow)
        );
    }

    proptest! {
        #[test]
        fn the_ledger_balances_and_never_uses_an_expired_reserve(
            results in proptest::collection::vec(-1_000i64..1_000, 1..15),
            life in 1i64..7,
        ) {
            // Years with gaps: every other year may be missing.
            let input: Vec<(i64, Decimal)> = results
                .iter()
                .enumerate()
                .map(|(i, r)| (2010 + i as i64 + i as i64 / 2, d(*r)))
                .collect();
            let rows = ledger(&input, life).unwrap();
            let mut opening = Decimal::ZERO;
            for row in &rows {
                prop_assert_eq!(opening + row.added - row.used - row.expired, row.closing);
                prop_assert!(row.closing >= Decimal::ZERO && row.uncovered >= Decimal::ZERO);
                opening = row.closing;
            }
            // What was added is, in the end, used, expired or still there.
            let added: Decimal = rows.iter().map(|r| r.added).sum();
            let gone: Decimal = rows.iter().map(|r| r.used + r.expired).sum();
            prop_assert_eq!(added, gone + opening);
            // No reserve is used after its life: a deficit in a year more than `life`
            // years after every surplus is wholly uncovered.
            for row in &rows {
                let usable: Decimal = rows
                    .iter()
                    .filter(|r| r.year < row.year && r.year + life >= row.year)
                    .map(|r| r.added)
                    .sum();
                prop_assert!(row.used <= usable);
                // And directly: every amount drawn comes from an earlier year within its life.
                let drawn: Decimal = row.drawn.iter().map(|(_, a)| *a).sum();
                prop_assert_eq!(drawn, row.used);
                for (origin, _) in &row.drawn {
                    prop_assert!(*origin < row.year && origin + life >= row.year);
                }
            }
        }
    }
}
