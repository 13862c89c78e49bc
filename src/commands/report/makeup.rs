//! A part's make-up: the amount that is a sum of the part's other amounts (the
//! tariff's total of cost elements, overhead and regulation), split into its terms.
//!
//! Found from the formulas, never from names: a formula that only adds and
//! subtracts other figures (`cost + overhead + regulation`) is split into them, and
//! so on down, until a figure is computed otherwise (a product, a choice, an input).
//! The whole is the amount of the part that is such a sum and no other sum's term.

use dsl::program::{NodeKind, PartRule, SlotId, SlotRule};
use dsl::types::{Dimension, Type};
use dsl::Program;
use engine::Value;
use rust_decimal::Decimal;

/// How deep sums of sums are followed: far beyond any agreement's few levels.
const MAX_DEPTH: usize = 32;

/// One term of the whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub slot: SlotId,
    /// Subtracted from the whole rather than added.
    pub subtracted: bool,
}

/// The whole and the terms it adds up from.
#[derive(Debug, Clone)]
pub struct Makeup {
    pub whole: SlotId,
    pub terms: Vec<Term>,
}

/// The make-up of `part`: of its amount that adds up from the most terms among those
/// that are no other's term. None if no amount of the part is a sum of others.
pub fn of_part(program: &Program, part: &PartRule) -> Option<Makeup> {
    let amounts: Vec<SlotId> = part
        .outputs
        .iter()
        .copied()
        .filter(|&s| is_amount(&program.slot(s).ty))
        .collect();
    let sums: Vec<(SlotId, Vec<Term>, Vec<SlotId>)> = amounts
        .iter()
        .filter_map(|&s| {
            let mut inside = Vec::new();
            let terms = split(program, s, false, 0, &mut inside)?;
            (terms.len() >= 2).then_some((s, terms, inside))
        })
        .collect();
    sums.iter()
        .filter(|(s, ..)| {
            !sums
                .iter()
                .any(|(other, _, inside)| other != s && inside.contains(s))
        })
        .max_by_key(|(_, terms, _)| terms.len())
        .map(|(whole, terms, _)| Makeup {
            whole: *whole,
            terms: terms.clone(),
        })
}

/// The make-up of the part's amount named `whole`, if the part has it and it is a
/// sum of other figures: so that every agreement's make-up is of the same figure.
pub fn of_figure(program: &Program, part: &PartRule, whole: &str) -> Option<Makeup> {
    let slot = part
        .outputs
        .iter()
        .copied()
        .find(|&s| program.slot(s).name == whole && is_amount(&program.slot(s).ty))?;
    let terms = split(program, slot, false, 0, &mut Vec::new())?;
    (terms.len() >= 2).then_some(Makeup { whole: slot, terms })
}

/// The name of the whole that most of the programs' parts find (the first so found,
/// on a tie): the figure whose make-up a comparison shows.
pub fn shared_whole<'p>(
    parts: impl Iterator<Item = (&'p Program, &'p PartRule)>,
) -> Option<String> {
    let mut found: Vec<(String, usize)> = Vec::new();
    for (program, part) in parts {
        let Some(makeup) = of_part(program, part) else {
            continue;
        };
        let name = &program.slot(makeup.whole).name;
        match found.iter_mut().find(|(n, _)| n == name) {
            Some((_, count)) => *count += 1,
            None => found.push((name.clone(), 1)),
        }
    }
    let most = found.iter().map(|(_, c)| *c).max()?;
    found.into_iter().find(|(_, c)| *c == most).map(|(n, _)| n)
}

/// The terms of `slot`, split as far as its figures are sums; `inside` gathers the
/// sums passed through. None if `slot` itself is no sum of figures.
fn split(
    program: &Program,
    slot: SlotId,
    subtracted: bool,
    depth: usize,
    inside: &mut Vec<SlotId>,
) -> Option<Vec<Term>> {
    let SlotRule::Define(node) = &program.slot(slot).rule else {
        return None;
    };
    if depth > MAX_DEPTH {
        return None;
    }
    let mut direct = Vec::new();
    addends(node, subtracted, &mut direct)?;
    if direct.len() < 2 || direct.iter().any(|t| !is_amount(&program.slot(t.slot).ty)) {
        return None;
    }
    let mut terms = Vec::new();
    for term in direct {
        match split(program, term.slot, term.subtracted, depth + 1, inside) {
            Some(deeper) => {
                inside.push(term.slot);
                terms.extend(deeper);
            }
            None => terms.push(term),
        }
    }
    Some(terms)
}

/// The figures a formula adds and subtracts, if it does nothing else.
fn addends(node: &dsl::program::Node, subtracted: bool, out: &mut Vec<Term>) -> Option<()> {
    use dsl::ast::BinaryOp;
    match &node.kind {
        NodeKind::Slot(slot) => out.push(Term {
            slot: *slot,
            subtracted,
        }),
        NodeKind::Numeric(BinaryOp::Add, a, b) | NodeKind::Binary(BinaryOp::Add, a, b) => {
            addends(a, subtracted, out)?;
            addends(b, subtracted, out)?;
        }
        NodeKind::Numeric(BinaryOp::Subtract, a, b)
        | NodeKind::Binary(BinaryOp::Subtract, a, b) => {
            addends(a, subtracted, out)?;
            addends(b, !subtracted, out)?;
        }
        _ => return None,
    }
    Some(())
}

