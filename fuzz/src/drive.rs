//! The stable fuzz driver: mutation-based, without coverage feedback, so that it
//! runs on the stable toolchain (and under `cargo test`).
//!
//! It starts from a target's seeds (the repository's own files) and runs the
//! target on mutants of them: bits flipped, bytes set, ranges deleted or
//! repeated, pieces of other inputs spliced in, lines swapped, tokens of the
//! [`DICTIONARY`] inserted, numbers replaced by extreme ones; a few mutations
//! stacked at a time. A mutant joins the corpus now and then, so that mutations
//! accumulate. Every run is timed; a watchdog thread reports an input that runs
//! far too long, and a panic is caught and reported with its input.

use std::io::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::corpus::{seeds, DICTIONARY};
use crate::targets::Target;

/// How to drive a target.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long to run.
    pub duration: Duration,
    /// The seed of the random mutations: a run is repeatable.
    pub seed: u64,
    /// The largest input tried, in bytes.
    pub max_len: usize,
    /// A run longer than this is a finding.
    pub slow: Duration,
    /// A run longer than this is taken as a hang: the input is written to the
    /// findings folder (or printed) and the process aborted.
    pub hang: Duration,
    /// Where to write the inputs of findings (`<folder>/<target>/…`), if anywhere.
    pub findings: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            duration: Duration::from_secs(10),
            seed: 1,
            max_len: 128 * 1024,
            slow: Duration::from_secs(2),
            hang: Duration::from_secs(60),
            findings: None,
        }
    }
}

/// What went wrong on one input.
#[derive(Debug, Clone)]
pub struct Finding {
    /// `panic` or `slow`.
    pub kind: &'static str,
    /// The panic's message and place, or the time taken.
    pub message: String,
    pub input: Vec<u8>,
}

/// What a run of the driver did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub executions: u64,
    pub corpus: usize,
    pub slowest: Duration,
    /// Distinct findings: one per panic message and place, and the slow inputs.
    pub findings: Vec<Finding>,
}

/// A small, fast, repeatable random number generator (xorshift64*).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        match n {
            0 => 0,
            n => (self.next() % n as u64) as usize,
        }
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// One input mutated a few times; `others` gives pieces to splice in.
fn mutate(input: &[u8], others: &[Vec<u8>], random: &mut Random, max_len: usize) -> Vec<u8> {
    let mut out = input.to_vec();
    let times = 1 + random.below(4);
    for _ in 0..times {
        let len = out.len();
        match random.below(10) {
            0 if len > 0 => {
                let at = random.below(len);
                out[at] ^= 1 << random.below(8);
            }
            1 if len > 0 => {
                const BYTES: &[u8] = b"\0\xff\n\r\"'=[]{}()-+.,;:_ %0123456789xkr\t\\#";
                let at = random.below(len);
                out[at] = BYTES[random.below(BYTES.len())];
            }
            2 if len > 0 => {
                let at = random.below(len);
                let to = (at + 1 + random.below(32)).min(len);
                out.drain(at..to);
            }
            3 if len > 0 => {
                // A range repeated: long lines, many rows, deep brackets.
                let at = random.below(len);
                let to = (at + 1 + random.below(64)).min(len);
                let piece = out[at..to].to_vec();
                let most = if random.chance(8) { 200 } else { 3 };
                let copies = 1 + random.below(most);
                let place = random.below(len + 1);
                let repeated: Vec<u8> = piece
                    .iter()
                    .copied()
                    .cycle()
                    .take(piece.len() * copies)
                    .collect();
                out.splice(place..place, repeated);
            }
            4 | 5 => {
                let token = DICTIONARY[random.below(DICTIONARY.len())].as_bytes();
                let at = random.below(len + 1);
                out.splice(at..at, token.iter().copied());
            }
            6 if !others.is_empty() => {
                let other = &others[random.below(others.len())];
                if !other.is_empty() {
                    let from = random.below(other.len());
                    let to = (from + 1 + random.below(256)).min(other.len());
                    let at = random.below(len + 1);
                    let end = (at + random.below(64)).min(len);
                    out.splice(at..end, other[from..to].iter().copied());
                }
            }
            7 if len > 0 => {
                // A number (a run of digits) replaced by a token: an extreme one, or another spelling.
                let at = random.below(len);
                if let Some(start) = (at..len).find(|&i| out[i].is_ascii_digit()) {
                    let end = (start..len)
                        .find(|&i| !out[i].is_ascii_digit())
                        .unwrap_or(len);
                    let numbers: Vec<&str> = DICTIONARY
                        .iter()
                        .copied()
                        .filter(|t| {
                            t.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
                        })
                        .collect();
                    let token = numbers[random.below(numbers.len())].as_bytes();
                    out.splice(start..end, token.iter().copied());
                }
            }
            8 => {
                // Two lines swapped, or a line of another input put in.
                let lines: Vec<&[u8]> = out.split(|&b| b == b'\n').collect();
                if lines.len() > 1 {
                    let (a, b) = (random.below(lines.len()), random.below(lines.len()));
                    let mut lines: Vec<Vec<u8>> = lines.into_iter().map(<[u8]>::to_vec).collect();
                    if random.chance(2) && !others.is_empty() {
                        let other = &others[random.below(others.len())];
                        let theirs: Vec<&[u8]> = other.split(|&b| b == b'\n').collect();
                        lines.insert(a, theirs[random.below(theirs.len())].to_vec());
                    } else {
                        lines.swap(a, b);
                    }
                    out = lines.join(&b'\n');
                }
            }
            _ if len > 0 => {
                let at = random.below(len + 1);
                out.insert(at, random.next() as u8);
            }
            _ => out.push(random.next() as u8),
        }
    }
    out.truncate(max_len);
    out
}

