//! The alert sources' requests: each one GET without a body, so the
//! shipped nginx can pass them through a read-only allow-list.

use super::AlertSource;
use crate::prom::{BaseUrl, HttpRequest, Method};

/// One request to an alert source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlertRequest {
    /// Prometheus's `GET /api/v1/rules?type=alert` (rules, their health,
    /// their pending and firing alerts).
    PrometheusRules,
    /// Alertmanager's `GET /api/v2/alerts` (active, suppressed and unprocessed).
    AmAlerts,
    /// Alertmanager's `GET /api/v2/silences`.
    AmSilences,
    /// Alertmanager's `GET /api/v2/status` (its version).
    AmStatus,
}

impl AlertRequest {
    /// The requests of every refresh for the sources configured.
    pub fn each_refresh(prometheus: bool, alertmanager: bool) -> Vec<AlertRequest> {
        let mut out = Vec::new();
        if prometheus {
            out.push(AlertRequest::PrometheusRules);
        }
        if alertmanager {
            out.extend([AlertRequest::AmAlerts, AlertRequest::AmSilences]);
        }
        out
    }

    /// The source it reads.
    pub const fn source(self) -> AlertSource {
        match self {
            AlertRequest::PrometheusRules => AlertSource::PrometheusRules,
            _ => AlertSource::Alertmanager,
        }
    }

    /// Its path and query below the source's base URL.
    pub const fn path(self) -> &'static str {
        match self {
            AlertRequest::PrometheusRules => "/api/v1/rules?type=alert",
            AlertRequest::AmAlerts => "/api/v2/alerts",
            AlertRequest::AmSilences => "/api/v2/silences",
            AlertRequest::AmStatus => "/api/v2/status",
        }
    }

    /// The request below `base` (the datasource's base URL for
    /// Prometheus, `alertmanager.base_url` for Alertmanager).
    pub fn http(self, base: &BaseUrl) -> HttpRequest {
        HttpRequest {
            method: Method::Get,
            url: base.join(self.path()),
            body: None,
            content_type: None,
        }
    }
}
