//! A tone when the cluster turns critical, for wall screens (`?sound`,
//! opt-in: a screen in a shared room must not beep unasked).
//!
//! - The tone is made by a Web Audio oscillator: no audio file to fetch, no
//!   change to the Content-Security-Policy.
//! - Browsers keep audio off until the page has had a click or a key press
//!   (a kiosk browser can be started with
//!   `--autoplay-policy=no-user-gesture-required`). Until then the screen
//!   says "sound on: click once to allow" (`data-sound="blocked"`); the first
//!   click or key press anywhere allows it (`armed`).
//! - When to sound is the pure [`Alarm::step`], tested natively: a change
//!   *to* critical, once per change, never for the first status after a load
//!   (a reload of a critical screen is no news), never while sound is not
//!   allowed, and at most once per [`MIN_GAP_SECS`] (a flapping cluster does
//!   not beep at every refresh).
//!
//! No timer of its own: the dashboard's one-second clock and the status drive it.

use std::rc::Rc;

use leptos::prelude::*;
use panopticon_core::Status;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{AudioContext, AudioContextState};

use crate::effect::effect;
use crate::refresh::LiveState;
use crate::url_state;

/// The shortest time between two tones: a cluster going critical, warning
/// and critical again within it has been heard once already, and the screen
/// says the rest.
pub const MIN_GAP_SECS: f64 = 30.0;

/// When the last tone sounded and which status was seen last.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Alarm {
    /// The cluster status at the last step; `None` before the first status
    /// judged from data.
    last: Option<Status>,
    /// When the last tone sounded (Unix seconds).
    sounded_at: f64,
}

impl Default for Alarm {
    fn default() -> Alarm {
        Alarm {
            last: None,
            sounded_at: f64::NEG_INFINITY,
        }
    }
}

impl Alarm {
    /// One look at the screen at `now`: `status` is the cluster's status on
    /// screen (`None` until the first evaluation), `allowed` whether the
    /// browser lets a tone play now. True: sound a tone.
    ///
    /// A change seen while sound is not allowed is not kept for later: a
    /// tone minutes after the change, at the first click, would announce
    /// news that is old.
    pub fn step(&mut self, now: f64, status: Option<Status>, allowed: bool) -> bool {
        let Some(status) = status else {
            return false;
        };
        let previous = self.last.replace(status);
        let turned_critical =
            status == Status::Critical && previous.is_some_and(|p| p != Status::Critical);
        if !turned_critical || !allowed || now - self.sounded_at < MIN_GAP_SECS {
            return false;
        }
        self.sounded_at = now;
        true
    }
}

/// Whether the browser lets the page sound (`data-sound`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoundState {
    /// A tone can play now.
    Armed,
    /// Waiting for a click or a key press (the browser's autoplay policy).
    Blocked,
    /// This browser has no Web Audio, or refused to make an audio context.
    Off,
}

impl SoundState {
    /// The `data-sound` value.
    pub const fn as_str(self) -> &'static str {
        match self {
            SoundState::Armed => "armed",
            SoundState::Blocked => "blocked",
            SoundState::Off => "off",
        }
    }

    /// What the screen says about it.
    pub const fn text(self) -> &'static str {
        match self {
            SoundState::Armed => "sound on",
            SoundState::Blocked => "sound on: click once to allow",
            SoundState::Off => "sound unavailable in this browser",
        }
    }
}

/// Whether the URL asks for sound: `?sound` (any value but `0`/`false`).
pub fn requested() -> bool {
    url_state::param("sound").is_some_and(|v| v != "0" && v != "false")
}

/// With `?sound`: listens to the cluster status in `live` and sounds a tone
/// on a change to critical; the view says whether sound is allowed. `None`
/// without `?sound`.
pub fn start(live: LiveState) -> Option<AnyView> {
    if !requested() {
        return None;
    }
    let context = AudioContext::new().ok().map(Rc::new);
    let state = RwSignal::new(context.as_deref().map_or(SoundState::Off, state_of));
    if let Some(context) = &context {
        follow_state(context, state);
        allow_on_input(context, state);
        let context = Rc::clone(context);
        let alarm = StoredValue::new(Alarm::default());
        effect(move || {
            let t = live.now.get();
            let judged = live.snapshot.with(Option::is_some);
            let status = judged.then(|| live.summary.with(|s| s.status));
            let allowed = state.get_untracked() == SoundState::Armed;
            let mut a = alarm.get_value();
            let sound = a.step(t, status, allowed);
            alarm.set_value(a);
            if sound {
                tone(&context);
            }
        });
    }
    Some(
        view! {
            <div
                class="alert alert-notice sound-state"
                data-testid="sound-state"
                data-sound=move || state.get().as_str()
                role="status"
            >
                {move || state.get().text()}
            </div>
        }
        .into_any(),
    )
}

