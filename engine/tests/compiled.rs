//! A part's compiled plan gives what the general path gives: every value, every
//! check, every error — on the agreements and example offers, on generated
//! formulas whose figures divide by zero, overflow or miss a table entry, and on
//! figures near the extremes: huge, tiny, negative, zero places, dates far out.

use std::path::{Path, PathBuf};

use engine::{Finding, Inputs, Value};
use proptest::prelude::*;

/// The values and findings of `part` on the general path: the inputs set, then
/// every slot of the plan computed by `engine::evaluate`.
fn general(
    program: &dsl::program::Program,
    part: &dsl::program::PartRule,
    inputs: &Inputs,
) -> (Vec<Value>, Vec<Finding>) {
    let mut values = vec![Value::Unset; program.slots.len()];
    for &slot in &part.plan.inputs {
        if let Some(given) = inputs.value(slot) {
            values[slot as usize] = given.clone();
        }
    }
    let findings = engine::evaluate(program, &part.plan, &mut values);
    (values, findings)
}

/// The slots read once an evaluator has run: the part's results, and the
/// figures the messages of its checks show.
fn read_after(program: &dsl::program::Program, part: &dsl::program::PartRule) -> Vec<u32> {
    let checks = part
        .plan
        .checks
        .iter()
        .map(|&c| &program.checks[c as usize]);
    let shown = checks.flat_map(|c| c.figure_uses.iter().copied());
    part.outputs.iter().copied().chain(shown).collect()
}

/// Runs `part` compiled (once fresh, twice on one evaluator) and on the general path, and compares.
fn same(
    program: &dsl::program::Program,
    part: &dsl::program::PartRule,
    inputs: &Inputs,
    what: &str,
) {
    let (values, findings) = general(program, part, inputs);
    let failed = part
        .outputs
        .iter()
        .find_map(|&o| match &values[o as usize] {
            Value::Failed(e) => Some((**e).clone()),
            _ => None,
        });
    let mut evaluator = engine::Evaluator::default();
    for round in 0..3 {
        let result = match round {
            0 => engine::run(program, part, inputs).map(|e| (e.values, e.findings)),
            _ => evaluator
                .run(program, part, inputs)
                .map(|(v, f)| (v.to_vec(), f)),
        };
        match (result, &failed) {
            (Ok((compiled, compiled_findings)), None) => {
                for &slot in &part.plan.order {
                    // An evaluator run again keeps only what is read after it:
                    // another figure is unset, never another row's.
                    let unset = compiled[slot as usize] == Value::Unset;
                    if round > 0 && unset && !read_after(program, part).contains(&slot) {
                        continue;
                    }
                    assert_eq!(
                        compiled[slot as usize],
                        values[slot as usize],
                        "{what}: `{}` differs (round {round})",
                        program.slot(slot).name
                    );
                }
                assert_eq!(compiled_findings, findings, "{what}: the findings differ");
            }
            (Err(error), Some(expected)) => {
                assert_eq!(&error, expected, "{what}: the errors differ")
            }
            (result, _) => panic!(
                "{what}: compiled {:?}, general {failed:?}",
                result.map(|_| ())
            ),
        }
    }
}

struct Siblings(PathBuf);
impl dsl::Loader for Siblings {
    fn load(&self, name: &str, _: &str) -> Result<(String, Vec<u8>), String> {
        let path = self.0.join(format!("{name}.takst"));
        std::fs::read(&path)
            .map(|b| (path.display().to_string(), b))
            .map_err(|e| e.to_string())
    }
}

fn files(dir: &Path, ext: &str, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, ext, found);
        } else if path.extension().is_some_and(|e| e == ext) {
            found.push(path);
        }
    }
}

#[test]
fn every_agreement_part_and_example_offer_gives_the_same_figures_compiled() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let agreements = root.join("agreements");
    let (mut rules, mut offers) = (Vec::new(), Vec::new());
    files(&agreements, "takst", &mut rules);
    files(&root.join("examples"), "toml", &mut offers);
    let rates =
        std::fs::read_to_string(agreements.join("reference-rates.toml")).unwrap_or_default();
    let mut compared = 0;
    for rule in &rules {
        let text = std::fs::read_to_string(rule).expect("a rule file");
        let name = rule.display().to_string();
        let Ok(program) = dsl::check(&name, &text, &Siblings(agreements.clone())) else {
            continue;
        };
        for offer in &offers {
            let mut inputs = Inputs::new(&program);
            let _ = inputs.read(&program, "rates", &rates);
            let text = std::fs::read_to_string(offer).expect("an offer");
            if inputs
                .read(&program, &offer.display().to_string(), &text)
                .is_err()
            {
                continue;
            }
            for part in &program.parts {
                let what = format!("{} / {} / {}", name, part.name, offer.display());
                same(&program, part, &inputs, &what);
                compared += 1;
            }
        }
    }
    assert!(compared > 100, "only {compared} comparisons");
}

