//! `takst`: tariffs under the Danish regional steering agreements, from rule files.

// `print!` panics when stdout cannot be written (a closed pipe, a full disk):
// everything is printed through `output` instead.
#![deny(clippy::print_stdout, clippy::print_stderr)]

#[macro_use]
mod output;
mod catalog;
mod commands;
mod csv_reader;
mod files;
mod lsp;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use render::Locale;

/// Tariffs under the regional steering agreements, computed from rule files and explained.
#[derive(Debug, Parser)]
#[command(name = "takst", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour in diagnostics (default: when writing to a terminal).
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// Options shared by the commands that print figures.
#[derive(Debug, Clone, clap::Args)]
pub struct Output {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// How amounts are written in tables: da = 1.234.567,89 kr, en = 1,234,567.89 kr.
    #[arg(long, value_enum, default_value_t = Locale::Da)]
    locale: Locale,
    /// Show every figure with its formula, the values it used and its section.
    #[arg(long)]
    explain: bool,
    #[command(flatten)]
    readings: ReadingChoices,
}

/// Readings switched for one run.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReadingChoices {
    /// Take another reading of an ambiguous passage of the agreement, NAME=ALTERNATIVE
    /// (`takst readings AGREEMENT` lists them); may be given several times.
    #[arg(long = "reading", value_name = "NAME=ALTERNATIVE", value_parser = commands::readings::parse_choice)]
    choices: Vec<commands::readings::Choice>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check rule files: syntax, names, units, cycles, overrides.
    Check {
        /// Rule files (.takst) or bundled agreement names.
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Run the worked examples inside rule files.
    Test {
        /// Rule files (.takst) or bundled agreement names; all bundled ones if none.
        files: Vec<String>,
        /// How figures of a failing example are written: da = 1.234,56 kr, en = 1,234.56 kr.
        #[arg(long, value_enum, default_value_t = Locale::Da)]
        locale: Locale,
    },
    /// The tariff of an offer under one agreement.
    Eval {
        /// A bundled agreement (see `takst list`) or the path of a rule file.
        #[arg(long, short)]
        agreement: String,
        /// The offer: a TOML file of inputs.
        offer: PathBuf,
        /// The part of the agreement to evaluate.
        #[arg(long, default_value = "tariff")]
        part: String,
        #[command(flatten)]
        output: Output,
    },
    /// Who pays what when an offer closes: the agreement's `closure` part.
    Close {
        /// A bundled agreement or the path of a rule file.
        #[arg(long, short)]
        agreement: String,
        /// The closure: a TOML file of inputs.
        closure: PathBuf,
        #[command(flatten)]
        output: Output,
    },
    /// When a place given up must be paid to, and what is owed: the agreement's `notice` part.
    Notice {
        /// A bundled agreement or the path of a rule file.
        #[arg(long, short)]
        agreement: String,
        /// The placement: a TOML file of inputs.
        placement: PathBuf,
        #[command(flatten)]
        output: Output,
    },
    /// The monthly invoices of a placement over a period: the agreement's `bill` part.
    Bill {
        /// A bundled agreement or the path of a rule file.
        #[arg(long, short)]
        agreement: String,
        /// The placement and period: a TOML file of inputs.
        placement: PathBuf,
        #[command(flatten)]
        output: Output,
    },
    /// An operator's accounts year by year: each offer's result, what stays within the
    /// threshold (the reserves, oldest used first), and what enters the tariff.
    Settle {
        /// A bundled agreement or the path of a rule file.
        #[arg(long, short)]
        agreement: String,
        /// The accounts: a TOML file with a `[department."name"]` record per department.
        accounts: PathBuf,
        #[command(flatten)]
        output: Output,
    },
    /// Evaluate any named part of an agreement (see `takst list --parts NAME`).
    Run {
        /// A bundled agreement or the path of a rule file.
        #[arg(long, short)]
        agreement: String,
        /// The part to evaluate.
        part: String,
        /// A TOML file of inputs.
        input: PathBuf,
        #[command(flatten)]
        output: Output,
    },
    /// One offer under several agreements, side by side, with the differences.
    Compare {
        /// The offer: a TOML file of inputs.
        offer: PathBuf,
        /// Agreements to compare, separated by commas: bundled names (as `takst list` shows
        /// them) or paths of rule files, e.g. `--agreements NAME,my-region.takst`
        /// (default: every bundled regional agreement). To add a rule file to the bundled
        /// set, put it in agreements/ and build takst again (`cargo install --path .`).
        #[arg(long, value_delimiter = ',')]
        agreements: Vec<String>,
        /// The part to compare.
        #[arg(long, default_value = "tariff")]
        part: String,
        #[command(flatten)]
        output: Output,
    },
    /// A part for every row of a tariff file (CSV or XLSX, one offer per row).
    ///
    /// The header names the inputs: `name,places,budget,occupancy_history.2020,…`; a
    /// `name` column names the offer. Results are written only if every offer is right.
    /// In CSV and XLSX an amount is rounded to the øre (JSON keeps every figure exact).
    /// A row may be at most 1 MiB; a file may be of any size (it is read piece by
    /// piece, and the rows evaluated on every core).
    Batch {
        /// A bundled agreement or the path of a rule file; several, separated by
        /// commas, for a column group each.
        #[arg(
            long,
            short,
            visible_alias = "agreements",
            value_delimiter = ',',
            required = true
        )]
        agreement: Vec<String>,
        /// The tariff file: CSV (separated by commas or, as a Danish spreadsheet
        /// saves it, by semicolons with decimal commas) or an XLSX workbook (its first sheet).
        offers: PathBuf,
        /// The part to evaluate for each row.
        #[arg(long, default_value = "tariff")]
        part: String,
        /// Write the results to this file (whole, or not at all) instead of printing them.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Output format: CSV in the tariff file's own dialect, JSON, a table, or an
        /// XLSX workbook (default: XLSX for an output file named .xlsx, else CSV).
        #[arg(long, value_enum)]
        format: Option<commands::batch::Format>,
        /// How amounts are written in a table: da = 1.234.567,89 kr, en = 1,234,567.89 kr.
        #[arg(long, value_enum, default_value_t = Locale::Da)]
        locale: Locale,
        /// Write the offers that are right even when others are not: every offer keeps
        /// its line, a wrong one with its errors instead of figures; the exit code is
        /// still 1, and every error is reported.
        #[arg(long)]
        keep_going: bool,
        /// How many threads evaluate rows (default: one per core); the results are the
        /// same, byte for byte, for any number.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
        threads: Option<u16>,
        #[command(flatten)]
        readings: ReadingChoices,
    },
    /// One offer, or a whole tariff file, under several agreements: a page with charts.
    ///
    /// For one offer: the figures side by side with their sections and explanations,
    /// the tariff's make-up, the warnings, and what each alternative reading changes.
    /// For a tariff file: how the tariffs are spread, the offers that differ most, and
    /// every offer in a table that sorts. The page holds everything it shows (styles,
    /// charts): it opens from a mail.
    Report {
        /// The offer (a TOML file of inputs) or a tariff file (CSV or XLSX, as `takst batch` reads it).
        input: PathBuf,
        /// Agreements to compare, separated by commas (default: every bundled regional agreement).
        #[arg(long, value_delimiter = ',')]
        agreements: Vec<String>,
        /// The part to compare.
        #[arg(long, default_value = "tariff")]
        part: String,
        /// The figure a tariff file's charts compare (default: the part's amount per
        /// day, such as the tariff per day).
        #[arg(long)]
        figure: Option<String>,
        /// Write the report to this file (whole, or not at all) instead of printing it.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// HTML, or the same content as JSON (the schema of `takst compare --format json`).
        #[arg(long, value_enum, default_value_t = commands::report::ReportFormat::Html)]
        format: commands::report::ReportFormat,
        /// The report's language and how amounts are written: da = 1.234.567,89 kr,
        /// en = 1,234,567.89 kr.
        #[arg(long, value_enum, default_value_t = Locale::Da)]
        locale: Locale,
        /// A tariff file: write the report even when some offers' figures are wrong,
        /// those offers marked with their errors; the exit code is still 1.
        #[arg(long)]
        keep_going: bool,
        #[command(flatten)]
        readings: ReadingChoices,
    },
    /// The ambiguous passages of an agreement as named switches (readings), with the
    /// alternatives each admits; given an input file, what each alternative would change.
    Readings {
        /// A bundled agreement or the path of a rule file (default: every bundled agreement).
        agreement: Option<String>,
        /// An input file: show how much each alternative reading moves its figures.
        input: Option<PathBuf>,
        /// Only the readings this part uses, and only its figures.
        #[arg(long)]
        part: Option<String>,
        /// Output format (table or JSON).
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// How amounts are written: da = 1.234.567,89 kr, en = 1,234,567.89 kr.
        #[arg(long, value_enum, default_value_t = Locale::Da)]
        locale: Locale,
        #[command(flatten)]
        readings: ReadingChoices,
    },
    /// The bundled agreements, with their period and source.
    List {
        /// List the parts and inputs of this agreement instead.
        #[arg(long, value_name = "AGREEMENT")]
        parts: Option<String>,
    },
    /// What a diagnostic code, a function or a construct of the rule language means:
    /// its section of the language reference.
    Explain {
        /// A diagnostic code (`takst::unit_mismatch` or `unit_mismatch`), a function
        /// (`round`) or a section (`functions`); none lists them all.
        topic: Option<String>,
    },
    /// Lay out rule files the way the bundled agreements are written (comments kept,
    /// meaning unchanged); a folder stands for the rule files in it.
    Fmt {
        /// Rule files (.takst) or folders of them.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Change nothing: name each file that is not formatted, and exit with 1 if any.
        #[arg(long)]
        check: bool,
    },
    /// The language server for editors (LSP, over stdin and stdout): diagnostics as you
    /// type, hover, go to definition, references, completion, symbols, quick fixes.
    Lsp,
    /// A script that completes takst's commands and options in a shell.
    ///
    /// bash: `takst completions bash > ~/.local/share/bash-completion/completions/takst`;
    /// zsh: `takst completions zsh > ~/.zfunc/_takst`;
    /// fish: `takst completions fish > ~/.config/fish/completions/takst.fish`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// The manual page (roff): `takst man > takst.1; man ./takst.1`.
    Man,
    /// A bundled rule file, to copy and edit: then give its path to `-a`.
    Export {
        /// A bundled agreement (see `takst list`), or `reference-rates` for the
        /// reference data read before every input file.
        name: String,
        /// Write it to this file instead of printing it.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = colour(
        cli.color,
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
        |name| std::env::var_os(name),
    );
    // Checking and evaluation recurse over formulas whose depth the language
    // bounds; a large stack keeps even the deepest allowed formula safe.
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || commands::run(cli.command, color));
    match worker.map(|w| w.join()) {
        Ok(Ok(code)) => code,
        _ => {
            output::diagnostics(
                "takst: internal error; please report it with the command you ran\n",
            );
            ExitCode::from(3)
        }
    }
}

