//! A table of tables (an amount per year per offer) as a grid: one row per
//! outer entry, one column per inner key, so years read across as in a spreadsheet.

use dsl::types::{KeyType, Type};
use dsl::Program;
use engine::{show_key, Key, Value};

use super::number::{format_value, Locale};
use super::table::Table;

/// The grid of `value` (of type `ty`), or `None` if it is not a table of tables.
pub fn matrix(value: &Value, ty: &Type, program: &Program, locale: Locale) -> Option<String> {
    let (
        Value::Table(outer),
        Type::Table {
            value: inner_ty, ..
        },
    ) = (value, ty)
    else {
        return None;
    };
    let Type::Table {
        key: inner_key,
        value: cell_ty,
    } = &**inner_ty
    else {
        return None;
    };
    let mut columns: Vec<&Key> = Vec::new();
    for (_, row) in &outer.entries {
        if let Value::Table(row) = row {
            for (k, _) in &row.entries {
                if !columns.contains(&k) {
                    columns.push(k);
                }
            }
        }
    }
    if *inner_key != KeyType::Label {
        columns.sort();
    }
    let header: Vec<String> = std::iter::once(String::new())
        .chain(columns.iter().map(|k| label(k)))
        .collect();
    let mut table = Table {
        header,
        ..Table::default()
    };
    for (key, row) in &outer.entries {
        let mut cells = vec![format!("  {}", label(key))];
        for column in &columns {
            let cell = match row {
                Value::Table(row) => row
                    .get(column)
                    .map(|v| format_value(v, cell_ty, program, locale))
                    .unwrap_or_default(),
                other => format_value(other, inner_ty, program, locale),
            };
            cells.push(cell);
        }
        table.row(cells);
    }
    Some(table.render())
}

fn label(key: &Key) -> String {
    show_key(key).trim_matches('"').to_string()
}