use dsl::NoBases;

/// A part of more numbers than the machine has registers: those past the last
/// register are computed on the general path, with the same figures.
#[test]
fn a_part_of_more_numbers_than_registers_gives_the_same_figures() {
    let mut text =
        String::from("agreement \"a\"\ninput x: money\ninput n: number\ndefine y0 = x\n");
    for i in 1..400 {
        let prev = i - 1;
        let formula = match i % 4 {
            0 => format!("y{prev} + x"),
            1 => format!("y{prev} * n"),
            2 => format!("when n > 1 then y{prev} - x otherwise y{prev} / 2"),
            _ => format!("y{prev}"),
        };
        text.push_str(&format!("define y{i} = {formula}\n"));
    }
    text.push_str("part p: y399\n");
    let program = dsl::check("a.takst", &text, &NoBases).expect("checks");
    let part = program.part("p").expect("part");
    for (x, n) in [(7, 1), (-3, 2), (0, 0)] {
        let mut inputs = Inputs::new(&program);
        let input = format!("x = {x}\nn = {n}\n");
        inputs.read(&program, "i.toml", &input).expect("inputs");
        same(&program, part, &inputs, &input);
    }
}

/// Dates are compiled as day numbers: `date(…)` of inputs, a date input's
/// default, the days between two dates, dates compared — the same figures as the
/// general path, and a date not in the calendar (`date(year, 2, 30)`), a missing
/// date input and a date far out are left to it, with its error.
#[test]
fn dates_give_the_same_figures_compiled() {
    let text = "agreement \"a\"\n\
        input year: year\ninput month: number\ninput start: date\n\
        input in_use: date default date(year + 1, 1, 1)\n\
        define end = date(year, month, 28)\n\
        define share = max(0 days, date(year + 1, 1, 1) - in_use) / days_in_year(year)\n\
        define late = when start > end then 1 otherwise 0\n\
        define days_between = end - start\n\
        define first = when in_use <= 2025-07-01 then in_use otherwise 2025-07-01\n\
        check started: start >= 2000-01-01 and start != end else warning \"start\"\n\
        part p: share, late, days_between, first, in_use\n\
        part q: share\n";
    let program = dsl::check("a.takst", text, &NoBases).expect("checks");
    for part in ["p", "q"] {
        let part = program.part(part).expect("part");
        for input in [
            "year = 2025\nmonth = 3\nstart = 2025-03-28\n",
            "year = 2024\nmonth = 2\nstart = 2024-01-01\nin_use = 2024-07-01\n",
            "year = 2025\nmonth = 12\nstart = 1999-12-31\nin_use = 2027-01-01\n",
            "year = 2025\nmonth = 13\nstart = 2025-01-01\n",
            "year = 2025\nmonth = 2\n",
            "year = 262142\nmonth = 12\nstart = 2025-01-01\n",
        ] {
            let mut inputs = Inputs::new(&program);
            inputs.read(&program, "i.toml", input).expect("inputs");
            same(&program, part, &inputs, input);
        }
    }
}

