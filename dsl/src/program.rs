//! The checked program: what the engine evaluates.
//!
//! Checking turns an agreement (a rule file and the bases it extends) into a
//! flat [`Program`]: every named value is a [`Slot`] with an index, every
//! name in a formula is already that index, every type is known, and each
//! part and example carries its evaluation [`Plan`] — the slots it needs, in
//! an order where each comes after what it uses. The engine walks a plan
//! over a `Vec` of values; it never looks a name up.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use crate::ast::{BinaryOp, Severity, UnaryOp};
use crate::builtins::Builtin;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::{Sources, Span};
use crate::types::Type;

/// Index of a slot in [`Program::slots`].
pub type SlotId = u32;

/// What the agreement says about itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgreementInfo {
    pub name: String,
    pub source: Option<String>,
    pub valid: Option<(NaiveDate, NaiveDate)>,
    /// The agreements this one extends, nearest first.
    pub bases: Vec<String>,
}

/// A checked agreement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Program {
    /// Unique in this process: tells an evaluator it has seen this program before.
    /// Not stored: a program read back ([`crate::stored`]) gets a new one.
    #[serde(skip)]
    pub id: u64,
    pub agreement: AgreementInfo,
    pub sources: Sources,
    pub slots: Vec<Slot>,
    pub choices: Vec<Vec<String>>,
    pub checks: Vec<CheckRule>,
    pub parts: Vec<PartRule>,
    pub examples: Vec<ExampleRule>,
    /// The ambiguous passages of the agreement, as switches.
    pub readings: Vec<ReadingRule>,
    pub(crate) by_name: HashMap<String, SlotId>,
}

/// A `reading`: a passage of the agreement that admits several readings, the
/// alternatives, and the one the rule file takes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReadingRule {
    pub name: String,
    /// The constant slot that holds the reading chosen (a choice of the alternatives).
    pub slot: SlotId,
    pub label: Option<String>,
    pub citation: Option<String>,
    pub alternatives: Vec<AlternativeRule>,
    /// The alternative the rule file takes.
    pub taken: u32,
    /// The alternative in force: `taken`, unless switched with [`Program::choose_reading`].
    pub chosen: u32,
    /// Why the rule file takes it.
    pub reason: Option<String>,
    pub span: Span,
}

/// One alternative of a [`ReadingRule`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AlternativeRule {
    pub name: String,
    pub label: Option<String>,
    pub citation: Option<String>,
}

impl ReadingRule {
    /// The alternative in force.
    pub fn chosen(&self) -> &AlternativeRule {
        &self.alternatives[self.chosen as usize]
    }
}

/// How a slot gets its value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum SlotRule {
    /// Supplied by the user; the default is used when the input file has none.
    Input { default: Option<Node> },
    /// A fixed figure of the agreement.
    Param(Node),
    /// A formula.
    Define(Node),
}

/// One named value.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Slot {
    pub name: String,
    pub label: Option<String>,
    pub citation: Option<String>,
    pub ty: Type,
    pub rule: SlotRule,
    /// The slots its formula (or default) uses directly.
    pub uses: Vec<SlotId>,
    /// The declaration, for diagnostics.
    pub span: Span,
    /// The formula as written, for explanations.
    pub formula: String,
    /// True if the value depends on no input: the same for every evaluation.
    pub constant: bool,
    /// For an input table keyed by names (`money per year per department`), the name
    /// of its outermost key: an input file may give its entries as records,
    /// `[department."Engen"]`, together with the other inputs per department.
    pub record: Option<String>,
    /// For an input: where its figures plausibly lie (every entry of a table).
    pub plausible: Option<PlausibleRange>,
    /// True if the citation is a base's that this agreement does not re-cite.
    pub base_citation: bool,
    /// For an input table gathered across the rows of a tariff file: what each row
    /// gives, and which rows are gathered together.
    pub gathered: Option<Gathered>,
}

