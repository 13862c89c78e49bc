//! Every builtin and operator on figures at the edge of exact arithmetic and of
//! the calendar: a result, or `takst::overflow` / `takst::too_large` naming the
//! figure — never a panic, a wrapped integer or a rounded sum — and the same on
//! the compiled machine as on the general path.

use dsl::Code;
use engine::{Inputs, Value};

use dsl::NoBases;

/// The largest decimal: 29 digits.
const MAX: &str = "79228162514264337593543950335";

/// The result `r` of the part `p: r`, given the input file: compiled (fresh and
/// on an evaluator, twice), and on the general path, which must agree.
fn both(rules: &str, input: &str) -> Result<Value, (Code, String)> {
    let text = format!("agreement \"a\"\ninput one: number\n{rules}\npart p: r\n");
    let program = dsl::check("a.takst", &text, &NoBases)
        .unwrap_or_else(|d| panic!("{}", dsl::diagnostic::render(&d, false)));
    let part = program.part("p").expect("part p");
    let r = program.slot_id("r").expect("r") as usize;
    let mut inputs = Inputs::new(&program);
    inputs
        .read(&program, "i.toml", &format!("one = 1\n{input}"))
        .unwrap_or_else(|d| panic!("{}", dsl::diagnostic::render(&d, false)));
    // The general path: every slot computed by `engine::evaluate`.
    let mut values = vec![Value::Unset; program.slots.len()];
    for &slot in &part.plan.inputs {
        if let Some(given) = inputs.value(slot) {
            values[slot as usize] = given.clone();
        }
    }
    engine::evaluate(&program, &part.plan, &mut values);
    let general = match &values[r] {
        Value::Failed(e) => Err((e.code, e.title.clone())),
        v => Ok(v.clone()),
    };
    let mut evaluator = engine::Evaluator::default();
    for round in 0..3 {
        let compiled = match round {
            0 => engine::run(&program, part, &inputs).map(|e| e.values[r].clone()),
            _ => evaluator
                .run(&program, part, &inputs)
                .map(|(values, _)| values[r].clone()),
        }
        .map_err(|e| (e.code, e.title.clone()));
        assert_eq!(compiled, general, "round {round}: {rules}");
    }
    general
}

fn overflows(rules: &str, input: &str) -> String {
    match both(rules, input) {
        Err((Code::Overflow, title)) => title,
        other => panic!("{rules}: expected an overflow, got {other:?}"),
    }
}

fn number(s: &str) -> Value {
    Value::Number(s.parse().expect("a number"))
}

#[test]
fn arithmetic_overflows_on_both_paths() {
    // The machine's addition overflows; the general path names it.
    let big = format!("define big = {MAX} kr * one");
    overflows(&format!("{big}\ndefine r = big + big"), "");
    overflows(&format!("{big}\ndefine r = -big - big"), "");
    overflows(&format!("{big}\ndefine r = big * 2"), "");
    overflows(&format!("{big}\ndefine r = big / 0.5"), "");
    overflows(
        &format!("{big}\ndefine r = when one > 0 then big + big otherwise 0 kr"),
        "",
    );
    assert_eq!(
        both(&format!("{big}\ndefine r = big - big"), ""),
        Ok(number("0"))
    );
}

#[test]
fn sums_and_shares_overflow() {
    let h = format!("define h = {{a: {MAX} kr * one, b: 1 kr}}");
    let title = overflows(&format!("{h}\ndefine r = sum(h)"), "");
    assert_eq!(title, "the sum is too large to compute exactly");
    let title = overflows(&format!("{h}\ndefine r = share(h)[\"a\"]"), "");
    assert_eq!(
        title,
        "the total of the shares is too large to compute exactly"
    );
    overflows(&format!("{h}\ndefine r = average(h)"), "");
    overflows(&format!("define r = average({MAX} kr * one, {MAX} kr)"), "");
    overflows(&format!("{h}\ndefine r = sum(h + h)"), "");
    overflows(
        &format!("{h}\ndefine r = sum_by(h, {{a: \"g\", b: \"g\"}})[\"g\"] + h[\"a\"]"),
        "",
    );
}

#[test]
fn an_allocation_that_cannot_add_up_exactly_overflows() {
    let title = overflows(
        &format!("define r = allocate({MAX} kr * one, {{a: 1, b: 1}})[\"a\"]"),
        "",
    );
    assert_eq!(title, "the figures are too large");
    overflows(
        &format!("define r = spread({{g: {MAX} kr * one}}, {{a: \"g\", b: \"g\"}}, {{a: 1, b: 1}})[\"a\"]"),
        "",
    );
    // An amount that halves exactly is allocated to the øre.
    assert_eq!(
        both(
            "define r = allocate(79228162514264337593543950334 kr * one, {a: 1, b: 1})[\"b\"]",
            ""
        ),
        Ok(number("39614081257132168796771975167"))
    );
}

#[test]
fn the_reserve_ledger_checks_every_sum_and_year() {
    let surpluses = format!("define h = {{2019: {MAX} kr * one, 2020: {MAX} kr}}");
    for function in [
        "reserve_balance(h, 5)[2020]",
        "reserve_by_origin(h, 5)[2020]",
        "reserve_used(h, 5)[2020]",
        "reserve_expired(h, 5)[2020]",
        "deficit_uncovered(h, 5)[2020]",
        "count(reserve_drawn(h, 5))",
    ] {
        let title = overflows(&format!("{surpluses}\ndefine r = {function}"), "");
        assert_eq!(
            title, "the reserve is too large to compute exactly",
            "{function}"
        );
    }
    // A life past the end of time: the reserve never expires (a wrapped year
    // expired it at once, and the balance read 0).
    assert_eq!(
        both(
            "define h = {2019: 100 kr * one, 2020: 0 kr}\ndefine r = reserve_balance(h, 9223372036854775807)[2020]",
            ""
        ),
        Ok(number("100"))
    );
    assert_eq!(
        both(
            "define h = {2019: 100 kr * one, 2020: -30 kr}\ndefine r = reserve_used(h, 9223372036854775807)[2020]",
            ""
        ),
        Ok(number("30"))
    );
}

