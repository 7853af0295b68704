//! Rating series that are split by a state label.
//!
//! Weave Net publishes `weave_connections{state="established|connecting|
//! pending|retrying|failed"}`; `consul_exporter` publishes
//! `consul_health_node_status{status="passing|warning|critical|maintenance"}`
//! with 1 on the current status. Both are "which states are non-zero, and is
//! there enough of the good one". A state that is non-zero takes its
//! configured status; an expected state with too small a count takes the
//! shortfall status. The instance gets the worst of these.
//!
//! "Persistent" retrying (docs/reference-cluster.md) is deliberately not a matter of this rule:
//! a rule sees one evaluation. The reference config rates it with a second
//! check over `min_over_time(weave_connections{state="retrying"}[10m])`, so
//! Prometheus decides persistence from its own history, which survives
//! reloads of the page and does not depend on the refresh interval.

use panopticon_core::Status;

use super::{Rating, fmt_value};

/// The rule's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelState {
    /// The label holding the state (`state`, `status`).
    pub label: String,
    /// Status for each state while its value is non-zero.
    pub states: Vec<(String, Status)>,
    /// Status for a non-zero state the config does not list: a new state
    /// name must not pass unnoticed.
    pub unlisted: Status,
    /// A state that must reach a count.
    pub expect: Option<Expectation>,
}

/// "There must be this many in this state".
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// The state counted.
    pub state: String,
    /// How many are needed.
    pub count: ExpectCount,
    /// Status when fewer are present.
    pub shortfall: Status,
}

/// A count relative to N, so one config fits any cluster size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExpectCount {
    /// N−1: one per other instance (mesh links).
    Peers,
    /// N.
    All,
    /// A fixed number.
    Exactly(f64),
}

impl ExpectCount {
    /// The count for `n` expected instances.
    pub fn resolve(self, n: u32) -> f64 {
        match self {
            ExpectCount::Peers => f64::from(n.saturating_sub(1)),
            ExpectCount::All => f64::from(n),
            ExpectCount::Exactly(c) => c,
        }
    }
}

impl LabelState {
    /// The rule in words: which states are bad and what count is expected.
    pub fn describe(&self, n: u32) -> String {
        let mut parts: Vec<String> = self
            .states
            .iter()
            .filter(|(_, st)| *st != Status::Healthy)
            .map(|(state, st)| format!("{}={state} > 0 → {st}", self.label))
            .collect();
        parts.push(format!("other {} > 0 → {}", self.label, self.unlisted));
        if let Some(e) = &self.expect {
            parts.push(format!(
                "fewer than {} {}={} → {}",
                fmt_value(e.count.resolve(n)),
                self.label,
                e.state,
                e.shortfall
            ));
        }
        parts.join("; ")
    }

