//! Each builtin function, and each evaluation error, on real figures.

use dsl::Code;
use engine::examples;

use dsl::NoBases;

fn program(text: &str) -> dsl::Program {
    dsl::check("test.takst", text, &NoBases)
        .unwrap_or_else(|d| panic!("{}", dsl::diagnostic::render(&d, false)))
}

/// Runs the rule file's examples; each must pass.
fn passes(text: &str) {
    let program = program(text);
    for outcome in examples::run_all(&program) {
        assert!(
            outcome.passed(),
            "{}: {:?} {:?}",
            outcome.title,
            outcome.failures,
            outcome.error
        );
    }
}

/// Runs the rule file's single example; it must fail with `code`.
fn fails_with(text: &str, code: Code) -> String {
    let program = program(text);
    let outcome = examples::run_all(&program).pop().expect("an example");
    let error = outcome
        .error
        .unwrap_or_else(|| panic!("expected {code}, got {:?}", outcome.failures));
    assert_eq!(error.code, code, "{}", error.title);
    error.title.clone()
}

#[test]
fn min_max_average() {
    passes(
        r#"agreement "t"
        input t: money per party
        example "min, max, average" {
          given t = { a: 3 kr, b: 1 kr, c: 2 kr }
          expect min(3 kr, 1 kr, 2 kr) == 1 kr
          expect max(3 kr, 1 kr, 2 kr) == 3 kr
          expect min(t) == 1 kr and max(t) == 3 kr
          expect average(t) == 2 kr
          expect average(96 %, 100 %) == 98 %
          expect min(2021-05-01, 2021-04-01) == 2021-04-01
        }"#,
    );
}

#[test]
fn rounding() {
    passes(
        r#"agreement "t"
        example "round, floor, ceil, abs" {
          expect round(2655.9362 kr) == 2656 kr
          expect round(2.5) == 3 and round(-2.5) == -3 and round(2.4999) == 2
          expect round(1.005, 2) == 1.01
          expect floor(2.9) == 2 and floor(-2.1) == -3
          expect ceil(2.1) == 3 and ceil(-2.9) == -2
          expect abs(-5 %) == 5 % and abs(5 kr) == 5 kr
        }"#,
    );
}

#[test]
fn tables() {
    passes(
        r#"agreement "t"
        input revenue: money per party
        define shares = share(revenue)
        define parts = allocate(3_226_950 kr, revenue)
        example "sum, count, share, allocate, has, where" {
          given revenue = { operator: 9_652_973 kr, m1: 2_145_105 kr, m2: 1_430_070 kr }
          expect sum(revenue) == 13_228_148 kr
          expect count(revenue) == 3
          expect count(revenue where value > 2_000_000 kr) == 2
          expect sum(revenue where key != "operator") == 3_575_175 kr
          expect sum(shares) == 1
          expect parts["m1"] == 523_289.17 kr
          expect parts["m2"] == 348_859.45 kr
          expect parts["operator"] == 2_354_801.38 kr
          expect sum(parts) == 3_226_950 kr
          expect has(revenue, "m1") and not has(revenue, "m3")
          expect (revenue × 2)["m1"] == 4_290_210 kr
          expect count(merge(revenue, { m3: 1 kr, m1: 2 kr })) == 4
          expect merge(revenue, { m1: 2 kr })["m1"] == 2 kr
        }"#,
    );
}

#[test]
fn dates() {
    passes(
        r#"agreement "t"
        example "dates" {
          expect date(2024, 2, 29) == 2024-02-29
          expect days_in_year(2024) == 366 days and days_in_year(2025) == 365 days
          expect days_in_month(2023-02-10) == 28 days
          expect start_of_month(2024-03-14) == 2024-03-01
          expect end_of_month(2024-02-01) == 2024-02-29
          expect add_months(2024-03-31, -1) == 2024-02-29
          expect year_of(2024-03-14) == 2024 and month_of(2024-03-14) == 3 and day_of(2024-03-14) == 14
          expect is_leap_year(2000) and not is_leap_year(1900)
          expect 2024-03-01 - 2024-02-01 == 29 days
          expect 2024-02-28 + 1 days == 2024-02-29
          expect sum(months(2024-01-15, 2024-03-10)) == 2024-03-10 - 2024-01-15 + 1 days
          expect months(2024-01-15, 2024-03-10)[2024-02-01] == 29 days
          expect count(months(2024-01-15, 2024-03-10)) == 3
          expect count(months(2024-03-10, 2024-01-15)) == 0
          expect (months(2023-12-01, 2024-01-31) each month_of(key))[2024-01-01] == 1
        }"#,
    );
}

