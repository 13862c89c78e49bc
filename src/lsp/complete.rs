//! Completion: what may be typed at the cursor.
//!
//! After a number, its unit (`kr`, `%`, `kr/day` …); after `is`, the variants of the
//! choices; after an input's `:`, a type; anywhere else in a formula, the values of
//! the agreement and its bases (with their labels), the builtin functions (with their
//! signatures) and the variants of choices.

use lsp_types::{CompletionItem, CompletionItemKind, Documentation};

use super::document::Analysis;
use super::names::Space;

/// The items for a cursor at byte `offset` of the document.
pub fn complete(
    analysis: &Analysis,
    program: Option<&dsl::Program>,
    offset: usize,
) -> Vec<CompletionItem> {
    let text = &analysis.file().text;
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let word_start = text[line_start..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '/')
        .last()
        .map_or(offset, |(i, _)| line_start + i);
    let before = text[line_start..word_start].trim_end();
    let line = text[line_start..].trim_start();
    if before.ends_with(|c: char| c.is_ascii_digit()) {
        return units();
    }
    if after_is(before) {
        return variants(analysis);
    }
    let declares_input = ["input ", "override input "]
        .iter()
        .any(|s| line.starts_with(s));
    if declares_input
        && (before.ends_with(':') || before.ends_with(" per") || before.ends_with(" of"))
    {
        return types();
    }
    let mut items = values(analysis, program);
    items.extend(builtins());
    items.extend(variants(analysis));
    items
}

/// True if the cursor follows `is`, `is not` or an open `is (a, …`.
fn after_is(before: &str) -> bool {
    let words: Vec<&str> = before.split_whitespace().collect();
    match words.as_slice() {
        [.., "is"] | [.., "is", "not"] => true,
        _ => {
            let open = before.rfind('(');
            let closed = before.rfind(')');
            match open {
                Some(at) if closed.is_none_or(|c| c < at) => {
                    let head: Vec<&str> = before[..at].split_whitespace().collect();
                    matches!(head.as_slice(), [.., "is"] | [.., "is", "not"])
                }
                _ => false,
            }
        }
    }
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    }
}

fn units() -> Vec<CompletionItem> {
    let mut items = vec![
        item("%", CompletionItemKind::UNIT, Some("a percentage".into())),
        item(
            "pp",
            CompletionItemKind::UNIT,
            Some("percentage points".into()),
        ),
    ];
    for (unit, dimension) in dsl::units::UNITS {
        items.push(item(
            unit,
            CompletionItemKind::UNIT,
            Some(format!("{dimension}")),
        ));
    }
    items
}

fn types() -> Vec<CompletionItem> {
    let mut items: Vec<CompletionItem> = (dsl::types::TYPE_WORDS.iter())
        .map(|t| item(t, CompletionItemKind::TYPE_PARAMETER, None))
        .collect();
    for words in ["one of", "series of"] {
        items.push(item(words, CompletionItemKind::KEYWORD, None));
    }
    items
}

/// The names of `space` declared in the document and its bases, nearest first, each once.
fn declared(analysis: &Analysis, space: Space) -> Vec<&str> {
    let mut seen: Vec<&str> = Vec::new();
    for file in &analysis.chain {
        for o in (file.names.iter()).filter(|o| o.declares && o.space == space) {
            if !seen.contains(&o.name.as_str()) {
                seen.push(&o.name);
            }
        }
    }
    seen
}

/// The values declared in the document and its bases, nearest first, each once.
fn values(analysis: &Analysis, program: Option<&dsl::Program>) -> Vec<CompletionItem> {
    (declared(analysis, Space::Value).into_iter())
        .map(|name| {
            let slot = program.and_then(|p| p.slot_id(name).map(|s| p.slot(s)));
            let kind = match slot.map(|s| s.is_input()) {
                Some(true) => CompletionItemKind::VARIABLE,
                _ => CompletionItemKind::CONSTANT,
            };
            let mut completion = item(name, kind, slot.and_then(|s| s.label.clone()));
            if let Some(slot) = slot {
                let citation = slot
                    .citation
                    .as_deref()
                    .map(|c| format!(" [{c}]"))
                    .unwrap_or_default();
                completion.documentation =
                    Some(Documentation::String(format!("{}{citation}", slot.ty)));
            }
            completion
        })
        .collect()
}

fn builtins() -> Vec<CompletionItem> {
    (dsl::builtins::BUILTINS.iter())
        .map(|(name, _, signature, purpose)| {
            let mut completion = item(
                name,
                CompletionItemKind::FUNCTION,
                Some(signature.to_string()),
            );
            completion.documentation = Some(Documentation::String(purpose.to_string()));
            completion
        })
        .collect()
}

/// The variants of the choices and the alternatives of the readings, each once.
fn variants(analysis: &Analysis) -> Vec<CompletionItem> {
    (declared(analysis, Space::Variant).into_iter())
        .map(|name| item(name, CompletionItemKind::ENUM_MEMBER, None))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::after_is;

    #[test]
    fn after_is_and_is_not() {
        assert!(after_is("define x = kind is"));
        assert!(after_is("when kind is not"));
        assert!(after_is("when kind is not (a,"));
        assert!(!after_is("when kind is not (a, b) and"));
        assert!(!after_is("define x = max("));
    }
}
