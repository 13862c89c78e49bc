//! From rule files to a checked [`Program`].
//!
//! Checking goes in four steps, and reports every error it can find rather
//! than stopping at the first:
//!
//! 1. [`load`]: read the file and the chain of bases it `extends`.
//! 2. [`merge`]: lay the files over each other — a base's declarations
//!    first, each `override` replacing one of them in place.
//! 3. [`graph`]: find what each formula uses, reject cycles, order the slots.
//! 4. [`typing`]: resolve every name to a slot and every operation to a type.

mod gathered;
mod graph;
mod load;
mod merge;
mod operators;
mod overrides;
mod plausible;
mod readings;
mod typing;

use std::collections::HashMap;

pub use load::{Loader, NoBases};

use crate::ast::{self, Declaration, ValueKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{
    self, AgreementInfo, CheckRule, ExampleRule, MessagePiece, PartRule, Program, Slot, SlotId,
    SlotRule,
};
use crate::span::Sources;
use crate::suggest;
use crate::types::Type;

/// Checks the rule file `name` with text `text`, loading its bases through `loader`.
pub fn check(name: &str, text: &str, loader: &dyn Loader) -> Result<Program, Vec<Diagnostic>> {
    let mut sources = Sources::default();
    let chain = load::chain(name, text, loader, &mut sources)?;
    let root = chain.last().map(|(id, _)| *id).unwrap_or_default();
    if let Some((_, file)) = chain.last() {
        if let Some(d) = load::missing_base(file, loader, &sources) {
            return Err(vec![d]);
        }
    }
    let mut diagnostics = Vec::new();

    let merged = merge::merge(&chain, &sources, &mut diagnostics);
    let names: HashMap<String, SlotId> = merged
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name().text.clone(), i as SlotId))
        .collect();

    let mut typer = typing::Typer::new(&sources, &names, &mut diagnostics);
    // The nearest period of validity: the file's own, else its nearest base's.
    typer.set_period(chain.iter().rev().find_map(|(_, f)| f.header.valid));
    typer.set_dropped(merged.dropped.clone());
    let declared: Vec<Option<Type>> = merged
        .values
        .iter()
        .map(|v| match v {
            merge::ValueDecl::Input(input) => Some(typer.declared_type(&input.ty)),
            merge::ValueDecl::Reading(reading) => {
                Some(readings::declared_type(reading, &mut typer))
            }
            merge::ValueDecl::Value(_) => None,
        })
        .collect();

    let uses: Vec<Vec<SlotId>> = merged
        .values
        .iter()
        .map(|v| graph::uses(v, &names))
        .collect();
    let (order, in_cycle) = graph::order(&merged.values, &uses, &sources, typer.diagnostics());

    // Type every slot after the slots it uses.
    let mut types: Vec<Type> = declared
        .iter()
        .map(|t| t.clone().unwrap_or(Type::Error))
        .collect();
    let mut rules: Vec<Option<SlotRule>> = vec![None; merged.values.len()];
    for &slot in &order {
        let i = slot as usize;
        let rule = match &merged.values[i] {
            merge::ValueDecl::Input(input) => {
                let default = input
                    .default
                    .as_ref()
                    .map(|d| typer.expect_type(d, &types, &types[i]));
                SlotRule::Input { default }
            }
            merge::ValueDecl::Reading(reading) => {
                SlotRule::Param(readings::taken(reading, &sources, typer.diagnostics()))
            }
            merge::ValueDecl::Value(value) => {
                let (node, ty) = typer.expr(&value.expr, &types);
                types[i] = if in_cycle[i] { Type::Error } else { ty };
                match value.kind {
                    ValueKind::Param => SlotRule::Param(node),
                    ValueKind::Define => SlotRule::Define(node),
                }
            }
        };
        rules[i] = Some(rule);
    }

    overrides::keep_units(&merged, &types, &sources, &mut typer);

    let slots: Vec<Slot> = merged
        .values
        .iter()
        .zip(rules)
        .zip(types)
        .zip(uses)
        .map(|(((decl, rule), ty), uses)| {
            let (meta, span, formula, record) = match decl {
                merge::ValueDecl::Input(i) => {
                    (&i.meta, i.span, String::from("input"), record_of(&i.ty))
                }
                merge::ValueDecl::Value(v) => (
                    &v.meta,
                    v.span,
                    without_comments(sources.slice(v.expr.span)),
                    None,
                ),
                merge::ValueDecl::Reading(r) => {
                    (&r.meta, r.span, format!("reading: {}", r.taken.text), None)
                }
            };
            Slot {
                name: decl.name().text.clone(),
                label: meta.label.clone(),
                citation: as_cited(meta.citation.clone(), span.file, root, &sources),
                ty,
                rule: rule.unwrap_or(SlotRule::Input { default: None }),
                uses,
                span,
                formula,
                constant: false,
                record,
                plausible: None,
                base_citation: span.file != root
                    && meta
                        .citation
                        .as_deref()
                        .is_some_and(|c| !c.starts_with(stem(&sources, span.file))),
                gathered: None,
            }
        })
        .collect();
    let mut slots = slots;
    for (i, (slot, decl)) in slots.iter_mut().zip(&merged.values).enumerate() {
        let merge::ValueDecl::Input(input) = decl else {
            continue;
        };
        // An override that states no range keeps the nearest base's: re-declaring an
        // input to give it this agreement's label must not lose its plausible range.
        let inherited = || {
            merged
                .replaced
                .iter()
                .rev()
                .find_map(|(at, base)| match base {
                    merge::ValueDecl::Input(b) if *at == i => b.plausible.as_ref(),
                    _ => None,
                })
        };
        if let Some(range) = input.plausible.as_ref().or_else(inherited) {
            slot.plausible = plausible::range(range, &slot.ty, &sources, &mut typer);
        }
    }
    for cite in chain.iter().flat_map(|(_, f)| f.declarations.iter()) {
        if let Declaration::Cite(cite) = cite {
            if let Some(slot) = typer.slot_of(&cite.name) {
                let slot = &mut slots[slot as usize];
                let cited = as_cited(cite.meta.citation.clone(), cite.span.file, root, &sources);
                if let Some(c) = &cite.meta.citation {
                    slot.base_citation =
                        cite.span.file != root && !c.starts_with(stem(&sources, cite.span.file));
                }
                slot.citation = cited.or(slot.citation.take());
                slot.label = cite.meta.label.clone().or(slot.label.take());
            }
        }
    }
    gathered::resolve(
        &merged.values,
        &names,
        &mut slots,
        &sources,
        typer.diagnostics(),
    );
    let constant = graph::params_without_inputs(&slots, &order, &sources, typer.diagnostics());
    for (slot, constant) in slots.iter_mut().zip(constant) {
        slot.constant = constant;
    }

    let checks: Vec<CheckRule> = merged
        .checks
        .iter()
        .map(|c| {
            let types = slots_types(&slots);
            let (condition, per_entry) = typer.condition(&c.condition, &types);
            let (pieces, figures, figure_uses) = message(&c.message, &types, &names, &mut typer);
            CheckRule {
                parts: c.parts.iter().map(|p| p.text.clone()).collect(),
                per_entry,
                name: c.name.text.clone(),
                citation: as_cited(c.meta.citation.clone(), c.span.file, root, &sources),
                condition,
                severity: c.severity,
                message: written(&c.message, &sources),
                pieces,
                figures,
                figure_uses,
                uses: graph::names_used(&c.condition, &names),
                span: c.span,
            }
        })
        .collect();

    let parts = merged
        .parts
        .iter()
        .map(|p| {
            let outputs = p
                .outputs
                .iter()
                .filter_map(|o| typer.slot_of(o))
                .collect::<Vec<_>>();
            PartRule {
                name: p.name.text.clone(),
                label: p.meta.label.clone(),
                citation: as_cited(p.meta.citation.clone(), p.span.file, root, &sources),
                plan: program::plan(&slots, &checks, &outputs, &[], Some(&p.name.text)),
                outputs,
                span: p.span,
            }
        })
        .collect();

    // A check's parts must be parts of the agreement.
    let part_names: Vec<&str> = merged.parts.iter().map(|p| p.name.text.as_str()).collect();
    for c in &merged.checks {
        for named in &c.parts {
            if !part_names.contains(&named.text.as_str()) {
                let help = did_you_mean(
                    &named.text,
                    part_names.iter().copied(),
                    &format!("its parts are: {}", part_names.join(", ")),
                );
                typer.diagnostics().push(
                    Diagnostic::error(
                        Code::UnknownPart,
                        format!(
                            "the check `{}` belongs to a part `{}` the agreement does not have",
                            c.name.text, named.text
                        ),
                    )
                    .label(&sources, named.span, "no such part")
                    .help(help),
                );
            }
        }
    }

    let examples = chain
        .iter()
        .filter(|(id, _)| *id == root)
        .flat_map(|(_, file)| file.declarations.iter())
        .filter_map(|d| match d {
            Declaration::Example(e) => Some(e),
            _ => None,
        })
        .map(|e| example(e, &slots, &checks, &names, &mut typer))
        .collect();

    let readings = merged
        .values
        .iter()
        .enumerate()
        .filter_map(|(slot, v)| match v {
            merge::ValueDecl::Reading(r) => Some(readings::rule(r, slot as SlotId)),
            _ => None,
        })
        .collect();

    let choices = typer.into_choices();
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    let header = chain.last().map(|(_, f)| &f.header);
    let bases = chain
        .iter()
        .rev()
        .skip(1)
        .map(|(_, f)| f.header.name.clone())
        .collect();
    Ok(Program {
        id: program::next_id(),
        agreement: AgreementInfo {
            name: header.map(|h| h.name.clone()).unwrap_or_default(),
            source: header.and_then(|h| h.source.clone()),
            valid: header.and_then(|h| h.valid),
            bases,
        },
        by_name: names,
        sources,
        slots,
        choices,
        checks,
        parts,
        examples,
        readings,
    })
}