/// `gathered gross_budget over rows of the same operator`: in `takst batch`, the
/// input is the table of every row of the file whose `group` equals this row's,
/// each keyed by its row's name and holding its `value`; given in an input file
/// like any table otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gathered {
    /// The figure each row gives: an input or a formula over the row's inputs.
    pub value: SlotId,
    /// The text input that names each row's group.
    pub group: SlotId,
    pub span: Span,
}

/// Where an input's figures plausibly lie: `between 50 % and 110 %`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlausibleRange {
    pub low: Option<Bound>,
    pub high: Option<Bound>,
    /// A figure outside is a warning, not an error.
    pub warning: bool,
    pub span: Span,
    /// The range as written, for messages: `between 50 % and 110 %`.
    pub shown: String,
}

/// A bound of a [`PlausibleRange`], in the input's unit (a percentage as a fraction).
#[derive(Debug, Clone, PartialEq, PartialOrd, Serialize, Deserialize)]
pub enum Bound {
    Number(Decimal),
    Date(NaiveDate),
}

impl Slot {
    /// True if the user supplies this value.
    pub fn is_input(&self) -> bool {
        matches!(self.rule, SlotRule::Input { .. })
    }
}

/// A `check` of the agreement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckRule {
    pub name: String,
    pub citation: Option<String>,
    pub condition: Node,
    pub severity: Severity,
    /// The message as written, figures in braces.
    pub message: String,
    /// The message in pieces: text, and the figures to show (an index into `figures`).
    pub pieces: Vec<MessagePiece>,
    /// The figures a failure shows in its message, with their types.
    pub figures: Vec<(Node, Type)>,
    /// The slots the figures use (evaluated with the check, never a reason to run it).
    pub figure_uses: Vec<SlotId>,
    pub uses: Vec<SlotId>,
    pub span: Span,
    /// True if the condition is a table of yes/no: it must hold for every
    /// entry, and a failure names the entries where it does not.
    pub per_entry: bool,
    /// The parts the check belongs to (`for notice, bill`); empty: every part that
    /// computes what it uses.
    pub parts: Vec<String>,
}

/// A piece of a check's message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum MessagePiece {
    Text(String),
    /// The figure at this index of [`CheckRule::figures`].
    Figure(usize),
}

/// A named set of results, such as `tariff`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartRule {
    pub name: String,
    pub label: Option<String>,
    pub citation: Option<String>,
    pub outputs: Vec<SlotId>,
    pub plan: Plan,
    pub span: Span,
}

/// A worked example inside a rule file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExampleRule {
    pub title: String,
    pub citation: Option<String>,
    /// Values fixed by the example, overriding inputs or formulas.
    pub givens: Vec<(SlotId, Node)>,
    /// Conditions that must hold.
    pub expects: Vec<Node>,
    /// For each expectation that compares two figures, the type of its sides (to show
    /// them with their unit when it fails).
    pub sides: Vec<Option<Type>>,
    pub plan: Plan,
    pub span: Span,
}

/// What to evaluate, in order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Plan {
    /// Every slot needed, each after the slots it uses.
    pub order: Vec<SlotId>,
    /// The inputs among them.
    pub inputs: Vec<SlotId>,
    /// Checks whose inputs are all part of this plan.
    pub checks: Vec<u32>,
}

/// The key that says how far a series is known: `{ 2022-09-09: 0.65 %, complete_until:
/// 2022-10-27 }` in a rule file, `complete_until = 2022-10-27` in an input file's table.
pub const COMPLETE_UNTIL: &str = "complete_until";

/// A key of a table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Key {
    Year(i64),
    Label(Arc<str>),
    /// Only in a series literal: `{ 2020-05-01: 0.05 % }`.
    Date(NaiveDate),
}

/// Which implicit name inside a `where` condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Local {
    Key,
    Value,
}

/// A resolved formula node.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

