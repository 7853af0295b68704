//! User Timing measures (`performance.measure`) around the work the benchmarks
//! watch: a refresh, an evaluation, a diagram layout, a graph redraw.
//!
//! Each measure is cleared right after it is recorded, so a wall screen that
//! runs for weeks does not fill the performance timeline; observers (the
//! benchmark's `PerformanceObserver`) still see every entry as it is made.

/// A running measure named `panopticon:<name>`; recorded when finished.
#[derive(Debug)]
pub struct Span {
    name: &'static str,
}

impl Span {
    /// Starts measuring.
    pub fn start(name: &'static str) -> Span {
        if let Some(p) = performance() {
            // A cancelled refresh leaves its start mark behind: replace it.
            p.clear_marks_with_mark_name(&start_mark(name));
            // Timing is an observation; failing to record it changes nothing.
            let _ = p.mark(&start_mark(name));
        }
        Span { name }
    }

    /// Records the measure and clears its marks.
    pub fn finish(self) {
        let Some(p) = performance() else {
            return;
        };
        let (start, end, measure) = (
            start_mark(self.name),
            format!("panopticon:{}:end", self.name),
            format!("panopticon:{}", self.name),
        );
        let _ = p.mark(&end);
        let _ = p.measure_with_start_mark_and_end_mark(&measure, &start, &end);
        p.clear_marks_with_mark_name(&start);
        p.clear_marks_with_mark_name(&end);
        p.clear_measures_with_measure_name(&measure);
    }
}

fn start_mark(name: &str) -> String {
    format!("panopticon:{name}:start")
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|w| w.performance())
}
