//! Rules: how the samples of one instance become a status and a sentence.
//!
//! Every rule is a pure function of the values it is given plus N, the
//! expected instance count. The no-data policy (missing series, NaN, stale
//! samples, exporters down, failed queries) is applied *before* a rule runs,
//! in [`crate::check`], so a rule only ever sees real numbers.

mod label_state;
mod threshold;

pub use label_state::{ExpectCount, Expectation, LabelState};
pub use threshold::{Direction, Threshold};

use panopticon_core::Status;

use crate::aggregate;

/// How one instance's value(s) are rated. One enum, so the config, the
/// engine and the UI agree on the complete list.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// Above/below a warning and a critical level.
    Threshold(Threshold),
    /// The value must equal `expected` (e.g. `1` for a boolean gauge);
    /// anything else is `otherwise`.
    Equals {
        /// The good value.
        expected: f64,
        /// The status for any other value.
        otherwise: Status,
    },
    /// The value is a count rated against N with the quorum rule (docs/semantics.md, "Aggregation"):
    /// N → healthy, ≥ ⌊N/2⌋+1 → warning, fewer → critical.
    Quorum,
    /// The value counts the *other* instances this one sees (N−1 when
    /// healthy), so value+1 is rated against N with the quorum rule.
    Peers,
    /// The check's query divided by `denominator`, joined on the instance
    /// label, then rated with `threshold` (load per core, free memory share).
    Ratio {
        /// The divisor expression.
        denominator: String,
        /// Levels for the quotient.
        threshold: Threshold,
    },
    /// Series split by a state label (`weave_connections{state}`), rated by
    /// which states are non-zero and whether an expected state has enough.
    LabelState(LabelState),
}

/// One rated value: the status and, unless healthy, why.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    /// The verdict.
    pub status: Status,
    /// The value the verdict is about (the quotient for ratios, the expected
    /// state's count for label states), when there is one.
    pub value: Option<f64>,
    /// A phrase a person understands, without the instance name
    /// (e.g. `load per core 2.4 ≥ 2 (critical)`); empty when healthy.
    pub detail: String,
}

impl Rating {
    /// A healthy rating of `value`.
    pub fn healthy(value: f64) -> Rating {
        Rating {
            status: Status::Healthy,
            value: Some(value),
            detail: String::new(),
        }
    }
}

impl Rule {
    /// The rule's name as written in config files.
    pub const fn kind(&self) -> &'static str {
        match self {
            Rule::Threshold(_) => "threshold",
            Rule::Equals { .. } => "equals",
            Rule::Quorum => "quorum",
            Rule::Peers => "peers",
            Rule::Ratio { .. } => "ratio",
            Rule::LabelState(_) => "label_state",
        }
    }

    /// The rule in words, for the service detail panel ("warning ≥ 1, critical ≥ 2").
    /// `n` is the expected instance count the rule is judged against.
    pub fn describe(&self, n: u32) -> String {
        match self {
            Rule::Threshold(t) => t.describe(),
            Rule::Ratio {
                denominator,
                threshold,
            } => {
                format!("divided by {denominator}: {}", threshold.describe())
            }
            Rule::Equals {
                expected,
                otherwise,
            } => {
                format!("must be {}; otherwise {otherwise}", fmt_value(*expected))
            }
            Rule::Quorum => {
                let q = aggregate::quorum_size(n);
                format!("count of {n}: {n} healthy, ≥ {q} warning, < {q} critical")
            }
            Rule::Peers => {
                let q = aggregate::quorum_size(n);
                let peers = n.saturating_sub(1);
                let warn = q.saturating_sub(1);
                format!("peers seen: {peers} healthy, ≥ {warn} warning, < {warn} critical")
            }
            Rule::LabelState(ls) => ls.describe(n),
        }
    }

    /// Rates one plain value (every rule but [`Rule::LabelState`], which needs
    /// all of an instance's series; for it this rates nothing and says so).
    /// `subject` names the quantity in the sentence, `n` is the expected
    /// instance count.
    pub fn rate_value(&self, subject: &str, n: u32, value: f64) -> Rating {
        match self {
            Rule::Threshold(t) | Rule::Ratio { threshold: t, .. } => t.rate(subject, value),
            Rule::Equals {
                expected,
                otherwise,
            } => {
                // Exact comparison is intended: the rule is for gauges that are
                // exactly 0 or 1 (or another exact code), not for measurements.
                #[allow(clippy::float_cmp)]
                let ok = value == *expected;
                if ok {
                    Rating::healthy(value)
                } else {
                    Rating {
                        status: *otherwise,
                        value: Some(value),
                        detail: format!(
                            "{subject} is {}, expected {}",
                            fmt_value(value),
                            fmt_value(*expected)
                        ),
                    }
                }
            }
            Rule::Quorum => rate_count(subject, value, value, n),
            Rule::Peers => rate_count(subject, value, value + 1.0, n),
            Rule::LabelState(_) => Rating {
                status: Status::Unknown,
                value: Some(value),
                detail: format!("{subject}: a label-state rule cannot rate a single value"),
            },
        }
    }
}