impl Node {
    /// True if `test` holds for this node or any node inside it.
    pub fn any(&self, test: &mut impl FnMut(&Node) -> bool) -> bool {
        if test(self) {
            return true;
        }
        match &self.kind {
            NodeKind::Number(_)
            | NodeKind::Date(_)
            | NodeKind::Bool(_)
            | NodeKind::Text(_)
            | NodeKind::Choice(_)
            | NodeKind::Slot(_)
            | NodeKind::Local(_) => false,
            NodeKind::Unary(_, a) | NodeKind::Is { subject: a, .. } => a.any(test),
            NodeKind::Binary(_, a, b)
            | NodeKind::Numeric(_, a, b)
            | NodeKind::Index(a, b)
            | NodeKind::On(a, b) => a.any(test) || b.any(test),
            NodeKind::Call(_, args) => args.iter().any(|a| a.any(test)),
            NodeKind::When { arms, otherwise } => {
                arms.iter().any(|(c, v)| c.any(test) || v.any(test)) || otherwise.any(test)
            }
            NodeKind::Table(entries) => entries.iter().any(|(_, v)| v.any(test)),
        }
    }
}

/// The forms of a resolved formula.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum NodeKind {
    Number(Decimal),
    Date(NaiveDate),
    Bool(bool),
    Text(Arc<str>),
    Choice(u32),
    Slot(SlotId),
    Local(Local),
    Unary(UnaryOp, Box<Node>),
    Binary(BinaryOp, Box<Node>, Box<Node>),
    /// An arithmetic operation or comparison whose operands are both numbers.
    Numeric(BinaryOp, Box<Node>, Box<Node>),
    Call(Builtin, Vec<Node>),
    Index(Box<Node>, Box<Node>),
    On(Box<Node>, Box<Node>),
    Is {
        subject: Box<Node>,
        negated: bool,
        variants: Vec<u32>,
    },
    When {
        arms: Vec<(Node, Node)>,
        otherwise: Box<Node>,
    },
    Table(Vec<(Key, Node)>),
}

impl Program {
    /// The slot with this name, if any.
    pub fn slot_id(&self, name: &str) -> Option<SlotId> {
        self.by_name.get(name).copied()
    }

    /// The slot with this id.
    pub fn slot(&self, id: SlotId) -> &Slot {
        &self.slots[id as usize]
    }

    /// The part with this name, if any.
    pub fn part(&self, name: &str) -> Option<&PartRule> {
        self.parts.iter().find(|p| p.name == name)
    }

    /// The reading with this name, if any.
    pub fn reading(&self, name: &str) -> Option<&ReadingRule> {
        self.readings.iter().find(|r| r.name == name)
    }

    /// Switches the reading `name` to its alternative `alternative`: the program
    /// then evaluates as if the rule file took it. Returns what is wrong otherwise
    /// (no such reading, no such alternative), with the closest names.
    pub fn choose_reading(&mut self, name: &str, alternative: &str) -> Result<(), Diagnostic> {
        let Some(reading) = self.readings.iter_mut().find(|r| r.name == name) else {
            let known: Vec<&str> = self.readings.iter().map(|r| r.name.as_str()).collect();
            let help = match crate::suggest::closest(name, known.iter().copied()) {
                Some(close) => format!("did you mean `{close}`? (`takst readings` lists them)"),
                None if known.is_empty() => String::from("this agreement declares no readings"),
                None => format!("its readings are: {}", known.join(", ")),
            };
            return Err(Diagnostic::error(
                Code::UnknownReading,
                format!("{} has no reading `{name}`", self.agreement.name),
            )
            .help(help));
        };
        let names: Vec<&str> = reading
            .alternatives
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        let Some(index) = names.iter().position(|a| *a == alternative) else {
            let help = match crate::suggest::closest(alternative, names.iter().copied()) {
                Some(close) => format!("did you mean `{name}={close}`?"),
                None => format!("its alternatives are: {}", names.join(", ")),
            };
            return Err(Diagnostic::error(
                Code::UnknownReading,
                format!("the reading `{name}` has no alternative `{alternative}`"),
            )
            .help(help));
        };
        reading.chosen = index as u32;
        let formula = if reading.chosen == reading.taken {
            format!("reading: {alternative}")
        } else {
            let taken = &reading.alternatives[reading.taken as usize].name;
            format!("reading: {alternative} (switched; the rule file takes {taken})")
        };
        let slot = reading.slot;
        if let Some(s) = self.slots.get_mut(slot as usize) {
            if let SlotRule::Param(node) = &mut s.rule {
                node.kind = NodeKind::Choice(index as u32);
            }
            s.formula = formula;
        }
        // A new identity: an evaluator that computed this program's constants
        // before must compute them again.
        self.id = next_id();
        Ok(())
    }

