//! Tables of tables: entries gathered into groups (`sum_by`, `one_per`) and
//! spread back over them (`spread`), and
//! `min`/`max` taken entry by entry.
//!
//! An operator's accounts are given per department; the agreements judge them
//! per offer, per pool of small offers or per economic unit. Each entry names
//! its group in a second table with the same keys (`department_offer`), so
//! the rules say how to gather without any loop.

use std::collections::HashMap;
use std::sync::Arc;

use dsl::ast::BinaryOp;
use dsl::program::{Key, Node};
use dsl::Code;

use rust_decimal::Decimal;

use crate::allocation::{allocate, AllocationError};
use crate::budget;
use crate::error::EvalError;
use crate::formula::{binary, entry_by_entry, show_key};
use crate::value::{Lookup, Table, Value};

/// The group of `key` in `groups`, or an error naming the entry without one.
fn group_of(groups: &Lookup, key: &Key, node: &Node) -> Result<Key, EvalError> {
    match groups.get(key) {
        Some(Value::Text(name)) => Ok(Key::Label(name.clone())),
        _ => Err(EvalError::new(
            Code::MissingKey,
            node.span,
            format!("{} belongs to no group", show_key(key)),
        )
        .help("give every entry its group (e.g. the offer of every department) in the input file")),
    }
}

/// The entries of `values` added up by the group each belongs to, groups in
/// the order they first appear. Tables (amounts per year) are added entry by entry.
pub(crate) fn sum_by(values: &Table, groups: &Table, node: &Node) -> Result<Value, EvalError> {
    budget::table(values.entries.len(), node)?;
    let groups = groups.lookup();
    let mut out: Vec<(Key, Value)> = Vec::new();
    let mut found: HashMap<Key, usize> = HashMap::new();
    for (key, value) in &values.entries {
        let group = group_of(&groups, key, node)?;
        match found.get(&group) {
            Some(&at) => out[at].1 = binary(node, BinaryOp::Add, &out[at].1, value)?,
            None => {
                found.insert(group.clone(), out.len());
                out.push((group, value.clone()));
            }
        }
    }
    Ok(Value::Table(Arc::new(Table { entries: out })))
}

/// The value the entries of each group share; an error naming two entries
/// of a group that differ (an offer whose departments name two units).
pub(crate) fn one_per(values: &Table, groups: &Table, node: &Node) -> Result<Value, EvalError> {
    budget::table(values.entries.len(), node)?;
    let groups = groups.lookup();
    let mut out: Vec<(Key, Value, &Key)> = Vec::new();
    let mut found: HashMap<Key, usize> = HashMap::new();
    for (key, value) in &values.entries {
        let group = group_of(&groups, key, node)?;
        match found.get(&group).map(|&at| &out[at]) {
            Some((_, first, first_key)) if first != value => {
                return Err(EvalError::new(
                    Code::GroupsDisagree,
                    node.span,
                    format!(
                        "{} is given two different values: {} for {} and {} for {}",
                        show_key(&group),
                        shown(first),
                        show_key(first_key),
                        shown(value),
                        show_key(key),
                    ),
                )
                .help(format!(
                    "every entry of {} must give the same value; correct one of them in the input file",
                    show_key(&group)
                )));
            }
            Some(_) => {}
            None => {
                found.insert(group.clone(), out.len());
                out.push((group, value.clone(), key));
            }
        }
    }
    let entries = out.into_iter().map(|(k, v, _)| (k, v)).collect();
    Ok(Value::Table(Arc::new(Table { entries })))
}

fn shown(value: &Value) -> String {
    match value {
        Value::Text(t) => format!("\"{t}\""),
        Value::Number(n) => n.to_string(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Date(d) => d.to_string(),
        _ => "a value".into(),
    }
}

/// `min` (`smallest`) or `max` of two values, where either may be a table:
/// entry by entry, a number standing for every entry.
pub(crate) fn pick(smallest: bool, a: &Value, b: &Value, node: &Node) -> Result<Value, EvalError> {
    Ok(match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            Value::Number(if (x < y) == smallest { *x } else { *y })
        }
        (Value::Date(x), Value::Date(y)) => Value::Date(if (x < y) == smallest { *x } else { *y }),
        (Value::Table(t), Value::Table(u)) => {
            entry_by_entry(t, u, node, |x, y| pick(smallest, x, y, node))?
        }
        (Value::Table(t), other) | (other, Value::Table(t)) => {
            let mut entries = Vec::with_capacity(t.entries.len());
            for (key, x) in &t.entries {
                entries.push((key.clone(), pick(smallest, x, other, node)?));
            }
            Value::Table(Arc::new(Table { entries }))
        }
        (x, _) => x.clone(),
    })
}

