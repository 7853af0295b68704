//! Why a firing alert raises nothing: who silenced it, why and until when,
//! or which alerts inhibit it.

use leptos::prelude::*;
use panopticon_engine::alerts::SilenceView;

use super::alert_text::duration;
use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// The muted badge's words (`data-testid="alert-silence"`).
#[component]
pub fn AlertSilence(
    /// The silence that mutes the alert, if it is silenced.
    silence: Option<SilenceView>,
    /// The fingerprints of the alerts that inhibit it, if it is inhibited.
    inhibited_by: Vec<String>,
    /// When the evaluation was made (server time, Unix seconds), for "2h left".
    #[prop(into)]
    at: Signal<Option<f64>>,
) -> impl IntoView {
    let what = if let Some(s) = silence {
        let ends = s.ends_at;
        let left = move || {
            at.get()
                .and_then(|now| duration(ends - now))
                .map(|t| format!(" ({t} left)"))
        };
        let comment = (!s.comment.is_empty())
            .then(|| view! { ": " <Untrusted text=s.comment max=SENTENCE_CHARS /> });
        view! {
            "Silenced by " <Untrusted text=s.created_by />
            " until " <time>{clock_time(ends)}</time> {left} {comment}
        }
        .into_any()
    } else if inhibited_by.is_empty() {
        view! { "Muted in Alertmanager" }.into_any()
    } else {
        let by = inhibited_by.join(", ");
        view! { "Inhibited by " <Untrusted text=by max=SENTENCE_CHARS /> }.into_any()
    };
    view! { <p class="alert-silence" data-testid="alert-silence">{what}</p> }
}

/// Local wall-clock time of a Unix timestamp, `14:03`, with the date when
/// it is not today (a silence can last for days).
fn clock_time(unix_secs: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_secs * 1000.0));
    let time = format!("{:02}:{:02}", d.get_hours(), d.get_minutes());
    if js_sys::Date::new_0().to_date_string() == d.to_date_string() {
        return time;
    }
    let (y, m, day) = (d.get_full_year(), d.get_month() + 1, d.get_date());
    format!("{y}-{m:02}-{day:02} {time}")
}
