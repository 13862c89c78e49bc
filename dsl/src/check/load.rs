//! Reading a rule file and the chain of agreements it extends.

use crate::ast::File;
use crate::diagnostic::{Code, Diagnostic};
use crate::limits;
use crate::parser;
use crate::span::{FileId, Sources};

/// The deepest chain of `extends` accepted.
const MAX_BASES: usize = 8;

/// Finds the text of an agreement that a rule file extends.
///
/// The language itself does no I/O: the caller decides where bases come
/// from (bundled agreements, files next to the rule file, …).
pub trait Loader {
    /// The display name and bytes of the agreement `name`, extended by the file `from`.
    fn load(&self, name: &str, from: &str) -> Result<(String, Vec<u8>), String>;

    /// The names of the agreements this loader can find without a path (the bundled
    /// ones), to suggest a base for a file that forgot its `extends`.
    fn known(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A loader that finds no agreement: for a rule file that extends none (a test's,
/// a worked example's).
pub struct NoBases;

impl Loader for NoBases {
    fn load(&self, name: &str, _from: &str) -> Result<(String, Vec<u8>), String> {
        Err(format!("no agreement called {name}"))
    }
}

/// For a file without `extends` that overrides or cites rules: the one diagnostic
/// that matters ("add `extends \"BASE\"`"), instead of one per rule it names.
pub(super) fn missing_base(
    file: &File,
    loader: &dyn Loader,
    sources: &Sources,
) -> Option<Diagnostic> {
    use crate::ast::Declaration;
    if file.header.extends.is_some() {
        return None;
    }
    let named: Vec<&str> = file
        .declarations
        .iter()
        .filter_map(|d| match d {
            Declaration::Cite(c) => Some(c.name.text.as_str()),
            Declaration::Input(i) if i.meta.is_override => Some(i.name.text.as_str()),
            Declaration::Value(v) if v.meta.is_override => Some(v.name.text.as_str()),
            Declaration::Reading(r) if r.meta.is_override => Some(r.name.text.as_str()),
            Declaration::Check(c) if c.meta.is_override => Some(c.name.text.as_str()),
            Declaration::Part(p) if p.meta.is_override => Some(p.name.text.as_str()),
            Declaration::Drop(d) => Some(d.name.text.as_str()),
            _ => None,
        })
        .collect();
    if named.is_empty() {
        return None;
    }
    // The known agreement that declares most of what the file overrides and cites.
    let best = loader
        .known()
        .into_iter()
        .filter_map(|base| {
            let mut scratch = Sources::default();
            let (name, bytes) = loader.load(&base, "").ok()?;
            let text = String::from_utf8(bytes).ok()?;
            let chain = chain(&name, &text, loader, &mut scratch).ok()?;
            let declares = |n: &str| {
                chain
                    .iter()
                    .any(|(_, f)| f.declarations.iter().any(|d| declared_name(d) == Some(n)))
            };
            let hits = named.iter().filter(|n| declares(n)).count();
            // Of bases declaring as much, the one with fewest bases of its own.
            (hits > 0).then_some(((hits, std::cmp::Reverse(chain.len())), base))
        })
        .max_by_key(|(rank, _)| *rank)
        .map(|(_, base)| base);
    let header = file.header.name_span;
    let help = match &best {
        Some(base) => format!(
            "add `extends \"{base}\"` after the agreement's name: `agreement \"{}\" extends \"{base}\"`",
            file.header.name
        ),
        None => String::from(
            "add `extends \"BASE\"` after the agreement's name, naming the agreement it builds on (`takst list`)",
        ),
    };
    Some(
        Diagnostic::error(
            Code::OverrideWithoutBase,
            format!(
                "this file overrides or cites {} rule(s) of a base, but extends no base",
                named.len()
            ),
        )
        .label(sources, header, "no `extends` here")
        .help(help),
    )
}

fn declared_name(d: &crate::ast::Declaration) -> Option<&str> {
    use crate::ast::Declaration;
    match d {
        Declaration::Input(i) => Some(&i.name.text),
        Declaration::Value(v) => Some(&v.name.text),
        Declaration::Reading(r) => Some(&r.name.text),
        Declaration::Check(c) => Some(&c.name.text),
        Declaration::Part(p) => Some(&p.name.text),
        Declaration::Cite(_) | Declaration::Example(_) | Declaration::Drop(_) => None,
    }
}

/// Parses `text` and every base it extends; returns the files base first.
pub(super) fn chain(
    name: &str,
    text: &str,
    loader: &dyn Loader,
    sources: &mut Sources,
) -> Result<Vec<(FileId, File)>, Vec<Diagnostic>> {
    let mut files = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut next: Option<(String, String)> = Some((name.to_string(), text.to_string()));
    while let Some((name, text)) = next.take() {
        let id = sources.add(name.clone(), text);
        let file = parser::parse(sources, id)?;
        if let Some((base, span)) = &file.header.extends {
            let (base_name, bytes) = loader.load(base, &name).map_err(|why| {
                let known = loader.known();
                let known = known.iter().map(String::as_str);
                let help = super::did_you_mean(
                    base,
                    known,
                    "name a bundled agreement (`takst list`) or a rule file next to this one",
                );
                vec![Diagnostic::error(
                    Code::UnknownBase,
                    format!("cannot find the base agreement `{base}`"),
                )
                .label(sources, *span, why)
                .help(help)]
            })?;
            if base_name == name || seen.contains(&base_name) || seen.len() >= MAX_BASES {
                return Err(vec![Diagnostic::error(
                    Code::BaseCycle,
                    format!("`{base}` extends itself, directly or through its bases"),
                )
                .label(sources, *span, "this base leads back here")
                .help(
                    "an agreement extends a base, which may extend another; never in a circle",
                )]);
            }
            // A base that is too large or not text is reported as such, at the `extends`.
            let text = limits::text_from_bytes(&base_name, &bytes)
                .map_err(|d| vec![d.label(sources, *span, "the base named here")])?;
            next = Some((base_name, text));
        }
        seen.push(name);
        files.push((id, file));
    }
    files.reverse();
    Ok(files)
}
