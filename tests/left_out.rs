//! An input left out (a column missing from a tariff file, a line or a table
//! missing from an input file) whose default would make a figure wrong is said —
//! a warning, or an error where the figures cannot be right — never silent.
//! Each case: the bundled example as it is, then with the input left out.

mod common;

use common::{figure, takst, without_lines, Changed};

/// Under every agreement: `example` evaluates without the message `said`, and
/// without the lines of `key` it evaluates with it (exit 0: a warning).
fn said_under_every_agreement(example: &str, key: &'static str, said: &str) {
    let without = Changed::from(example, without_lines(key));
    for agreement in ["midtjylland", "sjaelland", "syddanmark"] {
        let (status, _, stderr) = takst(&["eval", "-a", agreement, example]);
        assert_eq!(status, 0, "{agreement}: {stderr}");
        assert!(!stderr.contains(said), "{agreement}: {stderr}");
        let (status, _, stderr) = takst(&["eval", "-a", agreement, &without.path]);
        assert_eq!(status, 0, "{agreement}: {stderr}");
        assert!(stderr.contains(said), "{agreement}: {stderr}");
    }
}

#[test]
fn a_closure_split_by_one_years_revenue_is_said() {
    // Syddanmark splits a closing offer's deficit by the paying municipalities'
    // revenue in the two years before the decision (bilag 5, fodnote 8).
    let example = "examples/closures/four-municipalities.toml";
    let said = "by the revenue of one accounting year only";
    let (status, stdout, stderr) =
        takst(&["close", "--format", "json", "-a", "syddanmark", example]);
    assert_eq!(status, 0, "{stderr}");
    assert!(!stderr.contains(said), "{stderr}");
    // 3,815,200 of 20,452,450 kr. of the 1,880,000 kr. regulated (350,695.197…).
    assert_eq!(
        figure(&stdout, &["municipalities_pay", "Aabenraa"]),
        "350695.2"
    );
    let one_year = Changed::from(example, |text| {
        let (before, _) = text
            .split_once("[revenue_1_year_before]")
            .expect("the year before");
        before.to_string()
    });
    let (status, stdout, stderr) = takst(&[
        "close",
        "--format",
        "json",
        "-a",
        "syddanmark",
        &one_year.path,
    ]);
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains(said), "{stderr}");
    // By the year 2 years before alone: 1,804,300 of 10,476,150 kr. (323,791.087…).
    assert_eq!(
        figure(&stdout, &["municipalities_pay", "Aabenraa"]),
        "323791.09"
    );
}

#[test]
fn an_offer_in_an_economic_unit_without_the_units_other_offers_is_refused() {
    // Without the other offers' bases the unit would be the closing offer alone: its
    // own risk 5 % of its own basis and all of the excess on its municipalities —
    // 2,680,000 kr. instead of 446,666.67 kr. for bilag 5's example 2.
    let example = "examples/closures/municipal-in-economic-unit.toml";
    let (status, stdout, stderr) =
        takst(&["close", "--format", "json", "-a", "syddanmark", example]);
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        figure(&stdout, &["municipalities_pay", "Betalingskommuner"]),
        "446666.67"
    );
    let alone = Changed::from(example, |text| {
        text.replace("[unit_offers_basis]\n\"Tilbud 2 og 3\" = 40_000_000\n", "")
    });
    let (status, stdout, stderr) = takst(&["close", "-a", "syddanmark", &alone.path]);
    assert_eq!(status, 1, "{stdout}");
    assert!(
        stderr.contains("the unit's other offers are not given"),
        "{stderr}"
    );
}

#[test]
fn new_acquisitions_that_add_nothing_this_year_are_said() {
    // Syddanmark adds interest on new acquisitions from the day they are taken into
    // use (bilag 10); given without that day they enter the following years' base.
    let example = "examples/adults-108-home.toml";
    let said = "add nothing to the capital costs";
    let capital = |extra: &'static str| -> (String, String) {
        let offer = Changed::from(example, |text| {
            text.replacen("\n[", &format!("\n{extra}\n["), 1)
        });
        let (status, stdout, stderr) =
            takst(&["eval", "--format", "json", "-a", "syddanmark", &offer.path]);
        assert_eq!(status, 0, "{stderr}");
        (figure(&stdout, &["capital"]), stderr)
    };
    let (_, stdout, stderr) = takst(&["eval", "--format", "json", "-a", "syddanmark", example]);
    assert!(!stderr.contains(said), "{stderr}");
    let without = figure(&stdout, &["capital"]);
    let (undated, stderr) = capital("new_acquisitions = 1_000_000");
    assert!(stderr.contains(said), "{stderr}");
    assert_eq!(undated, without, "nothing added this year");
    let (dated, stderr) =
        capital("new_acquisitions = 1_000_000\nnew_acquisitions_in_use = 2022-07-02");
    assert!(!stderr.contains(said), "{stderr}");
    // 0.45 % interest on 1,000,000 kr. for 183 of 2022's 365 days: 2,256.16 kr.
    let dec = |t: &str| t.parse::<rust_decimal::Decimal>().expect("a decimal");
    assert_eq!(
        (dec(&dated) - dec(&without)).round_dp(2).to_string(),
        "2256.16"
    );
}

