//! The builtin functions: their names, their types and their documentation.
//!
//! To add a builtin: add a variant to [`Builtin`], a row to [`BUILTINS`]
//! (name, signature and a one-line description for `docs/language.md`), its
//! typing rule in [`result_type`] (`typing.rs`), and its evaluation in the
//! engine's `builtins.rs`. A test fails until `docs/language.md` documents it.

mod typing;

use serde::{Deserialize, Serialize};

pub use typing::{result_type, CallError};

/// A builtin function, resolved at check time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Builtin {
    Min,
    Max,
    Clamp,
    Round,
    Floor,
    Ceil,
    Abs,
    Sum,
    Count,
    Average,
    Share,
    Allocate,
    Has,
    Merge,
    Concat,
    SumBy,
    OnePer,
    Spread,
    Months,
    ShiftYears,
    ReserveBalance,
    ReserveByOrigin,
    ReserveUsed,
    ReserveDrawn,
    ReserveExpired,
    DeficitUncovered,
    Date,
    DaysInYear,
    DaysInMonth,
    StartOfMonth,
    EndOfMonth,
    AddMonths,
    YearOf,
    MonthOf,
    DayOf,
    IsLeapYear,
}

/// The name, signature and purpose of each builtin.
pub const BUILTINS: &[(&str, Builtin, &str, &str)] = &[
    (
        "min",
        Builtin::Min,
        "min(a, b, …) or min(table)",
        "the smallest value",
    ),
    (
        "max",
        Builtin::Max,
        "max(a, b, …) or max(table)",
        "the largest value",
    ),
    (
        "clamp",
        Builtin::Clamp,
        "clamp(x, low, high)",
        "x, held between low and high",
    ),
    (
        "round",
        Builtin::Round,
        "round(x) or round(x, decimals)",
        "rounds half away from zero",
    ),
    (
        "floor",
        Builtin::Floor,
        "floor(x)",
        "rounds down to a whole number",
    ),
    (
        "ceil",
        Builtin::Ceil,
        "ceil(x)",
        "rounds up to a whole number",
    ),
    ("abs", Builtin::Abs, "abs(x)", "the value without its sign"),
    (
        "sum",
        Builtin::Sum,
        "sum(table)",
        "adds the values of a table",
    ),
    (
        "count",
        Builtin::Count,
        "count(table)",
        "the number of entries of a table",
    ),
    (
        "average",
        Builtin::Average,
        "average(a, b, …) or average(table)",
        "the mean",
    ),
    (
        "share",
        Builtin::Share,
        "share(table)",
        "each value as a share of the table's total",
    ),
    (
        "allocate",
        Builtin::Allocate,
        "allocate(amount, weights) or allocate(amount, weights, decimals)",
        "splits an amount by weights, exact to the øre (or to `decimals` decimals: 0 for whole kroner): the parts add up to the amount",
    ),
    (
        "has",
        Builtin::Has,
        "has(table, key)",
        "yes if the table has the key",
    ),
    (
        "merge",
        Builtin::Merge,
        "merge(table, table)",
        "the entries of both tables; the second wins where both have a key",
    ),
    (
        "concat",
        Builtin::Concat,
        "concat(text, text, …)",
        "the texts one after another",
    ),
    (
        "sum_by",
        Builtin::SumBy,
        "sum_by(table, groups)",
        "adds the entries of each group: the results of departments by the offer each belongs to",
    ),
    (
        "one_per",
        Builtin::OnePer,
        "one_per(table, groups)",
        "the value each group's entries share (an offer's unit, from its departments); an error if they differ",
    ),
    (
        "spread",
        Builtin::Spread,
        "spread(amounts, groups, weights)",
        "splits each group's amount over its entries by weights, exact to the øre (year by year for tables per year)",
    ),
    (
        "months",
        Builtin::Months,
        "months(from, to)",
        "the months from one date to another (both included): a table of the days of each",
    ),
    (
        "shift_years",
        Builtin::ShiftYears,
        "shift_years(table, n)",
        "the same table with every year moved n years on: a result of year t as the tariff of t + 2",
    ),
    (
        "reserve_balance",
        Builtin::ReserveBalance,
        "reserve_balance(results, life) or reserve_balance(results, life, carry_deficits)",
        "the reserve at the end of each year: surpluses set aside, used oldest first, expiring after `life` years; with `carry_deficits` = yes a signed balance, a deficit the reserves cannot cover carried and netted by later surpluses",
    ),
    (
        "reserve_by_origin",
        Builtin::ReserveByOrigin,
        "reserve_by_origin(results, life) or reserve_by_origin(results, life, carry_deficits)",
        "what is left of each year's reserve after the last year, by the year it arose",
    ),
    (
        "reserve_used",
        Builtin::ReserveUsed,
        "reserve_used(results, life) or reserve_used(results, life, carry_deficits)",
        "how much of the reserves each year's deficit used (oldest first); in a signed ledger the whole deficit",
    ),
    (
        "reserve_drawn",
        Builtin::ReserveDrawn,
        "reserve_drawn(results, life) or reserve_drawn(results, life, carry_deficits)",
        "what each year's deficit took from each earlier year's reserve (oldest first): a table per year of tables by year of origin",
    ),
    (
        "reserve_expired",
        Builtin::ReserveExpired,
        "reserve_expired(results, life) or reserve_expired(results, life, carry_deficits)",
        "reserves left unused after their life, by the year they expired",
    ),
    (
        "deficit_uncovered",
        Builtin::DeficitUncovered,
        "deficit_uncovered(results, life) or deficit_uncovered(results, life, carry_deficits)",
        "the part of each year's deficit the reserves could not cover (0 in a signed ledger, which carries it)",
    ),
    ("date", Builtin::Date, "date(year, month, day)", "a date"),
    (
        "days_in_year",
        Builtin::DaysInYear,
        "days_in_year(year)",
        "365, or 366 in a leap year",
    ),
    (
        "days_in_month",
        Builtin::DaysInMonth,
        "days_in_month(date)",
        "28 to 31",
    ),
    (
        "start_of_month",
        Builtin::StartOfMonth,
        "start_of_month(date)",
        "the 1st of the month",
    ),
    (
        "end_of_month",
        Builtin::EndOfMonth,
        "end_of_month(date)",
        "the last day of the month",
    ),
    (
        "add_months",
        Builtin::AddMonths,
        "add_months(date, n)",
        "the same day n months later (the month's last day if it has fewer days)",
    ),
    (
        "year_of",
        Builtin::YearOf,
        "year_of(date)",
        "the year of a date",
    ),
    (
        "month_of",
        Builtin::MonthOf,
        "month_of(date)",
        "the month of a date, 1 to 12",
    ),
    (
        "day_of",
        Builtin::DayOf,
        "day_of(date)",
        "the day of the month",
    ),
    (
        "is_leap_year",
        Builtin::IsLeapYear,
        "is_leap_year(year)",
        "yes for a leap year",
    ),
];

/// The builtin with this name.
pub fn lookup(name: &str) -> Option<Builtin> {
    BUILTINS
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, b, ..)| *b)
}

/// The name of a builtin.
pub fn name(builtin: Builtin) -> &'static str {
    BUILTINS
        .iter()
        .find(|(_, b, ..)| *b == builtin)
        .map_or("?", |(n, ..)| n)
}

/// The signature text of a builtin, for messages.
pub fn signature(builtin: Builtin) -> &'static str {
    BUILTINS
        .iter()
        .find(|(_, b, ..)| *b == builtin)
        .map_or("?", |(_, _, s, _)| s)
}

/// True for the functions of a table per year that also take a table of such tables.
pub fn lifts_over_tables(builtin: Builtin) -> bool {
    use Builtin::*;
    matches!(
        builtin,
        ShiftYears
            | ReserveBalance
            | ReserveByOrigin
            | ReserveUsed
            | ReserveDrawn
            | ReserveExpired
            | DeficitUncovered
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_has_a_row() {
        for (name, builtin, ..) in BUILTINS {
            assert_eq!(lookup(name), Some(*builtin));
        }
    }
}
