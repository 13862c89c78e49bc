//! `takst compare`: one input under several agreements, side by side.

use std::path::Path;

use dsl::types::Type;
use dsl::Diagnostic;
use engine::Value;
use serde_json::{json, Map, Value as Json};

use super::eval::{evaluate, exact, find_part, json_value, Evaluated};
use super::{distinct, load_program, readings, InputFile, Outcome};
use crate::catalog;
use crate::render::{csv, format_value, Table};
use crate::{Format, Output};

/// The agreements compared by default: every bundled one that no other extends.
fn default_agreements() -> Vec<String> {
    let programs: Vec<(String, dsl::Program)> = catalog::bundled()
        .filter_map(|(stem, ..)| {
            load_program(stem, &mut Vec::new())
                .ok()
                .map(|p| (stem.to_string(), p))
        })
        .collect();
    programs
        .iter()
        .filter(|(_, p)| {
            !programs
                .iter()
                .any(|(_, q)| q.agreement.bases.contains(&p.agreement.name))
        })
        .map(|(stem, _)| stem.clone())
        .collect()
}

/// A row of the comparison: one named figure under each agreement.
struct Row {
    name: String,
    label: String,
    cells: Vec<Option<(Value, Type)>>,
}

/// Compares `part` of several agreements on one input file. Every agreement is
/// found and checked, and the input file read and evaluated under each, before
/// anything is printed: a mistake is reported once, and no half a table.
pub fn run(path: &Path, agreements: &[String], part: &str, output: &Output) -> Outcome {
    let names = if agreements.is_empty() {
        default_agreements()
    } else {
        agreements.to_vec()
    };
    let choices = readings::applying(&names, &output.readings.choices)?;
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    let mut programs = Vec::new();
    for (name, choices) in names.iter().zip(&choices) {
        let program = load_program(name, &mut warnings).and_then(|mut program| {
            readings::choose(&mut program, choices)?;
            Ok(program)
        });
        match program {
            Ok(program) => programs.push((name.clone(), program)),
            Err(d) => errors.extend(d),
        }
    }
    let input = InputFile::read(path).map_err(|d| errors.extend(d)).ok();
    let Some(input) = input.filter(|_| errors.is_empty()) else {
        errors.append(&mut warnings);
        return Err(distinct(errors));
    };
    let mut results: Vec<(String, Result<Evaluated, Vec<Diagnostic>>)> = Vec::new();
    for (name, program) in programs {
        let result = match find_part(&program, part) {
            Ok(index) => evaluate(program, index, &input, output.locale),
            Err(lacking) => Err(lacking),
        };
        results.push((name, result));
    }
    let lacks_part = |e: &[Diagnostic]| e.iter().all(|d| d.code == dsl::Code::UnknownPart);
    // One file serves every agreement compared: a field that only some of them read
    // is expected here, not worth a note per agreement.
    let read_elsewhere =
        |d: &Diagnostic| d.code == dsl::Code::UnknownInput && d.level == dsl::Level::Note;
    for (_, result) in &mut results {
        match result {
            Ok(e) => {
                e.warnings.retain(|w| !read_elsewhere(w));
                warnings.append(&mut e.warnings);
            }
            // An agreement without the rule says so; that is information, not a failure.
            Err(e) if lacks_part(e) => {}
            Err(e) => {
                e.retain(|d| !read_elsewhere(d));
                errors.append(e);
            }
        }
    }
    if !errors.is_empty() {
        errors.append(&mut warnings);
        return Err(distinct(errors));
    }
    if results.iter().all(|(_, r)| r.is_err()) {
        return Err(vec![dsl::Diagnostic::error(
            dsl::Code::UnknownPart,
            format!("none of the agreements compared has a part `{part}`"),
        )
        .help("`takst list --parts AGREEMENT` lists an agreement's parts")]);
    }
    let mut rows: Vec<Row> = Vec::new();
    for (column, (_, result)) in results.iter().enumerate() {
        let Ok(e) = result else { continue };
        for &s in &e.part().outputs {
            let slot = e.program.slot(s);
            let at = match rows.iter().position(|r| r.name == slot.name) {
                Some(at) => at,
                None => {
                    rows.push(Row {
                        name: slot.name.clone(),
                        label: slot.label.clone().unwrap_or_else(|| slot.name.clone()),
                        cells: vec![None; names.len()],
                    });
                    rows.len() - 1
                }
            };
            rows[at].cells[column] = Some((e.value(s).clone(), slot.ty.clone()));
            // Where the agreements name a figure differently, the neutral name is shown.
            let label = slot.label.clone().unwrap_or_else(|| slot.name.clone());
            if rows[at].label != label {
                rows[at].label = slot.name.clone();
            }
        }
    }
    let titles: Vec<String> = results
        .iter()
        .map(|(name, r)| match r {
            Ok(e) => e.program.agreement.name.clone(),
            Err(_) => name.clone(),
        })
        .collect();
    let program_of = |i: usize| results[i].1.as_ref().ok().map(|e| &e.program);
    match output.format {
        Format::Json => {
            let agreements: Vec<Json> = results
                .iter()
                .map(|(name, r)| match r {
                    Ok(e) => json!({ "name": e.program.agreement.name, "ok": true,
                        "warnings": e.warnings.iter().map(|w| w.title.clone()).collect::<Vec<_>>() }),
                    Err(d) => json!({ "name": name, "ok": false,
                        "errors": d.iter().map(|x| x.title.clone()).collect::<Vec<_>>() }),
                })
                .collect();
            let json_rows: Vec<Json> = rows
                .iter()
                .map(|row| {
                    let values: Map<String, Json> = row
                        .cells
                        .iter()
                        .zip(&titles)
                        .map(|(c, t)| {
                            (
                                t.clone(),
                                c.as_ref().map_or(Json::Null, |(v, _)| json_value(v)),
                            )
                        })
                        .collect();
                    json!({ "name": row.name, "label": row.label, "values": values,
                        "difference": difference(row).map(|d| d.normalize().to_string()) })
                })
                .collect();
            let doc = json!({ "input": path.display().to_string(), "part": part,
                "agreements": agreements, "rows": json_rows });
            outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Csv => {
            let rows = expand(rows);
            let mut header = vec![String::from("name")];
            header.extend(titles.iter().cloned());
            header.push(String::from("difference"));
            let csv_rows: Vec<Vec<String>> = rows
                .iter()
                .map(|row| {
                    let mut cells = vec![row.name.clone()];
                    cells.extend(
                        row.cells
                            .iter()
                            .map(|c| c.as_ref().map_or(String::new(), |(v, _)| exact(v))),
                    );
                    cells
                        .push(difference(row).map_or(String::new(), |d| d.normalize().to_string()));
                    cells
                })
                .collect();
            out!("{}", csv(&header, &csv_rows));
        }
        Format::Table => {
            let rows = expand(rows);
            outln!("Input  {}\nPart   {part}\n", path.display());
            let mut header: Vec<&str> = vec![""];
            header.extend(titles.iter().map(String::as_str));
            header.push("difference");
            let mut table = Table::new(&header);
            for row in &rows {
                let mut cells = vec![row.label.clone()];
                for (i, cell) in row.cells.iter().enumerate() {
                    let heading = row.cells.iter().all(Option::is_none);
                    cells.push(match (cell, program_of(i)) {
                        (Some((v, ty)), Some(p)) => format_value(v, ty, p, output.locale),
                        _ if heading => String::new(),
                        _ => String::from("—"),
                    });
                }
                let diff = match (difference(row), row.cells.iter().flatten().next()) {
                    (Some(d), Some((_, ty))) => program_of(0)
                        .or_else(|| (1..names.len()).find_map(program_of))
                        .map(|p| format_value(&Value::Number(d), ty, p, output.locale))
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                cells.push(diff);
                table.row(cells);
            }
            out!("{}", table.render());
            outln!("\n— : the agreement has no such figure. difference: largest minus smallest.");
        }
    }
    if output.format == Format::Table {
        for (name, result) in &results {
            if result.is_err() {
                outln!("{name}: no part `{part}` in this agreement");
            }
        }
    }
    Ok(distinct(warnings))
}

/// Rows whose figures are tables become a heading and one row per key (all keys of
/// all agreements, in order of appearance), so amounts per party line up. Tables of
/// tables get a row per path of keys: "Lindely · 2024".
fn expand(rows: Vec<Row>) -> Vec<Row> {
    let mut out = Vec::new();
    for row in rows {
        if !has_tables(&row) {
            out.push(row);
            continue;
        }
        out.push(Row {
            name: row.name.clone(),
            label: row.label.clone(),
            cells: vec![None; row.cells.len()],
        });
        flatten(&row, "", &mut out);
    }
    out
}

fn has_tables(row: &Row) -> bool {
    row.cells
        .iter()
        .any(|c| matches!(c, Some((Value::Table(_), Type::Table { .. }))))
}

/// One row per key of the tables in `row`, and further down where those are tables.
fn flatten(row: &Row, path: &str, out: &mut Vec<Row>) {
    let tables: Vec<Option<(&engine::Table, &Type)>> = row
        .cells
        .iter()
        .map(|c| match c {
            Some((Value::Table(t), Type::Table { value, .. })) => Some((&**t, &**value)),
            _ => None,
        })
        .collect();
    let mut keys: Vec<&engine::Key> = Vec::new();
    for (table, _) in tables.iter().flatten() {
        for (key, _) in &table.entries {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    for key in keys {
        let shown = engine::show_key(key).trim_matches('"').to_string();
        let path = if path.is_empty() {
            shown.clone()
        } else {
            format!("{path} · {shown}")
        };
        let sub = Row {
            name: format!("{}.{shown}", row.name),
            label: format!("  {path}"),
            cells: tables
                .iter()
                .map(|t| t.and_then(|(table, ty)| table.get(key).map(|v| (v.clone(), ty.clone()))))
                .collect(),
        };
        if has_tables(&sub) {
            flatten(&sub, &path, out);
        } else {
            out.push(sub);
        }
    }
}

/// Largest minus smallest, for a row of numbers of one unit under at least two agreements.
fn difference(row: &Row) -> Option<rust_decimal::Decimal> {
    let numbers: Vec<_> = row
        .cells
        .iter()
        .flatten()
        .map(|(v, ty)| {
            v.as_number()
                .filter(|_| ty.is_number())
                .map(|n| (n, ty.dimension()))
        })
        .collect::<Option<Vec<_>>>()?;
    if numbers.len() < 2 || numbers.iter().any(|(_, d)| *d != numbers[0].1) {
        return None;
    }
    let max = numbers.iter().map(|(n, _)| *n).max()?;
    let min = numbers.iter().map(|(n, _)| *n).min()?;
    Some(max - min)
}
