//! Laying an agreement over its bases.
//!
//! The base's declarations come first, in its order. A file's declaration
//! marked `override` replaces the base's declaration of the same name in
//! place; a new name is appended. Declaring a name twice, or overriding a
//! name no base declares, is an error that says which.

use std::collections::HashMap;

use crate::ast::{self, Declaration, Meta, Name};
use crate::diagnostic::{Code, Diagnostic};
use crate::span::{FileId, Sources};

/// A declaration of a named value: an input, or a param/define.
#[derive(Debug, Clone, Copy)]
pub(super) enum ValueDecl<'a> {
    Input(&'a ast::Input),
    Value(&'a ast::Value),
    Reading(&'a ast::Reading),
}

impl<'a> ValueDecl<'a> {
    pub(super) fn name(&self) -> &'a Name {
        match self {
            ValueDecl::Input(i) => &i.name,
            ValueDecl::Value(v) => &v.name,
            ValueDecl::Reading(r) => &r.name,
        }
    }

    pub(super) fn meta(&self) -> &'a Meta {
        match self {
            ValueDecl::Input(i) => &i.meta,
            ValueDecl::Value(v) => &v.meta,
            ValueDecl::Reading(r) => &r.meta,
        }
    }
}

/// The declarations in force after every override.
pub(super) struct Merged<'a> {
    pub values: Vec<ValueDecl<'a>>,
    /// Each value a file overrides: the index of its slot and the base's declaration.
    pub replaced: Vec<(usize, ValueDecl<'a>)>,
    /// The names of the base's rules a file drops.
    pub dropped: Vec<String>,
    pub checks: Vec<&'a ast::Check>,
    pub parts: Vec<&'a ast::Part>,
}

/// Merges the files (base first) into one set of declarations.
pub(super) fn merge<'a>(
    chain: &'a [(FileId, ast::File)],
    sources: &Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Merged<'a> {
    let mut values = Layer::new("value");
    let mut checks = Layer::new("check");
    let mut parts = Layer::new("part");
    for (file, parsed) in chain {
        for declaration in &parsed.declarations {
            let report = match declaration {
                Declaration::Input(i) => values.add(*file, ValueDecl::Input(i), sources),
                Declaration::Value(v) => values.add(*file, ValueDecl::Value(v), sources),
                Declaration::Reading(r) => values.add(*file, ValueDecl::Reading(r), sources),
                Declaration::Check(c) => checks.add(*file, Item::Check(c), sources),
                Declaration::Part(p) => parts.add(*file, Item::Part(p), sources),
                Declaration::Drop(d) => match d.kind.as_str() {
                    "check" => checks.drop(*file, d, sources),
                    "part" => parts.drop(*file, d, sources),
                    _ => values.drop(*file, d, sources),
                },
                Declaration::Example(_) | Declaration::Cite(_) => None,
            };
            diagnostics.extend(report);
        }
    }
    let dropped: Vec<String> = [&values.dropped, &checks.dropped, &parts.dropped]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let (values, replaced) = values.kept();
    Merged {
        dropped,
        replaced,
        values,
        checks: checks
            .kept()
            .0
            .into_iter()
            .filter_map(|i| {
                if let Item::Check(c) = i {
                    Some(c)
                } else {
                    None
                }
            })
            .collect(),
        parts: parts
            .kept()
            .0
            .into_iter()
            .filter_map(|i| if let Item::Part(p) = i { Some(p) } else { None })
            .collect(),
    }
}

#[derive(Clone, Copy)]
enum Item<'a> {
    Check(&'a ast::Check),
    Part(&'a ast::Part),
}

/// Anything that can be declared and overridden by name.
trait Declared<'a> {
    fn name(&self) -> &'a Name;
    fn meta(&self) -> &'a Meta;
}

impl<'a> Declared<'a> for ValueDecl<'a> {
    fn name(&self) -> &'a Name {
        ValueDecl::name(self)
    }
    fn meta(&self) -> &'a Meta {
        ValueDecl::meta(self)
    }
}