/// A table of years filtered by its keys is compiled (`filter.rs`): the same
/// entries as the general path, with the key on either side, bounds of every
/// comparison, `count` of the result, over rows given one after another on one
/// evaluator (the table of the row before is read into again); a condition that
/// reads the entry's value, and a missing table, are left to the general path.
#[test]
fn tables_filtered_by_year_give_the_same_figures_compiled() {
    let text = "agreement \"a\"\n\
        input year: year\ninput history: percent per year\n\
        define last_two = history where key >= year - 2 and key <= year - 1\n\
        define before = history where year > key\n\
        define exactly = history where key == year and key != 2000\n\
        define high = history where value > 90 % and key < year\n\
        define counted = count(last_two) + count(before) + count(exactly)\n\
        check stated: count(last_two) == 2 else warning \"two years\"\n\
        part p: last_two, before, exactly, high, counted\n";
    let program = dsl::check("a.takst", text, &NoBases).expect("checks");
    let part = program.part("p").expect("part");
    for input in [
        "year = 2025\n[history]\n2022 = 90\n2023 = 91\n2024 = 92\n2025 = 93\n",
        "year = 2025\n[history]\n2024 = 95\n",
        "year = 2025\n[history]\n",
        "year = 2000\n[history]\n1999 = 80\n2000 = 85\n",
        "year = 2025\n",
    ] {
        let mut inputs = Inputs::new(&program);
        inputs.read(&program, "i.toml", input).expect("inputs");
        same(&program, part, &inputs, input);
    }
}

/// An input without a default left out is an error only where it is read: in a
/// branch not taken it changes nothing; read, it is missing — also when a slot
/// defined as it, or a plain choice between it and another, reads it; and a
/// missing input that is a result fails the part.
#[test]
fn an_input_left_out_is_missing_only_where_it_is_read() {
    let text = "agreement \"a\"\n\
        input owns: yes/no\ninput rent: money\ninput budget: money\n\
        input flag: yes/no\n\
        define premises = when owns then 0 kr otherwise rent\n\
        define same = rent\n\
        define plain = when owns then budget otherwise rent\n\
        define both = budget + premises\n\
        define checked = when flag then 1 kr otherwise 2 kr\n\
        check rent_positive: owns or rent > 0 kr else error \"rent\"\n\
        part p: both, plain, checked\n\
        part q: same\n\
        part r: rent, both\n";
    let program = dsl::check("a.takst", text, &NoBases).expect("checks");
    for part in ["p", "q", "r"] {
        let part = program.part(part).expect("part");
        for input in [
            "owns = true\nbudget = 100\nflag = true\n",
            "owns = false\nbudget = 100\nflag = false\n",
            "owns = false\nbudget = 100\nrent = 7\nflag = true\n",
            "owns = true\nbudget = 100\n",
            "owns = true\nrent = 5\n",
        ] {
            let mut inputs = Inputs::new(&program);
            inputs.read(&program, "i.toml", input).expect("inputs");
            same(&program, part, &inputs, &format!("{}: {input}", part.name));
        }
    }
    // One evaluator, rows that leave out different inputs in turn (each set of
    // inputs left out runs code of its own): each row as a fresh evaluation gives it.
    let inputs_of = |text: &str| {
        let mut inputs = Inputs::new(&program);
        inputs.read(&program, "i.toml", text).expect("inputs");
        inputs
    };
    let rows = [
        "owns = false\nbudget = 100\nrent = 7\nflag = true\n",
        "owns = false\nbudget = 100\nflag = false\n",
        "owns = true\nbudget = 100\n",
        "owns = true\nrent = 5\n",
        "owns = false\nbudget = 100\nrent = 9\nflag = false\n",
        "owns = false\nrent = 3\nflag = true\n",
        "owns = false\nbudget = 100\nflag = false\n",
        "owns = false\nbudget = 100\nrent = 11\nflag = true\n",
    ];
    for part in ["p", "q", "r"] {
        let part = program.part(part).expect("part");
        let mut evaluator = engine::Evaluator::default();
        for round in 0..2 {
            for row in rows {
                let inputs = inputs_of(row);
                let fresh = engine::run(&program, part, &inputs);
                let again = evaluator.run(&program, part, &inputs);
                let what = format!("part {}, round {round}, {row:?}", part.name);
                match (fresh, again) {
                    (Ok(fresh), Ok((values, findings))) => {
                        for &o in &part.outputs {
                            assert_eq!(values[o as usize], fresh.values[o as usize], "{what}");
                        }
                        assert_eq!(findings, fresh.findings, "{what}");
                    }
                    (Err(fresh), Err(again)) => assert_eq!(fresh, again, "{what}"),
                    (fresh, again) => panic!("{what}: {:?} and {:?}", fresh.is_ok(), again.is_ok()),
                }
            }
        }
    }
    // The branch not taken: the figure, without the input.
    let part = program.part("p").expect("part");
    let mut inputs = Inputs::new(&program);
    (inputs.read(
        &program,
        "i.toml",
        "owns = true\nbudget = 100\nflag = true\n",
    ))
    .expect("inputs");
    let mut evaluator = engine::Evaluator::default();
    for _ in 0..2 {
        let (values, findings) = evaluator.run(&program, part, &inputs).expect("runs");
        let both = program.slot_id("both").expect("both");
        assert_eq!(values[both as usize], Value::Number(100.into()));
        assert!(findings.is_empty());
    }
}

