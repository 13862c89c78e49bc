//! Splitting an amount by weights, exact to the øre.
//!
//! Each party gets its exact share rounded down to the unit (1 øre); the
//! units left over go one each to the parties with the largest remainders
//! (the largest remainder, or Hamilton, method; ties go to the earlier
//! party). So the parts always add up to the whole, no part is more than
//! one øre from its exact share, and a party with weight zero gets zero.

use rust_decimal::{Decimal, RoundingStrategy};

/// Why an amount cannot be allocated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllocationError {
    /// The weights add up to zero: there is nothing to divide by.
    NoWeight,
    /// A weight is negative (its index).
    NegativeWeight(usize),
    /// The figures are too large for exact arithmetic.
    Overflow,
}

/// Splits `amount` (first rounded to `decimals`) by `weights`.
pub fn allocate(
    amount: Decimal,
    weights: &[Decimal],
    decimals: u32,
) -> Result<Vec<Decimal>, AllocationError> {
    if let Some(i) = weights
        .iter()
        .position(|w| w.is_sign_negative() && !w.is_zero())
    {
        return Err(AllocationError::NegativeWeight(i));
    }
    let total = weights
        .iter()
        .try_fold(Decimal::ZERO, |a, w| a.checked_add(*w))
        .ok_or(AllocationError::Overflow)?;
    if total.is_zero() {
        return Err(AllocationError::NoWeight);
    }
    let whole = amount.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    let negative = whole.is_sign_negative();
    let magnitude = whole.abs();
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for w in weights {
        let exact = magnitude
            .checked_mul(*w)
            .and_then(|x| x.checked_div(total))
            .ok_or(AllocationError::Overflow)?;
        let down = exact.round_dp_with_strategy(decimals, RoundingStrategy::ToZero);
        remainders.push(exact.checked_sub(down).ok_or(AllocationError::Overflow)?);
        parts.push(down);
    }
    let unit = Decimal::new(1, decimals);
    let given = sum(&parts)?;
    // Near 28 digits a share cannot be held exactly and may come out rounded up:
    // then the parts would not add up to the whole, and nothing is allocated.
    let mut left = magnitude
        .checked_sub(given)
        .and_then(|l| l.checked_div(unit))
        .map(|l| l.round())
        .filter(|l| !l.is_sign_negative() && *l <= Decimal::from(weights.len()))
        .ok_or(AllocationError::Overflow)?;
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Largest remainder first; ties to the earlier party (the sort is stable).
    order.sort_by(|a, b| remainders[*b].cmp(&remainders[*a]));
    for i in order
        .into_iter()
        .cycle()
        .take(weights.len().saturating_mul(2))
    {
        if left <= Decimal::ZERO {
            break;
        }
        if !weights[i].is_zero() {
            parts[i] = parts[i]
                .checked_add(unit)
                .ok_or(AllocationError::Overflow)?;
            left -= Decimal::ONE;
        }
    }
    if sum(&parts)? != magnitude {
        return Err(AllocationError::Overflow);
    }
    if negative {
        parts.iter_mut().for_each(|p| *p = -*p);
    }
    Ok(parts)
}

/// The sum of the parts, or an overflow.
fn sum(parts: &[Decimal]) -> Result<Decimal, AllocationError> {
    parts
        .iter()
        .try_fold(Decimal::ZERO, |a, p| a.checked_add(*p))
        .ok_or(AllocationError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn thirds_add_up() {
        let parts = allocate(dec("100"), &[dec("1"), dec("1"), dec("1")], 2).unwrap();
        assert_eq!(parts, vec![dec("33.34"), dec("33.33"), dec("33.33")]);
    }

    #[test]
    fn zero_weight_gets_nothing() {
        let parts = allocate(dec("10.01"), &[dec("0"), dec("1"), dec("1")], 2).unwrap();
        assert_eq!(parts, vec![dec("0"), dec("5.01"), dec("5.00")]);
    }

    #[test]
    fn negative_amounts_mirror_positive_ones() {
        let parts = allocate(dec("-100"), &[dec("1"), dec("2")], 2).unwrap();
        assert_eq!(parts, vec![dec("-33.33"), dec("-66.67")]);
    }

    #[test]
    fn all_zero_weights_are_an_error() {
        assert_eq!(
            allocate(dec("1"), &[dec("0"), dec("0")], 2),
            Err(AllocationError::NoWeight)
        );
        assert_eq!(allocate(dec("1"), &[], 2), Err(AllocationError::NoWeight));
    }

    #[test]
    fn amounts_too_large_to_share_exactly_are_an_overflow() {
        // Each half, 39614081257132168796771975167.5, has one digit too many and
        // would be rounded up: the parts would not add up to the whole.
        assert_eq!(
            allocate(Decimal::MAX, &[dec("1"), dec("1")], 2),
            Err(AllocationError::Overflow)
        );
        assert_eq!(
            allocate(Decimal::MAX, &[Decimal::MAX, Decimal::MAX], 2),
            Err(AllocationError::Overflow)
        );
        // The largest amount that still splits into halves exactly.
        let even = dec("79228162514264337593543950334");
        assert_eq!(
            allocate(even, &[dec("1"), dec("1")], 2),
            Ok(vec![dec("39614081257132168796771975167"); 2])
        );
    }

    #[test]
    fn negative_weights_are_an_error() {
        assert_eq!(
            allocate(dec("1"), &[dec("1"), dec("-1")], 2),
            Err(AllocationError::NegativeWeight(1))
        );
    }

    proptest! {
        #[test]
        fn parts_add_up_to_the_whole(
            amount in -1_000_000_000i64..1_000_000_000,
            weights in proptest::collection::vec(0u32..1_000_000, 1..12),
        ) {
            let amount = Decimal::new(amount, 2);
            let weights: Vec<Decimal> = weights.into_iter().map(Decimal::from).collect();
            match allocate(amount, &weights, 2) {
                Ok(parts) => {
                    prop_assert_eq!(parts.iter().sum::<Decimal>(), amount);
                    let total: Decimal = weights.iter().sum();
                    for (p, w) in parts.iter().zip(&weights) {
                        if w.is_zero() { prop_assert!(p.is_zero()); }
                        let exact = amount * *w / total;
                        prop_assert!((*p - exact).abs() < dec("0.01"));
                    }
                }
                Err(e) => prop_assert!(e == AllocationError::NoWeight && weights.iter().all(|w| w.is_zero())),
            }
        }
    }
}
