//! `takst batch`: a part of one or several agreements for every row of a tariff
//! file (CSV or XLSX), one offer (or closure, placement, …) per row.
//!
//! The header names the inputs (`places`, `budget`, `occupancy_history.2020`,
//! `revenue_shares.Aarhus`, …; a `name` column names the row). The file is read and
//! the results written chunk by chunk, the rows of a chunk evaluated on every core
//! (`evaluate.rs`), so memory does not grow with the file. The results are written
//! only when every row is right (to `NAME.partial`, renamed when done; on standard
//! output only once whole): otherwise each wrong row is reported and nothing is
//! written — or, with --keep-going, every row is written, a wrong one with its
//! errors instead of figures.
//!
//! [`evaluate_file`] is the same evaluation for other commands (a report): every
//! row's figures and warnings under each agreement, kept in memory.

mod evaluate;
mod figures;
mod gather;
mod order;
mod sheet;
mod write;
mod xlsx;

use std::io::{IsTerminal, Write};
use std::path::Path;

use dsl::{Code, Diagnostic, Program};

pub use evaluate::{Agreement, OwnedRow, Report};
use evaluate::{Kept, Settings};
use sheet::Sheet;

use super::eval::find_part;
use super::readings::{self, Choice};
use super::{judge_unknown_fields, load_program, Outcome};
use crate::files::{self, Spool, Whole};
use crate::render::Locale;

/// How the results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// CSV in the tariff file's own dialect.
    Csv,
    Json,
    /// An aligned table, as `takst eval` prints.
    Table,
    /// A workbook: a sheet per agreement (and a comparison sheet); needs -o.
    Xlsx,
}

/// How to run a batch.
pub struct Options<'a> {
    /// One agreement, or several: a column group each.
    pub agreements: &'a [String],
    pub part: &'a str,
    /// Write the results to this file (whole, or not at all) instead of printing them.
    pub out: Option<&'a Path>,
    /// The format; by default XLSX for an output file named `.xlsx`, else CSV.
    pub format: Option<Format>,
    pub locale: Locale,
    /// Write the rows that are right even when others are not.
    pub keep_going: bool,
    pub choices: &'a [Choice],
    /// How many threads evaluate rows; by default, one per core.
    pub threads: Option<usize>,
}

/// The rows of a tariff file evaluated under one or several agreements: each
/// agreement (its program and part), each row's outcome under each, and the
/// diagnostics (a wrong row's errors, the warnings shown once with their rows).
pub struct Evaluated {
    #[cfg_attr(not(test), allow(dead_code))]
    pub agreements: Vec<Agreement>,
    pub rows: Vec<OwnedRow>,
    pub report: Report,
    /// Warnings about the file itself (a column no agreement reads, a bundled
    /// agreement shadowed by a file of its name).
    pub warnings: Vec<Diagnostic>,
}

/// Evaluates `part` of each of `agreements` (bundled names or paths) for every row
/// of the tariff file (CSV or XLSX) at `path`, with the readings `choices`, on
/// every core. Rows that are wrong are kept too, with their errors (in
/// [`OwnedOutcome::errors`] and `report.errors`); an error of the file itself (no
/// header, an unknown column, an agreement that does not check) is returned as `Err`.
#[cfg_attr(not(test), allow(dead_code))]
pub fn evaluate_file(
    path: &Path,
    agreements: &[String],
    part: &str,
    choices: &[Choice],
) -> Result<Evaluated, Vec<Diagnostic>> {
    let mut warnings = Vec::new();
    let programs = load(agreements, part, choices, &mut warnings)?;
    let mut evaluated = evaluate_programs(path, programs, Locale::Da)?;
    evaluated.warnings = super::distinct(warnings.into_iter().chain(evaluated.warnings).collect());
    Ok(evaluated)
}

/// [`evaluate_file`] of programs already loaded, each with the index of its part
/// (a reading switched, say); messages in `locale`.
pub fn evaluate_programs(
    path: &Path,
    programs: Vec<(Program, usize)>,
    locale: Locale,
) -> Result<Evaluated, Vec<Diagnostic>> {
    let mut sheet = Sheet::open(path).map_err(|d| vec![d])?;
    let (agreements, warnings) = prepare(programs, &sheet, Vec::new())?;
    let mut rows = Vec::new();
    let settings = Settings {
        locale,
        threads: threads(None),
    };
    let report = evaluate::run(
        &mut sheet,
        &agreements,
        &Kept(&agreements),
        &settings,
        |made| {
            rows.extend(made);
            Ok(())
        },
        |_| {},
    )?;
    Ok(Evaluated {
        agreements,
        rows,
        report,
        warnings,
    })
}