/// Each group's amount split over the group's entries by their weights, exact
/// to the øre (the inverse of [`sum_by`]). An amount per year is split year by
/// year, by each entry's weight of that year (0 where it has none).
pub(crate) fn spread(
    amounts: &Table,
    groups: &Table,
    weights: &Table,
    node: &Node,
) -> Result<Value, EvalError> {
    budget::table(groups.entries.len(), node)?;
    // Per entry of `groups`: its part (a number), or its parts by year.
    let mut parts: Vec<Vec<(Option<Key>, Decimal)>> = vec![Vec::new(); groups.entries.len()];
    // The entries of each group, in order.
    let mut of_group: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (_, group)) in groups.entries.iter().enumerate() {
        if let Value::Text(g) = group {
            of_group.entry(g).or_default().push(i);
        }
    }
    let weights = weights.lookup();
    for (group, amount) in &amounts.entries {
        let Key::Label(name) = group else { continue };
        let members: &[usize] = of_group.get(&**name).map_or(&[], Vec::as_slice);
        if members.is_empty() {
            return Err(EvalError::new(
                Code::MissingKey,
                node.span,
                format!(
                    "{} has no entries to spread its amount over",
                    show_key(group)
                ),
            )
            .help("every group with an amount needs at least one entry that belongs to it"));
        }
        // Each member's weight: a number, or its weights by year.
        let member_weights: Vec<(Option<Decimal>, Option<Lookup>)> = members
            .iter()
            .map(|&i| match weights.get(&groups.entries[i].0) {
                Some(Value::Number(n)) => (Some(*n), None),
                Some(Value::Table(t)) => (None, Some(t.lookup())),
                _ => (None, None),
            })
            .collect();
        let weight = |m: usize, year: Option<&Key>| -> Decimal {
            match (&member_weights[m], year) {
                ((Some(n), _), None) => *n,
                ((_, Some(by_year)), Some(y)) => by_year
                    .get(y)
                    .and_then(Value::as_number)
                    .unwrap_or_default(),
                _ => Decimal::ZERO,
            }
        };
        let mut split = |year: Option<&Key>, whole: Decimal| -> Result<(), EvalError> {
            let ws: Vec<Decimal> = (0..members.len()).map(|m| weight(m, year)).collect();
            let shares = if whole.is_zero() {
                vec![Decimal::ZERO; ws.len()]
            } else {
                allocate(whole, &ws, ORE_DECIMALS)
                    .map_err(|e| spread_error(e, group, year, node))?
            };
            for (&i, share) in members.iter().zip(shares) {
                parts[i].push((year.cloned(), share));
            }
            Ok(())
        };
        match amount {
            Value::Number(n) => split(None, *n)?,
            Value::Table(by_year) => {
                budget::spend(by_year.entries.len().saturating_mul(members.len()), node)?;
                for (year, v) in &by_year.entries {
                    split(Some(year), v.as_number().unwrap_or_default())?;
                }
            }
            _ => {}
        }
    }
    let mut entries = Vec::new();
    for ((key, _), shares) in groups.entries.iter().zip(parts) {
        let value = match shares.as_slice() {
            [] => continue,
            [(None, n)] => Value::Number(*n),
            _ => Value::Table(Arc::new(Table {
                entries: shares
                    .into_iter()
                    .filter_map(|(y, n)| Some((y?, Value::Number(n))))
                    .collect(),
            })),
        };
        entries.push((key.clone(), value));
    }
    Ok(Value::Table(Arc::new(Table { entries })))
}

/// The decimals a spread is exact to: øre.
const ORE_DECIMALS: u32 = 2;

