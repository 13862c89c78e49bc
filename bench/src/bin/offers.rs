//! Writes a synthetic tariff file of N offers to standard output, for one of the
//! bundled regional agreements: `offers midtjylland 100000 > offers.csv`; or
//! `offers all N`, a file for all three at once (`takst batch --agreements`).
//!
//! Every offer is an ordinary residential offer — its own or rented premises,
//! adults or children, civil servants self-insured — with figures that vary from
//! row to row, a tariff year in the agreement's period, the occupancy of the two
//! years before and KommuneKredit's rate, so that no row warns.
//! The same columns serve every agreement (each reads the ones it needs; the
//! others are read by another bundled agreement). Benchmark code may hold figures.
//!
//! `all`: the union of the columns, with values each agreement accepts, and a
//! tariff year of 2022. No year lies in every bundled agreement's period
//! (Midtjylland 2021-22, Syddanmark 2025-26), so under Syddanmark every row of this
//! file carries the one warning an analyst comparing agreements on one file always
//! sees (`tariff_year_in_period`), and no error.

use std::io::{self, BufWriter, Write};

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let agreement = args.next().unwrap_or_else(|| String::from("midtjylland"));
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let year = match agreement.as_str() {
        "midtjylland" | "all" => 2022,
        "syddanmark" => 2025,
        _ => 2024,
    };
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    writeln!(
        out,
        "name,year,places,target_group,operator_kind,planned_occupancy,budget,central_pools,\
         owns_premises,rent,depreciation,book_value,interest_rate,civil_servant_salaries,\
         pension_insurance,regulation,occupancy_history.{},occupancy_history.{},\
         kommunekredit_20y.{}",
        year - 2,
        year - 1,
        year - 1
    )?;
    for i in 0..count {
        let places = 8 + i % 33;
        let group = if i % 4 == 0 { "children" } else { "adults" };
        let occupancy = 95 + i % 5;
        let budget = 5_000_000 + (i * 7_919) % 20_000_000;
        let pools = (i * 31) % 400_000;
        let owns = i % 5 != 0;
        let rent = if owns {
            String::new()
        } else {
            (500_000 + i % 1_000).to_string()
        };
        let depreciation = 100_000 + (i * 17) % 300_000;
        let book_value = 2_000_000 + (i * 13) % 8_000_000;
        let salaries = (i % 7) * 100_000;
        let regulation = if i % 11 == 0 { "-25000.50" } else { "" };
        writeln!(
            out,
            "Tilbud {i},{year},{places},{group},municipal,{occupancy},{budget},{pools},{},{rent},\
             {depreciation},{book_value},0.45,{salaries},self_insured,{regulation},{},{},3.4",
            if owns { "yes" } else { "no" },
            90 + i % 9,
            91 + i % 8,
        )?;
    }
    out.flush()
}
