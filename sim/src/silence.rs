//! The CLI's client of Alertmanager's silences (`silence`, `silences`, `unsilence`): the
//! demo's way to put a service "in maintenance" next to the simulator's faults. A silence
//! is made directly through Alertmanager's own API (`POST /api/v2/silences`), never through
//! the dashboard's proxy, which refuses it.

use thiserror::Error;

/// Read by the silence commands when `--alertmanager` is not given.
pub const ALERTMANAGER_ENV: &str = "PANOPTICON_SIM_ALERTMANAGER";
pub const DEFAULT_ALERTMANAGER: &str = "http://127.0.0.1:9093";
pub const DEFAULT_MINUTES: u32 = 60;
/// A year: a longer silence is a forgotten one.
pub const MAX_MINUTES: u32 = 525_600;

/// One call to Alertmanager's v2 API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertmanagerCall {
    /// Silences every alert labelled `service="<service>"`, as the reference rule file
    /// labels them and the reference configuration maps them (`{service="<id>"}`).
    Silence {
        service: String,
        minutes: u32,
        comment: String,
        created_by: String,
    },
    Silences,
    /// Expires one silence by its id.
    Unsilence {
        id: String,
    },
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SilenceError {
    #[error("the clock is before 1970")]
    ClockBefore1970,
}

impl AlertmanagerCall {
    /// HTTP method, path and JSON body of the call, at `now_unix` seconds.
    pub fn request(&self, now_unix: u64) -> (&'static str, String, Option<String>) {
        match self {
            Self::Silences => ("GET", "/api/v2/silences".to_owned(), None),
            Self::Unsilence { id } => (
                "DELETE",
                format!("/api/v2/silence/{}", path_segment(id)),
                None,
            ),
            Self::Silence {
                service,
                minutes,
                comment,
                created_by,
            } => {
                let body = serde_json::json!({
                    "matchers": [{ "name": "service", "value": service, "isRegex": false, "isEqual": true }],
                    "startsAt": rfc3339(now_unix),
                    "endsAt": rfc3339(now_unix + u64::from(*minutes) * 60),
                    "createdBy": created_by,
                    "comment": comment,
                });
                (
                    "POST",
                    "/api/v2/silences".to_owned(),
                    Some(body.to_string()),
                )
            }
        }
    }
}

/// Seconds since 1970 now.
pub fn now_unix() -> Result<u64, SilenceError> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| SilenceError::ClockBefore1970)
}

/// A silence id goes into the path: anything but the characters of a UUID is escaped, so
/// an id cannot name another endpoint.
fn path_segment(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// UTC time as Alertmanager's API wants it (`2026-11-27T18:34:40Z`). Written here because
/// the simulator has no date crate and needs nothing else of one.
pub fn rfc3339(unix: u64) -> String {
    let days = unix / 86_400;
    let rest = unix % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`,
/// for days ≥ 0).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_286_080), "2026-11-21T18:34:40Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
        assert_eq!(rfc3339(4_107_542_400), "2100-03-01T00:00:00Z");
    }

    #[test]
    fn requests() {
        let call = AlertmanagerCall::Silence {
            service: "weave".to_owned(),
            minutes: 30,
            comment: "router upgrade".to_owned(),
            created_by: "alice".to_owned(),
        };
        let (method, path, body) = call.request(1_795_286_080);
        assert_eq!((method, path.as_str()), ("POST", "/api/v2/silences"));
        let body: serde_json::Value = serde_json::from_str(&body.unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "matchers": [{ "name": "service", "value": "weave", "isRegex": false, "isEqual": true }],
                "startsAt": "2026-11-21T18:34:40Z",
                "endsAt": "2026-11-21T19:04:40Z",
                "createdBy": "alice",
                "comment": "router upgrade",
            })
        );
        assert_eq!(
            AlertmanagerCall::Silences.request(0),
            ("GET", "/api/v2/silences".to_owned(), None)
        );
        assert_eq!(
            AlertmanagerCall::Unsilence {
                id: "5df73ea5-b59d-4837-a05a-42002841b1bd".to_owned()
            }
            .request(0),
            (
                "DELETE",
                "/api/v2/silence/5df73ea5-b59d-4837-a05a-42002841b1bd".to_owned(),
                None
            )
        );
        assert_eq!(
            AlertmanagerCall::Unsilence {
                id: "../../-/reload?x".to_owned()
            }
            .request(0)
            .1,
            "/api/v2/silence/%2E%2E%2F%2E%2E%2F-%2Freload%3Fx"
        );
    }
}