#[test]
fn a_figure_not_read_after_the_run_is_never_another_rows() {
    // `doubled` is neither a result nor shown by a check: an evaluator run again
    // does not store it. The first row computes `total` on the general path (a
    // date moved by days is not compiled), which stores every figure; the second
    // is computed on the machine alone, and must not show the first row's `doubled`.
    let text = "agreement \"A\"\ninput cost: money\ninput start: date\n\
                define doubled = cost × 2\n\
                define total = when cost > 1000 kr then \
                (when start + 30 days > 2025-01-01 then doubled otherwise 0 kr) \
                otherwise doubled + 1 kr\n\
                part tariff: total\n";
    let program = dsl::check("a.takst", text, &dsl::NoBases).expect("checks");
    let part = program.part("tariff").expect("a part");
    let slot = |name: &str| program.slot_id(name).expect("a slot") as usize;
    let row = |cost: &str| {
        let mut inputs = Inputs::new(&program);
        let text = format!("cost = {cost}\nstart = 2025-03-01\n");
        inputs.read(&program, "i.toml", &text).expect("inputs");
        inputs
    };
    let mut evaluator = engine::Evaluator::default();
    for (cost, total) in [("2000", 4000), ("10", 21), ("3000", 6000), ("20", 41)] {
        let (values, _) = evaluator.run(&program, part, &row(cost)).expect("runs");
        assert_eq!(values[slot("total")], Value::Number(total.into()), "{cost}");
        let doubled = &values[slot("doubled")];
        assert!(
            matches!(doubled, Value::Unset)
                || *doubled == Value::Number((total - total % 2).into()),
            "row of {cost}: `doubled` holds {doubled:?}"
        );
        if cost.len() == 2 {
            assert_eq!(
                *doubled,
                Value::Unset,
                "row of {cost}: not stored, not kept"
            );
        }
    }
    // `engine::run` gives every figure.
    let every = engine::run(&program, part, &row("10")).expect("runs");
    assert_eq!(every.values[slot("doubled")], Value::Number(20.into()));
}

#[test]
fn an_input_only_the_general_path_reads_is_this_rows_and_never_another_rows() {
    // `label` is read by no operation of the machine, only by the general path
    // (`allocate` is not compiled), so it is copied into the values only when
    // the general path takes over. Rows alternate between taking it (cost over
    // 1000) and not, in every order.
    let text = "agreement \"A\"\ninput cost: money\ninput label: text\n\
                input shares: money per offer\n\
                define share = when cost <= 1000 kr then 1 kr \
                otherwise allocate(1000 kr, shares)[label]\n\
                define total = cost + share\n\
                part tariff: total\n";
    let program = dsl::check("a.takst", text, &dsl::NoBases).expect("checks");
    let part = program.part("tariff").expect("a part");
    let slot = |name: &str| program.slot_id(name).expect("a slot") as usize;
    // Each row's own label, and shares of its label and the row before's: the
    // row's share is 250 kr when its own label is read, 750 kr for the other.
    let row = |cost: u32, n: u32| {
        let mut inputs = Inputs::new(&program);
        let text = format!(
            "cost = {cost}\nlabel = \"row {n}\"\n\
             shares = {{ \"row {n}\" = 1, \"row {}\" = 3 }}\n",
            n.wrapping_sub(1)
        );
        inputs.read(&program, "i.toml", &text).expect("inputs");
        inputs
    };
    let mut evaluator = engine::Evaluator::default();
    let rows = [2000, 10, 20, 3000, 4000, 30, 5000, 6000, 7000, 40, 50];
    for (n, &cost) in rows.iter().enumerate() {
        let n = n as u32;
        let (values, _) = evaluator.run(&program, part, &row(cost, n)).expect("runs");
        let general = cost > 1000;
        let total = if general { cost + 250 } else { cost + 1 };
        assert_eq!(
            values[slot("total")],
            Value::Number(total.into()),
            "row {n}"
        );
        // The label holds this row's, or nothing: never an earlier row's.
        let label = &values[slot("label")];
        assert!(
            matches!(label, Value::Unset)
                || matches!(label, Value::Text(t) if **t == *format!("row {n}")),
            "row {n}: `label` holds {label:?}"
        );
        // After a row the machine ran alone, one that the machine runs alone reads
        // no label (after one the general path took, it is copied before the code).
        if !general && n > 0 && rows[n as usize - 1] <= 1000 {
            assert_eq!(
                *label,
                Value::Unset,
                "row {n}: the machine alone read no label"
            );
        }
    }
    // `engine::run` gives every input.
    let every = engine::run(&program, part, &row(10, 1)).expect("runs");
    assert!(matches!(&every.values[slot("label")], Value::Text(t) if **t == *"row 1"));
}

