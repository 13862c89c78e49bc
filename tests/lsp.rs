//! `takst lsp` started as a process and spoken to in JSON-RPC, as an editor does:
//! initialize, open a bundled agreement with a mistake and receive the diagnostic,
//! the quick fix of its "did you mean", hover, go to definition into the bundled base,
//! references, completion, symbols and formatting.

mod common;

#[path = "support/lsp_client.rs"]
mod lsp_client;

use std::path::PathBuf;

use lsp_client::Client;
use serde_json::{json, Value};

/// A folder of its own for one test, holding a copy of a bundled agreement (whose base
/// is then the bundled one: no national.takst beside it).
fn region_copy(test: &str, edit: impl Fn(&str) -> String) -> (PathBuf, String, String) {
    let folder = std::env::temp_dir().join(format!("takst-lsp-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a folder");
    let text = std::fs::read_to_string(common::root().join("agreements/syddanmark-2025-26.takst"))
        .expect("the agreement");
    let text = edit(&text);
    let path = folder.join("syddanmark-2025-26.takst");
    std::fs::write(&path, &text).expect("written");
    let uri = format!("file://{}", path.display());
    (folder, uri, text)
}

/// The line and UTF-16 column of the `nth` occurrence of `needle` in `text`.
fn position(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let at = text.match_indices(needle).nth(nth).expect("the needle").0;
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    (line, text[start..at].encode_utf16().count())
}

#[test]
fn a_mistake_is_reported_as_it_is_typed_and_fixed_by_its_did_you_mean() {
    let (folder, uri, text) = region_copy("mistake", |t| t.to_string());
    let mut client = Client::start(env!("CARGO_BIN_EXE_takst"));
    client.open(&uri, &text);
    assert_eq!(
        client.diagnostics(&uri),
        Vec::<Value>::new(),
        "the bundled file checks"
    );

    // `overhead_rate` misspelt in the formula of `overhead`.
    let wrong = text.replacen(
        "  overhead_rate × overhead_base",
        "  overhead_rat × overhead_base",
        1,
    );
    assert_ne!(wrong, text);
    client.change(&uri, 2, &wrong);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "takst::unknown_name");
    assert_eq!(d["severity"], 1);
    let (line, column) = position(&wrong, "overhead_rat ×", 0);
    assert_eq!(
        d["range"]["start"],
        json!({ "line": line, "character": column })
    );
    assert_eq!(
        d["range"]["end"],
        json!({ "line": line, "character": column + 12 })
    );
    assert!(d["message"]
        .as_str()
        .unwrap_or("")
        .contains("did you mean `overhead_rate`?"));

    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": d["range"],
            "context": { "diagnostics": [d] },
        }),
    );
    let edit = &actions[0]["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "overhead_rate", "{actions:#}");
    assert_eq!(edit["range"], d["range"]);

    // Mended: the diagnostic goes away.
    client.change(&uri, 3, &text);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.stop();
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn a_syntax_error_is_reported_where_it_is() {
    let (folder, uri, text) = region_copy("syntax", |t| {
        t.replacen(
            "param development_cap [bilag 10] \"Højeste udviklingsprocent\" =",
            "param development_cap [bilag 10] \"Højeste udviklingsprocent\"",
            1,
        )
    });
    let mut client = Client::start(env!("CARGO_BIN_EXE_takst"));
    client.open(&uri, &text);
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(diagnostics[0]["code"], "takst::syntax", "{diagnostics:#?}");
    let (line, _) = position(&text, "param development_cap", 0);
    assert_eq!(diagnostics[0]["range"]["start"]["line"], json!(line));
    // The rest of the file is still navigable: a hover further down answers.
    let hover = client.at(
        "textDocument/hover",
        &uri,
        position(&text, "meal_cost_per_month", 0),
    );
    assert!(hover["contents"]["value"].as_str().is_some(), "{hover}");
    client.stop();
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn hover_shows_label_unit_citation_formula_and_each_example() {
    let (folder, uri, text) = region_copy("hover", |t| t.to_string());
    let mut client = Client::start(env!("CARGO_BIN_EXE_takst"));
    client.open(&uri, &text);
    client.diagnostics(&uri);
    // `meal_tariff_per_month` in the part `meal_service`.
    let at = position(&text, "meal_tariff_per_month", 2);
    let hover = client.at("textDocument/hover", &uri, at);
    let shown = hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        shown.contains("**Takst for madservice pr. måned**"),
        "{shown}"
    );
    assert!(shown.contains("[bilag 11, fodnote 19-20]"), "{shown}");
    assert!(shown.contains("define · an amount (kr)"), "{shown}");
    assert!(
        shown.contains("round(meal_cost_in_tariff × (1 + overhead_and_development) / occupancy)"),
        "{shown}"
    );
    // Footnote 19's 5,352 kr. and footnote 20's 4,153 kr., computed in the examples.
    assert!(
        shown.contains("fodnote 19: 5,000 kr. a month → 5,352 kr.: **5.352,00 kr**"),
        "{shown}"
    );
    assert!(shown.contains("→ 4,153 kr.: **4.153,00 kr**"), "{shown}");

    // A name declared only in the base: its citation is the base's.
    let hover = client.at(
        "textDocument/hover",
        &uri,
        position(&text, "budget, central_pools", 0),
    );
    let shown = hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(shown.contains("`budget`"), "{shown}");
    // A builtin.
    let hover = client.at("textDocument/hover", &uri, position(&text, "round(", 0));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("round("),
        "{hover}"
    );
    client.stop();
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn definition_leads_into_the_bundled_base_and_references_back() {
    let (folder, uri, text) = region_copy("definition", |t| t.to_string());
    let mut client = Client::start(env!("CARGO_BIN_EXE_takst"));
    client.open(&uri, &text);
    client.diagnostics(&uri);
    // `depreciation` is used here and declared only in the national base.
    let at = position(&text, "depreciation + interest", 0);
    let found = client.at("textDocument/definition", &uri, at);
    let target = &found[0];
    let target_uri = target["uri"].as_str().unwrap_or("");
    assert!(target_uri.ends_with("/national.takst"), "{found}");
    let path = target_uri.trim_start_matches("file://");
    let base = std::fs::read_to_string(path).expect("the base's copy is a file");
    let national = std::fs::read_to_string(common::root().join("agreements/national.takst"))
        .expect("national");
    assert_eq!(base, national, "the copy is the bundled text");
    let (line, column) = position(&base, "input depreciation", 0);
    assert_eq!(
        target["range"]["start"],
        json!({ "line": line, "character": column + 6 })
    );
    assert!(
        std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()),
        "the copy is read-only"
    );

    // An override leads to what it overrides.
    let at = position(&text, "override define overhead ", 0);
    let found = client.at("textDocument/definition", &uri, (at.0, at.1 + 16));
    assert!(
        found[0]["uri"]
            .as_str()
            .unwrap_or("")
            .ends_with("/national.takst"),
        "{found}"
    );

    // References of `overhead_base`: here and in the base.
    let at = position(&text, "overhead_base", 0);
    let found = client.at("textDocument/references", &uri, at);
    let places = found.as_array().cloned().unwrap_or_default();
    assert!(places.iter().any(|p| p["uri"] == uri.as_str()));
    assert!(places
        .iter()
        .any(|p| p["uri"].as_str().unwrap_or("").ends_with("/national.takst")));
    assert!(places.len() >= 6, "{found:#}");
    client.stop();
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn completion_offers_names_builtins_units_and_choices() {
    let (folder, uri, text) = region_copy("completion", |t| t.to_string());
    let mut client = Client::start(env!("CARGO_BIN_EXE_takst"));
    client.open(&uri, &text);
    client.diagnostics(&uri);
    let labels = |items: &Value| -> Vec<String> {
        (items.as_array().cloned().unwrap_or_default().iter())
            .filter_map(|i| i["label"].as_str().map(String::from))
            .collect()
    };
    // At the end of the file, a new formula.
    let edited = format!("{text}define new_figure = pla");
    client.change(&uri, 2, &edited);
    let end = (edited.lines().count() - 1, "define new_figure = pla".len());
    let items = client.at("textDocument/completion", &uri, end);
    let names = labels(&items);
    for wanted in [
        "places",
        "planned_occupancy",
        "meal_tariff_per_month",
        "round",
        "clamp",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} not in {names:?}"
        );
    }
    // After a number: units.
    let edited = format!("{text}define new_figure = 5 ");
    client.change(&uri, 3, &edited);
    let end = (edited.lines().count() - 1, "define new_figure = 5 ".len());
    let names = labels(&client.at("textDocument/completion", &uri, end));
    for wanted in ["kr", "%", "kr/day", "kr/hour"] {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} not in {names:?}"
        );
    }
    // After `is`: the variants.
    let edited = format!("{text}define new_figure = if target_group is ");
    client.change(&uri, 4, &edited);
    let end = (
        edited.lines().count() - 1,
        "define new_figure = if target_group is ".len(),
    );
    let names = labels(&client.at("textDocument/completion", &uri, end));
    for wanted in ["children", "shelter", "compounded"] {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} not in {names:?}"
        );
    }
    client.stop();
    let _ = std::fs::remove_dir_all(folder);
}