/// True for an amount of money (not per day, not a table of amounts).
fn is_amount(ty: &Type) -> bool {
    ty.dimension() == Some(Dimension::MONEY)
}

/// Each term's amount, signed, from a whole evaluation (`values` by slot) — or None
/// if a term has no figure or the terms do not add up to the whole, to the øre.
pub fn amounts(makeup: &Makeup, values: &[Value]) -> Option<Vec<Decimal>> {
    let number = |s: SlotId| values.get(s as usize).and_then(Value::as_number);
    let amounts: Vec<Decimal> = makeup
        .terms
        .iter()
        .map(|t| number(t.slot).map(|n| if t.subtracted { -n } else { n }))
        .collect::<Option<_>>()?;
    let sum = amounts
        .iter()
        .try_fold(Decimal::ZERO, |sum, n| sum.checked_add(*n))?;
    (sum == number(makeup.whole)?).then_some(amounts)
}

#[cfg(test)]
mod tests {
    use super::*;

    use dsl::NoBases;

    fn program(text: &str) -> Program {
        dsl::check("t.takst", text, &NoBases).expect("a correct rule file")
    }

    fn names(program: &Program, makeup: &Makeup) -> Vec<String> {
        makeup
            .terms
            .iter()
            .map(|t| {
                let sign = if t.subtracted { "-" } else { "+" };
                format!("{sign}{}", program.slot(t.slot).name)
            })
            .collect()
    }

    #[test]
    fn a_sum_of_sums_is_split_down_to_what_is_computed_otherwise() {
        let p = program(
            "agreement \"T\"\n\
             input budget: money\ninput rate: percent\ninput refund: money\ninput places: number\n\
             define rent = 2 kr\n\
             define cost = budget + rent\n\
             define overhead = rate × cost\n\
             define net = cost + overhead\n\
             define total = net - refund\n\
             define per_day = total / places / 365 days\n\
             part tariff: budget, cost, overhead, total, per_day",
        );
        let part = p.part("tariff").expect("part");
        let makeup = of_part(&p, part).expect("a make-up");
        assert_eq!(p.slot(makeup.whole).name, "total");
        // `rent` is a param: no sum, a term of its own.
        assert_eq!(
            names(&p, &makeup),
            ["+budget", "+rent", "+overhead", "-refund"]
        );
    }

    #[test]
    fn agreements_are_compared_on_the_whole_most_of_them_have() {
        let by_sum = program(
            "agreement \"A\"\ninput cost: money\ninput income: money\ninput carried: money\n\
             define result = income - cost + carried\npart closure: cost, income, carried, result",
        );
        // Here the result is no sum, and another amount is: its whole differs.
        let by_other = program(
            "agreement \"B\"\ninput cost: money\ninput income: money\ninput carried: money\n\
             define result = max(income - cost, 0 kr)\ndefine deficit = cost - income - carried\n\
             part closure: cost, income, carried, result, deficit",
        );
        let parts = [&by_sum, &by_sum, &by_other].map(|p| (p, p.part("closure").expect("part")));
        assert_eq!(shared_whole(parts.into_iter()).as_deref(), Some("result"));
        let (p, part) = parts[2];
        assert_eq!(
            p.slot(of_part(p, part).expect("a make-up").whole).name,
            "deficit"
        );
        assert!(of_figure(p, part, "result").is_none());
        let (p, part) = parts[0];
        assert_eq!(
            names(p, &of_figure(p, part, "result").expect("a make-up")),
            ["+income", "-cost", "+carried"]
        );
    }

    #[test]
    fn a_part_without_a_sum_has_no_make_up() {
        let p = program(
            "agreement \"T\"\ninput budget: money\ninput places: number\n\
             define per_place = budget / places\npart tariff: budget, per_place",
        );
        assert!(of_part(&p, p.part("tariff").expect("part")).is_none());
    }

    #[test]
    fn the_amounts_must_add_up_to_the_whole() {
        let p = program(
            "agreement \"T\"\ninput a: money\ninput b: money\n\
             define total = a - b\npart tariff: a, b, total",
        );
        let makeup = of_part(&p, p.part("tariff").expect("part")).expect("a make-up");
        let n = |x: i64| Value::Number(Decimal::from(x));
        let mut values = vec![Value::Unset; p.slots.len()];
        for (name, v) in [("a", 10), ("b", 3), ("total", 7)] {
            values[p.slot_id(name).expect("slot") as usize] = n(v);
        }
        assert_eq!(
            amounts(&makeup, &values),
            Some(vec![Decimal::from(10), Decimal::from(-3)])
        );
        values[p.slot_id("total").expect("slot") as usize] = n(8);
        assert_eq!(amounts(&makeup, &values), None);
    }
}
