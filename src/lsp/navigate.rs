//! Go to definition (across `extends`, into the base's file) and find references.

use lsp_types::Location;

use super::document::{Analysis, ChainFile};
use super::names::{same_space, Occurrence, Space};

/// Where the name `at` (in the analysed document) is declared: in the nearest file of
/// the chain that declares it — the document itself, else its base, and so on. The
/// name of an `override` leads to the declaration it overrides.
pub fn definition(analysis: &Analysis, at: &Occurrence) -> Vec<Location> {
    if at.space == Space::Function {
        return Vec::new();
    }
    let from = match (at.declares, at.overrides) {
        (true, false) => 0,
        (true, true) => 1,
        (false, _) => 0,
    };
    for file in analysis.chain.iter().skip(from) {
        let found: Vec<Location> = declarations(file, at)
            .filter_map(|o| file.location(o.range.clone()))
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

fn declarations<'a>(
    file: &'a ChainFile,
    at: &'a Occurrence,
) -> impl Iterator<Item = &'a Occurrence> + 'a {
    file.names
        .iter()
        .filter(move |o| o.declares && o.name == at.name && same_space(o.space, at.space))
}

/// Every place the name `at` stands in the document, its bases and `others` (the
/// other open documents), each file once; declarations only if asked for.
pub fn references<'a>(
    analysis: &'a Analysis,
    others: impl Iterator<Item = &'a ChainFile>,
    at: &Occurrence,
    with_declarations: bool,
) -> Vec<Location> {
    let mut files: Vec<&ChainFile> = analysis.chain.iter().map(|f| &**f).collect();
    for other in others {
        if !files.iter().any(|f| f.name == other.name) {
            files.push(other);
        }
    }
    let mut found = Vec::new();
    for file in files {
        for o in &file.names {
            let same = o.name == at.name && same_space(o.space, at.space);
            if same && (with_declarations || !o.declares || o.overrides) {
                found.extend(file.location(o.range.clone()));
            }
        }
    }
    found
}