/// The message of the last panic on this thread, caught by the hook set while driving.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Runs `target` once on `input`: the panic message, if it panicked.
pub fn run_once(target: &Target, input: &[u8]) -> Option<String> {
    match catch_unwind(AssertUnwindSafe(|| (target.run)(input))) {
        Ok(()) => None,
        Err(payload) => {
            let caught = PANIC.lock().ok().and_then(|mut p| p.take());
            Some(caught.unwrap_or_else(|| {
                payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| String::from("a panic"))
            }))
        }
    }
}

/// Runs `f` with a panic hook that records the message and place instead of printing them.
pub fn quietly<T>(f: impl FnOnce() -> T) -> T {
    static LOCK: Mutex<()> = Mutex::new(());
    let _one_at_a_time = LOCK.lock();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        if let Ok(mut p) = PANIC.lock() {
            *p = Some(format!("{message} at {place}"));
        }
    }));
    let result = f();
    std::panic::set_hook(previous);
    result
}

/// Drives `target` for the time given; returns what it found.
pub fn drive(target: &Target, options: &Options) -> Report {
    quietly(|| drive_quietly(target, options))
}

fn drive_quietly(target: &Target, options: &Options) -> Report {
    let mut random = Random(options.seed.max(1));
    let mut corpus = seeds(target);
    let seeded = corpus.len();
    let mut report = Report::default();
    // The watchdog: the input being run, and when it started (ms since `epoch`).
    let current: Arc<Mutex<Vec<u8>>> = Arc::default();
    let started = Arc::new(AtomicU64::new(u64::MAX));
    let done = Arc::new(AtomicBool::new(false));
    let epoch = Instant::now();
    let watchdog =
        {
            let (current, started, done) = (current.clone(), started.clone(), done.clone());
            let (hang, findings, name) = (options.hang, options.findings.clone(), target.name);
            std::thread::spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    let at = started.load(Ordering::Relaxed);
                    let now = epoch.elapsed().as_millis() as u64;
                    if at != u64::MAX && now.saturating_sub(at) > hang.as_millis() as u64 {
                        let input = current.lock().map(|c| c.clone()).unwrap_or_default();
                        let place = save(findings.as_ref(), name, "hang", &input);
                        eprintln!(
                        "takst-fuzz: {name} ran for more than {hang:?} on an input ({} bytes){}",
                        input.len(),
                        place.map(|p| format!(", written to {}", p.display())).unwrap_or_default()
                    );
                        std::process::abort();
                    }
                }
            })
        };
    let mut seen_panics: Vec<String> = Vec::new();
    let deadline = Instant::now() + options.duration;
    let mut next = 0usize;
    while Instant::now() < deadline {
        // Every seed once, as it is; then mutants.
        let input = if next < corpus.len() && report.executions < seeded as u64 {
            next += 1;
            corpus[next - 1].clone()
        } else {
            let base = &corpus[random.below(corpus.len())];
            mutate(base, &corpus, &mut random, options.max_len)
        };
        if let Ok(mut c) = current.lock() {
            c.clone_from(&input);
        }
        started.store(epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
        let began = Instant::now();
        let panicked = run_once(target, &input);
        let took = began.elapsed();
        started.store(u64::MAX, Ordering::Relaxed);
        report.executions += 1;
        report.slowest = report.slowest.max(took);
        if let Some(message) = panicked {
            // One finding per message and place (the figures in a message vary).
            let shape: String = message.chars().filter(|c| !c.is_ascii_digit()).collect();
            if !seen_panics.contains(&shape) {
                seen_panics.push(shape);
                save(options.findings.as_ref(), target.name, "panic", &input);
                report.findings.push(Finding {
                    kind: "panic",
                    message,
                    input: input.clone(),
                });
            }
        } else if took > options.slow
            && report.findings.iter().filter(|f| f.kind == "slow").count() < 5
        {
            save(options.findings.as_ref(), target.name, "slow", &input);
            report.findings.push(Finding {
                kind: "slow",
                message: format!("took {took:?}"),
                input: input.clone(),
            });
        }
        // Now and then a mutant joins the corpus, so that mutations accumulate.
        if report.executions > seeded as u64 && random.chance(20) {
            if corpus.len() < 4_000 {
                corpus.push(input);
            } else {
                let at = seeded + random.below(corpus.len() - seeded);
                corpus[at] = input;
            }
        }
    }
    done.store(true, Ordering::Relaxed);
    let _ = watchdog.join();
    report.corpus = corpus.len();
    report
}