#[test]
fn series_read_on_a_date() {
    passes(
        r#"agreement "t"
        input rate: series of percent
        example "the value in force" {
          given rate = { 2020-01-01: 0.05 %, 2021-06-01: 0.1 % }
          expect rate on 2021-05-01 == 0.05 %
          expect rate on 2021-06-01 == 0.1 %
        }"#,
    );
}

#[test]
fn division_by_zero_is_an_error() {
    fails_with(
        r#"agreement "t"
        input cost: money
        input places: number
        define per_place = cost / places
        example "no places" { given cost = 1 kr  given places = 0  expect per_place == 0 kr }"#,
        Code::DivisionByZero,
    );
}

#[test]
fn a_missing_table_entry_is_an_error() {
    let title = fails_with(
        r#"agreement "t"
        input history: percent per year
        define occupancy = history[2018]
        example "no 2018" { given history = { 2019: 98 % }  expect occupancy == 98 % }"#,
        Code::MissingKey,
    );
    assert!(title.contains("2018"), "{title}");
}

#[test]
fn a_series_without_a_value_on_the_date_is_an_error() {
    let title = fails_with(
        r#"agreement "t"
        input rate: series of percent
        define r = rate on 2019-05-01
        example "too early" { given rate = { 2020-01-01: 1 % }  expect r == 1 % }"#,
        Code::NoValueOnDate,
    );
    assert!(title.contains("2019-05-01"), "{title}");
}

#[test]
fn an_impossible_date_is_an_error() {
    fails_with(
        r#"agreement "t"
        input month: integer
        define d = date(2021, month, 30)
        example "30 February" { given month = 2  expect d == 2021-03-02 }"#,
        Code::InvalidDate,
    );
}

#[test]
fn allocation_by_zero_weights_is_an_error() {
    let title = fails_with(
        r#"agreement "t"
        input w: money per party
        define parts = allocate(100 kr, w)
        example "all zero" { given w = { a: 0 kr, b: 0 kr }  expect sum(parts) == 100 kr }"#,
        Code::EmptyShares,
    );
    assert!(title.starts_with("every weight is zero"), "{title}");
    // No party at all (a table left out of the input file) is said so.
    let title = fails_with(
        r#"agreement "t"
        input w: money per party default {}
        define parts = allocate(100 kr, w)
        example "no party" { expect sum(parts) == 100 kr }"#,
        Code::EmptyShares,
    );
    assert!(title.starts_with("no party to allocate to"), "{title}");
}

#[test]
fn overflow_is_an_error() {
    fails_with(
        r#"agreement "t"
        input big: money
        define square = big × 99_999_999_999_999 × 99_999_999_999_999
        example "too big" { given big = 99_999_999_999_999 kr  expect square > 0 kr }"#,
        Code::Overflow,
    );
}

#[test]
fn a_failed_error_check_fails_the_example() {
    let program = program(
        r#"agreement "t"
        input rate: percent
        check cap [§5.6]: rate <= 6.1 % else error "at most 6.1 %"
        define r = rate
        example "over the cap" { given rate = 7 %  expect r == 7 % }"#,
    );
    let outcome = examples::run_all(&program).pop().expect("an example");
    assert_eq!(outcome.failures.len(), 1);
    assert!(outcome.failures[0].message.contains("cap"));
}

#[test]
fn concat_joins_texts_and_refuses_other_values() {
    passes(
        r#"agreement "t"
        input service: text per offer
        example "a pool named by service and side" {
          given service = { "Engen": "§ 108" }
          expect concat(service["Engen"], ", uden for rammeaftalen") == "§ 108, uden for rammeaftalen"
          expect concat("a", "", "c") == "ac"
        }"#,
    );
    for wrong in [r#"concat("a")"#, r#"concat("a", 1 kr)"#] {
        let text = format!("agreement \"t\"\ndefine x = {wrong}\n");
        let diagnostics = dsl::check("test.takst", &text, &NoBases).expect_err(wrong);
        assert!(
            diagnostics
                .iter()
                .any(|d| matches!(d.code, Code::WrongArguments | Code::WrongType)),
            "{wrong}"
        );
    }
}

#[test]
fn tables_multiplied_need_the_same_keys_both_ways() {
    // An entry only in the right-hand table was dropped without a word.
    let title = fails_with(
        r#"agreement "T"
input rates: percent per offer
input bases: money per offer
define parts = bases × rates
example "a rate for an offer without a base" {
  given bases = { "A": 100 kr }
  given rates = { "A": 5 %, "B": 5 % }
  expect parts["A"] == 5 kr
}
"#,
        Code::MissingKey,
    );
    assert_eq!(title, "the left-hand table has no entry for \"B\"");
}
