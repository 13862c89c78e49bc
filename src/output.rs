//! Everything `takst` prints goes through here, and no write can panic.
//!
//! A reader that stops early (`takst list | head -1`) closes the pipe: takst then
//! prints nothing more and ends quietly, as Unix tools do. Any other write error —
//! a full disk — is remembered, and [`finish`] turns it into a diagnostic and a
//! non-zero exit. `print!` and `println!` are refused in this crate (see `main.rs`):
//! they panic when stdout cannot be written.

use std::io::{self, Write};
use std::sync::Mutex;

use dsl::{Code, Diagnostic};

/// How printing to stdout has gone so far.
enum State {
    Open,
    /// The reader went away: nothing more is printed, and that is not an error.
    Closed,
    Failed(io::Error),
}

static STATE: Mutex<State> = Mutex::new(State::Open);

/// Prints `text` on stdout, unless an earlier write failed.
pub fn print(text: &str) {
    // A lock is poisoned only by a panic while it is held, and nothing here panics.
    let Ok(mut state) = STATE.lock() else { return };
    if !matches!(*state, State::Open) {
        return;
    }
    if let Err(e) = io::stdout().lock().write_all(text.as_bytes()) {
        *state = failed(e);
    }
}

/// Prints bytes on stdout (results already in their encoding), as [`print`] does.
pub fn bytes(bytes: &[u8]) {
    let Ok(mut state) = STATE.lock() else { return };
    if !matches!(*state, State::Open) {
        return;
    }
    if let Err(e) = io::stdout().lock().write_all(bytes) {
        *state = failed(e);
    }
}

/// Prints diagnostics on stderr. Where stderr cannot be written there is nowhere
/// left to say so: the exit code still tells.
pub fn diagnostics(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// How printing ended.
pub enum Ending {
    /// Everything was written, or the reader stopped reading (a closed pipe).
    Fine,
    /// The output could not be written: what to tell the user.
    Failed(Diagnostic),
}

/// Flushes stdout and says how printing ended.
pub fn finish() -> Ending {
    let Ok(mut state) = STATE.lock() else {
        return Ending::Fine;
    };
    if matches!(*state, State::Open) {
        if let Err(e) = io::stdout().lock().flush() {
            *state = failed(e);
        }
    }
    match &*state {
        State::Open | State::Closed => Ending::Fine,
        State::Failed(e) => Ending::Failed(
            Diagnostic::error(
                Code::CannotWrite,
                format!("cannot write the output: {}", plain(e)),
            )
            .help("make room on the disk, or send the output somewhere else"),
        ),
    }
}

fn failed(e: io::Error) -> State {
    match e.kind() {
        io::ErrorKind::BrokenPipe => State::Closed,
        _ => State::Failed(e),
    }
}

/// An I/O error in words, without the operating system's error number:
/// "No space left on device".
pub fn plain(e: &io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// `print!` through [`print`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::print(&format!($($arg)*))
    };
}

/// `println!` through [`print`].
macro_rules! outln {
    () => {
        $crate::output::print("\n")
    };
    ($($arg:tt)*) => {
        $crate::output::print(&format!("{}\n", format_args!($($arg)*)))
    };
}
