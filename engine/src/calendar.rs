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