#[test]
fn days_and_years_out_of_range_overflow() {
    let title = overflows(
        "input d: date\ninput k: days\ndefine r = d - k",
        "d = 2024-01-01\nk = -9223372036854775808\n",
    );
    assert!(title.contains("outside the calendar"), "{title}");
    overflows(
        "input d: date\ninput k: days\ndefine r = d + k",
        "d = 2024-01-01\nk = 9223372036854775807\n",
    );
    overflows(
        "input d: date\ninput k: days\ndefine r = d + k",
        "d = 2024-01-01\nk = 100000000\n",
    );
    overflows(
        "define r = sum(shift_years({2020: 1 kr * one}, 9223372036854775807))",
        "",
    );
    assert!(matches!(
        both(
            "input d: date\ndefine r = add_months(d, 9223372036854775807)",
            "d = 2024-01-01\n"
        ),
        Err((Code::InvalidDate, _))
    ));
    assert!(matches!(
        both("define r = days_in_year(9223372036854775807 * one)", ""),
        Err((Code::InvalidDate, _))
    ));
}

#[test]
fn rounding_to_negative_decimals_is_refused_not_taken_as_units() {
    match both("input x: money\ndefine r = round(x, -1)", "x = 1234.5\n") {
        Err((Code::WrongArguments, title)) => assert_eq!(title, "`round` to -1 decimals"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        both("input x: money\ndefine r = round(x, 40)", "x = 1234.5\n"),
        Ok(number("1234.5"))
    );
}

#[test]
fn a_year_with_decimals_is_no_key() {
    assert_eq!(
        both(
            "input y: number\ndefine r = has({2020: 1 kr}, y)",
            "y = 2020.5\n"
        ),
        Ok(Value::Bool(false))
    );
    assert_eq!(
        both(
            "input y: number\ndefine r = has({2020: 1 kr}, y)",
            "y = 2020\n"
        ),
        Ok(Value::Bool(true))
    );
}

#[test]
fn a_table_too_large_stops_the_evaluation() {
    match both(
        "define r = count(months(date(-200000, 1, 1), date(200000, 1, 1 * one)))",
        "",
    ) {
        Err((Code::TooLarge, title)) => assert_eq!(
            title,
            "this formula would make a table of 4,800,001 entries; a table may have at most 1,000,000"
        ),
        other => panic!("{other:?}"),
    }
    // The three lines that ran without end: every month of every month.
    let started = std::time::Instant::now();
    match both(
        "define m = months(0001-01-01, date(9999, 12, 31 * one))\ndefine r = count(m each count(months(0001-01-01, 9999-12-31)))",
        "",
    ) {
        Err((Code::TooLarge, title)) => assert_eq!(
            title,
            "this formula builds or reads more than 10,000,000 table entries"
        ),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}

#[test]
fn large_tables_combine_in_linear_time() {
    // Two tables of 119,988 months each, added, merged and compared entry by entry:
    // quadratic look-ups would take minutes.
    let started = std::time::Instant::now();
    let m = "define m = months(0001-01-01, date(9999, 12, 31 * one))";
    assert_eq!(
        both(&format!("{m}\ndefine r = count(merge(m, m + m))"), ""),
        Ok(number("119988"))
    );
    assert_eq!(
        both(&format!("{m}\ndefine r = sum(min(m, m * 2))"), ""),
        Ok(number("3652059"))
    );
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}

#[test]
fn dates_at_the_ends_of_the_calendar() {
    let at = |formula: &str| {
        both(
            &format!("input d: date\ndefine r = {formula}"),
            "d = 2024-01-01\n",
        )
    };
    assert!(matches!(
        at("year_of(date(262143 * one, 1, 1))"),
        Err((Code::InvalidDate, _))
    ));
    assert!(matches!(
        at("year_of(date(2024, 13 * one, 1))"),
        Err((Code::InvalidDate, _))
    ));
    assert!(matches!(
        at("year_of(date(9223372036854775807 * one, 1, 1))"),
        Err((Code::InvalidDate, _))
    ));
    assert_eq!(
        at("day_of(end_of_month(date(262142 * one, 12, 1)))"),
        Ok(number("31"))
    );
    assert_eq!(
        at("days_in_month(date(262142 * one, 12, 31))"),
        Ok(number("31"))
    );
    assert_eq!(
        at("month_of(start_of_month(date(-262143 * one, 1, 31)))"),
        Ok(number("1"))
    );
    // A year past the dates the calendar holds is still a leap year or not.
    assert_eq!(at("days_in_year(300000 * one)"), Ok(number("366")));
    assert_eq!(
        both("define r = is_leap_year(300000 * one)", ""),
        Ok(Value::Bool(true))
    );
    assert!(matches!(
        at("add_months(d, -9223372036854775808 * one)"),
        Err((Code::InvalidDate, _))
    ));
    assert!(matches!(
        at("d + 2147483648 * one * 1 days"),
        Err((Code::Overflow, _))
    ));
    assert_eq!(
        at("(d - date(-262143, 1, 1)) * one"),
        Ok(number("96485015"))
    );
}
