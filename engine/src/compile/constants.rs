//! Formulas that read only constants, computed once when compiling.

use dsl::program::{Node, NodeKind};

use super::Compiler;
use crate::value::Value;

impl Compiler<'_> {
    /// The value of a formula that reads only constants (`year_of(valid_from)`, a
    /// reading's `is` test), computed once here instead of on every run; none for
    /// a literal or a slot (already in a register), for anything that reads an
    /// input, and for a formula that fails (the general path says why, when run).
    pub(super) fn folded(&self, node: &Node) -> Option<Value> {
        if matches!(
            node.kind,
            NodeKind::Number(_) | NodeKind::Bool(_) | NodeKind::Slot(_)
        ) {
            return None;
        }
        if !self.reads_only_constants(node) {
            return None;
        }
        crate::budget::start();
        crate::formula::eval(node, self.values, None).ok()
    }

    /// True if every slot `node` reads is a constant already computed, and it reads
    /// no entry of a table being walked (`key`, `value`).
    fn reads_only_constants(&self, node: &Node) -> bool {
        let constant = |n: &Node| self.reads_only_constants(n);
        match &node.kind {
            NodeKind::Number(_)
            | NodeKind::Date(_)
            | NodeKind::Bool(_)
            | NodeKind::Text(_)
            | NodeKind::Choice(_) => true,
            NodeKind::Slot(slot) => {
                let s = *slot as usize;
                self.program.slots.get(s).is_some_and(|d| d.constant)
                    && !matches!(
                        self.values.get(s),
                        None | Some(Value::Unset | Value::Failed(_))
                    )
            }
            NodeKind::Local(_) => false,
            NodeKind::Unary(_, a) | NodeKind::Is { subject: a, .. } => constant(a),
            NodeKind::Binary(_, a, b)
            | NodeKind::Numeric(_, a, b)
            | NodeKind::Index(a, b)
            | NodeKind::On(a, b) => constant(a) && constant(b),
            NodeKind::Call(_, args) => args.iter().all(constant),
            NodeKind::When { arms, otherwise } => {
                arms.iter().all(|(c, v)| constant(c) && constant(v)) && constant(otherwise)
            }
            NodeKind::Table(entries) => entries.iter().all(|(_, v)| constant(v)),
        }
    }
}
