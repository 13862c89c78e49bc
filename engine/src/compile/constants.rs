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
        !node.any(&mut |n| match n.kind {
            NodeKind::Slot(slot) => {
                let s = slot as usize;
                let constant = self.program.slots.get(s).is_some_and(|d| d.constant);
                let computed = !matches!(
                    self.values.get(s),
                    None | Some(Value::Unset | Value::Failed(_))
                );
                !(constant && computed)
            }
            NodeKind::Local(_) => true,
            _ => false,
        })
    }
}
