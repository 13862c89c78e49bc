//! Files on the command line: endless or huge ones refused after at most their
//! limit, a FIFO nobody writes to given up on, a tariff file on a pipe read from
//! its first byte; and `batch -o`, which never writes
//! over its input, writes through a symbolic link and leaves nothing half-written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Runs takst in the repository.
fn takst(args: &[&str]) -> Output {
    takst_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs takst in `dir`: messages name its files shortly, so lines are not wrapped.
fn takst_in(dir: &Path, args: &[&str]) -> Output {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_takst"))
        .current_dir(dir)
        .args(["--color", "never"])
        .args(args)
        .output()
        .expect("run takst");
    // A guard against reading gigabytes, not a performance claim.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{args:?} took {:?}",
        started.elapsed()
    );
    out
}

/// A folder of its own for each test.
fn folder(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("takst-files-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder");
    dir
}

/// A file of 4 GiB that takes no room on the disk.
fn sparse(path: &Path) {
    let file = std::fs::File::create(path).expect("a file");
    file.set_len(4 << 30).expect("4 GiB, sparse");
}

fn refused(args: &[&str], title: &str) {
    refused_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, title);
}

fn refused_in(dir: &Path, args: &[&str], title: &str) {
    let out = takst_in(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(
        stderr.contains(title),
        "{args:?}: expected `{title}` in\n{stderr}"
    );
    assert!(out.stdout.is_empty() || args[0] == "check", "{args:?}");
}

const INPUT_HELP: &str = "  help: an input file holds one offer, placement or operator's accounts; check that you chose the\n        right file\n";

#[test]
fn endless_files_are_refused_at_their_limit() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    refused(
        &["check", "/dev/zero"],
        "× /dev/zero is larger than 1 MiB, the most a rule file may be\n  \
         help: split the agreement into a base file and files that extend it\n",
    );
    refused(
        &["eval", "-a", "midt", "/dev/zero"],
        &format!("× /dev/zero is larger than 16 MiB, the most an input file may be\n{INPUT_HELP}"),
    );
    // A tariff file may be of any size (it is read piece by piece): /dev/zero is
    // refused for what it is, after its first megabyte.
    refused(
        &["batch", "-a", "midt", "/dev/zero"],
        "× /dev/zero is not a text file\n",
    );
}

