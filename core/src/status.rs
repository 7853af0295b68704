//! The four statuses every verdict is expressed in.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How well something works.
///
/// The derived order is the "worst of" order (docs/semantics.md, "Statuses"):
/// `Healthy < Unknown < Warning < Critical`. `Unknown` ranks above `Healthy`
/// so that missing data can never be reported as green, and below `Warning`
/// so that it never hides a real problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Fully functional, no restrictions.
    Healthy,
    /// No data, stale data, or the data source failed.
    Unknown,
    /// Partly functional; intervention recommended.
    Warning,
    /// Not functional; intervention required.
    Critical,
}

impl Status {
    /// All statuses, best first.
    pub const ALL: [Status; 4] = [
        Status::Healthy,
        Status::Unknown,
        Status::Warning,
        Status::Critical,
    ];

    /// Lower-case identifier, used in CSS classes, `data-status` attributes and config files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Healthy => "healthy",
            Status::Unknown => "unknown",
            Status::Warning => "warning",
            Status::Critical => "critical",
        }
    }

    /// Upper-case word for the banner, readable from across a room.
    pub const fn label(self) -> &'static str {
        match self {
            Status::Healthy => "HEALTHY",
            Status::Unknown => "UNKNOWN",
            Status::Warning => "WARNING",
            Status::Critical => "CRITICAL",
        }
    }

    /// A glyph that differs in shape per status, so colour is never the only signal.
    pub const fn icon(self) -> &'static str {
        match self {
            Status::Healthy => "✔",
            Status::Unknown => "?",
            Status::Warning => "▲",
            Status::Critical => "✖",
        }
    }

    /// The worse of two statuses.
    #[must_use]
    pub fn worst(self, other: Status) -> Status {
        self.max(other)
    }

    /// The worst of many statuses; `None` for an empty input, because "no
    /// statuses" means nothing was judged, which callers must turn into
    /// `Unknown` with a reason rather than silently into `Healthy`.
    pub fn worst_of<I: IntoIterator<Item = Status>>(statuses: I) -> Option<Status> {
        statuses.into_iter().max()
    }

    /// `self`, but no worse than `cap` (used by soft dependency edges).
    #[must_use]
    pub fn capped_at(self, cap: Status) -> Status {
        self.min(cap)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not one of `healthy`, `unknown`, `warning`, `critical`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status {0:?}: expected healthy, unknown, warning or critical")]
pub struct ParseStatusError(pub String);

impl std::str::FromStr for Status {
    type Err = ParseStatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| ParseStatusError(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_worst_of_order() {
        assert!(Status::Healthy < Status::Unknown);
        assert!(Status::Unknown < Status::Warning);
        assert!(Status::Warning < Status::Critical);
    }

    #[test]
    fn unknown_never_hides_real_problems_and_is_never_green() {
        assert_eq!(Status::Healthy.worst(Status::Unknown), Status::Unknown);
        assert_eq!(Status::Unknown.worst(Status::Warning), Status::Warning);
        assert_eq!(Status::Critical.worst(Status::Unknown), Status::Critical);
    }

    #[test]
    fn worst_of_empty_is_none() {
        assert_eq!(Status::worst_of([]), None);
        assert_eq!(
            Status::worst_of([Status::Healthy, Status::Warning, Status::Unknown]),
            Some(Status::Warning)
        );
    }

    #[test]
    fn cap_limits_soft_edges() {
        assert_eq!(Status::Critical.capped_at(Status::Warning), Status::Warning);
        assert_eq!(Status::Unknown.capped_at(Status::Warning), Status::Unknown);
        assert_eq!(Status::Healthy.capped_at(Status::Warning), Status::Healthy);
    }

    #[test]
    fn round_trips_through_text() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
        assert!("green".parse::<Status>().is_err());
    }
}
