//! The reserve ledger: surpluses set aside by year, used first in, first out,
//! and expiring after a number of years.
//!
//! Each year's result within the threshold enters: a surplus becomes a reserve of
//! that year (a layer); a deficit draws on the oldest layers first. A layer may be
//! used in the `life` years after the year it arose; what is left of it at the end
//! of its last year expires.
//!
//! What the layers cannot cover depends on the ledger's [`Kind`]:
//! - [`Kind::NonNegative`]: it is left uncovered (outside the ledger, which never
//!   goes below zero);
//! - [`Kind::Signed`]: it is carried as a negative balance, and a later surplus
//!   first nets that carried deficit before what is left of it becomes a reserve. A
//!   carried deficit does not expire: only reserves (surpluses) have a life.
//!
//! Every year, closing = opening + added − used − expired, where in a signed ledger
//! `added` is the whole surplus and `used` the whole deficit, and the balances may be
//! negative.
//!
//! Every sum is checked: amounts too large to add exactly are an [`Overflow`],
//! and a life so long that its last year is past the last year there is never expires.

use rust_decimal::Decimal;

/// The amounts are too large to add up exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// What happens to a deficit the reserves cannot cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// Left uncovered; the ledger never goes below zero.
    #[default]
    NonNegative,
    /// Carried as a negative balance, netted by later surpluses; never expires.
    Signed,
}

/// One year of the ledger.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Year {
    pub year: i64,
    /// The surplus that entered (in a signed ledger part of it may net a carried deficit).
    pub added: Decimal,
    /// What the deficit took: from the reserves, and (signed ledger) into the carried deficit.
    pub used: Decimal,
    pub expired: Decimal,
    /// The part of the deficit left outside the ledger (always 0 in a signed ledger).
    pub uncovered: Decimal,
    /// The balance at the end of the year (negative: a carried deficit).
    pub closing: Decimal,
    /// What the year's deficit took from each earlier year's reserve, oldest first.
    pub drawn: Vec<(i64, Decimal)>,
}

/// What is left of each year's reserve after the last year, by year of origin.
/// (A carried deficit has no year of origin: it is only in the closing balance.)
pub fn remaining_by_origin(
    results: &[(i64, Decimal)],
    life: i64,
    kind: Kind,
) -> Result<Vec<(i64, Decimal)>, Overflow> {
    let mut remaining = Vec::new();
    run(results, life, kind, Some(&mut remaining))?;
    Ok(remaining)
}

/// Runs the ledger over `(year, result within the threshold)`, in any order.
pub fn ledger(results: &[(i64, Decimal)], life: i64, kind: Kind) -> Result<Vec<Year>, Overflow> {
    run(results, life, kind, None)
}

/// `a + b`, or [`Overflow`].
fn add(a: Decimal, b: Decimal) -> Result<Decimal, Overflow> {
    a.checked_add(b).ok_or(Overflow)
}

