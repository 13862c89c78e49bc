//! The fuzz targets: plain functions of bytes, run by any driver.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dsl::span::SourceFile;
use dsl::{Diagnostic, Program};
use engine::{Columns, Decimals, Inputs, Value};

use crate::csv_reader;

/// A fuzz target: its name, the function, and the files its corpus starts from.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
    /// The folders (under the repository root) and extension of its seeds.
    pub seeds: (&'static [&'static str], &'static str),
}

/// Every target.
pub const TARGETS: &[Target] = &[
    Target {
        name: "rule_file",
        run: rule_file,
        seeds: (&["agreements", "tests/diagnostics"], "takst"),
    },
    Target {
        name: "input_file",
        run: input_file,
        seeds: (&["examples", "tests/cli/data"], "toml"),
    },
    Target {
        name: "tariff_file",
        run: tariff_file,
        seeds: (&["examples/batch", "tests/cli/data"], "csv"),
    },
];

/// The target of this name.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The bundled agreements, checked once, and the reference data.
struct Bundle {
    /// (name without `.takst`, text) of every rule file in `agreements/`.
    files: Vec<(String, String)>,
    programs: Vec<Program>,
    /// (name, text) of the reference data.
    reference: Vec<(String, String)>,
}

fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let mut files = Vec::new();
        let mut reference = Vec::new();
        let dir = root().join("agreements");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|r| r.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        paths.sort();
        for path in paths {
            let (Some(stem), Some(ext)) = (
                path.file_stem().and_then(|s| s.to_str()),
                path.extension().and_then(|s| s.to_str()),
            ) else {
                continue;
            };
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            match ext {
                "takst" => files.push((stem.to_string(), text)),
                "toml" => reference.push((format!("agreements/{stem}.toml"), text)),
                _ => {}
            }
        }
        let mut bundle = Bundle {
            files,
            programs: Vec::new(),
            reference,
        };
        let programs = (bundle.files.iter())
            .filter_map(|(stem, text)| {
                dsl::check(&format!("agreements/{stem}.takst"), text, &Bundled).ok()
            })
            .collect();
        bundle.programs = programs;
        bundle
    })
}

/// Bases from `agreements/`, as the CLI finds bundled ones.
struct Bundled;

impl dsl::Loader for Bundled {
    fn load(&self, name: &str, _from: &str) -> Result<(String, Vec<u8>), String> {
        let dir = root().join("agreements");
        let path = dir.join(format!("{name}.takst"));
        std::fs::read(&path)
            .map(|b| (format!("agreements/{name}.takst"), b))
            .map_err(|_| format!("no agreement {name}"))
    }
}

/// The bundled agreements, checked (for the tests: they must all check).
pub fn agreements() -> usize {
    bundle().programs.len()
}

/// Renders diagnostics as the CLI does; the text is dropped.
fn render(diagnostics: &[Diagnostic]) {
    let text = dsl::diagnostic::render(diagnostics, false);
    std::hint::black_box(text);
}

/// The inputs of `program`: the reference data first.
fn reference_inputs(program: &Program) -> Inputs {
    let mut inputs = Inputs::new(program);
    for (name, text) in &bundle().reference {
        let _ = inputs.read(program, name, text);
    }
    inputs
}

