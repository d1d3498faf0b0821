//! What a scan tells the person waiting for it, on stderr: one progress bar per region (and
//! account) counting API calls done / known so far, and the diagnostics of failed calls.
//!
//! Bars are drawn only when asked (stderr is a terminal and `--quiet` is off); diagnostics are
//! always printed, above the bars while they are drawn. Nothing here ever sees credentials.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The stderr side of one scan.
pub(super) struct Monitor {
    multi: Option<MultiProgress>,
}

impl Monitor {
    pub fn new(show_progress: bool) -> Monitor {
        Monitor {
            multi: show_progress
                .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
        }
    }

    /// A bar for one (account, region) whose first `len` calls are known.
    pub fn bar(&self, label: &str, len: u64) -> Bar {
        Bar(self.multi.as_ref().map(|m| {
            let b = m.add(ProgressBar::new(len));
            b.set_style(
                ProgressStyle::with_template(
                    "{prefix:>24} [{bar:30}] {pos}/{len} API calls {wide_msg}",
                )
                .expect("the template is valid")
                .progress_chars("=> "),
            );
            b.set_prefix(label.to_string());
            b
        }))
    }

    /// Print a diagnostic line on stderr (above the bars when they are drawn).
    pub fn warn(&self, msg: &str) {
        match &self.multi {
            Some(m) => m.suspend(|| eprintln!("{msg}")),
            None => eprintln!("{msg}"),
        }
    }
}

/// One region's bar (a no-op when progress is not shown).
#[derive(Clone)]
pub(super) struct Bar(Option<ProgressBar>);

impl Bar {
    /// One more call finished.
    pub fn inc(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    /// `n` more calls became known (one per VPC, notebook or prefix list).
    pub fn add(&self, n: usize) {
        if let Some(b) = &self.0 {
            b.inc_length(n as u64);
        }
    }

    /// Every call is done: take the bar off the screen.
    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
