//! Records in an input file: `[department."Engen"]` with its fields, each the
//! entry for "Engen" of an input per department.

use std::sync::Arc;

use dsl::program::{Key, SlotId, SlotRule};
use dsl::suggest::closest;
use dsl::types::Type;
use dsl::{Code, Diagnostic};
use toml_edit::Item;

use super::Reader;
use crate::inputs::{element_type, example_of, key_span};
use crate::value::Table;

impl Reader<'_> {
    /// Records such as `[department."Engen"]`: every field is the entry of that
    /// name in an input per department. The field `places` is the input
    /// `department_places` (or `places`, if that is an input per department).
    pub(super) fn records(
        &self,
        section: &str,
        item: &Item,
    ) -> Result<Vec<(SlotId, Table)>, Vec<Diagnostic>> {
        let range = item.span().unwrap_or(0..0);
        let fields: Vec<(SlotId, &str)> = self
            .program
            .slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_input() && s.record.as_deref() == Some(section))
            .map(|(i, s)| (i as SlotId, s.name.as_str()))
            .collect();
        let field_name = |name: &'_ str| -> String {
            let short = name
                .strip_prefix(section)
                .and_then(|n| n.strip_prefix('_'))
                .unwrap_or(name);
            short.to_string()
        };
        let Some(records) = item.as_table_like() else {
            let d = Diagnostic::error(
                Code::BadInput,
                format!(
                    "`{section}` in {}: this is not a table of records",
                    self.file.name
                ),
            )
            .label_in(self.file.clone(), range, "expected records")
            .help(format!(
                "give one section per {section}: `[{section}.\"name\"]` followed by its fields"
            ));
            return Err(vec![d]);
        };
        let mut tables: Vec<(SlotId, Table)> = fields
            .iter()
            .map(|&(slot, _)| (slot, Table::default()))
            .collect();
        let mut errors = Vec::new();
        for (raw, record) in records.iter() {
            let name_range = key_span(records, raw);
            // The record's name as a TOML key, for paths and sections in messages.
            let name = &toml_key(raw);
            let Some(record) = record.as_table_like() else {
                errors.push(
                    Diagnostic::error(
                        Code::BadInput,
                        format!(
                            "`{section}.{name}` in {}: this is not a record",
                            self.file.name
                        ),
                    )
                    .label_in(self.file.clone(), name_range, "expected fields")
                    .help(format!(
                        "write `[{section}.{name}]` and its fields on the lines below"
                    )),
                );
                continue;
            };
            for (field, value) in record.iter() {
                let field_range = key_span(record, field);
                let found = fields
                    .iter()
                    .position(|(_, input)| field_name(input) == field || *input == field);
                let Some(at) = found else {
                    let known = fields
                        .iter()
                        .map(|(_, input)| field_name(input))
                        .collect::<Vec<_>>();
                    let hint = closest(field, known.iter().map(String::as_str))
                        .map(|c| format!("did you mean `{c}`?"))
                        .unwrap_or_else(|| {
                            format!("the fields of a {section} are {}", known.join(", "))
                        });
                    errors.push(
                        Diagnostic::error(
                            Code::BadInput,
                            format!(
                                "`{section}.{name}.{field}` in {}: no such field",
                                self.file.name
                            ),
                        )
                        .label_in(self.file.clone(), field_range, "not a field of this record")
                        .help(hint),
                    );
                    continue;
                };
                let slot = fields[at].0;
                let Type::Table { value: ty, .. } = &self.program.slot(slot).ty else {
                    continue;
                };
                let path = format!("{section}.{name}.{field}");
                self.plausible
                    .set(self.program.slot(slot).plausible.as_ref());
                let parsed = match &**ty {
                    Type::Table { .. } | Type::Series(_) => self.item(&path, value, ty),
                    _ => match value.as_value() {
                        Some(v) => self.scalar(&path, v, ty),
                        None => {
                            Err(self.bad(&path, field_range, ty, "expected a single value".into()))
                        }
                    },
                };
                match parsed {
                    Ok(v) => tables[at].1.entries.push((Key::Label(Arc::from(raw)), v)),
                    Err(e) => errors.push(e),
                }
            }
            // A field without a default must be in every record.
            for (slot, input) in &fields {
                let required = matches!(
                    self.program.slot(*slot).rule,
                    SlotRule::Input { default: None }
                );
                let short = field_name(input);
                if required && record.get(&short).is_none() && record.get(input).is_none() {
                    errors.push(
                        Diagnostic::error(
                            Code::BadInput,
                            format!("`{section}.{name}` in {} has no `{short}`", self.file.name),
                        )
                        .label_in(
                            self.file.clone(),
                            name_range.clone(),
                            format!("`{short}` is missing"),
                        )
                        .help(format!(
                            "add a line: {}",
                            example_of(
                                &short,
                                &element_type(&self.program.slot(*slot).ty),
                                self.program
                            )
                        )),
                    );
                }
            }
        }
        if errors.is_empty() {
            Ok(tables)
        } else {
            Err(errors)
        }
    }
}

/// A name as a TOML key: bare if it can be (`Engen`), quoted if not (`"Center Syd"`).
fn toml_key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match bare {
        true => name.to_string(),
        false => format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\"")),
    }
}
