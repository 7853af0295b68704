//! Rotation through the views for wall screens (`?rotate=30s`, like a Grafana
//! playlist).
//!
//! - Every interval the next view is shown (after the last, the overview).
//! - Someone using the screen pauses it: no switch until [`PAUSE_SECS`] after
//!   the last input, then a full interval.
//! - The cluster turning critical shows the overview (the diagram says what
//!   broke) and the banner flashes once (no flash with
//!   `prefers-reduced-motion`); while it stays critical the rotation holds on
//!   the overview.
//!
//! No timer of its own: the dashboard's one-second clock drives it. The
//! decisions are the pure [`Rotation::step`], tested natively.
//!
//! On a fleet (`clusters:`) the rotation is over the clusters instead
//! ([`start_fleet`], deciding with the engine's `FleetRotation`): the
//! overview, then each cluster's dashboard, worst first; a cluster's
//! dashboard then runs none of its own.

use leptos::prelude::*;
use panopticon_core::Status;
use panopticon_engine::fleet::{FleetRotation, FleetSummary};

use crate::kiosk::Activity;

/// The shortest `?rotate=` honoured: a view needs its refresh to fill.
pub const MIN_SECS: f64 = 2.0;

/// Seconds after the last input before the rotation goes on.
pub const PAUSE_SECS: f64 = 20.0;

/// How long the banner's flash class stays on (its animation is shorter).
const FLASH_SECS: f64 = 2.0;

/// The rotation's state between two ticks of the clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rotation {
    /// Seconds per view.
    pub every: f64,
    /// How many views there are.
    pub views: usize,
    /// When the view last changed (or the screen was last used).
    since: f64,
    /// The cluster was critical at the last tick.
    critical: bool,
}

/// What one tick decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Show this view now (`None`: keep the one on screen).
    pub show: Option<usize>,
    /// The cluster just turned critical: flash the banner.
    pub flash: bool,
    /// Someone is using the screen: the rotation waits.
    pub paused: bool,
}

impl Rotation {
    /// A rotation of `views` views, `every` seconds each, starting at `now`.
    pub fn new(every: f64, views: usize, now: f64) -> Rotation {
        Rotation {
            every,
            views,
            since: now,
            critical: false,
        }
    }

    /// One tick at `now`: `current` is the view on screen, `idle` the seconds
    /// since the last input, `status` the cluster's status on screen.
    pub fn step(&mut self, now: f64, current: usize, idle: f64, status: Status) -> Step {
        let critical = status == Status::Critical;
        let turned_critical = critical && !self.critical;
        self.critical = critical;
        if turned_critical {
            self.since = now;
            return Step {
                show: (current != 0).then_some(0),
                flash: true,
                paused: false,
            };
        }
        let paused = idle < PAUSE_SECS;
        if paused || critical || self.views < 2 {
            // A full interval after the pause (or the recovery) ends.
            if paused || critical {
                self.since = now;
            }
            return Step {
                show: None,
                flash: false,
                paused,
            };
        }
        if now - self.since < self.every {
            return Step {
                show: None,
                flash: false,
                paused: false,
            };
        }
        self.since = now;
        Step {
            show: Some((current + 1) % self.views),
            flash: false,
            paused: false,
        }
    }
}

/// What the dashboard shows of a running rotation.
#[derive(Debug, Clone, Copy)]
pub struct Shown {
    /// `data-rotation`: `running` or `paused`.
    pub state: RwSignal<&'static str>,
    /// The banner flashes (a class on the dashboard, `style/kiosk.css`).
    pub flash: Signal<bool>,
}

