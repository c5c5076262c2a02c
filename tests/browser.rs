//! The progress report in a real browser: headless Chromium (Debian's `chromium`, which
//! `.ci/run` installs) loads the HTML report of the sample, and a probe page checks that it
//! loads without errors and that every chart has a non-zero size. A screenshot is saved as a
//! test artefact in `target/test-artifacts/`. Without Chromium the test says it was skipped.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{imported_sample, load_sample_plan, REPO};

const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn run_chromium(chromium: &Path, profile: &Path, args: &[&str]) -> std::process::Output {
    Command::new(chromium)
        .args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

/// Script appended to a copy of the report (never to the report itself, which has none): it
/// records load errors and each chart's rendered size into the page, which `--dump-dom`
/// prints.
const PROBE: &str = r#"<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message || e.type)), true);
window.addEventListener('load', () => {
  const charts = [...document.querySelectorAll('figure svg')].map(svg => {
    const r = svg.getBoundingClientRect();
    return Math.round(r.width) + 'x' + Math.round(r.height);
  });
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({errors: window.__errors, charts: charts,
    sections: document.querySelectorAll('section').length});
  document.body.appendChild(out);
});
</script>"#;

#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "SKIPPED: chromium is not installed (apt-get install chromium); .ci/run installs it"
        );
        return;
    };
    let ws = imported_sample();
    load_sample_plan(&ws);
    ws.cmd()
        .args(["report", "-o", "out", "--as-of", "2026-11-29"])
        .assert()
        .success();
    let report = ws.path().join("out/progress-report.html");
    let html = std::fs::read_to_string(&report).unwrap();
    let probe_page = ws.path().join("out/probe.html");
    std::fs::write(
        &probe_page,
        html.replace("</body>", &format!("{PROBE}</body>")),
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();

    let output = run_chromium(
        &chromium,
        profile.path(),
        &["--dump-dom", &format!("file://{}", probe_page.display())],
    );
    let dom = String::from_utf8_lossy(&output.stdout);
    let start = dom.find("<pre id=\"probe\">").expect("the probe ran") + "<pre id=\"probe\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let probe: serde_json::Value =
        serde_json::from_str(&dom[start..end].replace("&quot;", "\"")).unwrap();
    assert_eq!(probe["errors"], serde_json::json!([]), "{probe}");
    assert_eq!(probe["sections"], 14, "{probe}");
    let charts = probe["charts"].as_array().unwrap();
    assert!(!charts.is_empty(), "no chart in the report: {probe}");
    for size in charts {
        let (w, h) = size.as_str().unwrap().split_once('x').unwrap();
        assert!(
            w.parse::<u32>().unwrap() > 0 && h.parse::<u32>().unwrap() > 0,
            "{probe}"
        );
    }

    let artifacts = Path::new(REPO).join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let screenshot = artifacts.join("progress-report.png");
    let _ = std::fs::remove_file(&screenshot);
    run_chromium(
        &chromium,
        profile.path(),
        &[
            "--window-size=1280,4000",
            &format!("--screenshot={}", screenshot.display()),
            &format!("file://{}", report.display()),
        ],
    );
    let size = std::fs::metadata(&screenshot).map(|m| m.len()).unwrap_or(0);
    assert!(size > 10_000, "screenshot of {size} bytes");
    eprintln!("screenshot: {}", screenshot.display());
}