/// Writes a finding's input to `<folder>/<target>/<kind>-<hash>`; where, if written.
fn save(folder: Option<&PathBuf>, target: &str, kind: &str, input: &[u8]) -> Option<PathBuf> {
    let dir = folder?.join(target);
    std::fs::create_dir_all(&dir).ok()?;
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let path = dir.join(format!("{kind}-{hash:016x}"));
    let mut file = std::fs::File::create(&path).ok()?;
    file.write_all(input).ok()?;
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutants_stay_within_the_length_and_vary() {
        let mut random = Random(7);
        let seed = b"agreement \"a\"\ninput x: money\ndefine y = x * 2\n".to_vec();
        let mutants: Vec<Vec<u8>> = (0..200)
            .map(|_| mutate(&seed, std::slice::from_ref(&seed), &mut random, 100))
            .collect();
        assert!(mutants.iter().all(|m| m.len() <= 100));
        let distinct: std::collections::HashSet<&Vec<u8>> = mutants.iter().collect();
        assert!(
            distinct.len() > 150,
            "only {} distinct mutants",
            distinct.len()
        );
    }

    #[test]
    fn a_panic_is_caught_with_its_place() {
        let target = Target {
            name: "panics",
            run: |data| assert!(data.is_empty(), "not empty"),
            seeds: (&[], "none"),
        };
        let found = quietly(|| run_once(&target, b"x")).unwrap_or_default();
        assert!(
            found.contains("not empty") && found.contains("drive.rs"),
            "{found}"
        );
        assert_eq!(quietly(|| run_once(&target, b"")), None);
    }
}
