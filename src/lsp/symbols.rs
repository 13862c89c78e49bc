//! The outline of a rule file: its parts (with their results), values, inputs,
//! readings (with their alternatives), checks and worked examples.

use dsl::ast::{Declaration, Meta, ValueKind};
use lsp_types::{DocumentSymbol, SymbolKind};

use super::document::ChainFile;

/// The document symbols of a file, in the order of the text.
pub fn symbols(file: &ChainFile) -> Vec<DocumentSymbol> {
    let Some(tree) = &file.tree else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for declaration in &tree.declarations {
        let (name, meta, kind, span, name_span, children) = match declaration {
            Declaration::Input(d) => (
                d.name.text.clone(),
                Some(&d.meta),
                SymbolKind::VARIABLE,
                d.span,
                d.name.span,
                Vec::new(),
            ),
            Declaration::Value(d) => (
                d.name.text.clone(),
                Some(&d.meta),
                match d.kind {
                    ValueKind::Param => SymbolKind::CONSTANT,
                    ValueKind::Define => SymbolKind::FUNCTION,
                },
                d.span,
                d.name.span,
                Vec::new(),
            ),
            Declaration::Reading(d) => {
                let alternatives = (d.alternatives.iter())
                    .map(|a| {
                        let detail = a.label.clone().or(a.citation.clone());
                        symbol(
                            file,
                            &a.name.text,
                            detail,
                            SymbolKind::ENUM_MEMBER,
                            a.name.span,
                            a.name.span,
                            Vec::new(),
                        )
                    })
                    .collect();
                (
                    d.name.text.clone(),
                    Some(&d.meta),
                    SymbolKind::ENUM,
                    d.span,
                    d.name.span,
                    alternatives,
                )
            }
            Declaration::Check(d) => (
                d.name.text.clone(),
                Some(&d.meta),
                SymbolKind::EVENT,
                d.span,
                d.name.span,
                Vec::new(),
            ),
            Declaration::Part(d) => {
                let results = (d.outputs.iter())
                    .map(|o| {
                        symbol(
                            file,
                            &o.text,
                            None,
                            SymbolKind::FIELD,
                            o.span,
                            o.span,
                            Vec::new(),
                        )
                    })
                    .collect();
                (
                    d.name.text.clone(),
                    Some(&d.meta),
                    SymbolKind::MODULE,
                    d.span,
                    d.name.span,
                    results,
                )
            }
            Declaration::Example(d) => {
                let detail = d.citation.clone().map(|c| format!("[{c}]"));
                out.push(symbol(
                    file,
                    &d.title,
                    detail,
                    SymbolKind::OBJECT,
                    d.span,
                    d.title_span,
                    Vec::new(),
                ));
                continue;
            }
            Declaration::Cite(d) => (
                d.name.text.clone(),
                Some(&d.meta),
                SymbolKind::PROPERTY,
                d.span,
                d.name.span,
                Vec::new(),
            ),
            Declaration::Drop(_) => continue,
        };
        out.push(symbol(
            file,
            &name,
            meta.and_then(detail),
            kind,
            span,
            name_span,
            children,
        ));
    }
    out
}

/// A declaration's label, else its section.
fn detail(meta: &Meta) -> Option<String> {
    meta.label
        .clone()
        .or(meta.citation.as_ref().map(|c| format!("[{c}]")))
}

#[allow(deprecated)] // `deprecated` is a field every DocumentSymbol must give
fn symbol(
    file: &ChainFile,
    name: &str,
    detail: Option<String>,
    kind: SymbolKind,
    span: dsl::span::Span,
    name_span: dsl::span::Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    // The name lies within the declaration, as LSP requires.
    let range = span.range();
    let selection = name_span.range();
    let selection = match range.start <= selection.start && selection.end <= range.end {
        true => selection,
        false => range.clone(),
    };
    DocumentSymbol {
        name: if name.is_empty() {
            String::from("?")
        } else {
            name.to_string()
        },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: file.range(range),
        selection_range: file.range(selection),
        children: (!children.is_empty()).then_some(children),
    }
}
