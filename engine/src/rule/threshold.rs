//! Warning and critical levels on one value, with the edges pinned down.
//!
//! The prototype this product replaces compared with `<` on one side and `>` on the other, so a value
//! exactly at a level matched neither branch and got no status. Here every
//! value falls in exactly one band:
//! - `above` (more is worse): `value ≥ critical` → critical, else
//!   `value ≥ warning` → warning, else healthy. The level itself is already bad
//!   (load per core: < 1 healthy, < 2 warning, ≥ 2 critical).
//! - `below` (less is worse): `value < critical` → critical, else
//!   `value < warning` → warning, else healthy. The level itself is still fine
//!   (free memory: ≥ 15 % healthy, < 15 % warning, < 5 % critical).
//!
//! Both follow how the reference cluster states its limits (docs/reference-cluster.md). NaN never reaches a rule (the
//! check layer turns it into `unknown`); ±Inf compares like any number.

use panopticon_core::Status;

use super::{Rating, fmt_value};

/// Which way a value goes bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Higher is worse; a level counts as reached when `value ≥ level`.
    Above,
    /// Lower is worse; a level counts as reached when `value < level`.
    Below,
}

/// Levels for one value. At least one level is set, and for `above`
/// `warning < critical`, for `below` `warning > critical` (the config check
/// guarantees both).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    /// Which way is bad.
    pub direction: Direction,
    /// Level from which the value is a warning.
    pub warning: Option<f64>,
    /// Level from which the value is critical.
    pub critical: Option<f64>,
}

impl Threshold {
    /// Whether `value` has reached `level` in this threshold's direction.
    fn reached(self, value: f64, level: f64) -> bool {
        match self.direction {
            Direction::Above => value >= level,
            Direction::Below => value < level,
        }
    }

    /// The levels in words: "warning ≥ 1, critical ≥ 2".
    pub fn describe(self) -> String {
        let op = match self.direction {
            Direction::Above => "≥",
            Direction::Below => "<",
        };
        [
            (self.warning, Status::Warning),
            (self.critical, Status::Critical),
        ]
        .into_iter()
        .filter_map(|(level, status)| level.map(|l| format!("{status} {op} {}", fmt_value(l))))
        .collect::<Vec<_>>()
        .join(", ")
    }

    /// Rates `value`; `subject` names it in the sentence.
    pub fn rate(self, subject: &str, value: f64) -> Rating {
        let op = match self.direction {
            Direction::Above => "≥",
            Direction::Below => "<",
        };
        for (level, status) in [
            (self.critical, Status::Critical),
            (self.warning, Status::Warning),
        ] {
            if let Some(level) = level
                && self.reached(value, level)
            {
                return Rating {
                    status,
                    value: Some(value),
                    detail: format!(
                        "{subject} {} {op} {} ({status})",
                        fmt_value(value),
                        fmt_value(level)
                    ),
                };
            }
        }
        Rating::healthy(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(t: Threshold, value: f64, expect: Status) {
        assert_eq!(t.rate("v", value).status, expect, "{t:?} at {value}");
    }

    const LOAD: Threshold = Threshold {
        direction: Direction::Above,
        warning: Some(1.0),
        critical: Some(2.0),
    };
    const MEMORY: Threshold = Threshold {
        direction: Direction::Below,
        warning: Some(0.15),
        critical: Some(0.05),
    };

    #[test]
    fn above_edges_belong_to_the_worse_band() {
        for (value, expect) in [
            (0.0, Status::Healthy),
            (0.999, Status::Healthy),
            (1.0, Status::Warning),
            (1.5, Status::Warning),
            (1.999, Status::Warning),
            (2.0, Status::Critical),
            (2.4, Status::Critical),
            (f64::INFINITY, Status::Critical),
            (f64::NEG_INFINITY, Status::Healthy),
        ] {
            check(LOAD, value, expect);
        }
    }

    #[test]
    fn below_edges_belong_to_the_better_band() {
        for (value, expect) in [
            (1.0, Status::Healthy),
            (0.15, Status::Healthy),
            (0.149, Status::Warning),
            (0.05, Status::Warning),
            (0.049, Status::Critical),
            (0.0, Status::Critical),
            (f64::NEG_INFINITY, Status::Critical),
        ] {
            check(MEMORY, value, expect);
        }
    }

    #[test]
    fn a_single_level_is_enough() {
        let heal = Threshold {
            direction: Direction::Above,
            warning: Some(1.0),
            critical: None,
        };
        for (value, expect) in [
            (0.0, Status::Healthy),
            (1.0, Status::Warning),
            (500.0, Status::Warning),
        ] {
            check(heal, value, expect);
        }
        let only_critical = Threshold {
            direction: Direction::Below,
            warning: None,
            critical: Some(1.0),
        };
        check(only_critical, 1.0, Status::Healthy);
        check(only_critical, 0.0, Status::Critical);
    }

    #[test]
    fn sentence_shows_value_operator_and_level() {
        let got = LOAD.rate("load per core", 2.4);
        assert_eq!(got.detail, "load per core 2.4 ≥ 2 (critical)");
        let got = MEMORY.rate("memory available", 0.1);
        assert_eq!(got.detail, "memory available 0.1 < 0.15 (warning)");
        assert_eq!(LOAD.rate("load", 0.5).detail, "");
    }
}