#[test]
fn huge_files_are_refused_unread() {
    let dir = folder("huge");
    sparse(&dir.join("huge.takst"));
    refused_in(
        &dir,
        &["check", "huge.takst"],
        "× huge.takst is 4294967296 bytes; a rule file may be at most 1 MiB\n",
    );
    refused_in(
        &dir,
        &["eval", "-a", "midt", "huge.takst"],
        &format!(
            "× huge.takst is 4294967296 bytes; an input file may be at most 16 MiB\n{INPUT_HELP}"
        ),
    );
    refused_in(
        &dir,
        &["batch", "-a", "midt", "huge.takst"],
        "× huge.takst is not a text file\n",
    );
    // A base that is too large is too large, not missing.
    sparse(&dir.join("national.takst"));
    std::fs::write(
        dir.join("mine.takst"),
        "agreement \"Mine\" extends \"national\"\n",
    )
    .expect("write");
    refused_in(
        &dir,
        &["check", "mine.takst"],
        "× national.takst is larger than 1 MiB, the most a rule file may be\n",
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_fifo_nobody_writes_to_is_given_up_on() {
    let dir = folder("fifo");
    let fifo = dir.join("offer.toml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo here
    }
    let fifo = fifo.display().to_string();
    refused(
        &["eval", "-a", "midt", &fifo],
        &format!("× nothing was written to {fifo} in 10 seconds\n"),
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Runs takst in the repository with `input` on its standard input.
fn takst_reading(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_takst"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--color", "never"])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run takst");
    let mut stdin = child.stdin.take().expect("a pipe");
    let input = input.to_vec();
    // Written from a thread of its own, so that a takst that stops reading cannot block the test.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("takst ends");
    let _ = writer.join();
    out
}

#[test]
fn a_tariff_file_on_a_pipe_is_read_from_its_first_byte() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/batch/offers.csv");
    let text = std::fs::read(&file).expect("the example tariff file");
    let from_file = takst(&["batch", "-a", "midt", "examples/batch/offers.csv"]);
    assert!(from_file.status.success());
    // The first bytes are read to tell a workbook from CSV: on a pipe they cannot be
    // read again, so they must not be lost (the header's first name was cut short).
    let piped = takst_reading(&["batch", "-a", "midt", "/dev/stdin"], &text);
    // The same warnings, but for the file's name (and so where lines are wrapped).
    let words = |out: &Output, name: &str| -> String {
        let said = String::from_utf8_lossy(&out.stderr).replace(name, "FILE");
        said.split(|c: char| c.is_whitespace() || c == '│')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        words(&piped, "/dev/stdin"),
        words(&from_file, "examples/batch/offers.csv")
    );
    assert!(piped.status.success());
    assert_eq!(piped.stdout, from_file.stdout);
    // With a byte-order mark, as Excel writes CSV.
    let marked = [b"\xEF\xBB\xBF".as_slice(), &text].concat();
    let piped = takst_reading(&["batch", "-a", "midt", "/dev/stdin"], &marked);
    assert!(
        piped.status.success(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
    let figures = String::from_utf8_lossy(&piped.stdout);
    assert!(figures.starts_with("\u{feff}name,"), "{figures}");
    assert_eq!(
        figures.lines().count(),
        from_file.stdout.split(|&b| b == b'\n').count() - 1
    );
    // A workbook is read by its parts, which a pipe cannot give: said, not misread.
    let workbook = takst_reading(
        &["batch", "-a", "midt", "/dev/stdin"],
        b"PK\x03\x04 not read",
    );
    assert_eq!(workbook.status.code(), Some(1));
    assert!(workbook.stdout.is_empty());
    let said = String::from_utf8_lossy(&workbook.stderr);
    assert!(
        said.contains("is a workbook (XLSX) that is not a plain file"),
        "{said}"
    );
}

/// A copy of a tariff file in `dir`.
fn tariff_file(dir: &Path) -> PathBuf {
    let path = dir.join("offers.csv");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/batch/offers.csv"),
        &path,
    )
    .expect("copy");
    path
}

#[test]
fn results_never_replace_the_tariff_file() {
    let dir = folder("same");
    let offers = tariff_file(&dir);
    let before = std::fs::read(&offers).expect("read");
    refused_in(
        &dir,
        &["batch", "-a", "midt", "offers.csv", "-o", "./offers.csv"],
        "× ./offers.csv is offers.csv, the file the results come from: they would replace it\n  \
         help: write the results to another file, e.g. `-o results.csv`\n",
    );
    refused_in(
        &dir,
        &["batch", "-a", "midt", "offers.csv", "-o", "offers.csv"],
        "× offers.csv is the file the results come from: they would replace it\n",
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("offers.csv", dir.join("link.csv")).expect("a link");
        refused_in(
            &dir,
            &["batch", "-a", "midt", "offers.csv", "-o", "link.csv"],
            "× link.csv is offers.csv, the file the results come from: they would replace it\n",
        );
    }
    assert_eq!(std::fs::read(&offers).expect("read"), before);
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(unix)]
#[test]
fn results_are_written_through_a_symbolic_link() {
    let dir = folder("link");
    let offers = tariff_file(&dir).display().to_string();
    std::fs::create_dir(dir.join("kept")).expect("a folder");
    let target = dir.join("kept").join("results.csv");
    std::fs::write(&target, "old results\n").expect("write");
    let link = dir.join("results.csv");
    std::os::unix::fs::symlink("kept/results.csv", &link).expect("a link");
    // A stale partial file of a run that was killed is replaced.
    std::fs::write(dir.join("kept").join("results.csv.partial"), "half").expect("write");

    let out = takst(&[
        "batch",
        "-a",
        "midt",
        &offers,
        "-o",
        &link.display().to_string(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta = std::fs::symlink_metadata(&link).expect("the link");
    assert!(meta.file_type().is_symlink(), "the link is still a link");
    let written = std::fs::read_to_string(&target).expect("the results");
    assert!(written.starts_with("name,budget,"), "{written}");
    assert_eq!(written.lines().count(), 8);
    let left: Vec<_> = std::fs::read_dir(dir.join("kept"))
        .expect("the folder")
        .collect();
    assert_eq!(left.len(), 1, "only the results: {left:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(unix)]
#[test]
fn an_interrupted_batch_leaves_no_partial_file() {
    let dir = folder("interrupted");
    // Enough offers to take seconds.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/batch/offers.csv"),
    )
    .expect("read");
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    let offer = lines.next().expect("an offer");
    let big = dir.join("offers.csv");
    let rows = std::iter::repeat_n(offer, 100_000)
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&big, format!("{header}\n{rows}\n")).expect("write");
    let results = dir.join("results.csv");
    let partial = dir.join("results.csv.partial");
    std::fs::write(&partial, "left by a run that was killed").expect("write");

    let mut child = Command::new(env!("CARGO_BIN_EXE_takst"))
        .args(["batch", "-a", "midt", "-o"])
        .arg(&results)
        .arg(&big)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run takst");
    // takst replaces a stale partial file once it watches for interruptions (removed,
    // or already written anew: a bundled agreement is not checked again, so takst
    // may begin writing before this loop looks).
    let stale = |p: &Path| std::fs::read_to_string(p).is_ok_and(|t| t.starts_with("left by"));
    let started = Instant::now();
    while stale(&partial) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "stale file kept"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // As if takst were killed halfway through writing the results.
    std::fs::write(&partial, "half the results").expect("write");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("takst ends");
    assert_eq!(
        status.code(),
        Some(128 + 15),
        "ended as told, by its own hand"
    );
    assert!(!partial.exists(), "the partial file is removed");
    assert!(!results.exists(), "no results from an interrupted run");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_exported_agreement_is_the_bundled_one_and_replaces_no_file_unasked() {
    let dir = folder("export");
    let out = takst_in(&dir, &["export", "Sjælland", "-o", "mine.takst"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exported = std::fs::read_to_string(dir.join("mine.takst")).expect("the copy");
    let bundled = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("agreements/sjaelland.takst"),
    )
    .expect("the agreement");
    assert_eq!(exported, bundled);
    // The copy, given by its path, gives the bundled agreement's figures.
    let offer = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/adults-108-home.toml");
    let offer = offer.display().to_string();
    let figures = |agreement: &str| {
        let out = takst_in(&dir, &["eval", "-a", agreement, &offer, "--format", "csv"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    assert_eq!(figures("mine.takst"), figures("sjaelland"));

    std::fs::write(dir.join("mine.takst"), "edited").expect("write");
    refused_in(
        &dir,
        &["export", "sjaelland", "-o", "mine.takst"],
        "× mine.takst already exists\n  help: choose another file name, or add `--force` to replace it\n",
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("mine.takst")).expect("read"),
        "edited"
    );
    let forced = takst_in(
        &dir,
        &["export", "sjaelland", "-o", "mine.takst", "--force"],
    );
    assert!(forced.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.join("mine.takst")).expect("read"),
        bundled
    );
    let _ = std::fs::remove_dir_all(dir);
}