/// Loads the agreements (each with the readings that apply to it) and finds the
/// part in each.
fn load(
    names: &[String],
    part: &str,
    choices: &[Choice],
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<(Program, usize)>, Vec<Diagnostic>> {
    let choices = match names.len() {
        1 => vec![choices.to_vec()],
        _ => readings::applying(names, choices)?,
    };
    let mut programs = Vec::new();
    for (name, choices) in names.iter().zip(&choices) {
        let mut program = load_program(name, warnings)?;
        readings::choose(&mut program, choices)?;
        let index = find_part(&program, part)?;
        programs.push((program, index));
    }
    Ok(programs)
}

/// Prepares the programs for the sheet's columns; a column that no agreement
/// reads is an error unless another bundled agreement reads it. `warnings` are
/// those found so far, given back with the header's.
fn prepare(
    programs: Vec<(Program, usize)>,
    sheet: &Sheet,
    mut warnings: Vec<Diagnostic>,
) -> Result<(Vec<Agreement>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut agreements = Vec::new();
    let mut header_warnings: Vec<Vec<Diagnostic>> = Vec::new();
    let fields: Vec<(std::borrow::Cow<str>, std::ops::Range<usize>)> = (sheet.header.iter())
        .map(|(t, r)| (std::borrow::Cow::Borrowed(t.as_str()), r.clone()))
        .collect();
    for (program, index) in programs {
        let (agreement, unread) = Agreement::new(program, index, &sheet.header_file, &fields)
            .map_err(|e| [e, warnings.clone()].concat())?;
        header_warnings.push(unread);
        agreements.push(agreement);
    }
    // A column one of the agreements reads is no slip for the others.
    let read_by_another = |d: &Diagnostic| {
        let column = d.title.split('`').nth(1).unwrap_or_default();
        let stem = column.split('.').next().unwrap_or_default();
        d.code == Code::UnknownInput && agreements.iter().any(|a| a.program.slot_id(stem).is_some())
    };
    let mut errors = Vec::new();
    for (mut unread, agreement) in header_warnings.into_iter().zip(&agreements) {
        unread.retain(|d| !read_by_another(d));
        errors.extend(judge_unknown_fields(&mut unread, &agreement.program));
        warnings.extend(unread);
    }
    if !errors.is_empty() {
        return Err(super::distinct(
            errors.into_iter().chain(warnings).collect(),
        ));
    }
    Ok((agreements, super::distinct(warnings)))
}

/// How many threads: as asked, or one per core.
fn threads(asked: Option<usize>) -> usize {
    asked
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
        .clamp(1, 64)
}

/// Where the results go while they are written.
enum Destination {
    File(files::Writing),
    Screen(Spool),
}

impl Write for Destination {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Destination::File(f) => f.write(bytes),
            Destination::Screen(s) => s.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Destination::File(f) => f.flush(),
            Destination::Screen(s) => s.flush(),
        }
    }
}

impl Destination {
    fn put(&mut self, text: &str) -> Result<(), Diagnostic> {
        self.write_all(text.as_bytes()).map_err(|e| self.cannot(&e))
    }

    fn cannot(&self, e: &std::io::Error) -> Diagnostic {
        let name = match self {
            Destination::File(f) => f.name().to_string(),
            Destination::Screen(_) => String::from("the results"),
        };
        Diagnostic::error(
            Code::CannotWrite,
            format!("cannot write {name}: {}", crate::output::plain(e)),
        )
        .help("check that the folder exists, that you may write there and that the disk has room")
    }

    /// The results are whole: in place, or printed.
    fn finish(self) -> Result<(), Diagnostic> {
        match self {
            Destination::File(f) => f.finish(),
            Destination::Screen(s) => s.print(),
        }
    }
}