#[test]
fn depreciation_without_a_book_value_is_said_under_every_agreement() {
    // Interest is computed on the book value; what is depreciated in a year was
    // worth at least that at its start, so beside depreciation it is never 0 kr.
    said_under_every_agreement(
        "examples/adults-108-home.toml",
        "book_value",
        "depreciation is given but no book value",
    );
}

#[test]
fn a_tariff_change_given_by_half_is_said() {
    // A tariff change is a date and a new tariff: either alone bills the old
    // tariff throughout.
    let example = "examples/bills/residential-tariff-change.toml";
    let (status, stdout, stderr) =
        takst(&["bill", "--format", "json", "-a", "syddanmark", example]);
    assert_eq!(status, 0, "{stderr}");
    assert!(
        !stderr.contains("the bill keeps the daily tariff"),
        "{stderr}"
    );
    let changed = figure(&stdout, &["total_billed"]);
    for (left_out, said) in [
        ("new_daily_tariff", "give new_daily_tariff"),
        ("tariff_change_date", "give tariff_change_date"),
    ] {
        let half = Changed::from(example, without_lines(left_out));
        let (status, stdout, stderr) =
            takst(&["bill", "--format", "json", "-a", "syddanmark", &half.path]);
        assert_eq!(status, 0, "{stderr}");
        assert!(stderr.contains(said), "{left_out}: {stderr}");
        assert_ne!(figure(&stdout, &["total_billed"]), changed, "{left_out}");
    }
}

#[test]
fn an_hourly_add_on_without_its_share_of_indirect_costs_is_refused() {
    // Midtjylland §8.3.1 bases the hourly tariff on the direct costs and a share of
    // the indirect costs: left out, the share is an error, never 0 kr.
    let example = "examples/hourly-add-on/extra-support.toml";
    let part = ["run", "-a", "midtjylland", "hourly_add_on_tariff"];
    let (status, _, stderr) = takst(&[&part[..], &[example]].concat());
    assert_eq!(status, 0, "{stderr}");
    let without = Changed::from(example, without_lines("add_on_indirect_costs"));
    let (status, _, stderr) = takst(&[&part[..], &[without.path.as_str()]].concat());
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("the input `add_on_indirect_costs` is missing"),
        "{stderr}"
    );
}

#[test]
fn rented_premises_without_a_rent_are_said_under_every_agreement() {
    // An operator in rented premises pays the actual rent instead of depreciation
    // and interest on the buildings; left out, the rent would count as 0 kr.
    said_under_every_agreement("examples/rented-premises.toml", "rent", "no rent is given");
}

#[test]
fn remand_days_left_out_are_refused() {
    // Sjælland §8 l.879-881 shares out the remand institution's costs beyond what its
    // daily tariff finances; left out as 0 days, all 40 mio. kr. would be shared out
    // instead of 24,999,996.50 kr. — the tariff's 15 mio. kr. financed twice.
    let example = "examples/objective-distribution/secure-remand-2025.toml";
    let part = ["run", "-a", "sjaelland", "objective_distribution"];
    let (status, stdout, stderr) = takst(&[&part[..], &["--format", "json", example]].concat());
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(figure(&stdout, &["objective_amount"]), "24999996.5");
    let without = Changed::from(example, without_lines("secure_tariff_days"));
    let (status, _, stderr) = takst(&[&part[..], &[without.path.as_str()]].concat());
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("the input `secure_tariff_days` is missing"),
        "{stderr}"
    );
    // An institution without a base tariff is asked for neither it nor its days.
    let lab = Changed::from(example, |text| {
        without_lines("secure_base_tariff")(&without_lines("secure_tariff_days")(text))
            .replace("\"secure_remand\"", "\"materials_lab\"")
            .replace("[youth_15_17]", "[children_under_18]")
    });
    let (status, stdout, stderr) = takst(&[&part[..], &["--format", "json", &lab.path]].concat());
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(figure(&stdout, &["objective_amount"]), "40000000");
}