impl<'a> Declared<'a> for Item<'a> {
    fn name(&self) -> &'a Name {
        match self {
            Item::Check(c) => &c.name,
            Item::Part(p) => &p.name,
        }
    }
    fn meta(&self) -> &'a Meta {
        match self {
            Item::Check(c) => &c.meta,
            Item::Part(p) => &p.meta,
        }
    }
}

/// One namespace of declarations, in order, with overrides applied.
struct Layer<T> {
    what: &'static str,
    items: Vec<(FileId, T)>,
    index: HashMap<String, usize>,
    /// What overrides replaced: the index of the item and the replaced declaration.
    replaced: Vec<(usize, T)>,
    /// Items dropped by an extending file (by index), and their names.
    gone: Vec<bool>,
    dropped: Vec<String>,
}

impl<'a, T: Declared<'a> + Copy> Layer<T> {
    fn new(what: &'static str) -> Self {
        Layer {
            what,
            items: Vec::new(),
            index: HashMap::new(),
            replaced: Vec::new(),
            gone: Vec::new(),
            dropped: Vec::new(),
        }
    }

    /// Retires a base's item: `drop check NAME`.
    fn drop(&mut self, file: FileId, drop: &ast::Drop, sources: &Sources) -> Option<Diagnostic> {
        let found = self
            .index
            .get(&drop.name.text)
            .copied()
            .filter(|&at| self.items[at].0 != file && !self.gone[at]);
        let Some(at) = found else {
            let help = super::did_you_mean(
                &drop.name.text,
                self.index.keys().map(String::as_str),
                "a file drops only what a base it extends declares",
            );
            return Some(
                Diagnostic::error(
                    Code::OverrideWithoutBase,
                    format!(
                        "`{}` is dropped, but no base agreement declares a {} of that name",
                        drop.name.text, self.what
                    ),
                )
                .label(sources, drop.name.span, "nothing to drop")
                .help(help),
            );
        };
        self.gone[at] = true;
        self.dropped.push(drop.name.text.clone());
        None
    }

    /// The items in force, and what overrides replaced (indices into them).
    fn kept(self) -> (Vec<T>, Vec<(usize, T)>) {
        let mut new_index = vec![usize::MAX; self.items.len()];
        let mut kept = Vec::new();
        for (i, (_, item)) in self.items.into_iter().enumerate() {
            if !self.gone[i] {
                new_index[i] = kept.len();
                kept.push(item);
            }
        }
        let replaced = self
            .replaced
            .into_iter()
            .filter(|(at, _)| new_index[*at] != usize::MAX)
            .map(|(at, item)| (new_index[at], item))
            .collect();
        (kept, replaced)
    }

    fn add(&mut self, file: FileId, item: T, sources: &Sources) -> Option<Diagnostic> {
        let name = item.name();
        let is_override = item.meta().is_override;
        match self.index.get(&name.text) {
            None if is_override => {
                let help = super::did_you_mean(
                    &name.text,
                    self.index.keys().map(String::as_str),
                    "remove `override`: this declares something new",
                );
                Some(
                    Diagnostic::error(
                        Code::OverrideWithoutBase,
                        format!(
                            "`{}` overrides a {} that no base agreement declares",
                            name.text, self.what
                        ),
                    )
                    .label(sources, name.span, "not declared by any base")
                    .help(help),
                )
            }
            None => {
                self.index.insert(name.text.clone(), self.items.len());
                self.items.push((file, item));
                self.gone.push(false);
                None
            }
            Some(&at) => {
                let (earlier_file, earlier) = self.items[at];
                if earlier_file == file || !is_override {
                    let help = if earlier_file == file {
                        format!(
                            "rename one of them, or remove one: a {} is declared once",
                            self.what
                        )
                    } else {
                        "to replace the base's rule, write `override` before the declaration"
                            .to_string()
                    };
                    Some(
                        Diagnostic::error(
                            Code::Duplicate,
                            format!("`{}` is declared twice", name.text),
                        )
                        .label(sources, name.span, "declared again here")
                        .label(sources, earlier.name().span, "first declared here")
                        .help(help),
                    )
                } else {
                    self.replaced.push((at, earlier));
                    self.items[at] = (file, item);
                    None
                }
            }
        }
    }
}