fn run(
    results: &[(i64, Decimal)],
    life: i64,
    kind: Kind,
    remaining: Option<&mut Vec<(i64, Decimal)>>,
) -> Result<Vec<Year>, Overflow> {
    // The last year a layer of `origin` may be used in; saturating, so that a life
    // past the end of time never expires (a wrapped sum would expire it at once).
    let last = |origin: i64| origin.saturating_add(life);
    let mut years: Vec<(i64, Decimal)> = results.to_vec();
    years.sort_by_key(|(y, _)| *y);
    let mut layers: std::collections::VecDeque<(i64, Decimal)> = Default::default();
    // The deficit carried (signed ledger only), as a positive amount.
    let mut carried = Decimal::ZERO;
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
            // A carried deficit is netted first; only the rest is set aside.
            let netted = result.min(carried);
            carried -= netted;
            if result > netted {
                layers.push_back((year, result - netted));
            }
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
            match kind {
                Kind::NonNegative => row.uncovered = need,
                Kind::Signed => {
                    carried = add(carried, need)?;
                    row.used = add(row.used, need)?;
                }
            }
        }
        while layers
            .front()
            .is_some_and(|(origin, _)| last(*origin) <= year)
        {
            if let Some((_, amount)) = layers.pop_front() {
                row.expired = add(row.expired, amount)?;
            }
        }
        let reserves = layers
            .iter()
            .try_fold(Decimal::ZERO, |sum, (_, a)| add(sum, *a))?;
        row.closing = reserves.checked_sub(carried).ok_or(Overflow)?;
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

    const NON_NEGATIVE: Kind = Kind::NonNegative;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn a_signed_ledger_carries_a_deficit_and_nets_it_with_a_later_surplus() {
        // −4 % one year, +4 % the next: by bilag 14's accumulated result, nothing is
        // left to set aside, so nothing can expire into a tariff five years on.
        let results = [(2019, d(-400)), (2020, d(400)), (2021, d(0)), (2025, d(0))];
        let rows = ledger(&results, 5, Kind::Signed).unwrap();
        assert_eq!(rows[0].closing, d(-400));
        assert_eq!(rows[0].used, d(400));
        assert_eq!(rows[0].uncovered, d(0));
        assert_eq!(rows[1].closing, d(0));
        assert!(rows.iter().all(|r| r.expired.is_zero()));
        // The non-negative ledger keeps the 2020 surplus as a reserve, and it expires.
        let rows = ledger(&results, 5, NON_NEGATIVE).unwrap();
        assert_eq!(rows[0].uncovered, d(400));
        assert_eq!(rows[1].closing, d(400));
        assert_eq!(rows[3].expired, d(400));
    }

    #[test]
    fn a_signed_ledger_uses_reserves_first_and_carries_the_rest() {
        let rows = ledger(
            &[(2019, d(100)), (2020, d(-300)), (2021, d(250))],
            5,
            Kind::Signed,
        )
        .unwrap();
        assert_eq!(rows[1].drawn, vec![(2019, d(100))]);
        assert_eq!(rows[1].used, d(300));
        assert_eq!(rows[1].closing, d(-200));
        assert_eq!(rows[2].closing, d(50));
        // Only the 50 left after netting is a reserve, of 2021.
        let left = remaining_by_origin(
            &[(2019, d(100)), (2020, d(-300)), (2021, d(250))],
            5,
            Kind::Signed,
        )
        .unwrap();
        assert_eq!(left, vec![(2021, d(50))]);
    }

    #[test]
    fn a_carried_deficit_does_not_expire() {
        let rows = ledger(
            &[(2010, d(-100)), (2020, d(0)), (2030, d(30))],
            5,
            Kind::Signed,
        )
        .unwrap();
        assert_eq!(rows[1].closing, d(-100));
        assert_eq!(rows[2].closing, d(-70));
        assert!(rows.iter().all(|r| r.expired.is_zero()));
    }

    #[test]
    fn a_deficit_uses_the_oldest_reserve_first() {
        let rows = ledger(
            &[(2019, d(100)), (2020, d(50)), (2021, d(-120))],
            5,
            NON_NEGATIVE,
        )
        .unwrap();
        assert_eq!(rows[2].used, d(120));
        assert_eq!(rows[2].closing, d(30)); // 2019's 100 gone, 20 of 2020's used
        assert_eq!(rows[2].uncovered, d(0));
        assert_eq!(rows[2].drawn, vec![(2019, d(100)), (2020, d(20))]);
    }

    #[test]
    fn what_is_left_by_year_of_origin() {
        let left = remaining_by_origin(
            &[(2019, d(100)), (2020, d(50)), (2021, d(-120))],
            5,
            NON_NEGATIVE,
        )
        .unwrap();
        assert_eq!(left, vec![(2020, d(30))]);
    }

    #[test]
    fn reserves_expire_after_their_life() {
        let rows = ledger(
            &[(2015, d(100)), (2016, d(0)), (2020, d(0)), (2021, d(-10))],
            5,
            NON_NEGATIVE,
        )
        .unwrap();
        assert_eq!(rows[2].expired, d(100)); // the end of 2020 is 2015's last year
        assert_eq!(rows[3].used, d(0));
        assert_eq!(rows[3].uncovered, d(10));
    }

    #[test]
    fn a_life_past_the_end_of_time_never_expires() {
        let rows = ledger(&[(2019, d(100)), (2020, d(0))], i64::MAX, NON_NEGATIVE).unwrap();
        assert_eq!(rows[1].closing, d(100));
        assert_eq!(rows[1].expired, d(0));
    }

    #[test]
    fn amounts_too_large_to_add_are_an_overflow() {
        let max = Decimal::MAX;
        for kind in [Kind::NonNegative, Kind::Signed] {
            assert_eq!(ledger(&[(2019, max), (2020, max)], 5, kind), Err(Overflow));
            assert_eq!(
                remaining_by_origin(&[(2019, max), (2020, max)], 5, kind),
                Err(Overflow)
            );
        }
        // A carried deficit and a reserve too large to net.
        assert_eq!(
            ledger(&[(2019, -max), (2020, -max)], 5, Kind::Signed),
            Err(Overflow)
        );
    }

    proptest! {
        #[test]
        fn the_ledger_balances_and_never_uses_an_expired_reserve(
            results in proptest::collection::vec(-1_000i64..1_000, 1..15),
            life in 1i64..7,
            signed in any::<bool>(),
        ) {
            let kind = if signed { Kind::Signed } else { Kind::NonNegative };
            // Years with gaps: every other year may be missing.
            let input: Vec<(i64, Decimal)> = results
                .iter()
                .enumerate()
                .map(|(i, r)| (2010 + i as i64 + i as i64 / 2, d(*r)))
                .collect();
            let rows = ledger(&input, life, kind).unwrap();
            let mut opening = Decimal::ZERO;
            let mut expired_so_far = Decimal::ZERO;
            for (row, (_, result)) in rows.iter().zip(&input) {
                // closing = opening + added − used − expired, signed.
                prop_assert_eq!(opening + row.added - row.used - row.expired, row.closing);
                prop_assert!(row.uncovered >= Decimal::ZERO && row.expired >= Decimal::ZERO);
                expired_so_far += row.expired;
                match kind {
                    Kind::NonNegative => {
                        prop_assert!(row.closing >= Decimal::ZERO);
                        // What the deficit did not take from reserves is uncovered.
                        prop_assert_eq!(row.used + row.uncovered, (-*result).max(Decimal::ZERO));
                    }
                    Kind::Signed => {
                        // Nothing is left outside: the balance is the sum of the results so
                        // far, less what expired.
                        prop_assert!(row.uncovered.is_zero());
                        prop_assert_eq!(row.added - row.used, *result);
                        let sum: Decimal = input.iter().filter(|(y, _)| *y <= row.year).map(|(_, r)| *r).sum();
                        prop_assert_eq!(row.closing, sum - expired_so_far);
                    }
                }
                opening = row.closing;
            }
            for row in &rows {
                // No reserve is used after its life: every amount drawn comes from an
                // earlier year within its life, and they add up to at most what was used.
                let drawn: Decimal = row.drawn.iter().map(|(_, a)| *a).sum();
                if kind == Kind::NonNegative {
                    prop_assert_eq!(drawn, row.used);
                } else {
                    prop_assert!(drawn <= row.used);
                }
                for (origin, _) in &row.drawn {
                    prop_assert!(*origin < row.year && origin + life >= row.year);
                }
                let usable: Decimal = rows
                    .iter()
                    .filter(|r| r.year < row.year && r.year + life >= row.year)
                    .map(|r| r.added)
                    .sum();
                prop_assert!(drawn <= usable);
            }
            // What is left by year of origin adds up to the positive part of the balance.
            let left: Decimal = remaining_by_origin(&input, life, kind).unwrap().iter().map(|(_, a)| *a).sum();
            prop_assert_eq!(left, opening.max(Decimal::ZERO));
        }
    }
}
