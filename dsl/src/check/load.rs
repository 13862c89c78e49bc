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

    /// The names the file `from` could extend, for a "did you mean" when `load` fails.
    fn known(&self, _from: &str) -> Vec<String> {
        Vec::new()
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
        let file = parser::parse(sources, id).map_err(|d| vec![d])?;
        if let Some((base, span)) = &file.header.extends {
            let (base_name, bytes) = loader.load(base, &name).map_err(|why| {
                let known = loader.known(&name);
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
