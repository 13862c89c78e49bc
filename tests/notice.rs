//! Notice periods over every day of 2024-2027, leap years included.

mod common;

use chrono::{Datelike, Days, NaiveDate};
use engine::{Inputs, Value};

/// The last day to be paid when notice is given on `day` and the citizen moves out the same day.
fn notice_end(program: &dsl::Program, day: NaiveDate) -> NaiveDate {
    let mut inputs = Inputs::new(program);
    let toml = format!(
        "placement_kind = \"residential\"\nnotice_reason = \"ordinary\"\n\
         placement_start = 2020-01-01\nnotice_given = {day}\nmove_out = {day}\ndaily_tariff = 1000\n"
    );
    inputs
        .read(program, "placement.toml", &toml)
        .expect("inputs");
    let part = program.part("notice").expect("a notice part");
    let result = engine::run(program, part, &inputs).expect("evaluates");
    match result.values[program.slot_id("last_paid_day").expect("last_paid_day") as usize] {
        Value::Date(d) => d,
        ref other => panic!("not a date: {other:?}"),
    }
}

fn every_day() -> impl Iterator<Item = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    (0..1461u64).map(move |n| first + Days::new(n))
}

fn agreement(name: &str) -> dsl::Program {
    let text = std::fs::read_to_string(common::root().join(format!("agreements/{name}.takst")))
        .expect("the agreement");
    common::check(name, &text).expect("checks")
}

#[test]
fn midtjylland_notice_ends_at_the_end_of_the_following_month() {
    let program = agreement("midtjylland-2021-22");
    for day in every_day() {
        let end = notice_end(&program, day);
        assert!(end >= day, "{day}: {end}");
        // "Current month + one month", read as the last day of the following month.
        let next_month = if day.month() == 12 {
            1
        } else {
            day.month() + 1
        };
        assert_eq!(end.month(), next_month, "{day}: {end}");
        assert_eq!(
            end.succ_opt().expect("a day").day(),
            1,
            "{day}: {end} is not a month's last day"
        );
    }
}

#[test]
fn sjaelland_and_syddanmark_notices_never_end_before_they_are_given() {
    for name in ["sjaelland", "syddanmark-2025-26"] {
        let program = agreement(name);
        for day in every_day() {
            let end = notice_end(&program, day);
            assert!(end >= day, "{name} {day}: {end}");
        }
    }
}

#[test]
fn syddanmark_reads_current_month_plus_one_as_two_months_from_any_day() {
    let program = agreement("syddanmark-2025-26");
    for day in every_day() {
        let end = notice_end(&program, day);
        assert_eq!(
            end,
            engine::calendar::add_months(day, 2).expect("a date"),
            "{day}"
        );
    }
}
