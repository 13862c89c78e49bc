//! Each bundled regional agreement's tariff written by hand over rust_decimal, as
//! a whole process: `by-hand AGREEMENT FILE` reads a tariff file of
//! `offers AGREEMENT N` and writes every figure of every offer exactly as
//! `takst batch -a AGREEMENT` writes them (the same columns, amounts rounded to the
//! øre, percentages in percent), so that the two outputs can be compared byte for
//! byte before either is timed. This is the limit `takst batch` is measured
//! against (`run.sh`).
//!
//! Each tariff is one function (`midtjylland`, `sjaelland`, `syddanmark`, never
//! inlined, so that callgrind can count its instructions alone: `run.sh
//! --callgrind`). They hold the figures of the agreements and of the reference
//! rates as constants (benchmark code may hold figures; the engine may not), and
//! compute only what the generator's offers need (an ordinary residential offer,
//! civil servants self-insured, no new acquisitions):
//! - Midtjylland 2021-22 (§§4.2, 5.1-5.6, 8.1): interest the discount rate of 1 May
//!   of the year before (0.00 % in 2021) plus 1 pp, pensions 30 % of civil
//!   servants' salaries, overhead 6.1 % of cost, occupancy 100 % for adults and
//!   98 % for children, 365 days.
//! - Sjælland (§§5A-5K): interest the operator's market rate, pensions 20.3 %,
//!   overhead 4 % of cost (a municipal operator), the operator's occupancy, the
//!   occupancy of the two years before shown, the days of the tariff year.
//! - Syddanmark 2025-26 (bilag 10): interest the operator's rate at most
//!   KommuneKredit's of the year before, pensions 20.3 %, overhead 4.4 % and
//!   development 0.5 % of cost, the operator's occupancy, the days of the year.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

const MIDTJYLLAND_INTEREST: Decimal = Decimal::from_parts(1, 0, 0, false, 2);
const MIDTJYLLAND_PENSIONS: Decimal = Decimal::from_parts(30, 0, 0, false, 2);
const MIDTJYLLAND_OVERHEAD: Decimal = Decimal::from_parts(61, 0, 0, false, 3);
const CHILDREN: Decimal = Decimal::from_parts(98, 0, 0, false, 2);
const PENSIONS: Decimal = Decimal::from_parts(203, 0, 0, false, 3);
const SJAELLAND_OVERHEAD: Decimal = Decimal::from_parts(4, 0, 0, false, 2);
const SYDDANMARK_OVERHEAD: Decimal = Decimal::from_parts(44, 0, 0, false, 3);
const DEVELOPMENT: Decimal = Decimal::from_parts(5, 0, 0, false, 3);
const DAYS: Decimal = Decimal::from_parts(365, 0, 0, false, 0);
const LEAP_DAYS: Decimal = Decimal::from_parts(366, 0, 0, false, 0);