#[test]
fn an_input_missing_in_the_row_before_is_not_missing_in_this_one() {
    // `extra` has no default and is read only when the cost is over 1000 kr: a
    // row leaving it out holds its failure (missing), and the next row, which
    // gives it, must not hold that failure, though `extra` is not kept.
    let text = "agreement \"A\"\ninput cost: money\ninput extra: money\n\
                define total = when cost > 1000 kr then cost + extra otherwise cost\n\
                part tariff: total\n";
    let program = dsl::check("a.takst", text, &dsl::NoBases).expect("checks");
    let part = program.part("tariff").expect("a part");
    let slot = |name: &str| program.slot_id(name).expect("a slot") as usize;
    let row = |cost: u32, extra: Option<u32>| {
        let mut inputs = Inputs::new(&program);
        let extra = extra.map(|e| format!("extra = {e}\n")).unwrap_or_default();
        inputs
            .read(&program, "i.toml", &format!("cost = {cost}\n{extra}"))
            .expect("inputs");
        inputs
    };
    let mut evaluator = engine::Evaluator::default();
    for (cost, extra, total) in [
        (10, None, 10),
        (20, Some(5), 20),
        (30, None, 30),
        (40, None, 40),
        (2000, Some(7), 2007),
        (50, None, 50),
        (3000, Some(9), 3009),
    ] {
        let (values, _) = evaluator
            .run(&program, part, &row(cost, extra))
            .expect("runs");
        assert_eq!(values[slot("total")], Value::Number(total.into()), "{cost}");
        let held = &values[slot("extra")];
        match extra {
            None => assert!(matches!(held, Value::Failed(_)), "{cost}: {held:?}"),
            Some(e) => assert!(
                matches!(held, Value::Unset) || *held == Value::Number(e.into()),
                "row of {cost}: `extra` holds {held:?}"
            ),
        }
    }
}

fn number() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "x",
        "n",
        "h[2020]",
        "h[year]",
        "h[year - 1]",
        "(x * (r on date(year, 5, 1)))",
        "(x * n)",
        "(x / n)",
        "(-x)",
        "0 kr",
        "99999999999999999999 kr",
        "(when n > 0 then x otherwise 0 kr)",
        "(when g is a then x when g is b and flag then x / n otherwise h[2021])",
        "(if has(h, year) then h[year] else 0 kr)",
        "(if flag or n == 0 then x else x / n)",
        "(when not flag then min(x, 1 kr) otherwise x)",
        "max(x, h[2021], 0 kr)",
        "min(x, 1 kr, h[year - 1])",
        "max(x, x)",
        "(x * days_in_year(year) / days_in_year(2021))",
        "(x * days_in_year(n) / days_in_year(2021))",
        "(when flag then max(x, maybe) otherwise min(maybe, x))",
        "(when g is not (a, c) and n >= 1 then x when n != 0 and n <= 1 then -x otherwise 0 kr)",
        "(when x == 0 kr then 1 kr when x < 0 kr and not flag then x otherwise n * x)",
        "(when has(h, year) and h[year] > 0 kr then h[year] otherwise maybe)",
        "maybe",
    ])
}

