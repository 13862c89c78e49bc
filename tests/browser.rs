//! The reports in a real browser: headless Chromium opens the report of an offer
//! and of a tariff file, takes a screenshot of each, measures every chart as the
//! browser laid it out (drawn, at its size, with its shapes visible), sorts the
//! table of offers by a click, and the page logs nothing to the console.
//!
//! Chromium is Debian's `chromium` (`.ci/run` installs it when it is missing), or
//! the program named by `TAKST_CHROMIUM`. Without one the test says so and passes,
//! except under CI (`CI` set), where a missing browser is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

/// How long one run of the browser may take.
const PATIENCE: Duration = Duration::from_secs(90);

/// Written into a copy of the page: measures what the browser drew, clicks a
/// sortable heading, and leaves the findings as JSON in the page for --dump-dom.
const MEASURE: &str = r#"
<script>
(function () {
  var charts = Array.prototype.map.call(document.querySelectorAll("figure.chart"), function (figure) {
    var svg = figure.querySelector("svg");
    var box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    var visible = svg ? Array.prototype.filter.call(svg.querySelectorAll("rect, circle, polyline, line"), function (shape) {
      var b = shape.getBoundingClientRect();
      return b.width > 0 || b.height > 0;
    }).length : 0;
    var texts = svg ? Array.prototype.filter.call(svg.querySelectorAll("text"), function (t) {
      return t.getComputedTextLength() > 0;
    }).length : 0;
    return { want: [Number(figure.dataset.width), Number(figure.dataset.height)],
             got: [Math.round(box.width), Math.round(box.height)], visible: visible, texts: texts };
  });
  var sorted = null;
  var table = document.getElementById("offers-table");
  if (table) {
    var headers = table.querySelectorAll("thead th");
    var column = headers.length - 2;           // the difference
    headers[column].click();
    var up = Array.prototype.map.call(table.tBodies[0].rows, function (r) { return r.cells[column].getAttribute("data-sort"); });
    headers[column].click();
    var down = Array.prototype.map.call(table.tBodies[0].rows, function (r) { return r.cells[column].getAttribute("data-sort"); });
    sorted = { up: up, down: down };
  }
  var out = document.createElement("pre");
  out.id = "takst-measured";
  out.textContent = JSON.stringify({ charts: charts, sorted: sorted, width: document.documentElement.scrollWidth });
  document.body.appendChild(out);
})();
</script>
"#;

fn chromium() -> Option<PathBuf> {
    if let Some(named) = std::env::var_os("TAKST_CHROMIUM") {
        return Some(PathBuf::from(named));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Runs the browser headless on `page` with `action` (--screenshot=…, --dump-dom);
/// returns what it wrote to stdout and stderr.
fn browse(browser: &Path, page: &Path, action: &[String]) -> (String, String) {
    let profile = page.with_extension("profile");
    let _ = std::fs::remove_dir_all(&profile);
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=1",
            "--window-size=1200,3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(action)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the browser");
    // Read both pipes on threads, so a full pipe never stops the browser.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let started = Instant::now();
    loop {
        match child.try_wait().expect("wait for the browser") {
            Some(_) => break,
            None if started.elapsed() > PATIENCE => {
                let _ = child.kill();
                panic!(
                    "the browser did not finish {} in {PATIENCE:?}",
                    page.display()
                );
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let _ = std::fs::remove_dir_all(&profile);
    (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    )
}

/// What the page said on the console, from the browser's log.
fn console(log: &str) -> Vec<&str> {
    log.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

#[test]
fn the_reports_render_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "no Chromium: .ci/run installs Debian's `chromium` when it is missing"
        );
        eprintln!("skipped: no Chromium here (install Debian's `chromium`, or set TAKST_CHROMIUM)");
        return;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).expect("a folder for the pages");
    let reports: [(&str, &str, usize); 2] = [
        ("offer", "examples/adults-108-home.toml", 2),
        ("tariff-file", "examples/batch/offers.csv", 2),
    ];
    for (name, input, charts) in reports {
        let page = dir.join(format!("{name}.html"));
        let status = Command::new(env!("CARGO_BIN_EXE_takst"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["report", input, "-o"])
            .arg(&page)
            .stderr(Stdio::null())
            .status()
            .expect("run takst");
        assert!(status.success(), "takst report {input}");
        let html = std::fs::read_to_string(&page).expect("the report");

        // The screenshot: a picture of the page as the browser drew it.
        let picture = dir.join(format!("{name}.png"));
        let _ = std::fs::remove_file(&picture);
        let (_, log) = browse(
            &browser,
            &page,
            &[format!("--screenshot={}", picture.display())],
        );
        let png =
            std::fs::read(&picture).unwrap_or_else(|_| panic!("no screenshot of {name}: {log}"));
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}: not a PNG");
        // A blank page of this size compresses to a few kilobytes; a drawn one does not.
        assert!(
            png.len() > 60_000,
            "{name}: a screenshot of {} bytes is all but empty",
            png.len()
        );
        assert_eq!(
            console(&log),
            Vec::<&str>::new(),
            "{name}: the page wrote to the console"
        );

        // The charts, as laid out, and the table sorted by a click.
        let measured_page = dir.join(format!("{name}-measured.html"));
        std::fs::write(
            &measured_page,
            html.replace("</body>", &format!("{MEASURE}</body>")),
        )
        .expect("the measuring copy");
        let (dom, log) = browse(&browser, &measured_page, &[String::from("--dump-dom")]);
        assert_eq!(
            console(&log),
            Vec::<&str>::new(),
            "{name}: the page wrote to the console"
        );
        let measured = dom
            .split("<pre id=\"takst-measured\">")
            .nth(1)
            .and_then(|rest| rest.split("</pre>").next())
            .unwrap_or_else(|| panic!("{name}: the page did not run its scripts: {log}"));
        let measured: Json =
            serde_json::from_str(&measured.replace("&quot;", "\"").replace("&amp;", "&"))
                .expect("the measurements");
        let drawn = measured["charts"].as_array().expect("charts");
        assert_eq!(drawn.len(), charts, "{name}: {measured}");
        for chart in drawn {
            // The page is wider than every chart: each is drawn at its own size.
            assert_eq!(chart["got"], chart["want"], "{name}: {chart}");
            assert!(chart["visible"].as_u64() > Some(10), "{name}: {chart}");
            assert!(chart["texts"].as_u64() > Some(5), "{name}: {chart}");
        }
        assert!(
            measured["width"].as_u64() <= Some(1200),
            "{name}: wider than the window"
        );
        if let Some(sorted) = measured["sorted"].as_object() {
            let numbers = |key: &str| -> Vec<f64> {
                sorted[key]
                    .as_array()
                    .expect("the column")
                    .iter()
                    .filter_map(|v| v.as_str()?.parse().ok())
                    .collect()
            };
            let (up, down) = (numbers("up"), numbers("down"));
            assert_eq!(up.len(), 7, "{name}: {sorted:?}");
            assert!(up.windows(2).all(|w| w[0] <= w[1]), "{name}: {up:?}");
            assert!(down.windows(2).all(|w| w[0] >= w[1]), "{name}: {down:?}");
        }
        eprintln!(
            "{name}: {} charts drawn, screenshot {}",
            drawn.len(),
            picture.display()
        );
    }
}