/// One row of the generator's file, its cells as figures.
struct Offer<'a> {
    year: i32,
    places: Decimal,
    children: bool,
    /// A fraction (the cell is in percent).
    planned_occupancy: Decimal,
    budget: Decimal,
    central_pools: Decimal,
    owns_premises: bool,
    rent: Decimal,
    depreciation: Decimal,
    book_value: Decimal,
    /// A fraction.
    interest_rate: Decimal,
    civil_servant_salaries: Decimal,
    regulation: Decimal,
    /// The occupancy of the two years before, as fractions, and the cells.
    history: [(Decimal, &'a str); 2],
    /// KommuneKredit's rate of the year before, a fraction.
    kommunekredit: Decimal,
}

/// Every figure of a tariff, in the order of the agreement's part.
type Figures = [Decimal; 16];

fn number(text: &str) -> Decimal {
    if text.is_empty() {
        Decimal::ZERO
    } else {
        Decimal::from_str(text).unwrap_or(Decimal::ZERO)
    }
}

fn percent(text: &str) -> Decimal {
    number(text) / Decimal::ONE_HUNDRED
}

fn days_in_year(year: i32) -> Decimal {
    match (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 {
        true => LEAP_DAYS,
        false => DAYS,
    }
}

/// An amount as takst writes it in CSV: rounded to the øre, no trailing zeros.
fn money(n: Decimal) -> Decimal {
    n.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

fn in_percent(n: Decimal) -> Decimal {
    (n * Decimal::ONE_HUNDRED).normalize()
}

#[inline(never)]
fn midtjylland(o: &Offer) -> Figures {
    let premises_rent = if o.owns_premises {
        Decimal::ZERO
    } else {
        o.rent
    };
    let capital = o.depreciation + MIDTJYLLAND_INTEREST * o.book_value;
    let gross = o.budget + premises_rent;
    let pensions = MIDTJYLLAND_PENSIONS * o.civil_servant_salaries;
    let cost = gross + o.central_pools + capital + pensions;
    let overhead = MIDTJYLLAND_OVERHEAD * cost;
    let total = cost + overhead + o.regulation;
    let occupancy = if o.children { CHILDREN } else { Decimal::ONE };
    let tariff = total / (occupancy * o.places) / DAYS;
    [
        o.budget,
        premises_rent,
        gross,
        o.central_pools,
        capital,
        pensions,
        cost,
        overhead,
        o.regulation,
        total,
        occupancy,
        o.places,
        DAYS,
        tariff,
        Decimal::ZERO,
        Decimal::ZERO,
    ]
}

#[inline(never)]
fn sjaelland(o: &Offer) -> Figures {
    let premises_rent = if o.owns_premises {
        Decimal::ZERO
    } else {
        o.rent
    };
    let capital = o.depreciation + o.interest_rate * o.book_value;
    let pensions = PENSIONS * o.civil_servant_salaries;
    let cost = o.budget + o.central_pools + premises_rent + capital + pensions;
    let overhead = SJAELLAND_OVERHEAD * cost;
    let total = cost + overhead + o.regulation;
    let occupancy = o.planned_occupancy;
    let days = days_in_year(o.year);
    let tariff = total / (occupancy * o.places) / days;
    [
        o.budget,
        o.central_pools,
        premises_rent,
        capital,
        pensions,
        cost,
        overhead,
        o.regulation,
        total,
        occupancy,
        o.places,
        days,
        tariff,
        Decimal::ZERO,
        Decimal::ZERO,
        Decimal::ZERO,
    ]
}

#[inline(never)]
fn syddanmark(o: &Offer) -> Figures {
    let premises_rent = if o.owns_premises {
        Decimal::ZERO
    } else {
        o.rent
    };
    let interest = o.interest_rate.min(o.kommunekredit);
    let capital = o.depreciation + interest * o.book_value;
    let pensions = PENSIONS * o.civil_servant_salaries;
    let cost = o.budget + o.central_pools + premises_rent + capital + pensions;
    let overhead = SYDDANMARK_OVERHEAD * cost;
    let development = DEVELOPMENT * cost;
    let total = cost + overhead + development + o.regulation;
    let occupancy = o.planned_occupancy;
    let days = days_in_year(o.year);
    let tariff = total / (occupancy * o.places) / days;
    [
        o.budget,
        o.central_pools,
        premises_rent,
        capital,
        pensions,
        cost,
        overhead,
        development,
        o.regulation,
        total,
        occupancy,
        o.places,
        days,
        tariff,
        Decimal::ZERO,
        Decimal::ZERO,
    ]
}

fn write(
    agreement: &str,
    out: &mut impl Write,
    name: &str,
    o: &Offer,
    f: &Figures,
) -> io::Result<()> {
    let m = |i: usize| money(f[i]);
    match agreement {
        "midtjylland" => writeln!(
            out,
            "{name},{},0,{},{},{},{},{},{},{},{},{},{},{},365,{},",
            m(0),
            m(1),
            m(2),
            m(3),
            m(4),
            m(5),
            m(6),
            m(7),
            m(8),
            m(9),
            in_percent(f[10]),
            f[11].normalize(),
            m(13),
        ),
        "sjaelland" => {
            let [(a, ya), (b, yb)] = o.history;
            writeln!(
                out,
                "{name},{},{},0,{},{},{},{},{},{},{},{},\"{{\"\"{ya}\"\":\"\"{}\"\",\"\"{yb}\"\":\"\"{}\"\"}}\",{},{},{},",
                m(0),
                m(1),
                m(2),
                m(3),
                m(4),
                m(5),
                m(6),
                m(7),
                m(8),
                in_percent(f[9]),
                a.normalize(),
                b.normalize(),
                f[10].normalize(),
                f[11],
                m(12),
            )
        }
        _ => writeln!(
            out,
            "{name},{},{},0,{},{},{},{},{},{},{},{},{},{},{},{},",
            m(0),
            m(1),
            m(2),
            m(3),
            m(4),
            m(5),
            m(6),
            m(7),
            m(8),
            m(9),
            in_percent(f[10]),
            f[11].normalize(),
            f[12],
            m(13),
        ),
    }
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let agreement = args.next().unwrap_or_else(|| String::from("midtjylland"));
    let path = args.next().unwrap_or_else(|| String::from("offers.csv"));
    let (tariff, head): (fn(&Offer) -> Figures, &str) = match agreement.as_str() {
        "midtjylland" => (
            midtjylland,
            "name,budget,holiday_pay_provision,premises_rent,gross_budget,central_pools,capital,\
             pensions,cost,overhead,regulation,total,occupancy,places,days,tariff_per_day,warnings",
        ),
        "sjaelland" => (
            sjaelland,
            "name,budget,central_pools,holiday_pay_provision,premises_rent,capital,pensions,cost,\
             overhead,regulation,total,occupancy,occupancy_last_two_years,places,days,\
             tariff_per_day,warnings",
        ),
        "syddanmark" => (
            syddanmark,
            "name,budget,central_pools,holiday_pay_provision,premises_rent,capital,pensions,cost,\
             overhead,development,regulation,total,occupancy,places,days,tariff_per_day,warnings",
        ),
        other => {
            return Err(io::Error::other(format!(
                "no tariff by hand for {other}: midtjylland, sjaelland or syddanmark"
            )))
        }
    };
    let input = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let mut lines = input.lines();
    let header = lines.next().transpose()?.unwrap_or_default();
    // The years of the two occupancy columns, from the header.
    let years: Vec<&str> = (header.split(','))
        .filter_map(|c| c.strip_prefix("occupancy_history."))
        .collect();
    let (ya, yb) = match years.as_slice() {
        [a, b] => (a.to_string(), b.to_string()),
        _ => {
            return Err(io::Error::other(
                "the header has no two occupancy_history columns",
            ))
        }
    };
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    writeln!(out, "{head}")?;
    for line in lines {
        let line = line?;
        let f: Vec<&str> = line.split(',').collect();
        let [name, year, places, group, _kind, planned, budget, pools, owns, rent, depreciation, book_value, rate, salaries, _pension, regulation, a, b, kommunekredit, ..] =
            f.as_slice()
        else {
            continue;
        };
        let offer = Offer {
            year: year.parse().unwrap_or(0),
            places: number(places),
            children: *group == "children",
            planned_occupancy: percent(planned),
            budget: number(budget),
            central_pools: number(pools),
            owns_premises: *owns == "yes",
            rent: number(rent),
            depreciation: number(depreciation),
            book_value: number(book_value),
            interest_rate: percent(rate),
            civil_servant_salaries: number(salaries),
            regulation: number(regulation),
            history: [(percent(a), ya.as_str()), (percent(b), yb.as_str())],
            kommunekredit: percent(kommunekredit),
        };
        let figures = tariff(&offer);
        write(&agreement, &mut out, name, &offer, &figures)?;
    }
    out.flush()
}
