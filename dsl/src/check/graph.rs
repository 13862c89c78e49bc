//! What each formula uses: dependencies, cycles and evaluation order.

use std::collections::HashMap;

use crate::ast::{BinaryOp, Expr, ExprKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{Slot, SlotId, SlotRule};
use crate::span::Sources;

use super::merge::ValueDecl;

/// The slots a declaration's formula (or an input's default) uses, in order of appearance.
pub(super) fn uses(decl: &ValueDecl, names: &HashMap<String, SlotId>) -> Vec<SlotId> {
    match decl {
        ValueDecl::Input(i) => i
            .default
            .as_ref()
            .map(|d| names_used(d, names))
            .unwrap_or_default(),
        ValueDecl::Value(v) => names_used(&v.expr, names),
        ValueDecl::Reading(_) => Vec::new(),
    }
}

/// The known slots an expression names (unknown names are reported by typing).
pub(crate) fn names_used(expr: &Expr, names: &HashMap<String, SlotId>) -> Vec<SlotId> {
    let mut found = Vec::new();
    collect(expr, names, false, &mut found);
    found
}

fn collect(expr: &Expr, names: &HashMap<String, SlotId>, in_filter: bool, out: &mut Vec<SlotId>) {
    let go = |e: &Expr, filter: bool, out: &mut Vec<SlotId>| collect(e, names, filter, out);
    match &expr.kind {
        ExprKind::Name(name) => {
            let local = in_filter && (name.text == "key" || name.text == "value");
            if let (false, Some(&slot)) = (local, names.get(&name.text)) {
                if !out.contains(&slot) {
                    out.push(slot);
                }
            }
        }
        ExprKind::Number(..) | ExprKind::Date(_) | ExprKind::Bool(_) | ExprKind::Text(_) => {}
        ExprKind::Call { args, .. } => args.iter().for_each(|a| go(a, in_filter, out)),
        ExprKind::Unary(_, e) => go(e, in_filter, out),
        ExprKind::Binary(op, a, b) => {
            go(a, in_filter, out);
            let per_entry = matches!(op, BinaryOp::Where | BinaryOp::Each);
            go(b, in_filter || per_entry, out);
        }
        ExprKind::Index(a, b) | ExprKind::On(a, b) => {
            go(a, in_filter, out);
            go(b, in_filter, out);
        }
        ExprKind::Is { subject, .. } => go(subject, in_filter, out),
        ExprKind::When { arms, otherwise } => {
            for (c, v) in arms {
                go(c, in_filter, out);
                go(v, in_filter, out);
            }
            go(otherwise, in_filter, out);
        }
        ExprKind::Table(entries) => entries.iter().for_each(|(_, _, e)| go(e, in_filter, out)),
    }
}

/// Orders the slots so each comes after what it uses, reporting every cycle.
/// Returns the order and, per slot, whether it is part of a cycle.
pub(super) fn order(
    values: &[ValueDecl],
    uses: &[Vec<SlotId>],
    sources: &Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<SlotId>, Vec<bool>) {
    let n = uses.len();
    let mut state = vec![0u8; n]; // 0 new, 1 on the path, 2 done
    let mut in_cycle = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        let mut path: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some((node, next)) = path.last().copied() {
            let Some(&dep) = uses[node].get(next) else {
                state[node] = 2;
                order.push(node as SlotId);
                path.pop();
                continue;
            };
            if let Some(top) = path.last_mut() {
                top.1 += 1;
            }
            let dep = dep as usize;
            match state[dep] {
                0 => {
                    state[dep] = 1;
                    path.push((dep, 0));
                }
                1 => {
                    let from = path.iter().position(|(s, _)| *s == dep).unwrap_or(0);
                    let cycle: Vec<usize> = path[from..].iter().map(|(s, _)| *s).collect();
                    if !cycle.iter().all(|&s| in_cycle[s]) {
                        diagnostics.push(cycle_error(values, &cycle, sources));
                    }
                    cycle.iter().for_each(|&s| in_cycle[s] = true);
                }
                _ => {}
            }
        }
    }
    (order, in_cycle)
}

fn cycle_error(values: &[ValueDecl], cycle: &[usize], sources: &Sources) -> Diagnostic {
    let name = |i: usize| values[i].name().text.as_str();
    // A long circle is named by its first and last few steps.
    let mut chain: Vec<&str> = cycle.iter().map(|&i| name(i)).collect();
    if chain.len() > 8 {
        let tail = chain.split_off(chain.len() - 2);
        chain.truncate(5);
        chain.push("…");
        chain.extend(tail);
    }
    chain.push(name(cycle[0]));
    let title = if cycle.len() == 1 {
        format!("`{}` is defined in terms of itself", name(cycle[0]))
    } else {
        format!("circular definition: {}", chain.join(" → "))
    };
    let mut d = Diagnostic::error(Code::Cycle, title);
    for (k, &i) in cycle.iter().enumerate().take(8) {
        let next = cycle[(k + 1) % cycle.len()];
        d = d.label(
            sources,
            values[i].name().span,
            format!("uses `{}`", name(next)),
        );
    }
    d.help("a value cannot depend on itself; compute one of them from inputs or parameters instead")
}

/// Reports each `param` whose formula reaches an input: a param is a fixed figure.
/// Returns, per slot, whether it is constant (reaches no input at all).
pub(super) fn params_without_inputs(
    slots: &[Slot],
    order: &[SlotId],
    sources: &Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<bool> {
    let mut reaches: Vec<Option<SlotId>> = vec![None; slots.len()];
    for &s in order {
        let slot = &slots[s as usize];
        reaches[s as usize] = if slot.is_input() {
            Some(s)
        } else {
            slot.uses.iter().find_map(|&u| reaches[u as usize])
        };
        if let (SlotRule::Param(_), Some(input)) = (&slot.rule, reaches[s as usize]) {
            diagnostics.push(
                Diagnostic::error(
                    Code::ParamUsesInput,
                    format!(
                        "the param `{}` depends on the input `{}`",
                        slot.name, slots[input as usize].name
                    ),
                )
                .label(
                    sources,
                    slot.span,
                    "a param is a fixed figure of the agreement",
                )
                .help(format!(
                    "write `define {}` for a formula over inputs",
                    slot.name
                )),
            );
        }
    }
    order
        .iter()
        .fold(vec![false; slots.len()], |mut constant, &s| {
            constant[s as usize] = reaches[s as usize].is_none();
            constant
        })
}
