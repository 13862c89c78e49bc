//! `takst report`: the page's structure as an outline (headings, tables, charts and
//! their sizes), snapshotted instead of its bytes; its figures against `compare`,
//! `eval` and `batch`; its JSON in the schema `compare` writes; and a report that
//! is written whole or not at all.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use html5gum::{DefaultEmitter, Token, Tokenizer};
use rust_decimal::Decimal;
use serde_json::Value as Json;

use common::takst;

fn report(args: &[&str]) -> String {
    let (status, stdout, stderr) = takst(&[&["report"], args].concat());
    assert_eq!(status, 0, "takst report {args:?}: {stderr}");
    stdout
}

fn json(args: &[&str]) -> Json {
    serde_json::from_str(&report(&[args, &["--format", "json"]].concat())).expect("JSON")
}

fn decimal(v: &Json) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("{v} is not a string"))
        .parse()
        .expect("an exact decimal")
}

/// A table met in the page: its id, headers and rows' first cells so far.
#[derive(Default)]
struct TableSeen {
    id: String,
    header: Vec<String>,
    rows: Vec<String>,
    in_body: bool,
}

/// The page's outline: its sections and headings, each table's headers, its rows'
/// first cells (for tables with an id) and number of rows, the figures of the
/// overview, each warning's title,
/// each chart's size and what it is drawn of, and how many explanations fold out.
fn outline(html: &str) -> String {
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    let mut out = String::new();
    let (mut text, mut collecting) = (String::new(), None::<String>);
    let mut table: Option<TableSeen> = None;
    let mut svg: Option<(String, BTreeMap<String, usize>)> = None;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut first_cell = false;
    for token in Tokenizer::new_with_emitter(html, emitter) {
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).into_owned();
                let attr = |a: &str| {
                    tag.attributes
                        .get(a.as_bytes())
                        .map(|v| String::from_utf8_lossy(&v.value).into_owned())
                };
                if let Some((_, shapes)) = &mut svg {
                    *shapes.entry(name).or_default() += 1;
                    continue;
                }
                match name.as_str() {
                    "h1" | "h2" | "h3" | "h4" | "th" | "summary" => {
                        collecting = Some(name.clone());
                        text.clear();
                    }
                    "div" if attr("class").as_deref() == Some("figure") => {
                        collecting = Some(name.clone());
                        text.clear();
                    }
                    "span" if attr("class").as_deref() == Some("title") => {
                        collecting = Some(name.clone());
                        text.clear();
                    }
                    "td" if first_cell => {
                        collecting = Some(String::from("td"));
                        text.clear();
                    }
                    "section" => out.push_str(&format!("\n§ {}\n", attr("id").unwrap_or_default())),
                    "table" => {
                        table = Some(TableSeen {
                            id: attr("id").unwrap_or_default(),
                            ..TableSeen::default()
                        })
                    }
                    "tbody" => {
                        if let Some(t) = &mut table {
                            t.in_body = true;
                        }
                    }
                    "tr" => {
                        if let Some(t) = &mut table {
                            first_cell = t.in_body && !t.id.is_empty();
                            if t.in_body {
                                t.rows.push(String::new());
                            }
                        }
                    }
                    "svg" => {
                        let size = format!(
                            "{}x{}",
                            attr("width").unwrap_or_default(),
                            attr("height").unwrap_or_default()
                        );
                        svg = Some((size, BTreeMap::new()));
                    }
                    "details" | "script" | "style" | "li" | "figure" => {
                        *counts
                            .entry(match name.as_str() {
                                "details" => "details",
                                "script" => "script",
                                "style" => "style",
                                "li" => "li",
                                _ => "figure",
                            })
                            .or_default() += 1
                    }
                    _ => {}
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).into_owned();
                if name == "svg" {
                    if let Some((size, shapes)) = svg.take() {
                        let shapes: Vec<String> =
                            shapes.iter().map(|(k, v)| format!("{k} {v}")).collect();
                        out.push_str(&format!("  svg {size}: {}\n", shapes.join(", ")));
                    }
                    continue;
                }
                if svg.is_some() {
                    continue;
                }
                if collecting.as_deref() == Some(name.as_str()) {
                    collecting = None;
                    let shown = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    match name.as_str() {
                        "th" => {
                            if let Some(t) = &mut table {
                                t.header.push(shown);
                            }
                        }
                        "td" => {
                            first_cell = false;
                            if let Some(last) = table.as_mut().and_then(|t| t.rows.last_mut()) {
                                *last = shown;
                            }
                        }
                        "summary" => {}
                        "span" => out.push_str(&format!("  ! {shown}\n")),
                        "div" => out.push_str(&format!("  = {shown}\n")),
                        h => out.push_str(&format!("{h} {shown}\n")),
                    }
                }
                if name == "table" {
                    if let Some(TableSeen {
                        id, header, rows, ..
                    }) = table.take()
                    {
                        let id = if id.is_empty() {
                            String::new()
                        } else {
                            format!("#{id}")
                        };
                        out.push_str(&format!(
                            "  table{id} [{}] {} rows\n",
                            header.join(" | "),
                            rows.len()
                        ));
                        if !id.is_empty() {
                            for row in rows {
                                out.push_str(&format!("    {row}\n"));
                            }
                        }
                    }
                }
            }
            Token::String(s) if collecting.is_some() => {
                text.push(' ');
                text.push_str(&String::from_utf8_lossy(&s));
            }
            _ => {}
        }
    }
    let counts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    out.push_str(&format!("\n{}\n", counts.join(", ")));
    out
}