/// Provided by a fleet rotating over its clusters: its `running|paused`.
#[derive(Debug, Clone, Copy)]
pub struct FleetRotating(pub RwSignal<&'static str>);

/// Rotates `view` through `views` views every `every` seconds, ticked by the
/// one-second clock `now`. Inside a rotating fleet nothing rotates here (the
/// fleet moves between clusters): the fleet's state is shown instead.
pub fn start(
    every: f64,
    views: usize,
    view: RwSignal<usize>,
    now: RwSignal<f64>,
    status: Signal<Status>,
    activity: Activity,
) -> Shown {
    if let Some(FleetRotating(state)) = use_context::<FleetRotating>() {
        return Shown {
            state,
            flash: Signal::derive(|| false),
        };
    }
    let state = RwSignal::new("running");
    let flash_until = RwSignal::new(f64::NEG_INFINITY);
    let rotation = StoredValue::new(Rotation::new(every, views, now.get_untracked()));
    crate::effect::effect(move || {
        let t = now.get();
        let st = status.get();
        let mut r = rotation.get_value();
        let step = r.step(t, view.get_untracked(), activity.idle_secs(t), st);
        rotation.set_value(r);
        if let Some(i) = step.show {
            view.set(i);
        }
        if step.flash {
            flash_until.set(t + FLASH_SECS);
        }
        let s = if step.paused { "paused" } else { "running" };
        if state.get_untracked() != s {
            state.set(s);
        }
    });
    Shown {
        state,
        flash: Signal::derive(move || now.get() < flash_until.get()),
    }
}

/// Rotates the fleet page between its overview and each cluster's dashboard
/// (`opened`) every `every` seconds on the one-second clock `now`; the tiles
/// of clusters that just turned critical are put in `flashing` for a moment
/// (the animation is off with `prefers-reduced-motion`), and `state` says
/// whether someone's use of the screen holds it.
pub fn start_fleet(
    every: f64,
    opened: RwSignal<Option<String>>,
    now: RwSignal<f64>,
    summary: Memo<FleetSummary>,
    flashing: RwSignal<Vec<String>>,
    state: RwSignal<&'static str>,
    activity: Activity,
) {
    let rotation = StoredValue::new(FleetRotation::new(every, now.get_untracked()));
    let flash_until = StoredValue::new(f64::NEG_INFINITY);
    crate::effect::effect(move || {
        let t = now.get();
        let paused = activity.idle_secs(t) < PAUSE_SECS;
        let shown = opened.get_untracked();
        let mut step = None;
        summary.with_untracked(|s| {
            rotation.update_value(|r| step = Some(r.step(t, shown.as_deref(), paused, &s.tiles)));
        });
        let Some(step) = step else {
            return;
        };
        if !step.flash.is_empty() {
            flash_until.set_value(t + FLASH_SECS);
            flashing.set(step.flash);
        } else if t >= flash_until.get_value() && flashing.with_untracked(|f| !f.is_empty()) {
            flashing.set(Vec::new());
        }
        if let Some(show) = step.show {
            opened.set(show);
        }
        let s = if step.paused { "paused" } else { "running" };
        if state.get_untracked() != s {
            state.set(s);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDLE: f64 = 1_000.0;

    #[test]
    fn rotation_cycles_pauses_and_jumps_to_the_overview() {
        let mut r = Rotation::new(30.0, 3, 0.0);
        let h = Status::Healthy;
        // (now, current, idle, status) -> (show, flash, paused)
        let script = [
            (10.0, 0, IDLE, h, None, false, false),
            (30.0, 0, IDLE, h, Some(1), false, false),
            (60.0, 1, IDLE, h, Some(2), false, false),
            (90.0, 2, IDLE, h, Some(0), false, false),
            // Someone uses the screen at 100: paused, then a full interval after
            // the pause ends.
            (100.0, 0, 0.0, h, None, false, true),
            (115.0, 0, 15.0, h, None, false, true),
            (125.0, 0, 25.0, h, None, false, false),
            (140.0, 0, 40.0, h, None, false, false),
            (145.0, 0, 45.0, h, Some(1), false, false),
            // Critical: the overview at once, one flash, then held there.
            (146.0, 1, IDLE, Status::Critical, Some(0), true, false),
            (300.0, 0, IDLE, Status::Critical, None, false, false),
        ];
        for (now, current, idle, status, show, flash, paused) in script {
            let step = r.step(now, current, idle, status);
            assert_eq!(
                step,
                Step {
                    show,
                    flash,
                    paused
                },
                "at {now}"
            );
        }
        // Recovered: on again, one interval after the recovery.
        assert_eq!(r.step(301.0, 0, IDLE, h).show, None);
        assert_eq!(r.step(331.0, 0, IDLE, h).show, Some(1));
        // Turning critical while on the overview: a flash, no switch.
        assert_eq!(
            r.step(332.0, 0, IDLE, Status::Critical),
            Step {
                show: None,
                flash: true,
                paused: false
            }
        );
    }

    #[test]
    fn one_view_never_switches() {
        let mut r = Rotation::new(5.0, 1, 0.0);
        for t in 1..100 {
            assert_eq!(r.step(f64::from(t), 0, IDLE, Status::Healthy).show, None);
        }
    }
}