/// Rates `count` (shown as `shown`) against `n` with the quorum rule.
fn rate_count(subject: &str, shown: f64, count: f64, n: u32) -> Rating {
    let status = aggregate::rate_count(count, n);
    let q = aggregate::quorum_size(n);
    let detail = match status {
        Status::Healthy => String::new(),
        Status::Warning => format!(
            "{subject} {} of {n} — quorum {q} still holds (warning)",
            fmt_value(count)
        ),
        _ => format!(
            "{subject} {} of {n} — below quorum {q} (critical)",
            fmt_value(count)
        ),
    };
    Rating {
        status,
        value: Some(shown),
        detail,
    }
}

/// Formats a value for sentences: integers without decimals, others with up
/// to three decimals, trailing zeros trimmed (`2.4`, `0.125`, `3`).
pub fn fmt_value(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        // Through an integer: the same digits as `{value:.0}`, without the
        // float formatter's exact mode, which dominated failing evaluations
        // at 1,000 nodes (every instance's sentence has counts in it).
        #[allow(clippy::cast_possible_truncation)]
        let whole = value as i64;
        return if whole == 0 && value.is_sign_negative() {
            "-0".to_owned()
        } else {
            whole.to_string()
        };
    }
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "0" || text == "-0" {
        // Tiny but non-zero: do not print a misleading 0.
        format!("{value:.2e}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_describe_themselves() {
        let check = |rule: Rule, n: u32, expect: &str| assert_eq!(rule.describe(n), expect);
        let t = |direction, warning, critical| Threshold {
            direction,
            warning,
            critical,
        };
        check(
            Rule::Threshold(t(Direction::Above, Some(1.0), Some(2.0))),
            4,
            "warning ≥ 1, critical ≥ 2",
        );
        check(
            Rule::Ratio {
                denominator: "node_memory_MemTotal_bytes".into(),
                threshold: t(Direction::Below, Some(0.15), Some(0.05)),
            },
            4,
            "divided by node_memory_MemTotal_bytes: warning < 0.15, critical < 0.05",
        );
        check(
            Rule::Equals {
                expected: 1.0,
                otherwise: Status::Critical,
            },
            4,
            "must be 1; otherwise critical",
        );
        check(
            Rule::Quorum,
            4,
            "count of 4: 4 healthy, ≥ 3 warning, < 3 critical",
        );
        check(
            Rule::Peers,
            4,
            "peers seen: 3 healthy, ≥ 2 warning, < 2 critical",
        );
        check(
            Rule::Quorum,
            1,
            "count of 1: 1 healthy, ≥ 1 warning, < 1 critical",
        );
    }

    fn check(rule: &Rule, n: u32, value: f64, expect: Status) {
        let got = rule.rate_value("x", n, value);
        assert_eq!(got.status, expect, "{rule:?} n={n} value={value}: {got:?}");
        assert_eq!(got.detail.is_empty(), expect == Status::Healthy, "{got:?}");
    }

    #[test]
    fn equals_rates_exact_value() {
        let rule = Rule::Equals {
            expected: 1.0,
            otherwise: Status::Critical,
        };
        for (value, expect) in [
            (1.0, Status::Healthy),
            (0.0, Status::Critical),
            (2.0, Status::Critical),
            (0.999, Status::Critical),
            (f64::INFINITY, Status::Critical),
        ] {
            check(&rule, 4, value, expect);
        }
        let soft = Rule::Equals {
            expected: 0.0,
            otherwise: Status::Warning,
        };
        check(&soft, 4, 0.0, Status::Healthy);
        check(&soft, 4, 3.0, Status::Warning);
    }

    #[test]
    fn quorum_for_n_1_to_7() {
        // (n, count, expect): N → healthy; ≥ ⌊N/2⌋+1 → warning; else critical.
        let table: &[(u32, f64, Status)] = &[
            (1, 1.0, Status::Healthy),
            (1, 0.0, Status::Critical),
            (2, 2.0, Status::Healthy),
            (2, 1.0, Status::Critical),
            (3, 3.0, Status::Healthy),
            (3, 2.0, Status::Warning),
            (3, 1.0, Status::Critical),
            (4, 4.0, Status::Healthy),
            (4, 3.0, Status::Warning),
            (4, 2.0, Status::Critical),
            (5, 5.0, Status::Healthy),
            (5, 3.0, Status::Warning),
            (5, 2.0, Status::Critical),
            (6, 6.0, Status::Healthy),
            (6, 4.0, Status::Warning),
            (6, 3.0, Status::Critical),
            (7, 7.0, Status::Healthy),
            (7, 4.0, Status::Warning),
            (7, 3.0, Status::Critical),
            (4, 5.0, Status::Healthy),
            (4, 0.0, Status::Critical),
            (4, -1.0, Status::Critical),
        ];
        for &(n, count, expect) in table {
            check(&Rule::Quorum, n, count, expect);
        }
    }

    #[test]
    fn peers_rates_value_plus_one() {
        for &(n, peers, expect) in &[
            (4, 3.0, Status::Healthy),
            (4, 2.0, Status::Warning),
            (4, 1.0, Status::Critical),
            (3, 2.0, Status::Healthy),
            (3, 1.0, Status::Warning),
            (3, 0.0, Status::Critical),
            (1, 0.0, Status::Healthy),
        ] {
            check(&Rule::Peers, n, peers, expect);
        }
    }

    #[test]
    fn quorum_sentence_names_count_and_quorum() {
        let got = Rule::Quorum.rate_value("raft peers", 4, 2.0);
        assert_eq!(got.detail, "raft peers 2 of 4 — below quorum 3 (critical)");
        let got = Rule::Peers.rate_value("gluster peers", 4, 2.0);
        assert_eq!(
            got.detail,
            "gluster peers 3 of 4 — quorum 3 still holds (warning)"
        );
        assert_eq!(got.value, Some(2.0));
    }

    #[test]
    fn whole_values_print_as_the_float_formatter_would() {
        for value in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            3.0,
            999.0,
            1e14,
            -1e14,
            999_999_999_999_999.0,
        ] {
            assert_eq!(fmt_value(value), format!("{value:.0}"), "{value:?}");
        }
        assert_eq!(fmt_value(-0.0), "-0");
        assert_eq!(fmt_value(1e15), "1000000000000000");
    }

    #[test]
    fn values_print_briefly() {
        for (value, expect) in [
            (2.0, "2"),
            (2.4, "2.4"),
            (0.125, "0.125"),
            (0.333_333, "0.333"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Inf"),
            (0.000_01, "1.00e-5"),
        ] {
            assert_eq!(fmt_value(value), expect);
        }
    }
}
