//! `takst compare`: one input under several agreements, side by side.

use std::path::Path;

use dsl::types::Type;
use engine::Value;

use super::comparison;
use super::eval::exact;
use super::Outcome;
use crate::render::{csv, format_value, Table};
use crate::{Format, Output};

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
    let comparison::OfferCompared {
        comparison,
        warnings,
        ..
    } = comparison::of_offer(
        path,
        agreements,
        part,
        &output.readings.choices,
        output.locale,
    )?;
    if output.format == Format::Json {
        let doc = comparison::json(&comparison);
        outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        return Ok(warnings);
    }
    let offer = &comparison.offers[0];
    let rows: Vec<Row> = (comparison.figures.iter().enumerate())
        .map(|(f, figure)| Row {
            name: figure.name.clone(),
            label: figure.label.clone(),
            cells: (0..comparison.agreements.len())
                .map(|a| {
                    let agreement = &comparison.agreements[a];
                    let at = figure.at[a]?;
                    let slot = agreement.program.slot(agreement.outputs()[at]);
                    let value = comparison.value(offer, f, a)?;
                    Some((value.clone(), slot.ty.clone()))
                })
                .collect(),
        })
        .collect();
    let titles: Vec<String> = comparison
        .agreements
        .iter()
        .map(|a| match a.part {
            Some(_) => a.name().to_string(),
            None => a.asked.clone(),
        })
        .collect();
    let program_of = |i: usize| {
        let a = &comparison.agreements[i];
        a.part.map(|_| &a.program)
    };
    let columns = comparison.agreements.len();
    match output.format {
        Format::Json => {}
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
                    (Some(d), Some((_, ty))) => (0..columns)
                        .find_map(program_of)
                        .map(|p| format_value(&Value::Number(d), ty, p, output.locale))
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                cells.push(diff);
                table.row(cells);
            }
            out!("{}", table.render());
            outln!("\n— : the agreement has no such figure. difference: largest minus smallest.");
            for (title, agreement) in titles.iter().zip(&comparison.agreements) {
                if agreement.part.is_none() {
                    outln!("{title}: no part `{part}` in this agreement");
                }
            }
        }
    }
    Ok(warnings)
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
    comparison::spread(row.cells.iter().map(|c| c.as_ref().map(|(v, ty)| (v, ty))))
}
