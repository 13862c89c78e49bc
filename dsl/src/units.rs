//! Units of time, and the conversions between them that are exact.
//!
//! A week is 7 days and a day 24 hours, always; a month is no fixed number of
//! days (use the calendar functions). So `412 kr/hour × 37 hours/week` is
//! kr/week, `2 hours + 1 days` is 26 hours and `2_656 kr/day + 100 kr/hour` is
//! 5_056 kr/day — each conversion a multiplication by a whole number, checked
//! before anything is evaluated. A conversion that would divide (hours into
//! days: 1/24 has no exact decimal) is never made silently; the formula must
//! say it, e.g. `hours / (24 hours/day)`.
//!
//! The words are also where units are written: `kr/hour` as a type, `412 kr/hour`
//! as a literal, `412 kr/hour` in an input file.

use rust_decimal::Decimal;

use crate::types::Dimension;

/// Every unit a number may carry, as written: the word and its dimension.
pub const UNITS: &[(&str, Dimension)] = &[
    ("kr/day", Dimension::PER_DAY),
    ("kr/hour", per(Dimension::MONEY, Dimension::HOURS)),
    ("kr/week", per(Dimension::MONEY, Dimension::WEEKS)),
    ("kr/month", per(Dimension::MONEY, Dimension::MONTHS)),
    ("hours/week", per(Dimension::HOURS, Dimension::WEEKS)),
    ("hours/day", per(Dimension::HOURS, Dimension::DAYS)),
    ("days/week", per(Dimension::DAYS, Dimension::WEEKS)),
    ("kr", Dimension::MONEY),
    ("days", Dimension::DAYS),
    ("day", Dimension::DAYS),
    ("hours", Dimension::HOURS),
    ("hour", Dimension::HOURS),
    ("weeks", Dimension::WEEKS),
    ("week", Dimension::WEEKS),
    ("months", Dimension::MONTHS),
    ("month", Dimension::MONTHS),
];

const fn per(top: Dimension, bottom: Dimension) -> Dimension {
    Dimension {
        money: top.money - bottom.money,
        hours: top.hours - bottom.hours,
        days: top.days - bottom.days,
        weeks: top.weeks - bottom.weeks,
        months: top.months - bottom.months,
    }
}

/// The dimension of a unit as written (`kr/hour`), if it is one.
pub fn dimension(word: &str) -> Option<Dimension> {
    UNITS.iter().find(|(w, _)| *w == word).map(|(_, d)| *d)
}

/// A day in hours is 2³·3, a week 2³·3·7: the powers of 2, 3 and 7 by which a
/// quantity in these units is a quantity in hours.
fn in_hours(d: Dimension) -> [i32; 3] {
    let (days, weeks) = (i32::from(d.days), i32::from(d.weeks));
    [3 * days + 3 * weeks, days + weeks, weeks]
}

/// The total power of time (hours, days, weeks) of a dimension.
fn time(d: Dimension) -> i32 {
    i32::from(d.hours) + i32::from(d.days) + i32::from(d.weeks)
}

/// The whole number by which a quantity in `from` becomes the same quantity in `to`
/// (24 for days into hours, 24 for kr/hour into kr/day, 7 for weeks into days), if
/// the two differ only in their units of time and the factor is whole; 1 if they are
/// the same.
pub fn factor(from: Dimension, to: Dimension) -> Option<Decimal> {
    if from == to {
        return Some(Decimal::ONE);
    }
    if from.money != to.money || from.months != to.months || time(from) != time(to) {
        return None;
    }
    let (a, b) = (in_hours(from), in_hours(to));
    let powers = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    if powers.iter().any(|&p| p < 0) {
        return None;
    }
    let mut f = Decimal::ONE;
    for (base, power) in [2u32, 3, 7].iter().zip(powers) {
        for _ in 0..power {
            f = f.checked_mul(Decimal::from(*base))?;
        }
    }
    Some(f)
}

/// For a dimension that mixes units of time (`kr/hour × days`), one unit that the
/// quantity converts to exactly, and the factor: kr/hour·day is 24 kr. A duration
/// goes to the finest unit, a rate to the coarsest, as those conversions multiply.
/// `None` if it mixes none, or cannot be converted exactly.
pub fn simplified(d: Dimension) -> Option<(Dimension, Decimal)> {
    let mixed = [d.hours, d.days, d.weeks]
        .iter()
        .filter(|&&p| p != 0)
        .count()
        > 1;
    if !mixed {
        return None;
    }
    let t = time(d);
    let plain = Dimension {
        hours: 0,
        days: 0,
        weeks: 0,
        ..d
    };
    let t8 = i8::try_from(t).ok()?;
    let candidates = [
        Dimension { hours: t8, ..plain },
        Dimension { days: t8, ..plain },
        Dimension { weeks: t8, ..plain },
    ];
    let order: [usize; 3] = if t >= 0 { [0, 1, 2] } else { [2, 1, 0] };
    order
        .iter()
        .find_map(|&i| factor(d, candidates[i]).map(|f| (candidates[i], f)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(word: &str) -> Dimension {
        dimension(word).expect("a unit")
    }

    #[test]
    fn exact_conversions_multiply() {
        assert_eq!(factor(d("days"), d("hours")), Some(Decimal::from(24)));
        assert_eq!(factor(d("weeks"), d("days")), Some(Decimal::from(7)));
        assert_eq!(factor(d("weeks"), d("hours")), Some(Decimal::from(168)));
        assert_eq!(factor(d("kr/hour"), d("kr/day")), Some(Decimal::from(24)));
        assert_eq!(
            factor(d("hours/day"), d("hours/week")),
            Some(Decimal::from(7))
        );
    }

    #[test]
    fn conversions_that_would_divide_are_refused() {
        assert_eq!(factor(d("hours"), d("days")), None);
        assert_eq!(factor(d("kr/day"), d("kr/hour")), None);
        assert_eq!(factor(d("months"), d("days")), None);
        assert_eq!(factor(d("kr"), d("days")), None);
    }

    #[test]
    fn mixed_units_simplify_where_exact() {
        let kr_per_hour_times_days = Dimension {
            money: 1,
            hours: -1,
            days: 1,
            ..Dimension::NONE
        };
        assert_eq!(
            simplified(kr_per_hour_times_days),
            Some((Dimension::MONEY, Decimal::from(24)))
        );
        let hours_times_kr_per_day = Dimension {
            money: 1,
            hours: 1,
            days: -1,
            ..Dimension::NONE
        };
        assert_eq!(simplified(hours_times_kr_per_day), None);
        assert_eq!(simplified(d("kr/hour")), None);
    }
}
