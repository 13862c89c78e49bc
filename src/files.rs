//! Files named on the command line: read up to a limit, written whole or not at all.
//!
//! A file is never read whole before its size is known to be within the limit:
//! `/dev/zero` or a 4 GB file given by mistake is refused after at most the limit's
//! bytes, naming the limit. A FIFO (or any file that is not a plain file) is read
//! on a thread, so that one nobody writes to ends in a diagnostic, not a hang.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use dsl::{Code, Diagnostic};

use crate::output::plain;

/// How large a kind of file may be, and what to do about one that is larger.
pub struct Limit {
    pub bytes: usize,
    /// The kind of file, as a sentence names it: "a rule file".
    pub what: &'static str,
    pub help: &'static str,
}

/// A rule file (`.takst`). Every limit is a whole number of MiB.
pub const RULE_FILE: Limit = Limit {
    bytes: dsl::limits::MAX_FILE_BYTES,
    what: "a rule file",
    help: "split the agreement into a base file and files that extend it",
};

/// An input file (TOML): an offer, a placement, an operator's accounts.
pub const INPUT_FILE: Limit = Limit {
    bytes: 16 * 1024 * 1024,
    what: "an input file",
    help: "an input file holds one offer, placement or operator's accounts; \
           check that you chose the right file",
};

/// How long to wait for the first byte of a file that is not a plain file (a FIFO).
const WAIT: Duration = Duration::from_secs(10);

/// Reads the file at `path`, at most `limit.bytes` of it.
pub fn read(path: &Path, limit: &Limit) -> Result<Vec<u8>, Diagnostic> {
    let name = path.display().to_string();
    if let Ok(meta) = fs::metadata(path) {
        if meta.is_file() && meta.len() > limit.bytes as u64 {
            return Err(too_large(&name, Some(meta.len()), limit));
        }
    }
    let bytes = first_bytes(path, limit)?;
    if bytes.len() > limit.bytes {
        return Err(too_large(&name, None, limit));
    }
    Ok(bytes)
}

/// Reads the file at `path` up to one byte past `limit.bytes`: enough to know it is
/// too large, for a caller that says so itself.
pub fn first_bytes(path: &Path, limit: &Limit) -> Result<Vec<u8>, Diagnostic> {
    let name = path.display().to_string();
    let cannot = |e: io::Error| {
        Diagnostic::error(Code::BadInput, format!("cannot read {name}: {}", plain(&e)))
            .help("check the path; it is relative to the folder you run takst in")
    };
    let meta = fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        return Err(
            Diagnostic::error(Code::BadInput, format!("{name} is a folder, not a file"))
                .help(format!("give the path of {} inside it", limit.what)),
        );
    }
    if meta.is_file() {
        return File::open(path)
            .and_then(|f| up_to(f, limit))
            .map_err(cannot);
    }
    waiting(path, limit).map_err(|e| match e {
        Waited::Failed(e) => cannot(e),
        Waited::Nothing => Diagnostic::error(
            Code::BadInput,
            format!(
                "nothing was written to {name} in {} seconds",
                WAIT.as_secs()
            ),
        )
        .help(format!(
            "{name} is not a plain file (a FIFO?); give the path of {}",
            limit.what
        )),
    })
}

/// Reads the file at `path` as text: at most the limit, UTF-8, no NUL bytes.
pub fn read_text(path: &Path, limit: &Limit) -> Result<String, Diagnostic> {
    let name = path.display().to_string();
    let bytes = read(path, limit)?;
    if bytes.contains(&0) {
        return Err(
            Diagnostic::error(Code::NotText, format!("{name} is not a text file")).help(format!(
                "{} is plain text (UTF-8); check that you chose the right file",
                limit.what
            )),
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(
            Code::NotText,
            format!(
                "{name} is not UTF-8 text (byte {} is not part of a character)",
                e.utf8_error().valid_up_to()
            ),
        )
        .help("save the file as UTF-8; most programs offer this under 'Save as' / 'Encoding'")
    })
}

fn too_large(name: &str, size: Option<u64>, limit: &Limit) -> Diagnostic {
    let most = limit.bytes / (1024 * 1024);
    let title = match size {
        Some(size) => format!(
            "{name} is {size} bytes; {} may be at most {most} MiB",
            limit.what
        ),
        None => format!(
            "{name} is larger than {most} MiB, the most {} may be",
            limit.what
        ),
    };
    Diagnostic::error(Code::FileTooLarge, title).help(limit.help)
}

