//! A table of tables (an amount per year per offer) as a grid: one row per
//! outer entry, one column per inner key, so years read across as in a
//! spreadsheet. Deeper tables (per year of origin per year per unit) get one
//! row per path to their innermost tables: "Center Syd · 2022".

use dsl::types::{KeyType, Type};
use dsl::Program;
use engine::{show_key, Key, Table as Entries, Value};

use super::number::{format_value, Locale};
use super::table::Table;

/// The grid of `value` (of type `ty`), or `None` if it is not a table of tables.
pub fn matrix(value: &Value, ty: &Type, program: &Program, locale: Locale) -> Option<String> {
    let (Value::Table(outer), Type::Table { value: inner, .. }) = (value, ty) else {
        return None;
    };
    // The type of the innermost tables, whose keys become the columns.
    let mut row_ty = &**inner;
    let Type::Table { .. } = row_ty else {
        return None;
    };
    while let Type::Table { value: deeper, .. } = row_ty {
        if !matches!(**deeper, Type::Table { .. }) {
            break;
        }
        row_ty = deeper;
    }
    let Type::Table {
        key: column_key,
        value: cell_ty,
    } = row_ty
    else {
        return None;
    };
    let mut rows: Vec<(String, &Entries)> = Vec::new();
    collect(outer, String::new(), &mut rows);
    let mut columns: Vec<&Key> = Vec::new();
    for (_, row) in &rows {
        for (k, _) in &row.entries {
            if !columns.contains(&k) {
                columns.push(k);
            }
        }
    }
    if *column_key != KeyType::Label {
        columns.sort();
    }
    let mut table = Table {
        header: std::iter::once(String::new())
            .chain(columns.iter().map(|k| label(k)))
            .collect(),
        ..Table::default()
    };
    for (name, row) in rows {
        let mut cells = vec![format!("  {name}")];
        for column in &columns {
            let cell = row
                .get(column)
                .map(|v| format_value(v, cell_ty, program, locale))
                .unwrap_or_default();
            cells.push(cell);
        }
        table.row(cells);
    }
    Some(table.render())
}

/// The innermost tables of `table`, each with the path of keys to it.
fn collect<'a>(table: &'a Entries, path: String, rows: &mut Vec<(String, &'a Entries)>) {
    for (key, value) in &table.entries {
        let Value::Table(inner) = value else { continue };
        let name = if path.is_empty() {
            label(key)
        } else {
            format!("{path} · {}", label(key))
        };
        if inner
            .entries
            .iter()
            .any(|(_, v)| matches!(v, Value::Table(_)))
        {
            collect(inner, name, rows);
        } else {
            rows.push((name, inner));
        }
    }
}

fn label(key: &Key) -> String {
    show_key(key).trim_matches('"').to_string()
}