/// A citation as shown in this agreement: a base's citation that the agreement does
/// not re-cite names the base (`national: 001 §5.4, 002 §5I`), so a table of one
/// region never passes another document's sections off as its own.
fn as_cited(
    citation: Option<String>,
    file: crate::span::FileId,
    root: crate::span::FileId,
    sources: &Sources,
) -> Option<String> {
    let citation = citation?;
    if file == root {
        return Some(citation);
    }
    let stem = stem(sources, file);
    if stem.is_empty() || citation.starts_with(stem) {
        return Some(citation);
    }
    Some(format!("{stem}: {citation}"))
}

/// The short name of a rule file: `national` for `<bundled> national.takst`.
fn stem(sources: &Sources, file: crate::span::FileId) -> &str {
    let name = sources
        .get(file)
        .map(|f| f.name.as_str())
        .unwrap_or_default();
    name.rsplit(['/', '\\', ' '])
        .next()
        .unwrap_or(name)
        .trim_end_matches(".takst")
}

/// A check's message typed: its pieces, its figures and the slots they use.
fn message(
    parts: &[ast::MessagePart],
    types: &[Type],
    names: &HashMap<String, SlotId>,
    typer: &mut typing::Typer,
) -> (Vec<MessagePiece>, Vec<(program::Node, Type)>, Vec<SlotId>) {
    let mut pieces = Vec::new();
    let mut figures = Vec::new();
    let mut uses = Vec::new();
    for part in parts {
        match part {
            ast::MessagePart::Text(t) => pieces.push(MessagePiece::Text(t.clone())),
            ast::MessagePart::Figure(expr) => {
                let (node, ty) = typer.expr(expr, types);
                for u in graph::names_used(expr, names) {
                    if !uses.contains(&u) {
                        uses.push(u);
                    }
                }
                pieces.push(MessagePiece::Figure(figures.len()));
                figures.push((node, ty));
            }
        }
    }
    (pieces, figures, uses)
}