/// Whether diagnostics are coloured: `--color always` or `never` as asked; by
/// default only on a terminal, and not where `NO_COLOR` is set to anything
/// (no-color.org) or the terminal says it is `dumb`.
fn colour(choice: Color, terminal: bool, env: impl Fn(&str) -> Option<std::ffi::OsString>) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = env("TERM").is_some_and(|t| t == "dumb");
            terminal && !no_color && !dumb
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{colour, Color};
    use std::ffi::OsString;

    fn env(pairs: &'static [(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        move |name| {
            (pairs.iter())
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn colour_only_on_a_terminal_that_wants_it() {
        assert!(colour(
            Color::Auto,
            true,
            env(&[("TERM", "xterm-256color")])
        ));
        assert!(!colour(Color::Auto, false, env(&[])));
        assert!(!colour(Color::Auto, true, env(&[("NO_COLOR", "1")])));
        assert!(!colour(Color::Auto, true, env(&[("TERM", "dumb")])));
        // NO_COLOR set to nothing does not count (no-color.org).
        assert!(colour(Color::Auto, true, env(&[("NO_COLOR", "")])));
    }

    #[test]
    fn the_command_line_wins_over_the_environment() {
        let env = || env(&[("NO_COLOR", "1"), ("TERM", "dumb")]);
        assert!(colour(Color::Always, false, env()));
        assert!(!colour(Color::Never, true, env()));
    }
}
