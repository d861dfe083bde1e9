//! The progress bar of `luring sync`: a first sync of a whole unit's history over a 2G
//! link takes minutes, and a person watching a silent terminal cannot tell a slow link
//! from a hung program. The bar is drawn on stderr after each round trip (items received
//! of the server's estimate, bytes, retries after a cut); it is hidden with `--json` and
//! when stderr is not a terminal, so scripts and logs see only the report.

use std::io::IsTerminal;

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};
use luring_client::SyncProgress;

/// Draws [`SyncProgress`] updates; drawing nothing when hidden.
pub struct Bar {
    bar: ProgressBar,
    shown: bool,
}

impl Bar {
    /// A bar on stderr, hidden when `json` or when stderr is not a terminal.
    pub fn new(json: bool) -> Self {
        let visible = !json && std::io::stderr().is_terminal();
        let bar = ProgressBar::with_draw_target(
            Some(0),
            if visible {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} sync [{bar:30}] {pos}/{len} changes {msg} ({elapsed})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        Self { bar, shown: false }
    }

    /// After a round trip: the total is what arrived plus the server's estimate of what
    /// still waits (it can only be an estimate: colleagues keep working meanwhile).
    pub fn update(&mut self, p: &SyncProgress) {
        // Nothing to show for a quick sync that had nothing waiting.
        if !self.shown && p.items_remaining == 0 && p.retried == 0 {
            return;
        }
        self.shown = true;
        let (len, pos) = bar_counts(p);
        self.bar.set_length(len);
        self.bar.set_position(pos);
        let mut msg = format!(
            "· {} down of ~{}",
            HumanBytes(p.bytes_down as u64),
            HumanBytes(p.bytes_received + p.bytes_remaining)
        );
        if p.retried > 0 {
            msg.push_str(&format!(" · link cut {}×, resumed", p.retried));
        }
        self.bar.set_message(msg);
    }

    /// Removes the bar before the report is printed.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}

/// The bar's length and position: items received of received + remaining.
fn bar_counts(p: &SyncProgress) -> (u64, u64) {
    (p.items_received + p.items_remaining, p.items_received)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_counts_what_arrived_of_what_arrived_plus_what_waits() {
        let p = SyncProgress {
            items_received: 40,
            items_remaining: 60,
            ..Default::default()
        };
        assert_eq!(bar_counts(&p), (100, 40));
        // Hidden (not a terminal under the test runner): updates draw nothing, no panic.
        let mut bar = Bar::new(false);
        bar.update(&p);
        bar.finish();
    }
}