/// A check's message as written, figures in braces.
fn written(parts: &[ast::MessagePart], sources: &Sources) -> String {
    parts
        .iter()
        .map(|p| match p {
            ast::MessagePart::Text(t) => t.clone(),
            ast::MessagePart::Figure(e) => format!("{{{}}}", sources.slice(e.span)),
        })
        .collect()
}

fn slots_types(slots: &[Slot]) -> Vec<Type> {
    slots.iter().map(|s| s.ty.clone()).collect()
}

/// Checks a worked example: its givens fit their slots and its expectations are yes/no.
/// (An input it needs but does not give is reported when it runs: whether it is
/// needed can depend on a condition.)
fn example(
    e: &ast::Example,
    slots: &[Slot],
    checks: &[CheckRule],
    names: &HashMap<String, SlotId>,
    typer: &mut typing::Typer,
) -> ExampleRule {
    let types = slots_types(slots);
    let mut givens = Vec::new();
    for (name, expr) in &e.givens {
        if let Some(slot) = typer.slot_of(name) {
            let node = typer.expect_type(expr, &types, &types[slot as usize]);
            let range = slots[slot as usize].plausible.as_ref();
            if let Some(range) = range.filter(|_| slots[slot as usize].is_input()) {
                if plausible::given_outside(range, &node).is_some() {
                    let d = Diagnostic::error(
                        Code::Implausible,
                        format!(
                            "`{}` is given a figure outside its plausible range ({})",
                            name.text, range.shown
                        ),
                    )
                    .label(typer.sources(), expr.span, "outside the range")
                    .label(typer.sources(), range.span, "the plausible range")
                    .help(
                        "give a figure inside the range, or widen the range if the figure is right",
                    );
                    typer.diagnostics().push(d);
                }
            }
            givens.push((slot, node));
        }
    }
    let expects: Vec<_> = e
        .expects
        .iter()
        .map(|x| typer.expect_type(x, &types, &Type::Bool))
        .collect();
    let sides = e
        .expects
        .iter()
        .map(|x| match &x.kind {
            ast::ExprKind::Binary(op, left, _) if op.is_comparison() => {
                // Typed once more only for its unit; its errors were reported above.
                let before = typer.diagnostics().len();
                let ty = typer.expr(left, &types).1;
                typer.diagnostics().truncate(before);
                Some(ty)
            }
            _ => None,
        })
        .collect();
    let mut targets: Vec<SlotId> = Vec::new();
    for x in &e.expects {
        targets.extend(graph::names_used(x, names));
    }
    let fixed: Vec<SlotId> = givens.iter().map(|(s, _)| *s).collect();
    let plan = program::plan(slots, checks, &targets, &fixed, None);
    ExampleRule {
        title: e.title.clone(),
        citation: e.citation.clone(),
        givens,
        expects,
        sides,
        plan,
        span: e.span,
    }
}

