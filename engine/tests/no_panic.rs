//! Whatever formula checks, evaluating it on any figures gives a value or an
//! evaluation error — never a panic (division by zero, overflow, missing keys …).

use proptest::prelude::*;

use dsl::NoBases;

fn term() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "x",
        "n",
        "d",
        "h[2020]",
        "h[2021]",
        "sum(h)",
        "count(h)",
        "min(x, 1 kr)",
        "max(n, 0)",
        "round(x / n)",
        "floor(n)",
        "abs(x)",
        "average(n, 2)",
        "allocate(x, h)[2020]",
        "days_in_year(2024)",
        "(x * n)",
        "(x / n)",
        "(n / n)",
        "1",
        "0",
        "99999999999999999999 kr",
        "(when n > 0 then x otherwise 0 kr)",
        "share(h)[2020] * x",
        "sum(months(d, d + 40 days)) / 1 days",
        "79228162514264337593543950335 kr",
        "(-79228162514264337593543950335 kr)",
        "sum(h + {2021: 79228162514264337593543950335 kr})",
        "share(merge(h, {2021: 79228162514264337593543950335 kr}))[2020] * x",
        "allocate(79228162514264337593543950335 kr, {a: 1, b: 1})[\"a\"]",
        "reserve_balance(merge(h, {2021: 79228162514264337593543950335 kr, 2022: 79228162514264337593543950335 kr}), 5)[2022]",
        "reserve_balance(h, 9223372036854775807)[2020]",
        "sum(shift_years(h, 9223372036854775807))",
        "(days_in_month(d - 9223372036854775807 days) * 1 kr)",
        "round(x, -1)",
        "count(months(date(-200000, 1, 1), d))",
    ])
}

fn op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![" + ", " - ", " * ", " / "])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn evaluating_any_checked_formula_does_not_panic(
        first in term(),
        rest in prop::collection::vec((op(), term()), 0..6),
        x in -1_000_000_000i64..1_000_000_000,
        n in -3i64..4,
        h2020 in -100i64..100,
        day in 0u32..800,
    ) {
        let formula: String = std::iter::once(first.to_string())
            .chain(rest.iter().map(|(o, t)| format!("{o}{t}")))
            .collect();
        let text = format!(
            "agreement \"a\"\ninput x: money\ninput n: number\ninput d: date\ninput h: money per year\n\
             define y = {formula}\npart p: y\n"
        );
        let Ok(program) = dsl::check("a.takst", &text, &NoBases) else { return Ok(()) };
        let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(u64::from(day));
        let input = format!("x = {x}\nn = {n}\nd = {date}\n[h]\n2020 = {h2020}\n");
        let mut inputs = engine::Inputs::new(&program);
        inputs.read(&program, "i.toml", &input).expect("inputs");
        let part = program.part("p").expect("part");
        let _ = engine::run(&program, part, &inputs);
    }
}