fn spread_error(e: AllocationError, group: &Key, year: Option<&Key>, node: &Node) -> EvalError {
    let when = year
        .map(|y| format!(" in {}", show_key(y)))
        .unwrap_or_default();
    match e {
        AllocationError::NoWeight => EvalError::new(
            Code::EmptyShares,
            node.span,
            format!(
                "the entries of {}{when} all weigh 0: nothing to spread by",
                show_key(group)
            ),
        )
        .help(
            "at least one entry of the group needs a positive weight (budget, costs …) that year",
        ),
        AllocationError::NegativeWeight(_) => EvalError::new(
            Code::EmptyShares,
            node.span,
            format!(
                "an entry of {}{when} has a negative weight",
                show_key(group)
            ),
        )
        .help("weights are budgets, costs or revenues: 0 or more"),
        AllocationError::Overflow => {
            EvalError::new(Code::Overflow, node.span, "the figures are too large")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dsl::program::NodeKind;
    use proptest::prelude::*;

    fn node() -> Node {
        Node {
            kind: NodeKind::Bool(true),
            span: dsl::span::Span::default(),
        }
    }

    fn label(s: &str) -> Key {
        Key::Label(Arc::from(s))
    }

    fn table(entries: Vec<(Key, Value)>) -> Table {
        Table { entries }
    }

    fn numbers(v: &Value) -> Vec<(Key, Decimal)> {
        match v {
            Value::Table(t) => t
                .entries
                .iter()
                .map(|(k, v)| (k.clone(), v.as_number().unwrap_or_default()))
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn departments_add_up_to_their_offers() {
        let results = table(vec![
            (label("Huset"), Value::Number(Decimal::from(300))),
            (label("Annekset"), Value::Number(Decimal::from(-100))),
            (label("Engen"), Value::Number(Decimal::from(50))),
        ]);
        let offers = table(vec![
            (label("Huset"), Value::Text(Arc::from("Lindely"))),
            (label("Annekset"), Value::Text(Arc::from("Lindely"))),
            (label("Engen"), Value::Text(Arc::from("Engen"))),
        ]);
        let sums = sum_by(&results, &offers, &node()).unwrap();
        assert_eq!(
            numbers(&sums),
            vec![
                (label("Lindely"), Decimal::from(200)),
                (label("Engen"), Decimal::from(50))
            ]
        );
    }

    #[test]
    fn an_offer_in_two_units_is_an_error_naming_both() {
        let units = table(vec![
            (label("Huset"), Value::Text(Arc::from("Nord"))),
            (label("Annekset"), Value::Text(Arc::from("Syd"))),
        ]);
        let offers = table(vec![
            (label("Huset"), Value::Text(Arc::from("Lindely"))),
            (label("Annekset"), Value::Text(Arc::from("Lindely"))),
        ]);
        let e = one_per(&units, &offers, &node()).unwrap_err();
        assert_eq!(e.code, Code::GroupsDisagree);
        assert!(
            e.title.contains("\"Nord\"") && e.title.contains("\"Syd\""),
            "{}",
            e.title
        );
    }

    proptest! {
        /// Whatever the groups and weights, each group's amount is spread exactly:
        /// its entries' parts add up to it, to the øre.
        #[test]
        fn a_spread_adds_up_to_each_group(
            members in proptest::collection::vec((0usize..4, 1u32..1_000_000), 1..12),
            cents in proptest::collection::vec(-10_000_000i64..10_000_000, 4),
        ) {
            let groups = table(members.iter().enumerate()
                .map(|(i, (g, _))| (label(&format!("e{i}")), Value::Text(Arc::from(format!("g{g}").as_str()))))
                .collect());
            let weights = table(members.iter().enumerate()
                .map(|(i, (_, w))| (label(&format!("e{i}")), Value::Number(Decimal::from(*w))))
                .collect());
            let used: Vec<usize> = (0..4).filter(|g| members.iter().any(|(m, _)| m == g)).collect();
            let amounts = table(used.iter()
                .map(|g| (label(&format!("g{g}")), Value::Number(Decimal::new(cents[*g], 2))))
                .collect());
            let parts = spread(&amounts, &groups, &weights, &node()).unwrap();
            let parts = numbers(&parts);
            for g in used {
                let total: Decimal = members.iter().enumerate()
                    .filter(|(_, (m, _))| *m == g)
                    .map(|(i, _)| parts.iter().find(|(k, _)| *k == label(&format!("e{i}"))).map(|(_, p)| *p).unwrap_or_default())
                    .sum();
                prop_assert_eq!(total, Decimal::new(cents[g], 2));
            }
        }
    }
}