/// The first `limit.bytes + 1` bytes: enough to know the file is too large.
fn up_to(file: impl Read, limit: &Limit) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    file.take(limit.bytes as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

enum Waited {
    Failed(io::Error),
    /// Nothing came within [`WAIT`]: not even the end of the file.
    Nothing,
}

/// Reads a file that is not a plain file on a thread: opening a FIFO waits for a
/// writer, and reading it for the first bytes; if neither comes, takst gives up
/// (the thread ends with the process).
fn waiting(path: &Path, limit: &Limit) -> Result<Vec<u8>, Waited> {
    enum Message {
        Began,
        Done(io::Result<Vec<u8>>),
    }
    let (tell, heard) = mpsc::channel();
    let (path, most) = (path.to_path_buf(), limit.bytes as u64 + 1);
    std::thread::spawn(move || {
        let read = File::open(&path).and_then(|file| {
            let mut reader = file.take(most);
            let mut first = [0u8; 8192];
            let n = loop {
                match reader.read(&mut first) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other?,
                }
            };
            let _ = tell.send(Message::Began);
            let mut bytes = first[..n].to_vec();
            if n > 0 {
                reader.read_to_end(&mut bytes)?;
            }
            Ok(bytes)
        });
        let _ = tell.send(Message::Done(read));
    });
    let done = match heard.recv_timeout(WAIT) {
        Ok(Message::Began) => heard.recv().ok(),
        Ok(done) => Some(done),
        Err(mpsc::RecvTimeoutError::Timeout) => return Err(Waited::Nothing),
        Err(mpsc::RecvTimeoutError::Disconnected) => None,
    };
    match done {
        Some(Message::Done(read)) => read.map_err(Waited::Failed),
        _ => Err(Waited::Failed(io::Error::other(
            "the file could not be read",
        ))),
    }
}

/// True if `a` and `b` name one file (through links, `..` or a second hard link).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (fs::metadata(a), fs::metadata(b)) {
            return a.dev() == b.dev() && a.ino() == b.ino();
        }
    }
    matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(a), Ok(b)) if a == b)
}

/// The partial file being written, removed if takst is interrupted.
static PARTIAL: Mutex<Option<PathBuf>> = Mutex::new(None);

/// A file to be written whole or not at all: to `NAME.partial` beside it (beside
/// the file a symbolic link points to, so the link stays a link), then renamed onto
/// it. From [`Whole::to`] on, if takst is interrupted (Ctrl-C, `kill`), the partial
/// file is removed; a stale one of an earlier run is replaced.
pub struct Whole {
    name: String,
    target: PathBuf,
    partial: PathBuf,
}

impl Whole {
    /// Prepares to write `path`; `input` is the file the results come from, which
    /// they must not replace.
    pub fn to(path: &Path, input: Option<&Path>) -> Result<Whole, Diagnostic> {
        let name = path.display().to_string();
        let target = resolve_links(path).map_err(|e| cannot_write(&name, &e))?;
        if let Some(input) = input.filter(|input| same_file(&target, input)) {
            let input = input.display().to_string();
            let title = match input == name {
                true => format!("{name} is the file the results come from: they would replace it"),
                false => format!(
                    "{name} is {input}, the file the results come from: they would replace it"
                ),
            };
            return Err(Diagnostic::error(Code::CannotWrite, title)
                .help("write the results to another file, e.g. `-o results.csv`"));
        }
        let mut partial = target.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        clean_up_if_interrupted(&partial);
        remove_stale(&partial).map_err(|e| cannot_write(&name, &e))?;
        Ok(Whole {
            name,
            target,
            partial,
        })
    }

    /// Begins writing, piece by piece: to the partial file, which
    /// [`Writing::finish`] renames onto the file; dropped unfinished (an error
    /// half-way), the partial file is removed.
    pub fn begin(self) -> Result<Writing, Diagnostic> {
        let opened = remove_stale(&self.partial).and_then(|()| {
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&self.partial)
        });
        match opened {
            Ok(file) => Ok(Writing {
                file: Some(io::BufWriter::with_capacity(1 << 20, file)),
                whole: self,
            }),
            Err(e) => Err(cannot_write(&self.name, &e)),
        }
    }

    /// Writes `text`, whole or not at all.
    pub fn write(self, text: &str) -> Result<(), Diagnostic> {
        let (target, partial) = (&self.target, &self.partial);
        let written = remove_stale(partial)
            .and_then(|()| {
                fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(partial)
            })
            .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
            .and_then(|()| {
                // The file replaced keeps its permissions.
                match fs::metadata(target) {
                    Ok(old) => fs::set_permissions(partial, old.permissions()),
                    Err(_) => Ok(()),
                }
            })
            .and_then(|()| fs::rename(partial, target));
        if let Ok(mut p) = PARTIAL.lock() {
            *p = None;
        }
        written.map_err(|e| {
            let _ = fs::remove_file(partial);
            cannot_write(&self.name, &e)
        })
    }
}

/// A file being written piece by piece, whole or not at all (see [`Whole::begin`]).
pub struct Writing {
    file: Option<io::BufWriter<File>>,
    whole: Whole,
}

