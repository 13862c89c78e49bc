//! The subcommands. Each returns the figures to print, or diagnostics.

mod batch;
mod check;
mod compare;
mod eval;
mod explain;
mod export;
mod list;
pub mod readings;
mod test;

use std::path::Path;
use std::process::ExitCode;

use dsl::{Diagnostic, Program};
use engine::Inputs;

use crate::Command;
use crate::{catalog, files, output};

/// Runs a command; prints diagnostics to stderr; the exit code says if it went well.
pub fn run(command: Command, color: bool) -> ExitCode {
    let result = match command {
        Command::Check { files } => check::run(&files),
        Command::Test { files } => test::run(&files),
        Command::Eval {
            agreement,
            offer,
            part,
            output,
        } => eval::run(&agreement, &part, &offer, &output),
        Command::Close {
            agreement,
            closure,
            output,
        } => eval::run(&agreement, "closure", &closure, &output),
        Command::Notice {
            agreement,
            placement,
            output,
        } => eval::run(&agreement, "notice", &placement, &output),
        Command::Bill {
            agreement,
            placement,
            output,
        } => eval::run(&agreement, "bill", &placement, &output),
        Command::Settle {
            agreement,
            accounts,
            output,
        } => eval::run(&agreement, "settlement", &accounts, &output),
        Command::Run {
            agreement,
            part,
            input,
            output,
        } => eval::run(&agreement, &part, &input, &output),
        Command::Compare {
            offer,
            agreements,
            part,
            output,
        } => compare::run(&offer, &agreements, &part, &output),
        Command::Batch {
            agreement,
            offers,
            part,
            output,
            format,
            locale,
            readings,
        } => batch::run(
            &agreement,
            &part,
            &offers,
            output.as_deref(),
            format,
            locale,
            &readings.choices,
        ),
        Command::Readings {
            agreement,
            input,
            part,
            format,
            locale,
            readings,
        } => readings::run(
            agreement.as_deref(),
            input.as_deref(),
            part.as_deref(),
            &readings.choices,
            format,
            locale,
        ),
        Command::List { parts } => list::run(parts.as_deref()),
        Command::Explain { topic } => explain::run(topic.as_deref()),
        Command::Export {
            name,
            output,
            force,
        } => export::run(&name, output.as_deref(), force),
    };
    let (mut code, mut diagnostics) = match result {
        Ok(warnings) => (ExitCode::SUCCESS, warnings),
        Err(errors) => (ExitCode::FAILURE, errors),
    };
    if let output::Ending::Failed(d) = output::finish() {
        diagnostics.push(d);
        code = ExitCode::FAILURE;
    }
    if !diagnostics.is_empty() {
        let diagnostics = distinct(diagnostics);
        output::diagnostics(&dsl::diagnostic::render(&diagnostics, color));
    }
    code
}

/// What a command returns: warnings on success, errors on failure.
pub type Outcome = Result<Vec<Diagnostic>, Vec<Diagnostic>>;

/// Finds and checks an agreement; warns in `warnings` where a bundled copy is used
/// although a file of its name differs.
pub fn load_program(
    agreement: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Program, Vec<Diagnostic>> {
    let file = catalog::find(agreement).map_err(|d| vec![d])?;
    let program = dsl::check(&file.name, &file.text, &catalog::Files)?;
    warnings.extend(catalog::shadowed(&program));
    Ok(program)
}

/// The names of the inputs of every bundled agreement.
fn inputs_of_bundled_agreements() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (stem, ..) in catalog::bundled() {
        if let Ok(program) = load_program(stem, &mut Vec::new()) {
            names.extend(
                program
                    .slots
                    .iter()
                    .filter(|s| s.is_input())
                    .map(|s| s.name.clone()),
            );
        }
    }
    names.sort();
    names.dedup();
    names
}

/// An input file (TOML), read once.
pub struct InputFile {
    pub name: String,
    pub text: String,
}

impl InputFile {
    pub fn read(path: &Path) -> Result<InputFile, Vec<Diagnostic>> {
        Ok(InputFile {
            name: path.display().to_string(),
            text: files::read_text(path, &files::INPUT_FILE).map_err(|d| vec![d])?,
        })
    }
}

/// Reads the bundled reference data, then the input file, against a program.
pub fn load_inputs(
    program: &Program,
    input: &InputFile,
) -> Result<(Inputs, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut inputs = Inputs::new(program);
    let mut warnings = Vec::new();
    for (name, text) in catalog::reference_data() {
        inputs.read(program, &name, text)?;
    }
    warnings.extend(inputs.read(program, &input.name, &input.text)?);
    keep_misspellings(&mut warnings);
    Ok((inputs, warnings))
}

/// The diagnostics without repeats: one input file read against several agreements
/// gives the same error once for each (the same title at the same place, with the
/// same help); the first is kept, with the places in its agreement it points to.
pub fn distinct(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen: Vec<String> = Vec::new();
    diagnostics
        .into_iter()
        .filter(|d| {
            let primary = d
                .labels
                .first()
                .map(|l| (&l.source.name, &l.range, &l.message));
            let key = format!(
                "{} {:?} {} {:?} {primary:?}",
                d.code, d.level, d.title, d.help
            );
            let new = !seen.contains(&key);
            if new {
                seen.push(key);
            }
            new
        })
        .collect()
}

/// Drops the warnings of unknown fields that another bundled agreement declares
/// (a column `kommunekredit_20y.2024` too): they are not misspellings, as one input
/// file serves every agreement (`takst compare`).
pub fn keep_misspellings(warnings: &mut Vec<Diagnostic>) {
    let elsewhere = inputs_of_bundled_agreements();
    warnings.retain(|w| {
        w.code != dsl::Code::UnknownInput
            || !elsewhere.iter().any(|name| {
                let quoted = format!("`{name}");
                w.title.starts_with(&format!("{quoted}`"))
                    || w.title.starts_with(&format!("{quoted}."))
            })
    });
}