    /// Rates one instance's series, given as `(state label value, value)`.
    /// A series without the label counts as state `""`.
    pub fn rate(&self, subject: &str, n: u32, series: &[(&str, f64)]) -> Rating {
        let mut status = Status::Healthy;
        let mut parts = Vec::new();
        for &(state, value) in series {
            if value == 0.0 {
                continue;
            }
            let st = self
                .states
                .iter()
                .find(|(s, _)| s == state)
                .map_or(self.unlisted, |&(_, st)| st);
            if st != Status::Healthy {
                status = status.worst(st);
                parts.push(format!(
                    "{} {}={state} ({st})",
                    fmt_value(value),
                    self.label
                ));
            }
        }
        let mut shown = None;
        if let Some(expect) = &self.expect {
            let have: f64 = series
                .iter()
                .filter(|(s, _)| *s == expect.state)
                .map(|&(_, v)| v)
                .sum();
            let need = expect.count.resolve(n);
            shown = Some(have);
            if have < need {
                status = status.worst(expect.shortfall);
                parts.push(format!(
                    "{} of {} expected {}={} ({})",
                    fmt_value(have),
                    fmt_value(need),
                    self.label,
                    expect.state,
                    expect.shortfall
                ));
            }
        }
        Rating {
            status,
            value: shown,
            detail: if parts.is_empty() {
                String::new()
            } else {
                format!("{subject}: {}", parts.join(", "))
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weave() -> LabelState {
        LabelState {
            label: "state".to_owned(),
            states: vec![
                ("established".to_owned(), Status::Healthy),
                ("connecting".to_owned(), Status::Warning),
                ("pending".to_owned(), Status::Warning),
                ("retrying".to_owned(), Status::Warning),
                ("failed".to_owned(), Status::Critical),
            ],
            unlisted: Status::Warning,
            expect: Some(Expectation {
                state: "established".to_owned(),
                count: ExpectCount::Peers,
                shortfall: Status::Critical,
            }),
        }
    }

    fn series(est: f64, conn: f64, pend: f64, retr: f64, fail: f64) -> Vec<(&'static str, f64)> {
        vec![
            ("established", est),
            ("connecting", conn),
            ("pending", pend),
            ("retrying", retr),
            ("failed", fail),
        ]
    }

    #[test]
    fn weave_connection_states() {
        let rule = weave();
        // (n, series, expect)
        let table = [
            (4, series(3.0, 0.0, 0.0, 0.0, 0.0), Status::Healthy),
            (4, series(3.0, 1.0, 0.0, 0.0, 0.0), Status::Warning),
            (4, series(3.0, 0.0, 1.0, 0.0, 0.0), Status::Warning),
            (4, series(3.0, 0.0, 0.0, 1.0, 0.0), Status::Warning),
            (4, series(3.0, 0.0, 0.0, 0.0, 1.0), Status::Critical),
            // A reconnecting link is one that is missing from established.
            (4, series(2.0, 1.0, 0.0, 0.0, 0.0), Status::Critical),
            (4, series(0.0, 0.0, 0.0, 0.0, 0.0), Status::Critical),
            (3, series(2.0, 0.0, 0.0, 0.0, 0.0), Status::Healthy),
            (1, series(0.0, 0.0, 0.0, 0.0, 0.0), Status::Healthy),
            (
                4,
                vec![("established", 3.0), ("split-brain", 1.0)],
                Status::Warning,
            ),
            (4, vec![("connecting", 1.0)], Status::Critical),
        ];
        for (n, s, expect) in table {
            let got = rule.rate("weave connections", n, &s);
            assert_eq!(got.status, expect, "n={n} {s:?}: {got:?}");
            assert_eq!(got.detail.is_empty(), expect == Status::Healthy, "{got:?}");
        }
    }

    #[test]
    fn sentence_lists_every_problem() {
        let got = weave().rate("weave connections", 4, &series(2.0, 0.0, 0.0, 0.0, 1.0));
        assert_eq!(
            got.detail,
            "weave connections: 1 state=failed (critical), 2 of 3 expected state=established (critical)"
        );
        assert_eq!(got.value, Some(2.0));
    }

    #[test]
    fn consul_health_status_one_marks_current() {
        let rule = LabelState {
            label: "status".to_owned(),
            states: vec![
                ("passing".to_owned(), Status::Healthy),
                ("warning".to_owned(), Status::Warning),
                ("critical".to_owned(), Status::Critical),
                ("maintenance".to_owned(), Status::Warning),
            ],
            unlisted: Status::Warning,
            expect: None,
        };
        let s = |p, w, c, m| {
            vec![
                ("passing", p),
                ("warning", w),
                ("critical", c),
                ("maintenance", m),
            ]
        };
        for (series, expect) in [
            (s(1.0, 0.0, 0.0, 0.0), Status::Healthy),
            (s(0.0, 1.0, 0.0, 0.0), Status::Warning),
            (s(0.0, 0.0, 1.0, 0.0), Status::Critical),
            (s(0.0, 0.0, 0.0, 1.0), Status::Warning),
        ] {
            assert_eq!(rule.rate("node health", 4, &series).status, expect);
        }
    }
}
