//! The VS Code extension of `editors/vscode/`: its TextMate grammar compiles (every
//! `match`, `begin` and `end` is a valid regular expression), names only rules it has,
//! and covers the language — every keyword of the pest grammar, every builtin function
//! and every unit; the extension's manifest points at files that are there.
//!
//! The patterns are written in the part of regular-expression syntax that Oniguruma
//! (VS Code's engine) and the `regex` crate share: no lookaround, no backreferences.

mod common;

use std::collections::BTreeSet;

use regex::Regex;
use serde_json::Value;

fn read_json(path: &str) -> Value {
    let text = std::fs::read_to_string(common::root().join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn grammar() -> Value {
    read_json("editors/vscode/syntaxes/takst.tmLanguage.json")
}

/// Every pattern object of the grammar, wherever it is nested, with where it is.
fn patterns<'a>(value: &'a Value, at: String, found: &mut Vec<(String, &'a Value)>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("match") || map.contains_key("begin") || map.contains_key("include")
            {
                found.push((at.clone(), value));
            }
            for (key, inner) in map {
                patterns(inner, format!("{at}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                patterns(inner, format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

fn all_patterns(grammar: &Value) -> Vec<(String, &Value)> {
    let mut found = Vec::new();
    patterns(grammar, String::new(), &mut found);
    found
}

/// The regular expression of a pattern (`match`, else `begin`), compiled.
fn compiled(pattern: &Value) -> Option<Regex> {
    let source = pattern.get("match").or_else(|| pattern.get("begin"))?;
    Some(Regex::new(source.as_str()?).expect("compiles"))
}

#[test]
fn every_pattern_compiles_and_every_include_is_there() {
    let grammar = grammar();
    assert_eq!(grammar["scopeName"], "source.takst");
    let repository = grammar["repository"].as_object().expect("a repository");
    let found = all_patterns(&grammar);
    let mut regexes = 0;
    for (at, pattern) in &found {
        for key in ["match", "begin", "end"] {
            if let Some(source) = pattern.get(key) {
                let source = source
                    .as_str()
                    .unwrap_or_else(|| panic!("{at}/{key}: a string"));
                if let Err(e) = Regex::new(source) {
                    panic!("{at}/{key} does not compile: {source}\n{e}");
                }
                regexes += 1;
            }
        }
        if let Some(include) = pattern.get("include").and_then(Value::as_str) {
            let name = include.strip_prefix('#').unwrap_or(include);
            assert!(
                include == "$self" || repository.contains_key(name),
                "{at}: includes {include}, which the repository does not have"
            );
        }
        // Capture groups named exist in the expression.
        let source = pattern.get("match").and_then(Value::as_str);
        if let (Some(source), Some(captures)) = (source, pattern.get("captures")) {
            let groups = Regex::new(source).expect("compiles").captures_len();
            for group in captures.as_object().expect("captures").keys() {
                let n: usize = group.parse().expect("a group number");
                assert!(n < groups, "{at}: capture {n} of {source}");
            }
        }
    }
    assert!(regexes >= 25, "{regexes} regular expressions");
    // Every rule of the repository is used.
    let text = grammar.to_string();
    for name in repository.keys() {
        assert!(
            text.contains(&format!("\"#{name}\"")),
            "the rule {name} is never included"
        );
    }
}

/// The words of a pattern: its alternatives once escapes (`\b`, `\s`) are taken out.
fn words(source: &str) -> BTreeSet<String> {
    let escapes = Regex::new(r"\\[A-Za-z]").expect("compiles");
    let word = Regex::new(r"[a-z_]+(?:/[a-z]+)?").expect("compiles");
    let bare = escapes.replace_all(source, " ");
    word.find_iter(&bare)
        .map(|m| m.as_str().to_string())
        .collect()
}

/// The keywords of the pest grammar: every quoted word outside its comments.
fn pest_keywords() -> BTreeSet<String> {
    let pest = std::fs::read_to_string(common::root().join("dsl/src/grammar.pest")).expect("pest");
    let quoted = Regex::new(r#""([a-z][a-z/]*)""#).expect("compiles");
    let mut found = BTreeSet::new();
    for line in pest.lines() {
        let code = line.split("//").next().unwrap_or("");
        for c in quoted.captures_iter(code) {
            found.insert(c[1].to_string());
        }
    }
    found
}

#[test]
fn every_keyword_of_the_language_is_highlighted() {
    let grammar = grammar();
    let mut covered = BTreeSet::new();
    for (_, pattern) in all_patterns(&grammar) {
        for key in ["match", "begin"] {
            if let Some(source) = pattern.get(key).and_then(Value::as_str) {
                covered.extend(words(source));
            }
        }
    }
    let keywords = pest_keywords();
    // The grammar's keywords, kinds of declaration, types, units and plausible ranges.
    for expected in [
        "agreement",
        "reading",
        "taken",
        "drop",
        "between",
        "kr/day",
        "yes/no",
    ] {
        assert!(keywords.contains(expected), "{expected} in {keywords:?}");
    }
    let missing: Vec<&String> = keywords.difference(&covered).collect();
    assert!(missing.is_empty(), "not highlighted: {missing:?}");
}

/// The compiled pattern of a repository rule (or its first sub-pattern).
fn rule(grammar: &Value, name: &str) -> Regex {
    let rule = &grammar["repository"][name];
    compiled(rule)
        .or_else(|| compiled(&rule["patterns"][0]))
        .unwrap_or_else(|| panic!("the rule {name}"))
}

#[test]
fn every_builtin_and_every_unit_is_highlighted() {
    let grammar = grammar();
    let builtin = rule(&grammar, "builtin");
    for (name, ..) in dsl::builtins::BUILTINS {
        let call = format!("{name}(x, y)");
        let found = builtin.captures(&call).map(|c| c[1].to_string());
        assert_eq!(found.as_deref(), Some(*name), "the builtin {name}");
    }
    let quantity = rule(&grammar, "quantity");
    let units = dsl::units::UNITS.iter().map(|(unit, _)| *unit);
    for unit in units.chain(["%"]) {
        for written in [format!("2_656 {unit}"), format!("12.5{unit}")] {
            let c = quantity.captures(&written).expect("a quantity");
            assert_eq!(&c[0], written, "the whole quantity");
            assert_eq!(c.get(2).map(|m| m.as_str()), Some(unit), "{written}");
        }
    }
    // A name that begins like a unit stays a name: `12 krone` is 12, then a name.
    let c = quantity.captures("12 krone").expect("a number");
    assert_eq!(&c[0], "12");
}

#[test]
fn a_declaration_shows_its_name_and_citation() {
    let grammar = grammar();
    let declaration = rule(&grammar, "declaration");
    let line = r#"override define capital [§5.4] "Kapitalomkostninger" ="#;
    let c = declaration.captures(line).expect("a declaration");
    assert_eq!(&c[1], "override");
    assert_eq!(&c[2], "define");
    assert_eq!(&c[3], "capital");
    assert_eq!(&c[4], "[§5.4]");
    let alternative = compiled(&grammar["repository"]["reading-alternative"]).expect("a rule");
    let line = r#"  one_month [bilag 6 l.1030] "en måned fra opsigelsesdagen"  # the seed"#;
    let c = alternative.captures(line).expect("an alternative");
    assert_eq!(&c[1], "one_month");
    assert_eq!(&c[2], "[bilag 6 l.1030]");
    // A formula's index at the start of a continuation line is no citation.
    assert!(alternative.captures("  history[year - 2] + 1").is_none());
}

#[test]
fn the_extension_names_files_that_are_there() {
    let package = read_json("editors/vscode/package.json");
    let folder = common::root().join("editors/vscode");
    let language = &package["contributes"]["languages"][0];
    assert_eq!(language["id"], "takst");
    assert_eq!(language["extensions"][0], ".takst");
    let configuration = language["configuration"].as_str().expect("a path");
    let configuration = read_json(&format!("editors/vscode/{configuration}"));
    assert_eq!(configuration["comments"]["lineComment"], "#");
    let grammar = &package["contributes"]["grammars"][0];
    assert_eq!(grammar["scopeName"], "source.takst");
    assert_eq!(grammar["language"], "takst");
    assert!(folder
        .join(grammar["path"].as_str().expect("a path"))
        .is_file());
    let main = package["main"].as_str().expect("main");
    let script = std::fs::read_to_string(folder.join(main)).expect("the extension's script");
    assert!(script.contains("vscode-languageclient/node"), "{script}");
    assert!(script.contains("'lsp'"), "starts `takst lsp`: {script}");
    assert!(package["dependencies"]["vscode-languageclient"].is_string());
}