/// Nothing in the page is fetched: no link, no source, no import, no URL in a style.
fn assert_self_contained(html: &str) {
    let without_namespaces = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for fetched in [
        "http://", "https://", "<link", "src=", "@import", "url(", "//cdn",
    ] {
        assert!(
            !without_namespaces.contains(fetched),
            "the page has {fetched}"
        );
    }
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
}

#[test]
fn an_offer_report_outline_in_danish_and_english() {
    for (locale, name) in [("da", "offer-da"), ("en", "offer-en")] {
        let html = report(&["--locale", locale, "examples/adults-108-home.toml"]);
        assert_self_contained(&html);
        insta::assert_snapshot!(name, outline(&html));
    }
}

#[test]
fn a_tariff_file_report_outline() {
    let html = report(&["examples/batch/offers.csv"]);
    assert_self_contained(&html);
    insta::assert_snapshot!("tariff-file-da", outline(&html));
}

#[test]
fn the_offer_report_shows_the_figures_compare_computes() {
    let (status, compared, stderr) = takst(&[
        "compare",
        "--format",
        "json",
        "examples/shelter-110-occupancy-history.toml",
    ]);
    assert_eq!(status, 0, "{stderr}");
    let compared: Json = serde_json::from_str(&compared).expect("JSON");
    let reported = json(&["examples/shelter-110-occupancy-history.toml"]);
    // One schema: compare's document is the report's without the report's sections.
    for key in ["schema", "input", "kind", "part", "agreements", "figures"] {
        assert_eq!(compared[key], reported[key], "{key}");
    }
    for key in ["name", "results", "differences"] {
        assert_eq!(
            compared["offers"][0][key], reported["offers"][0][key],
            "{key}"
        );
    }
    assert_eq!(reported["schema"], "takst-comparison/1");
    assert_eq!(reported["headline"], "tariff_per_day");
    // The page shows each agreement's tariff as `eval` writes it.
    let html = report(&["examples/shelter-110-occupancy-history.toml"]);
    for agreement in ["midtjylland", "sjaelland", "syddanmark"] {
        let (status, table, _) = takst(&[
            "eval",
            "-a",
            agreement,
            "examples/shelter-110-occupancy-history.toml",
        ]);
        assert_eq!(status, 0);
        let line = table
            .lines()
            .find(|l| l.contains("kr/dag"))
            .expect("the tariff's line");
        let tariff = line
            .split("  ")
            .map(str::trim)
            .find(|c| c.ends_with("kr/dag"))
            .expect("a tariff");
        assert!(
            html.contains(&format!("<div class=\"figure\">{tariff}</div>")),
            "{agreement}: {tariff}"
        );
    }
}