/// Every part of `program` evaluated on `inputs`, compiled and on the general path,
/// with its diagnostics rendered. The two paths must agree on every result.
fn evaluate_every_part(program: &Program, inputs: &Inputs) {
    let mut evaluator = engine::Evaluator::default();
    for part in &program.parts {
        let (evaluation, failed) = engine::run_all(program, part, inputs);
        let mut diagnostics = Vec::new();
        if let Some(e) = &failed {
            diagnostics.push(e.to_diagnostic(program, inputs));
        }
        for finding in &evaluation.findings {
            if let Some(e) = &finding.error {
                diagnostics.push(e.to_diagnostic(program, inputs));
            }
        }
        render(&diagnostics);
        let trace = engine::trace(program, &part.plan, &evaluation, inputs);
        std::hint::black_box(trace);
        // An evaluation that reached the budget is not run twice more.
        if failed.is_some_and(|e| e.code == dsl::Code::TooLarge) {
            continue;
        }
        // The compiled plan on a reused evaluator, and the general path, give the
        // same results.
        let compiled = evaluator.run(program, part, inputs);
        let mut general = vec![Value::Unset; program.slots.len()];
        for &slot in &part.plan.inputs {
            if let Some(given) = inputs.value(slot) {
                general[slot as usize] = given.clone();
            }
        }
        engine::evaluate(program, &part.plan, &mut general);
        let general_failed = part
            .outputs
            .iter()
            .find_map(|&o| match &general[o as usize] {
                Value::Failed(e) => Some(e.clone()),
                _ => None,
            });
        match (compiled, general_failed) {
            (Ok((values, _)), None) => {
                for &o in &part.outputs {
                    assert_eq!(
                        values[o as usize],
                        general[o as usize],
                        "`{}` of part `{}` differs compiled and on the general path",
                        program.slot(o).name,
                        part.name
                    );
                }
            }
            (Err(e), Some(g)) => assert_eq!(
                e.code, g.code,
                "part `{}` fails differently compiled ({}) and on the general path ({})",
                part.name, e.title, g.title
            ),
            (Ok(_), Some(g)) => panic!(
                "part `{}` fails on the general path only: {}",
                part.name, g.title
            ),
            (Err(e), None) => panic!("part `{}` fails compiled only: {}", part.name, e.title),
        }
    }
}

/// A rule file: checked against the bundled bases; if it checks, its examples
/// are run and every part evaluated on the reference data.
pub fn rule_file(data: &[u8]) {
    let text = match dsl::limits::text_from_bytes("fuzz.takst", data) {
        Ok(text) => text,
        Err(d) => return render(&[d]),
    };
    // `takst fmt`: never a changed file, and formatted text formats to itself.
    match dsl::format::format("fuzz.takst", &text) {
        Ok(formatted) => {
            let again = dsl::format::format("fuzz.takst", &formatted).ok();
            assert!(
                again == Some(formatted),
                "formatting twice changes the file"
            );
        }
        Err(d) => assert!(d.iter().all(|d| d.code != dsl::Code::CannotFormat), "{d:?}"),
    }
    let program = match dsl::check("fuzz.takst", &text, &Bundled) {
        Ok(program) => program,
        Err(diagnostics) => return render(&diagnostics),
    };
    for outcome in engine::examples::run_all(&program) {
        std::hint::black_box(&outcome);
    }
    let inputs = reference_inputs(&program);
    evaluate_every_part(&program, &inputs);
}

/// A TOML input file, read and evaluated by every bundled agreement.
pub fn input_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for program in &bundle().programs {
        let mut inputs = reference_inputs(program);
        match inputs.read(program, "fuzz.toml", text) {
            Ok(warnings) => render(&warnings),
            Err(errors) => {
                render(&errors);
                continue;
            }
        }
        evaluate_every_part(program, &inputs);
    }
}

/// A CSV tariff file, read as `takst batch` reads it; every row evaluated by
/// every bundled agreement (its first part).
pub fn tariff_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new("fuzz.csv", text);
    let (dialect, records) = match csv_reader::read(&file) {
        Ok(read) => read,
        Err(d) => return render(&[d]),
    };
    let Some(((header, _), rows)) = records.split_first() else {
        return;
    };
    let decimals = match dialect.separator {
        ';' => Decimals::Comma,
        _ => Decimals::Point,
    };
    for program in &bundle().programs {
        let (columns, warnings) = match Columns::read(program, &file, header) {
            Ok(read) => read,
            Err(errors) => {
                render(&errors);
                continue;
            }
        };
        render(&warnings);
        let Some(part) = program.parts.first() else {
            continue;
        };
        let base = reference_inputs(program);
        let mut inputs = base.clone();
        let mut evaluator = engine::Evaluator::default();
        let mut diagnostics = Vec::new();
        for (cells, _) in rows {
            if let Err(mut errors) =
                inputs.read_row(&base, program, &columns, &file, cells, decimals)
            {
                diagnostics.append(&mut errors);
                continue;
            }
            if let Err(e) = evaluator.run(program, part, &inputs) {
                let (_, failed) = engine::run_all(program, part, &inputs);
                let failed = failed.unwrap_or(e);
                diagnostics.push(failed.to_diagnostic(program, &inputs));
            }
        }
        render(&diagnostics);
    }
}