    /// Plans the evaluation of `targets`, treating `fixed` slots as given.
    pub fn plan(&self, targets: &[SlotId], fixed: &[SlotId]) -> Plan {
        plan(&self.slots, &self.checks, targets, fixed, None)
    }
}

/// A number no other program of this process has.
pub(crate) fn next_id() -> u64 {
    static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Orders the slots `targets` need (depth-first, dependencies first), then adds
/// every check that uses any of them, with what that check needs besides: a rule
/// about a figure the part computes is always tested, even when the check needs
/// data the part itself does not (a cap from a rate series, say). A check whose
/// extra data is missing is then reported as not checkable, never silently skipped.
/// Cycles were rejected by the checker, so the walk terminates.
pub(crate) fn plan(
    slots: &[Slot],
    checks: &[CheckRule],
    targets: &[SlotId],
    fixed: &[SlotId],
    part: Option<&str>,
) -> Plan {
    let mut state = vec![0u8; slots.len()]; // 0 new, 1 entered, 2 done
    let mut order = Vec::new();
    walk(slots, targets, fixed, &mut state, &mut order);
    let mut included = vec![false; checks.len()];
    // Adding a check's needs can bring in values another check uses: repeat until stable.
    loop {
        let mut added = false;
        for (i, check) in checks.iter().enumerate() {
            // A check that belongs to some parts runs only in those (and in worked
            // examples, which test the rules themselves).
            let belongs =
                check.parts.is_empty() || part.is_none_or(|p| check.parts.iter().any(|c| c == p));
            if !included[i] && belongs && check.uses.iter().any(|&u| state[u as usize] == 2) {
                included[i] = true;
                added = true;
                walk(slots, &check.uses, fixed, &mut state, &mut order);
                walk(slots, &check.figure_uses, fixed, &mut state, &mut order);
            }
        }
        if !added {
            break;
        }
    }
    let inputs: Vec<SlotId> = order
        .iter()
        .copied()
        .filter(|&s| slots[s as usize].is_input() && !fixed.contains(&s))
        .collect();
    let check_ids = (0..checks.len())
        .filter(|&i| included[i])
        .map(|i| i as u32)
        .collect();
    Plan {
        order,
        inputs,
        checks: check_ids,
    }
}

/// Appends to `order` every slot `targets` need that is not in it yet.
fn walk(
    slots: &[Slot],
    targets: &[SlotId],
    fixed: &[SlotId],
    state: &mut [u8],
    order: &mut Vec<SlotId>,
) {
    for &target in targets {
        // An explicit stack: a long chain of definitions must not overflow.
        let mut stack: Vec<(SlotId, usize)> = vec![(target, 0)];
        while let Some((slot, next)) = stack.pop() {
            let s = slot as usize;
            if next == 0 {
                if state[s] != 0 {
                    continue;
                }
                state[s] = 1;
            }
            let uses: &[SlotId] = if fixed.contains(&slot) {
                &[]
            } else {
                &slots[s].uses
            };
            if let Some(&dep) = uses.get(next) {
                stack.push((slot, next + 1));
                if state[dep as usize] == 0 {
                    stack.push((dep, 0));
                }
            } else {
                state[s] = 2;
                order.push(slot);
            }
        }
    }
}