/// Evaluates a part for every row of the tariff file at `path`; prints the results
/// or writes them to a file.
pub fn run(path: &Path, options: &Options) -> Outcome {
    let format = match (options.format, options.out) {
        (Some(format), _) => format,
        (None, Some(out))
            if out
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) =>
        {
            Format::Xlsx
        }
        (None, _) => Format::Csv,
    };
    if format == Format::Xlsx && options.out.is_none() {
        return Err(vec![Diagnostic::error(
            Code::CannotWrite,
            String::from("a workbook is written to a file, not to the screen"),
        )
        .help("name the file with -o, e.g. `-o results.xlsx`")]);
    }
    let mut sheet = Sheet::open(path).map_err(|d| vec![d])?;
    let whole = options.out.map(|out| Whole::to(out, Some(path)));
    let whole = whole.transpose().map_err(|d| vec![d])?;
    let mut warnings = Vec::new();
    let programs = load(
        options.agreements,
        options.part,
        options.choices,
        &mut warnings,
    )?;
    let (agreements, mut warnings) = prepare(programs, &sheet, warnings)?;
    let mut destination = match whole {
        Some(whole) => Destination::File(whole.begin().map_err(|d| vec![d])?),
        None => Destination::Screen(Spool::new()),
    };
    let settings = Settings {
        locale: options.locale,
        threads: threads(options.threads),
    };
    let mut progress = Progress::new(sheet.size);
    let agreements = &agreements;
    let report = match format {
        Format::Csv => {
            let sink = write::Csv {
                agreements,
                separator: sheet.separator(),
                keep_going: options.keep_going,
                crlf: sheet.dialect.crlf,
            };
            destination
                .put(&sink.head(sheet.dialect.bom))
                .map_err(|d| vec![d])?;
            evaluate::run(
                &mut sheet,
                agreements,
                &sink,
                &settings,
                |made| destination.put(&made),
                |n| progress.advance(n),
            )?
        }
        Format::Json => {
            let sink = write::Jsonl { agreements };
            destination.put(&sink.head()).map_err(|d| vec![d])?;
            let mut first = true;
            let report = evaluate::run(
                &mut sheet,
                agreements,
                &sink,
                &settings,
                |made| {
                    let text = write::Jsonl::join(&made, first);
                    first &= made.is_empty();
                    destination.put(text)
                },
                |n| progress.advance(n),
            )?;
            destination
                .put(&sink.tail(report.rows > 0))
                .map_err(|d| vec![d])?;
            report
        }
        Format::Table => {
            let sink = write::Tabled {
                agreements,
                locale: options.locale,
            };
            let mut rows = Vec::new();
            let report = evaluate::run(
                &mut sheet,
                agreements,
                &sink,
                &settings,
                |made| {
                    rows.extend(made);
                    Ok(())
                },
                |n| progress.advance(n),
            )?;
            destination.put(&sink.render(rows)).map_err(|d| vec![d])?;
            report
        }
        Format::Xlsx => {
            let mut book = xlsx::Book::new(agreements, options.keep_going).map_err(|d| vec![d])?;
            let report = evaluate::run(
                &mut sheet,
                agreements,
                &Kept(agreements),
                &settings,
                |made| book.rows(made),
                |n| progress.advance(n),
            )?;
            book.finish(&mut destination).map_err(|d| vec![d])?;
            report
        }
    };
    progress.done();
    let Report {
        rows,
        failed,
        mut errors,
        warnings: row_warnings,
    } = report;
    warnings.extend(row_warnings);
    if failed > 0 && !options.keep_going {
        // Nothing is written: the partial file is removed, the spool dropped.
        drop(destination);
        errors.extend(warnings);
        return Err(errors);
    }
    destination.finish().map_err(|d| vec![d])?;
    if failed == 0 {
        return Ok(warnings);
    }
    // --keep-going: the right rows are written, the wrong ones reported, and the
    // exit code still says not every row is right.
    errors.push(
        Diagnostic::error(
            Code::BadInput,
            format!("{failed} of {rows} offers could not be computed; the others are written"),
        )
        .help("correct the lines named above; with --keep-going their rows carry the errors instead of figures"),
    );
    errors.extend(warnings);
    Err(errors)
}

/// A progress bar on standard error, when it is a terminal and the run is long.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    started: std::time::Instant,
    size: Option<u64>,
    done: u64,
}

impl Progress {
    /// Shown once a run has taken this long.
    const AFTER: std::time::Duration = std::time::Duration::from_millis(500);

    fn new(size: Option<u64>) -> Progress {
        Progress {
            bar: None,
            started: std::time::Instant::now(),
            size,
            done: 0,
        }
    }

    fn advance(&mut self, by: u64) {
        self.done += by;
        if self.bar.is_none()
            && self.started.elapsed() > Self::AFTER
            && std::io::stderr().is_terminal()
        {
            let bar = match self.size {
                Some(size) => indicatif::ProgressBar::new(size).with_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:40} {percent:>3} % of {total_bytes}, {eta} left",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                ),
                None => indicatif::ProgressBar::new_spinner(),
            };
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(self.done);
        }
    }

    fn done(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The entry point for other commands gives every row under every agreement,
    /// the same figures as one agreement at a time.
    #[test]
    fn a_tariff_file_under_several_agreements_at_once() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/batch/offers.csv");
        // Every bundled regional agreement (each extends the national base).
        let names: Vec<String> = crate::catalog::bundled()
            .filter(|(_, _, text)| {
                text.lines()
                    .any(|l| l.starts_with("agreement ") && l.contains(" extends "))
            })
            .map(|(stem, ..)| stem.to_string())
            .collect();
        assert!(names.len() >= 3, "{names:?}");
        let all = evaluate_file(&path, &names, "tariff", &[]).expect("evaluates");
        assert_eq!(all.agreements.len(), names.len());
        assert_eq!(all.rows.len(), 7);
        assert!(all.report.errors.is_empty());
        // Columns one agreement reads and another does not are no slip.
        assert!(
            (all.warnings.iter())
                .all(|w| w.code != Code::UnknownInput || w.level != dsl::Level::Error),
            "{:?}",
            all.warnings
        );
        for (i, name) in names.iter().enumerate() {
            let one =
                evaluate_file(&path, std::slice::from_ref(name), "tariff", &[]).expect("evaluates");
            for (row, alone) in all.rows.iter().zip(&one.rows) {
                let outcome: &evaluate::OwnedOutcome = &row.outcomes[i];
                assert_eq!(
                    outcome.values, alone.outcomes[0].values,
                    "{name}: {}",
                    row.name
                );
                assert!(outcome.values.is_some(), "{name}: {}", row.name);
            }
        }
        assert_eq!(all.rows[0].line, 2);
        assert_eq!(all.rows[0].name, "Bofællesskabet Lindely (§ 108)");
    }
}