#[test]
fn each_make_up_adds_up_to_its_whole_and_splits_the_difference() {
    // Under every agreement the terms are amounts of the offer, and they add up to
    // the total (a regulation included: this shelter carries a deficit).
    let doc = json(&["examples/shelter-110-occupancy-history.toml"]);
    let offer = &doc["offers"][0];
    let makeups = offer["makeup"].as_array().expect("a make-up per agreement");
    assert_eq!(makeups.len(), 3);
    for (makeup, result) in makeups
        .iter()
        .zip(offer["results"].as_array().expect("results"))
    {
        assert_eq!(makeup["whole"], "total");
        assert_eq!(makeup["adds_up"], true);
        let terms = makeup["terms"].as_array().expect("terms");
        let names: Vec<&str> = terms.iter().filter_map(|t| t["name"].as_str()).collect();
        for name in [
            "budget",
            "central_pools",
            "capital",
            "pensions",
            "overhead",
            "regulation",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        let sum: Decimal = terms.iter().map(|t| decimal(&t["amount"])).sum();
        assert_eq!(sum, decimal(&result["values"]["total"]));
        assert_eq!(
            decimal(&result["values"]["regulation"]),
            Decimal::from(310_000)
        );
    }
    // The explanations are the trace `eval --explain` gives.
    let (_, explained, _) = takst(&[
        "eval",
        "-a",
        "sjaelland",
        "--explain",
        "--format",
        "json",
        "examples/shelter-110-occupancy-history.toml",
    ]);
    let explained: Json = serde_json::from_str(&explained).expect("JSON");
    assert_eq!(offer["explanations"][1], explained["trace"]);
}

#[test]
fn the_readings_say_what_each_alternative_changes() {
    let doc = json(&["examples/adults-108-home.toml"]);
    let readings = doc["readings"].as_array().expect("readings per agreement");
    let south = readings
        .iter()
        .find(|r| {
            r["agreement"]
                .as_str()
                .is_some_and(|a| a.starts_with("Syddanmark"))
        })
        .expect("Syddanmark's readings");
    let development = south["readings"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["name"] == "overhead_development"))
        .expect("the development reading");
    let compounded = development["alternatives"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["name"] == "compounded"))
        .expect("compounded");
    let changes = compounded["changes"].as_array().expect("changes");
    let tariff = changes
        .iter()
        .find(|c| c["figure"] == "tariff_per_day")
        .expect("the tariff moves");
    assert!(decimal(&tariff["with_this_reading"]) > decimal(&tariff["now"]));
}

#[test]
fn the_tariff_file_report_shows_the_figures_batch_computes() {
    let doc = json(&["examples/batch/offers.csv"]);
    assert_eq!(doc["kind"], "tariff_file");
    let offers = doc["offers"].as_array().expect("offers");
    assert_eq!(offers.len(), 7);
    for (a, agreement) in ["midtjylland", "sjaelland", "syddanmark"]
        .iter()
        .enumerate()
    {
        let (status, batch, stderr) = takst(&[
            "batch",
            "-a",
            agreement,
            "--format",
            "json",
            "examples/batch/offers.csv",
        ]);
        assert_eq!(status, 0, "{stderr}");
        let batch: Json = serde_json::from_str(&batch).expect("JSON");
        for (offer, row) in offers
            .iter()
            .zip(batch["offers"].as_array().expect("offers"))
        {
            assert_eq!(offer["name"], row["name"]);
            assert_eq!(
                offer["results"][a]["values"], row["values"],
                "{agreement} {}",
                row["name"]
            );
        }
        // The distribution's ends are the lowest and highest tariff of the file.
        let tariffs: Vec<Decimal> = offers
            .iter()
            .map(|o| decimal(&o["results"][a]["values"]["tariff_per_day"]))
            .collect();
        let spread = &doc["distribution"][a];
        assert_eq!(
            decimal(&spread["lowest"]),
            *tariffs.iter().min().expect("a tariff")
        );
        assert_eq!(
            decimal(&spread["highest"]),
            *tariffs.iter().max().expect("a tariff")
        );
        assert_eq!(spread["computed"], 7);
    }
    // The offers that differ most come first, by their difference.
    let most = doc["most_different"].as_array().expect("most different");
    let differences: Vec<Decimal> = most.iter().map(|m| decimal(&m["difference"])).collect();
    assert!(
        differences.windows(2).all(|w| w[0] >= w[1]),
        "{differences:?}"
    );
    let first = &offers[most[0]["line"].as_u64().expect("a line") as usize - 2];
    assert_eq!(
        decimal(&first["differences"]["tariff_per_day"]),
        differences[0]
    );
}

