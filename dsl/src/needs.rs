//! Which inputs a part needs always, and which only in some cases.
//!
//! A part's plan holds every slot any branch of its formulas could use; an analyst
//! asking "what must my input file give?" needs less: an input read only in one arm
//! of a `when` (a shelter's occupancy history, a partly insured operator's share) is
//! needed only for offers that take that arm. A branch that tests a reading is
//! decided here, as the reading is a constant: an arm of an alternative not in force
//! needs nothing at all.

use crate::program::{BinaryOp, Node, NodeKind, PartRule, Program, SlotId, SlotRule};

/// The inputs (without defaults) a part needs, in plan order: those every offer must
/// give, and those only some offers need (read in one branch of a condition).
pub fn inputs_needed(program: &Program, part: &PartRule) -> (Vec<SlotId>, Vec<SlotId>) {
    // 0: not reached, 1: reached in some branch, 2: reached on every path.
    let mut reach = vec![0u8; program.slots.len()];
    let mut work: Vec<(SlotId, u8)> = part.outputs.iter().map(|&s| (s, 2)).collect();
    while let Some((slot, how)) = work.pop() {
        let Some(seen) = reach.get_mut(slot as usize) else {
            continue;
        };
        if *seen >= how {
            continue;
        }
        *seen = how;
        let node = match &program.slot(slot).rule {
            SlotRule::Define(node) | SlotRule::Param(node) => node,
            SlotRule::Input { .. } => continue,
        };
        visit(program, node, how, &mut work);
    }
    // The checks a part runs need what they use, in some cases at least.
    for &check in &part.plan.checks {
        for &slot in &program.checks[check as usize].uses {
            if reach[slot as usize] == 0 {
                reach[slot as usize] = 1;
            }
        }
    }
    let needed = |level: u8| {
        part.plan
            .inputs
            .iter()
            .copied()
            .filter(|&s| matches!(program.slot(s).rule, SlotRule::Input { default: None }))
            .filter(|&s| reach[s as usize] == level)
            .collect::<Vec<_>>()
    };
    (needed(2), needed(1))
}

/// Walks a formula, noting the slots it uses and whether on every path (`how` 2) or
/// in some branch only (1).
fn visit(program: &Program, node: &Node, how: u8, work: &mut Vec<(SlotId, u8)>) {
    let mut go = |n: &Node, how: u8| visit(program, n, how, work);
    match &node.kind {
        NodeKind::Slot(slot) => work.push((*slot, how)),
        NodeKind::When { arms, otherwise } => {
            let mut reached = how;
            for (condition, value) in arms {
                match decided(program, condition) {
                    // An arm of a reading not in force: never taken.
                    Some(false) => continue,
                    // The reading in force: this arm is taken, and no later one.
                    Some(true) => {
                        go(value, reached);
                        return;
                    }
                    None => {}
                }
                go(condition, reached);
                // After the first open condition, every later part is one branch.
                reached = reached.min(1);
                go(value, reached);
            }
            go(otherwise, reached);
        }
        NodeKind::Unary(_, a) => go(a, how),
        // `and`/`or` read their right side only if the left does not decide.
        NodeKind::Binary(BinaryOp::And | BinaryOp::Or, a, b) => {
            go(a, how);
            go(b, how.min(1));
        }
        NodeKind::Binary(_, a, b) | NodeKind::Numeric(_, a, b) => {
            go(a, how);
            go(b, how);
        }
        NodeKind::Index(a, b) | NodeKind::On(a, b) => {
            go(a, how);
            go(b, how);
        }
        NodeKind::Call(_, args) => args.iter().for_each(|a| go(a, how)),
        NodeKind::Is { subject, .. } => go(subject, how),
        NodeKind::Table(entries) => entries.iter().for_each(|(_, v)| go(v, how)),
        NodeKind::Number(_)
        | NodeKind::Date(_)
        | NodeKind::Bool(_)
        | NodeKind::Text(_)
        | NodeKind::Choice(_)
        | NodeKind::Local(_) => {}
    }
}

/// The value of a condition that tests only a reading (`notice_rule is current_month`),
/// known before any input is read; `None` for any other condition.
fn decided(program: &Program, condition: &Node) -> Option<bool> {
    let NodeKind::Is {
        subject,
        negated,
        variants,
    } = &condition.kind
    else {
        return None;
    };
    let NodeKind::Slot(slot) = subject.kind else {
        return None;
    };
    let reading = program.readings.iter().find(|r| r.slot == slot)?;
    Some(variants.contains(&reading.chosen) != *negated)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::NoBases;

    fn needs(text: &str, reading: Option<(&str, &str)>) -> (Vec<String>, Vec<String>) {
        let mut program = crate::check("t.takst", text, &NoBases).expect("checks");
        if let Some((name, alternative)) = reading {
            program
                .choose_reading(name, alternative)
                .expect("a reading");
        }
        let part = &program.parts[0];
        let (always, sometimes) = inputs_needed(&program, part);
        let names = |v: Vec<SlotId>| v.iter().map(|&s| program.slot(s).name.clone()).collect();
        (names(always), names(sometimes))
    }

    const TEXT: &str = r#"agreement "Needs"
input kind: one of home, shelter
input budget: money
input history: percent
input share: percent
reading rate: all [§1] "alle" insured [§2] "forsikrede" taken all
define occupancy = when kind is shelter then history otherwise 100 %
define pension = when rate is insured then share × budget otherwise 0 kr
define tariff = budget / occupancy + pension
part tariff: tariff
"#;

    #[test]
    fn an_input_read_in_one_branch_is_needed_in_some_cases() {
        let (always, sometimes) = needs(TEXT, None);
        assert_eq!(always, ["budget", "kind"]);
        assert_eq!(sometimes, ["history"]);
    }

    #[test]
    fn a_branch_of_a_reading_not_in_force_needs_nothing() {
        let (always, sometimes) = needs(TEXT, Some(("rate", "insured")));
        assert_eq!(always, ["budget", "kind", "share"]);
        assert_eq!(sometimes, ["history"]);
    }
}
