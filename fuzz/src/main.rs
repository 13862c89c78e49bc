//! `takst-fuzz`: the stable fuzz driver on the command line.
//!
//!     takst-fuzz run [TARGET…] [--seconds N] [--seed N] [--findings DIR] [--slow-ms N]
//!     takst-fuzz replay TARGET FILE…
//!     takst-fuzz minimize TARGET FILE
//!     takst-fuzz seeds TARGET FOLDER
//!     takst-fuzz dictionary
//!
//! `run` drives each target (all three if none is named) for the time given and
//! reports executions and findings; the inputs of findings are written under
//! `--findings` (default `fuzz/findings`). `replay` runs inputs once each;
//! `minimize` shrinks an input while it still fails the same way, into `FILE.min`.
//! `seeds` copies a target's seeds into a folder (a corpus for libFuzzer), and
//! `dictionary` prints the mutation dictionary in libFuzzer's format.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use takst_fuzz::drive::{drive, quietly, run_once, Options};
use takst_fuzz::targets::{root, target, Target, TARGETS};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("replay") => replay(&args[1..]),
        Some("minimize") => minimize(&args[1..]),
        Some("seeds") => seeds(&args[1..]),
        Some("dictionary") => {
            for token in takst_fuzz::corpus::DICTIONARY {
                let escaped: String = token.bytes().map(|b| match b {
                    b'"' | b'\\' => format!("\\{}", b as char),
                    0x20..=0x7e => (b as char).to_string(),
                    _ => format!("\\x{b:02X}"),
                }).collect();
                println!("\"{escaped}\"");
            }
            Ok(true)
        }
        _ => Err(String::from(
            "usage: takst-fuzz run [TARGET…] [--seconds N] [--seed N] [--findings DIR] [--slow-ms N]\n       takst-fuzz replay TARGET FILE…\n       takst-fuzz minimize TARGET FILE",
        )),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

fn named(name: &str) -> Result<&'static Target, String> {
    target(name).ok_or_else(|| {
        let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
        format!("no target {name}; the targets are {}", names.join(", "))
    })
}

fn run(args: &[String]) -> Result<bool, String> {
    let mut options = Options {
        findings: Some(root().join("fuzz").join("findings")),
        ..Options::default()
    };
    let mut chosen = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |what: &str| -> Result<u64, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{arg} needs {what}"))
        };
        match arg.as_str() {
            "--seconds" => options.duration = Duration::from_secs(value("a number of seconds")?),
            "--seed" => options.seed = value("a number")?,
            "--slow-ms" => options.slow = Duration::from_millis(value("a number of milliseconds")?),
            "--findings" => {
                options.findings = Some(PathBuf::from(
                    args.next().ok_or("--findings needs a folder")?,
                ))
            }
            name => chosen.push(named(name)?),
        }
    }
    if chosen.is_empty() {
        chosen = TARGETS.iter().collect();
    }
    let mut clean = true;
    for target in chosen {
        let began = Instant::now();
        let report = drive(target, &options);
        let seconds = began.elapsed().as_secs_f64();
        println!(
            "{}: {} executions in {seconds:.0} s ({:.0}/s), corpus {}, slowest {:?}, {} findings",
            target.name,
            report.executions,
            report.executions as f64 / seconds.max(0.001),
            report.corpus,
            report.slowest,
            report.findings.len()
        );
        for finding in &report.findings {
            clean = false;
            println!(
                "  {} ({} bytes): {}",
                finding.kind,
                finding.input.len(),
                finding.message
            );
        }
    }
    Ok(clean)
}

fn seeds(args: &[String]) -> Result<bool, String> {
    let [name, folder] = args else {
        return Err(String::from("seeds needs a target and a folder"));
    };
    let target = named(name)?;
    std::fs::create_dir_all(folder).map_err(|e| format!("{folder}: {e}"))?;
    let seeds = takst_fuzz::corpus::seeds(target);
    for (i, seed) in seeds.iter().enumerate() {
        let path = PathBuf::from(folder).join(format!("seed-{i:04}"));
        std::fs::write(&path, seed).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    println!("{} seeds in {folder}", seeds.len());
    Ok(true)
}

fn replay(args: &[String]) -> Result<bool, String> {
    let (name, files) = args
        .split_first()
        .ok_or("replay needs a target and files")?;
    let target = named(name)?;
    let mut clean = true;
    for file in files {
        let input = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
        let began = Instant::now();
        let outcome = quietly(|| run_once(target, &input));
        let took = began.elapsed();
        match outcome {
            Some(message) => {
                clean = false;
                println!("{file}: panic after {took:?}: {message}");
            }
            None => println!("{file}: ok in {took:?}"),
        }
    }
    Ok(clean)
}

/// The shape of a failure: its message without figures, or "slow".
fn failure(target: &Target, input: &[u8], slow: Duration) -> Option<String> {
    let began = Instant::now();
    let outcome = quietly(|| run_once(target, input));
    match outcome {
        Some(message) => Some(message.chars().filter(|c| !c.is_ascii_digit()).collect()),
        None if began.elapsed() > slow => Some(String::from("slow")),
        None => None,
    }
}

fn minimize(args: &[String]) -> Result<bool, String> {
    let [name, file] = args else {
        return Err(String::from("minimize needs a target and a file"));
    };
    let target = named(name)?;
    let mut input = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
    let slow = Duration::from_secs(2);
    let Some(wanted) = failure(target, &input, slow) else {
        println!("{file} does not fail");
        return Ok(true);
    };
    // Remove chunks, halving their size, while the failure stays the same.
    let mut chunk = input.len().max(1);
    while chunk >= 1 {
        let mut at = 0;
        while at < input.len() {
            let mut shorter = input.clone();
            shorter.drain(at..(at + chunk).min(input.len()));
            if failure(target, &shorter, slow).as_ref() == Some(&wanted) {
                input = shorter;
            } else {
                at += chunk;
            }
        }
        chunk /= 2;
    }
    let out = format!("{file}.min");
    std::fs::write(&out, &input).map_err(|e| format!("{out}: {e}"))?;
    println!("{out}: {} bytes, failing as: {wanted}", input.len());
    Ok(false)
}