fn op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![" + ", " - ", " * ", " / "])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_formula_gives_the_same_figures_compiled(
        first in number(),
        rest in prop::collection::vec((op(), number()), 0..5),
        x in -1_000_000_000i64..1_000_000_000,
        n in -2i64..3,
        h2020 in -100i64..100,
        year in 2019i64..2023,
        choice in 0usize..3,
        flag in any::<bool>(),
        given in any::<(bool, bool, bool)>(),
    ) {
        let formula: String = std::iter::once(first.to_string())
            .chain(rest.iter().map(|(o, t)| format!("{o}{t}")))
            .collect();
        let text = format!(
            "agreement \"a\"\ninput x: money\ninput n: number\ninput year: year\n\
             input h: money per year\ninput r: series of percent\n\
             input g: one of a, b, c\ninput flag: yes/no default no\n\
             input maybe: money default (if n > 0 then x / n else 0 kr)\n\
             define y = {formula}\n\
             check positive: y > 0 kr else warning \"not positive\"\n\
             check small: n < 2 or flag else error \"too many\"\n\
             check mixed: not (g is a and n > 0) or (has(h, year) and not flag) else warning \"mixed\"\n\
             part p: y\n"
        );
        let Ok(program) = dsl::check("a.takst", &text, &NoBases) else { return Ok(()) };
        let mut input = format!("x = {x}\nn = {n}\nyear = {year}\n");
        if given.0 {
            input.push_str(&format!("g = \"{}\"\n", ["a", "b", "c"][choice]));
        }
        if given.1 {
            input.push_str(&format!("flag = {flag}\n"));
        }
        input.push_str(&format!("[h]\n2020 = {h2020}\n2021 = 7\n"));
        if given.2 {
            input.push_str("[r]\n2020-01-01 = 0.5\n2021-05-02 = 0.75\n");
        }
        let mut inputs = Inputs::new(&program);
        inputs.read(&program, "i.toml", &input).expect("inputs");
        let part = program.part("p").expect("part");
        same(&program, part, &inputs, &format!("{formula} on {input}"));
    }
}

/// Figures near the edges: zero, tiny, huge (28 digits, the most an input may
/// have), negative, and whole numbers at the ends of 32 and 64 bits.
fn extreme() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "0",
            "1",
            "-1",
            "0.0000000000000000000000000001",
            "-0.0000000000000000000000000001",
            "9999999999999999999999999999",
            "-9999999999999999999999999999",
            "499999999999999999999999999.5",
            "2147483647",
            "-2147483648",
            "9223372036854775807",
            "-9223372036854775808",
            "100000000",
        ])
        .prop_map(String::from),
        any::<i64>().prop_map(|n| n.to_string()),
        (any::<i64>(), 0u32..28)
            .prop_map(|(n, scale)| rust_decimal::Decimal::new(n, scale).to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn figures_near_the_extremes_give_the_same_figures_compiled(
        first in number(),
        rest in prop::collection::vec((op(), number()), 0..4),
        x in extreme(),
        n in extreme(),
        h2020 in extreme(),
        year in prop_oneof![Just(1i64), Just(9999), Just(-262_143), Just(262_142), Just(300_000), -5i64..5, 2019i64..2023],
        flag in any::<bool>(),
    ) {
        let formula: String = std::iter::once(first.to_string())
            .chain(rest.iter().map(|(o, t)| format!("{o}{t}")))
            .collect();
        let text = format!(
            "agreement \"a\"\ninput x: money\ninput n: number\ninput year: year\n\
             input h: money per year\ninput r: series of percent\n\
             input g: one of a, b, c\ninput flag: yes/no default no\n\
             input maybe: money default (if n > 0 then x / n else 0 kr)\n\
             define y = {formula}\n\
             define days_of = (date(2024, 1, 1) + n * 1 days) - date(2024, 1, 1)\n\
             check positive: y > 0 kr else warning \"not positive\"\n\
             check per_place: n == 0 or x / n < 1000000 kr else warning \"large\"\n\
             part p: y\npart q: days_of\n"
        );
        let Ok(program) = dsl::check("a.takst", &text, &NoBases) else { return Ok(()) };
        let input = format!(
            "x = \"{x}\"\nn = \"{n}\"\nyear = {year}\ng = \"b\"\nflag = {flag}\n\
             [h]\n2020 = \"{h2020}\"\n2021 = \"{x}\"\n[r]\n2020-01-01 = 0.5\n"
        );
        let mut inputs = Inputs::new(&program);
        inputs.read(&program, "i.toml", &input).expect("inputs");
        for part in ["p", "q"] {
            let part = program.part(part).expect("part");
            same(&program, part, &inputs, &format!("{formula} on {input}"));
        }
    }
}
