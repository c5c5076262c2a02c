//! Progress on stderr for imports and summaries that take more than a second, and only when
//! stderr is a terminal: a pipe or a log file never receives it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before its progress is shown.
const DELAY: Duration = Duration::from_secs(1);

pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Progress through `len` files, shown once the work has run for `DELAY`.
    pub fn files(len: u64) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {pos}/{len} file(s) [{elapsed}] {wide_msg}")
        {
            bar.set_style(style);
        }
        if std::io::stderr().is_terminal() {
            let shown = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(DELAY);
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress { bar }
    }

    /// Starts on the next file.
    pub fn file(&self, name: &str) {
        self.bar.set_message(name.to_string());
    }

    /// Finishes the current file.
    pub fn done(&self) {
        self.bar.inc(1);
    }

    /// Runs `f`, which prints, with the bar out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