#[test]
fn symbols_and_formatting() {
    let (folder, uri, text) = region_copy("symbols", |t| {
        t.replacen(
            "part meal_service [bilag 11]",
            "part   meal_service [bilag 11]",
            1,
        )
    });
    let mut client = Client::start(env!("CARGO_BIN_EXE_takst"));
    client.open(&uri, &text);
    client.diagnostics(&uri);
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let symbols = symbols.as_array().cloned().unwrap_or_default();
    let named = |n: &str| {
        symbols
            .iter()
            .find(|s| s["name"] == n)
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(named("meal_service")["kind"], 2, "a part is a module");
    assert_eq!(
        named("meal_service")["children"].as_array().map(Vec::len),
        Some(6)
    );
    assert_eq!(
        named("overhead_development")["kind"],
        10,
        "a reading is an enum"
    );
    assert!(
        symbols.iter().any(|s| s["kind"] == 19),
        "examples are listed"
    );
    assert!(symbols.len() > 100, "{}", symbols.len());

    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let formatted = edits[0]["newText"].as_str().unwrap_or("");
    let bundled =
        std::fs::read_to_string(common::root().join("agreements/syddanmark-2025-26.takst"))
            .expect("the agreement");
    assert_eq!(formatted, bundled);
    client.stop();
    let _ = std::fs::remove_dir_all(folder);
}
