//! Midtjylland 2021-22's tariff written by hand over rust_decimal, as a whole
//! process: reads a tariff file of `offers midtjylland N` and writes every figure
//! of every offer exactly as `takst batch -a midtjylland` writes them (the same
//! columns, amounts rounded to the øre, percentages in percent), so that the two
//! outputs can be compared byte for byte before either is timed. This is the
//! limit `takst batch` is measured against (`run.sh`).
//!
//! §§4.2, 5.1-5.6, 8.1, with the figures of the agreement and of the reference
//! rates as constants (benchmark code may hold figures; the engine may not): the
//! interest is the discount rate of 1 May of the year before (0.00 % in 2021) plus
//! 1 pp, pensions 30 % of civil servants' salaries, overhead 6.1 %, occupancy 100 %
//! for adults and 98 % for children.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

const INTEREST: Decimal = Decimal::from_parts(1, 0, 0, false, 2);
const PENSION_RATE: Decimal = Decimal::from_parts(30, 0, 0, false, 2);
const OVERHEAD: Decimal = Decimal::from_parts(61, 0, 0, false, 3);
const CHILDREN: Decimal = Decimal::from_parts(98, 0, 0, false, 2);
const DAYS: Decimal = Decimal::from_parts(365, 0, 0, false, 0);

fn number(text: &str) -> Decimal {
    if text.is_empty() {
        Decimal::ZERO
    } else {
        Decimal::from_str(text).unwrap_or(Decimal::ZERO)
    }
}

/// An amount as takst writes it in CSV: rounded to the øre, no trailing zeros.
fn money(n: Decimal) -> Decimal {
    n.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

fn main() -> io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| String::from("offers.csv"));
    let input = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    writeln!(
        out,
        "name,budget,holiday_pay_provision,premises_rent,gross_budget,central_pools,capital,\
         pensions,cost,overhead,regulation,total,occupancy,places,days,tariff_per_day,warnings"
    )?;
    for line in input.lines().skip(1) {
        let line = line?;
        let f: Vec<&str> = line.split(',').collect();
        let [name, _year, places, group, _kind, _planned, budget, pools, owns, rent, depreciation, book_value, _rate, salaries, _pension, regulation, ..] =
            f.as_slice()
        else {
            continue;
        };
        let (budget, pools, places) = (number(budget), number(pools), number(places));
        let premises_rent = if *owns == "yes" {
            Decimal::ZERO
        } else {
            number(rent)
        };
        let capital = number(depreciation) + INTEREST * number(book_value);
        let gross = budget + premises_rent;
        let pensions = PENSION_RATE * number(salaries);
        let cost = gross + pools + capital + pensions;
        let overhead = OVERHEAD * cost;
        let regulation = number(regulation);
        let total = cost + overhead + regulation;
        let occupancy = if *group == "children" {
            CHILDREN
        } else {
            Decimal::ONE
        };
        let tariff = total / (occupancy * places) / DAYS;
        writeln!(
            out,
            "{name},{},0,{},{},{},{},{},{},{},{},{},{},{},365,{},",
            money(budget),
            money(premises_rent),
            money(gross),
            money(pools),
            money(capital),
            money(pensions),
            money(cost),
            money(overhead),
            money(regulation),
            money(total),
            (occupancy * Decimal::ONE_HUNDRED).normalize(),
            places.normalize(),
            money(tariff),
        )?;
    }
    out.flush()
}
