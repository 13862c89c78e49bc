//! The subcommands. Each returns the figures to print, or diagnostics.

pub mod batch;
pub(crate) mod check;
mod compare;
pub mod comparison;
mod eval;
mod explain;
mod export;
mod fmt;
mod list;
pub mod readings;
pub mod report;
mod shell;
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
        Command::Test { files, locale } => test::run(&files, locale),
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
            keep_going,
            threads,
            readings,
        } => batch::run(
            &offers,
            &batch::Options {
                agreements: &agreement,
                part: &part,
                out: output.as_deref(),
                format,
                locale,
                keep_going,
                choices: &readings.choices,
                threads: threads.map(usize::from),
            },
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
            &readings::Query {
                input: input.as_deref(),
                part: part.as_deref(),
                choices: &readings.choices,
                format,
                locale,
            },
        ),
        Command::Report {
            input,
            agreements,
            part,
            figure,
            output,
            format,
            locale,
            keep_going,
            readings,
        } => report::run(
            &input,
            &report::Options {
                agreements: &agreements,
                part: &part,
                figure: figure.as_deref(),
                out: output.as_deref(),
                format,
                locale,
                keep_going,
                choices: &readings.choices,
            },
        ),
        Command::List { parts } => list::run(parts.as_deref()),
        Command::Explain { topic } => explain::run(topic.as_deref()),
        Command::Fmt { files, check } => fmt::run(&files, check),
        Command::Lsp => crate::lsp::run(),
        Command::Completions { shell } => shell::completions(shell),
        Command::Man => shell::man(),
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
    let program = catalog::check(&file.name, &file.text)?;
    warnings.extend(catalog::shadowed(&program));
    Ok(program)
}

/// Every input of every bundled agreement, with the agreements that declare it.
fn readers_of_inputs() -> &'static [(String, Vec<String>)] {
    static READERS: std::sync::OnceLock<Vec<(String, Vec<String>)>> = std::sync::OnceLock::new();
    READERS.get_or_init(catalog::readers_of_inputs)
}

/// Decides on the fields of an input file (or columns of a tariff file) that this
/// agreement does not read. Nothing reading a figure means it silently counts for
/// nothing — `centrale_puljer = 250_000` leaves the central pools at 0 — so such a
/// field is an error. A field another bundled agreement reads is not a slip (one
/// input file serves every agreement, `takst compare`): it stays, as a note.
/// Returns the errors; the notes stay among `warnings`.
pub fn judge_unknown_fields(warnings: &mut Vec<Diagnostic>, program: &Program) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut kept = Vec::new();
    let mut read_elsewhere: Vec<String> = Vec::new();
    for mut d in std::mem::take(warnings) {
        if d.code != dsl::Code::UnknownInput {
            kept.push(d);
            continue;
        }
        let field = d.title.split('`').nth(1).unwrap_or_default().to_string();
        let stem = field.split('.').next().unwrap_or_default();
        let readers = readers_of_inputs()
            .iter()
            .find(|(name, _)| name == stem)
            .map(|(_, by)| by.clone())
            .unwrap_or_default();
        if readers.is_empty() {
            d.level = dsl::Level::Error;
            errors.push(d);
        } else {
            let entry = format!("{stem} ({})", readers.join(", "));
            if !read_elsewhere.contains(&entry) {
                read_elsewhere.push(entry);
            }
        }
    }
    if !read_elsewhere.is_empty() {
        kept.push(Diagnostic {
            level: dsl::Level::Note,
            ..Diagnostic::warning(
                dsl::Code::UnknownInput,
                format!(
                    "not read by {}, but by other agreements: {}",
                    program.agreement.name,
                    read_elsewhere.join(", ")
                ),
            )
        });
    }
    *warnings = kept;
    errors
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
    let errors = judge_unknown_fields(&mut warnings, program);
    if !errors.is_empty() {
        return Err(errors.into_iter().chain(warnings).collect());
    }
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