fn state_of(context: &AudioContext) -> SoundState {
    match context.state() {
        AudioContextState::Running => SoundState::Armed,
        AudioContextState::Closed => SoundState::Off,
        // Suspended: the autoplay policy (or a suspended device).
        _ => SoundState::Blocked,
    }
}

/// Keeps `state` in step with the context's own (it can start running a
/// moment after it is made, or be suspended again by the browser).
fn follow_state(context: &Rc<AudioContext>, state: RwSignal<SoundState>) {
    let ctx = Rc::clone(context);
    // The dashboard may be gone (its signal with it): then nothing to show.
    let on_change = Closure::<dyn Fn()>::new(move || {
        let _ = state.try_set(state_of(&ctx));
    });
    context.set_onstatechange(Some(on_change.as_ref().unchecked_ref()));
    // Sound lasts as long as the page.
    on_change.forget();
}

/// Resumes the context at each click or key press while it is not running:
/// the browser allows audio from within such an event.
fn allow_on_input(context: &Rc<AudioContext>, state: RwSignal<SoundState>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    for name in ["pointerdown", "keydown"] {
        let ctx = Rc::clone(context);
        let callback = Closure::<dyn Fn()>::new(move || {
            if ctx.state() == AudioContextState::Running {
                return;
            }
            if let Ok(promise) = ctx.resume() {
                let ctx = Rc::clone(&ctx);
                wasm_bindgen_futures::spawn_local(async move {
                    // Refused or not, the context's state says how it went.
                    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                    let _ = state.try_set(state_of(&ctx));
                });
            }
        });
        if window
            .add_event_listener_with_callback(name, callback.as_ref().unchecked_ref())
            .is_ok()
        {
            // For the page's lifetime.
            callback.forget();
        }
    }
}

/// Two short beeps at 880 Hz from one oscillator, shaped by its gain: loud
/// enough to turn a head, short enough not to annoy.
fn tone(context: &AudioContext) {
    let (Ok(oscillator), Ok(gain)) = (context.create_oscillator(), context.create_gain()) else {
        return;
    };
    let t = context.current_time();
    oscillator.frequency().set_value(880.0);
    let level = gain.gain();
    let _ = level.set_value_at_time(0.0, t);
    for start in [t, t + 0.3] {
        let _ = level.linear_ramp_to_value_at_time(0.3, start + 0.02);
        let _ = level.set_value_at_time(0.3, start + 0.18);
        let _ = level.linear_ramp_to_value_at_time(0.0, start + 0.2);
    }
    let wired = oscillator
        .connect_with_audio_node(&gain)
        .and_then(|_| gain.connect_with_audio_node(&context.destination()));
    if wired.is_ok() {
        let _ = oscillator.start_with_when(t);
        let _ = oscillator.stop_with_when(t + 0.55);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tone_once_per_change_to_critical_never_at_load_never_while_blocked() {
        use Status::{Critical as C, Healthy as H, Unknown as U, Warning as W};
        let mut alarm = Alarm::default();
        // (now, status, allowed) -> sound
        let script = [
            // Before the first evaluation: nothing judged.
            (0.0, None, true, false),
            // The first status after a load is no change, critical or not.
            (1.0, Some(C), true, false),
            (2.0, Some(C), true, false),
            (3.0, Some(H), true, false),
            // A change to critical: once.
            (4.0, Some(C), true, true),
            (5.0, Some(C), true, false),
            (60.0, Some(C), true, false),
            // Again, from warning, a full gap later.
            (61.0, Some(W), true, false),
            (100.0, Some(C), true, true),
            // Flapping within the gap: heard once already.
            (101.0, Some(W), true, false),
            (102.0, Some(C), true, false),
            // From unknown (the data came back, critical): a change.
            (140.0, Some(U), true, false),
            (141.0, Some(C), true, true),
            // Not allowed at the change: not kept for later.
            (200.0, Some(H), false, false),
            (201.0, Some(C), false, false),
            (202.0, Some(C), true, false),
        ];
        for (now, status, allowed, want) in script {
            assert_eq!(alarm.step(now, status, allowed), want, "at {now}");
        }
    }

    #[test]
    fn a_screen_critical_since_its_load_stays_silent() {
        let mut alarm = Alarm::default();
        assert!(!alarm.step(0.0, None, true));
        for t in 1..500 {
            assert!(!alarm.step(f64::from(t), Some(Status::Critical), true));
        }
    }
}
