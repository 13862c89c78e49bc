//! `takst list`: the bundled agreements, or the parts and inputs of one.

use dsl::program::SlotRule;

use super::{load_program, Outcome};
use crate::catalog;
use crate::render::Table;

/// Lists bundled agreements, or with `parts` the parts and inputs of one agreement.
pub fn run(parts: Option<&str>) -> Outcome {
    match parts {
        Some(agreement) => list_parts(agreement),
        None => {
            let mut table = Table::new(&["name", "agreement", "valid", "source"]);
            table.left = vec![1, 2, 3];
            let mut errors = Vec::new();
            for (stem, ..) in catalog::bundled() {
                match load_program(stem, &mut Vec::new()) {
                    Ok(p) => {
                        let valid = p
                            .agreement
                            .valid
                            .map(|(a, b)| format!("{a} to {b}"))
                            .unwrap_or_default();
                        let source = p.agreement.source.clone().unwrap_or_default();
                        table.row(vec![
                            stem.to_string(),
                            p.agreement.name.clone(),
                            valid,
                            source,
                        ]);
                    }
                    Err(d) => errors.extend(d),
                }
            }
            out!("{}", table.render());
            if errors.is_empty() {
                Ok(Vec::new())
            } else {
                Err(errors)
            }
        }
    }
}

fn list_parts(agreement: &str) -> Outcome {
    let mut warnings = Vec::new();
    let program = load_program(agreement, &mut warnings)?;
    outln!("{}\n", program.agreement.name);
    let mut table = Table::new(&["part", "section", "what", "inputs it needs"]);
    table.left = vec![1, 2, 3];
    for part in &program.parts {
        let inputs: Vec<&str> = part
            .plan
            .inputs
            .iter()
            .map(|&s| program.slot(s))
            .filter(|s| matches!(s.rule, SlotRule::Input { default: None }))
            .map(|s| s.name.as_str())
            .collect();
        table.row(vec![
            part.name.clone(),
            part.citation.clone().unwrap_or_default(),
            part.label.clone().unwrap_or_default(),
            inputs.join(", "),
        ]);
    }
    out!("{}", table.render());
    Ok(warnings)
}
