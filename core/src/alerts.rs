//! The alert sources as data: Prometheus's alerting rules (with their
//! pending and firing alerts) and Alertmanager's alerts, silences and
//! status, decoded from their JSON answers into domain types.
//!
//! Like [`crate::prom`], nothing here sends a request: the browser client
//! sends what [`AlertRequest`] describes and hands the body to the decoders.
//! Wire types (serde mirrors of the JSON) stay private to the decoders; the
//! engine sees validated, bounded domain types only. Every string in them
//! comes from outside and is shown as text, never as markup.

mod decode;
mod error;
mod model;
mod request;
mod time;
mod wire;

pub use decode::{AlertAnswer, AlertLimits, decode_alert_answer};
pub use error::AlertSourceError;
pub use model::{
    AlertRule, AlertRules, AmAlert, AmAlertState, AmAlerts, AmStatus, Annotations, MAX_ALERTS,
    MAX_ANNOTATION_CHARS, RuleAlert, RuleAlertState, RuleHealth, Silence, SilenceMatcher,
    SilenceState, Silences, bounded, is_http_url,
};
pub use request::AlertRequest;
pub use time::parse_rfc3339;

/// The two places alerts are read from, as the screen names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlertSource {
    /// Prometheus's `GET /api/v1/rules?type=alert`.
    PrometheusRules,
    /// Alertmanager's v2 API (`/api/v2/alerts`, `/api/v2/silences`).
    Alertmanager,
}

impl AlertSource {
    /// The value of `data-source` on the screen's error (`prometheus-rules`,
    /// `alertmanager`).
    pub const fn as_str(self) -> &'static str {
        match self {
            AlertSource::PrometheusRules => "prometheus-rules",
            AlertSource::Alertmanager => "alertmanager",
        }
    }

    /// The source's name in a sentence.
    pub const fn name(self) -> &'static str {
        match self {
            AlertSource::PrometheusRules => "Prometheus alerting rules",
            AlertSource::Alertmanager => "Alertmanager",
        }
    }
}

impl std::fmt::Display for AlertSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
