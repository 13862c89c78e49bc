//! A keystroke in the editor: the time from a change of the largest bundled agreement
//! (`didChange`, the whole text, as the editor sends it) to its diagnostics published
//! by `takst lsp` — checked as `takst check` checks it, with its base, and mapped to
//! LSP. Measured end to end on the real server process, JSON-RPC included. The goal is
//! under 50 ms. Run with `cargo bench --bench lsp`.
//!
//! Three keystrokes: one that keeps the file right (a letter in a comment), one that
//! makes a slip (a name misspelt: an error and its "did you mean"), and one that breaks
//! the syntax (a declaration half typed).

#[path = "../tests/support/lsp_client.rs"]
mod lsp_client;

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_client::Client;

const AGREEMENT: &str = "agreements/syddanmark-2025-26.takst";

fn keystrokes(c: &mut Criterion) {
    let text = std::fs::read_to_string(AGREEMENT).expect("the agreement");
    // A folder of its own, so the base is the bundled one (as for an analyst's copy).
    let folder = std::env::temp_dir().join(format!("takst-bench-lsp-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a folder");
    let path = folder.join("syddanmark-2025-26.takst");
    std::fs::write(&path, &text).expect("written");
    let uri = format!("file://{}", path.display());

    let mut client = Client::start(env!("CARGO_BIN_EXE_takst"));
    client.open(&uri, &text);
    assert!(client.diagnostics(&uri).is_empty(), "the agreement checks");

    let comment = text.replacen("# Region Syddanmark", "# Region Syddanmarkx", 1);
    let slip = text.replacen(
        "  overhead_rate × overhead_base",
        "  overhead_rat × overhead_base",
        1,
    );
    let syntax = text.replacen(
        "param development_cap [bilag 10] \"Højeste udviklingsprocent\" =",
        "param development_cap [bilag 10] \"Højeste udviklingsprocent\"",
        1,
    );
    assert!(comment != text && slip != text && syntax != text);
    let mut version = 1;
    let mut group = c.benchmark_group("keystroke on syddanmark-2025-26.takst (1,700 lines)");
    group.sample_size(30);
    for (name, edited, errors) in [
        ("right", &comment, 0),
        ("a misspelt name", &slip, 1),
        ("a syntax error", &syntax, 1),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    // The edit, then back: each a keystroke, each timed.
                    for (after, expected) in [(edited, errors), (&text, 0)] {
                        version += 1;
                        let started = Instant::now();
                        client.change(&uri, version, after);
                        let published = loop {
                            let p = client.published(&uri);
                            if p["version"] == version {
                                break p;
                            }
                        };
                        total += started.elapsed() / 2;
                        let found = published["diagnostics"].as_array().map_or(0, Vec::len);
                        assert_eq!(found, expected, "{published}");
                    }
                }
                total
            })
        });
    }
    group.finish();
    client.stop();
    let _ = std::fs::remove_dir_all(folder);
}

criterion_group!(benches, keystrokes);
criterion_main!(benches);