/// Suggests a known name for a misspelt one, as a help line.
pub(crate) fn did_you_mean<'a>(
    wanted: &str,
    known: impl IntoIterator<Item = &'a str>,
    otherwise: &str,
) -> String {
    match suggest::closest(wanted, known) {
        Some(name) => format!("did you mean `{name}`?"),
        None => otherwise.to_string(),
    }
}

/// The name of the outermost key of an input table keyed by names, if it is one.
fn record_of(ty: &ast::TypeExpr) -> Option<String> {
    match &ty.kind {
        ast::TypeExprKind::Table { keys, .. } => keys
            .last()
            .filter(|k| k.text != "year")
            .map(|k| k.text.clone()),
        _ => None,
    }
}

/// A formula as written, without its comments (a `# …` to the end of a line, outside
/// a string): an explanation shows the formula, and a comment between or after its
/// lines (a section's heading, say) is no part of it.
fn without_comments(formula: &str) -> String {
    let lines = formula.lines().map(|line| {
        let mut quoted = false;
        let end = line
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == '#' && !quoted
            })
            .map_or(line.len(), |(at, _)| at);
        line[..end].trim_end()
    });
    lines
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use crate::NoBases;

    /// A comment after a formula (the next section's heading) or between its lines
    /// is no part of the formula an explanation shows; a `#` in a string is.
    #[test]
    fn a_formula_is_kept_without_its_comments() {
        let text = "agreement \"Comments\"\n\
                    input cost: money\n\
                    input with_regulation: yes/no\n\
                    define base = if with_regulation then cost + 1 kr # the regulation\n\
                    \x20 else cost\n\
                    # ---- occupancy\n\
                    # §5K: the operator sets it\n\
                    define label = when with_regulation then \"# 1\" otherwise \"none\"\n";
        let program = crate::check("comments.takst", text, &NoBases).expect("a valid rule file");
        let formula = |name: &str| {
            let slot = program.slot_id(name).expect("declared");
            program.slot(slot).formula.clone()
        };
        assert_eq!(
            formula("base"),
            "if with_regulation then cost + 1 kr\n  else cost"
        );
        assert_eq!(
            formula("label"),
            "when with_regulation then \"# 1\" otherwise \"none\""
        );
    }
}