impl Writing {
    /// The file's name, for messages.
    pub fn name(&self) -> &str {
        &self.whole.name
    }

    /// Writes the rest, then puts the file in place.
    pub fn finish(mut self) -> Result<(), Diagnostic> {
        let Whole {
            name,
            target,
            partial,
        } = &self.whole;
        let written = match self.file.take() {
            Some(file) => file
                .into_inner()
                .map_err(|e| e.into_error())
                .and_then(|f| f.sync_all())
                .and_then(|()| match fs::metadata(target) {
                    Ok(old) => fs::set_permissions(partial, old.permissions()),
                    Err(_) => Ok(()),
                })
                .and_then(|()| fs::rename(partial, target)),
            None => Err(io::Error::other("already finished")),
        };
        if let Ok(mut p) = PARTIAL.lock() {
            *p = None;
        }
        written.map_err(|e| {
            let _ = fs::remove_file(partial);
            cannot_write(name, &e)
        })
    }
}

impl Write for Writing {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(file) => file.write(bytes),
            None => Err(io::Error::other("already finished")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Writing {
    /// Unfinished: nothing half-written is left.
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.whole.partial);
            if let Ok(mut p) = PARTIAL.lock() {
                *p = None;
            }
        }
    }
}

/// What is written to standard output only once it is known to be whole: held in
/// memory up to a limit, then in a temporary file (removed when done), so that a
/// million rows of results take no more memory than a thousand.
pub struct Spool {
    memory: Vec<u8>,
    file: Option<File>,
}

impl Spool {
    /// Held in memory up to this many bytes.
    const IN_MEMORY: usize = 8 * 1024 * 1024;

    pub fn new() -> Spool {
        Spool {
            memory: Vec::new(),
            file: None,
        }
    }

    /// Everything written, to standard output.
    pub fn print(mut self) -> Result<(), Diagnostic> {
        let cannot = |e: io::Error| {
            Diagnostic::error(
                Code::CannotWrite,
                format!("cannot keep the results: {}", plain(&e)),
            )
            .help("the results wait in a temporary file until they are whole; check the disk has room, or write them with -o")
        };
        if let Some(mut file) = self.file.take() {
            use std::io::Seek;
            file.write_all(&self.memory).map_err(cannot)?;
            file.seek(io::SeekFrom::Start(0)).map_err(cannot)?;
            let mut block = vec![0u8; 1 << 20];
            loop {
                let n = file.read(&mut block).map_err(cannot)?;
                if n == 0 {
                    break;
                }
                crate::output::bytes(&block[..n]);
            }
            return Ok(());
        }
        crate::output::bytes(&self.memory);
        Ok(())
    }
}

impl Write for Spool {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.memory.extend_from_slice(bytes);
        if self.memory.len() > Self::IN_MEMORY {
            let file = match &mut self.file {
                Some(file) => file,
                None => self.file.insert(temporary()?),
            };
            file.write_all(&self.memory)?;
            self.memory.clear();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A file in the temporary folder, removed at once: it lives while it is open.
fn temporary() -> io::Result<File> {
    let dir = std::env::temp_dir();
    for attempt in 0..100u32 {
        let path = dir.join(format!("takst-{}-{attempt}.spool", std::process::id()));
        match fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => {
                let _ = fs::remove_file(&path);
                return Ok(file);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("no temporary file could be made"))
}

fn cannot_write(name: &str, e: &io::Error) -> Diagnostic {
    Diagnostic::error(
        Code::CannotWrite,
        format!("cannot write {name}: {}", plain(e)),
    )
    .help("check that the folder exists, that you may write there and that the disk has room")
}

/// The file that `path` names after following symbolic links (it may not exist yet).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut at = path.to_path_buf();
    // As many links as the system itself follows before it gives up.
    for _ in 0..40 {
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&at)?;
                at = match at.parent() {
                    Some(folder) if link.is_relative() => folder.join(link),
                    _ => link,
                };
            }
            _ => return Ok(at),
        }
    }
    Err(io::Error::other("too many symbolic links"))
}

fn remove_stale(partial: &Path) -> io::Result<()> {
    match fs::remove_file(partial) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Removes `partial` and ends takst if it is interrupted or told to stop before
/// [`Whole::write`] is done. The signals are watched from the first call on.
fn clean_up_if_interrupted(partial: &Path) {
    if let Ok(mut p) = PARTIAL.lock() {
        *p = Some(partial.to_path_buf());
    }
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        static WATCHING: std::sync::Once = std::sync::Once::new();
        WATCHING.call_once(|| {
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            std::thread::spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    if let Some(partial) = PARTIAL.lock().ok().and_then(|mut p| p.take()) {
                        let _ = fs::remove_file(partial);
                    }
                    // As a shell reports a command ended by a signal.
                    std::process::exit(128 + signal);
                }
            });
        });
    }
}