#[test]
fn a_wrong_offer_in_the_tariff_file_writes_no_report() {
    let dir = std::env::temp_dir().join(format!("takst-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let csv = dir.join("offers.csv");
    let text = std::fs::read_to_string("examples/batch/offers.csv").expect("the example");
    // The fourth offer's places: 0 places is no offer.
    let wrong = text.replacen(",2025,40,adults,", ",2025,0,adults,", 1);
    assert_ne!(wrong, text);
    std::fs::write(&csv, wrong).expect("written");
    let page = dir.join("report.html");
    let (csv, page_name) = (
        csv.to_string_lossy().into_owned(),
        page.to_string_lossy().into_owned(),
    );
    let (status, _, stderr) = takst(&["report", &csv, "-o", &page_name]);
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("line 4"), "{stderr}");
    assert!(!page.exists(), "a report was written");
    // --keep-going writes it, the offer marked, and still says it failed.
    let (status, _, stderr) = takst(&["report", "--keep-going", &csv, "-o", &page_name]);
    assert_eq!(status, 1, "{stderr}");
    let html = std::fs::read_to_string(&page).expect("the report");
    assert!(html.contains("id=\"errors\""));
    assert!(html.contains("<td class=\"failed\""));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_report_is_of_an_offer_or_a_tariff_file() {
    let (status, _, stderr) = takst(&["report", "agreements/national.takst"]);
    assert_eq!(status, 1);
    assert!(
        stderr.contains("neither an offer (.toml) nor a tariff file (.csv, .xlsx)"),
        "{stderr}"
    );
    let (status, _, stderr) = takst(&[
        "report",
        "--figure",
        "tarif_per_day",
        "examples/adults-108-home.toml",
    ]);
    assert_eq!(status, 1);
    assert!(
        stderr.contains("did you mean `tariff_per_day`?"),
        "{stderr}"
    );
    assert!(Path::new("examples/adults-108-home.toml").exists());
}

#[test]
fn every_agreement_s_make_up_is_of_the_same_figure() {
    // Under the closure part one agreement's largest sum is the deficit, the others'
    // the accumulated result: the bars must not compare the two.
    let doc = json(&[
        "--part",
        "closure",
        "examples/closures/municipal-stand-alone.toml",
    ]);
    let offer = &doc["offers"][0];
    let makeups = offer["makeup"].as_array().expect("a make-up per agreement");
    let wholes: Vec<&str> = makeups.iter().filter_map(|m| m["whole"].as_str()).collect();
    assert_eq!(wholes.len(), 3, "{makeups:?}");
    assert!(wholes.iter().all(|w| *w == wholes[0]), "{wholes:?}");
    for (makeup, result) in makeups
        .iter()
        .zip(offer["results"].as_array().expect("results"))
    {
        let sum: Decimal = makeup["terms"]
            .as_array()
            .expect("terms")
            .iter()
            .map(|t| decimal(&t["amount"]))
            .sum();
        assert_eq!(sum, decimal(&result["values"][wholes[0]]));
    }
    // A part of tables only has no figure to lead with, and still a report.
    let doc = json(&[
        "--part",
        "settlement",
        "examples/accounts/economic-unit-takeover.toml",
    ]);
    assert_eq!(doc["headline"], Json::Null);
    let html = report(&[
        "--part",
        "settlement",
        "examples/accounts/economic-unit-takeover.toml",
    ]);
    assert!(!html.contains("id=\"summary\""));
    assert_self_contained(&html);
}

#[test]
fn names_from_the_input_cannot_become_markup() {
    let dir = std::env::temp_dir().join(format!("takst-report-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let csv = dir.join("offers.csv");
    let text = std::fs::read_to_string("examples/batch/offers.csv").expect("the example");
    let hostile = text.replacen(
        "Bofællesskabet Lindely (§ 108)",
        "\"<script>alert(1)</script> & <b onclick=\"\"x\"\">Lindely</b>\"",
        1,
    );
    std::fs::write(&csv, hostile).expect("written");
    let html = report(&[&csv.to_string_lossy()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!html.contains("<script>alert"), "a name became a script");
    assert!(!html.contains("<b onclick"), "a name became markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b onclick"));
    // The page's one script is its own.
    assert_eq!(html.matches("<script>").count(), 1);
}
