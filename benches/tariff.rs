//! The engine against the physical limit: one offer's tariff evaluated by the
//! engine, and the same tariff written by hand over rust_decimal, in one run.
//! Also parse + check of the agreement. Run with `cargo bench`.
//!
//! The hand-written function holds Midtjylland 2021-22's figures; benchmark
//! code may, the engine may not.

use std::hint::black_box;
use std::str::FromStr;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use rust_decimal::Decimal;

const AGREEMENT: &str = "agreements/midtjylland-2021-22.takst";
const OFFER: &str = "examples/adults-108-home.toml";

struct Siblings;
impl dsl::Loader for Siblings {
    fn load(&self, name: &str, _: &str) -> Result<(String, Vec<u8>), String> {
        let path = format!("agreements/{name}.takst");
        std::fs::read(&path)
            .map(|b| (path, b))
            .map_err(|e| e.to_string())
    }
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("a decimal")
}

/// The offer's figures, as the hand-written function takes them.
struct Offer {
    year: i32,
    budget: Decimal,
    central_pools: Decimal,
    depreciation: Decimal,
    book_value: Decimal,
    rent: Decimal,
    holiday_pay: Decimal,
    owns_premises: bool,
    /// The discount rate by date, as the reference data holds it.
    discount_rate: Vec<(NaiveDate, Decimal)>,
    civil_servant_salaries: Decimal,
    overhead_rate: Decimal,
    regulation: Decimal,
    places: Decimal,
    adults: bool,
}

/// What the agreement's tariff part shows.
struct Tariff {
    capital: Decimal,
    pensions: Decimal,
    cost: Decimal,
    overhead: Decimal,
    total: Decimal,
    occupancy: Decimal,
    tariff_per_day: Decimal,
}

/// Midtjylland 2021-22, §§4.2, 5.1-5.6, 8.1, written by hand, with the same checks
/// the rule file makes (overhead cap, places and occupancy above 0, the period).
fn tariff_by_hand(o: &Offer) -> Option<Tariff> {
    // The agreement's figures as constants (parsing them per call would flatter the engine).
    const INTEREST_MARGIN: Decimal = Decimal::from_parts(1, 0, 0, false, 2); // 1 pp
    const PENSION_RATE: Decimal = Decimal::from_parts(30, 0, 0, false, 2); // 30 %
    const OVERHEAD_CAP: Decimal = Decimal::from_parts(61, 0, 0, false, 3); // 6.1 %
    const CHILDREN_OCCUPANCY: Decimal = Decimal::from_parts(98, 0, 0, false, 2); // 98 %
    const DAYS: Decimal = Decimal::from_parts(365, 0, 0, false, 0);
    let first_of_may = NaiveDate::from_ymd_opt(o.year - 1, 5, 1)?;
    let in_force = o.discount_rate.partition_point(|(d, _)| *d <= first_of_may);
    let discount = o.discount_rate.get(in_force.checked_sub(1)?)?.1;
    let interest_rate = discount + INTEREST_MARGIN;
    let capital = o.depreciation + interest_rate * o.book_value;
    let premises_rent = if o.owns_premises {
        Decimal::ZERO
    } else {
        o.rent
    };
    let gross_budget = o.budget + o.holiday_pay + premises_rent;
    let pensions = PENSION_RATE * o.civil_servant_salaries;
    let cost = gross_budget + o.central_pools + capital + pensions;
    if o.overhead_rate > OVERHEAD_CAP || o.places <= Decimal::ZERO {
        return None;
    }
    let overhead = o.overhead_rate * cost;
    let total = cost + overhead + o.regulation;
    let occupancy = if o.adults {
        Decimal::ONE
    } else {
        CHILDREN_OCCUPANCY
    };
    if occupancy <= Decimal::ZERO || !(2021..=2022).contains(&o.year) {
        return None;
    }
    let tariff_per_day = total.checked_div(occupancy * o.places)?.checked_div(DAYS)?;
    Some(Tariff {
        capital,
        pensions,
        cost,
        overhead,
        total,
        occupancy,
        tariff_per_day,
    })
}

fn benchmarks(c: &mut Criterion) {
    let text = std::fs::read_to_string(AGREEMENT).expect("the agreement");
    c.bench_function("parse + check the agreement", |b| {
        b.iter(|| dsl::check(AGREEMENT, black_box(&text), &Siblings).is_ok())
    });

    let program = dsl::check(AGREEMENT, &text, &Siblings).expect("checks");
    let mut inputs = engine::Inputs::new(&program);
    inputs
        .read(
            &program,
            "rates",
            &std::fs::read_to_string("agreements/reference-rates.toml").unwrap_or_default(),
        )
        .expect("reference rates");
    inputs
        .read(
            &program,
            OFFER,
            &std::fs::read_to_string(OFFER).expect("the offer"),
        )
        .expect("inputs");
    let part = program.part("tariff").expect("a tariff part");
    let output = program.slot_id("tariff_per_day").expect("tariff_per_day");
    // One evaluator for the whole run, as a tariff file of many offers uses it.
    let mut evaluator = engine::Evaluator::default();
    c.bench_function("tariff of one offer, engine", |b| {
        b.iter(|| {
            evaluator
                .run(&program, black_box(part), black_box(&inputs))
                .map(|(values, _)| values[output as usize].clone())
        })
    });

    let offer = Offer {
        year: 2022,
        budget: d("14800000"),
        central_pools: d("250000"),
        depreciation: d("420000"),
        book_value: d("9800000"),
        rent: Decimal::ZERO,
        holiday_pay: Decimal::ZERO,
        owns_premises: true,
        discount_rate: vec![(
            NaiveDate::from_ymd_opt(2021, 1, 1).expect("a date"),
            Decimal::ZERO,
        )],
        civil_servant_salaries: d("650000"),
        overhead_rate: d("0.061"),
        regulation: Decimal::ZERO,
        places: d("24"),
        adults: true,
    };
    // The two compute the same tariff, figure for figure, before either is timed.
    let by_hand = tariff_by_hand(&offer).expect("a tariff by hand");
    let (values, _) = evaluator
        .run(&program, part, &inputs)
        .expect("a tariff by the engine");
    for (name, figure) in [
        ("capital", by_hand.capital),
        ("pensions", by_hand.pensions),
        ("cost", by_hand.cost),
        ("overhead", by_hand.overhead),
        ("total", by_hand.total),
        ("occupancy", by_hand.occupancy),
        ("tariff_per_day", by_hand.tariff_per_day),
    ] {
        let slot = program.slot_id(name).expect("a figure of the tariff");
        assert_eq!(
            values[slot as usize],
            engine::Value::Number(figure),
            "`{name}`: the engine and the hand-written tariff differ"
        );
    }
    c.bench_function("tariff of one offer, by hand", |b| {
        b.iter(|| tariff_by_hand(black_box(&offer)))
    });
}

criterion_group!(benches, benchmarks);
criterion_main!(benches);
