//! Date arithmetic the agreements need: days in a year, ends of months, adding months.

use chrono::{Datelike, Months, NaiveDate};

/// 366 in a leap year, else 365.
pub fn days_in_year(year: i32) -> u32 {
    if is_leap_year(year) {
        366
    } else {
        365
    }
}

/// True for leap years in the Gregorian calendar — for any year, also one past the
/// dates a `NaiveDate` holds (asking it for 29 February said no to 300,000, a leap year).
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The day number of a date (as chrono's `num_days_from_ce`: 1 January of year 1
/// is day 1), computed from year, month and day without making the date; none
/// for a day not in the calendar or a year outside the dates a `NaiveDate` holds.
pub fn day_number(year: i64, month: i64, day: i64) -> Option<i64> {
    let (min, max) = (NaiveDate::MIN.year() as i64, NaiveDate::MAX.year() as i64);
    if !(min..=max).contains(&year) || !(1..=12).contains(&month) || day < 1 {
        return None;
    }
    let length = match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year as i32) => 29,
        2 => 28,
        _ => 31,
    };
    if day > length {
        return None;
    }
    // Days from 1 March of year 0, in eras of 400 years (146,097 days each).
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let of_era = year.rem_euclid(400);
    let of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let of_era = of_era * 365 + of_era / 4 - of_era / 100 + of_year;
    // 1 March of year 0 is day -305 counted from 1 January of year 1 as day 1.
    Some(era * 146_097 + of_era - 305)
}

/// The first day of the date's month.
pub fn start_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The last day of the date's month (also of the calendar's last month, where the
/// first of the next month does not exist).
pub fn end_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(days_in_month(date)).unwrap_or(date)
}

/// The number of days in the date's month.
pub fn days_in_month(date: NaiveDate) -> u32 {
    match date.month() {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(date.year()) => 29,
        2 => 28,
        _ => 31,
    }
}

/// The same day `n` months later (or earlier); the month's last day if it is shorter.
pub fn add_months(date: NaiveDate, n: i64) -> Option<NaiveDate> {
    let months = Months::new(u32::try_from(n.unsigned_abs()).ok()?);
    if n >= 0 {
        date.checked_add_months(months)
    } else {
        date.checked_sub_months(months)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn day_numbers_are_chronos_for_every_day_and_none_for_any_other() {
        for year in (-2_000..=3_000)
            .chain(262_000..=262_143)
            .chain(-262_143..=-262_000)
        {
            for month in 0..=13 {
                for day in 0..=32 {
                    let chrono = NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32)
                        .map(|d| i64::from(d.num_days_from_ce()));
                    assert_eq!(day_number(year, month, day), chrono, "{year}-{month}-{day}");
                }
            }
        }
        for year in [i64::MIN, -262_145, -262_144, 262_144, 262_145, i64::MAX] {
            let chrono = i32::try_from(year)
                .ok()
                .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
                .map(|d| i64::from(d.num_days_from_ce()));
            assert_eq!(day_number(year, 1, 1), chrono, "{year}");
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn leap_years() {
        assert_eq!(days_in_year(2024), 366);
        assert_eq!(days_in_year(2100), 365);
        assert_eq!(days_in_year(2000), 366);
        assert_eq!(days_in_year(2023), 365);
    }

    #[test]
    fn leap_years_beyond_the_calendar() {
        assert!(is_leap_year(300_000) && is_leap_year(-400) && is_leap_year(i32::MIN));
        assert!(!is_leap_year(300_100) && !is_leap_year(i32::MAX));
        assert_eq!(days_in_year(300_000), 366);
        let last = NaiveDate::MAX;
        assert_eq!(end_of_month(d(last.year(), 12, 1)), last);
        assert_eq!(days_in_month(last), 31);
    }

    #[test]
    fn ends_of_months() {
        assert_eq!(end_of_month(d(2024, 2, 10)), d(2024, 2, 29));
        assert_eq!(end_of_month(d(2023, 2, 10)), d(2023, 2, 28));
        assert_eq!(end_of_month(d(2023, 12, 31)), d(2023, 12, 31));
        assert_eq!(days_in_month(d(2023, 4, 1)), 30);
    }

    #[test]
    fn adding_months_keeps_the_day_or_takes_the_last() {
        assert_eq!(add_months(d(2024, 1, 31), 1), Some(d(2024, 2, 29)));
        assert_eq!(add_months(d(2024, 3, 14), -2), Some(d(2024, 1, 14)));
    }

    proptest! {
        #[test]
        fn end_of_month_is_in_the_same_month_and_not_before(days in 0i64..4000) {
            let date = d(2020, 1, 1) + chrono::Days::new(days as u64);
            let end = end_of_month(date);
            prop_assert!(end >= date);
            prop_assert_eq!(end.month(), date.month());
            prop_assert_ne!(end.succ_opt().unwrap().month(), date.month());
        }
    }
}
