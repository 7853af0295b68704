//! Combining per-instance ratings into one status (docs/semantics.md, "Aggregation").
//!
//! The original study's counter rule answers three cases and leaves the rest
//! undefined; its prototype showed nothing for them. [`quorum`]
//! defines every case, and counts instances without usable data (missing,
//! NaN, stale, exporter down) as `unknown`, so they can make a result
//! `unknown` or worse but never healthy.

use panopticon_core::Status;

/// Smallest majority of `n`: ⌊n/2⌋+1.
pub const fn quorum_size(n: u32) -> u32 {
    n / 2 + 1
}

/// The quorum rule for one count (docs/semantics.md, "Aggregation"): `count ≥ n` → healthy (more than
/// expected is not a failure), `count ≥ ⌊n/2⌋+1` → warning, else critical.
pub fn rate_count(count: f64, n: u32) -> Status {
    if count >= f64::from(n) {
        Status::Healthy
    } else if count >= f64::from(quorum_size(n)) {
        Status::Warning
    } else {
        Status::Critical
    }
}

/// How many instances got each rating. `unknown` includes expected instances
/// that sent nothing at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Rated healthy.
    pub healthy: u32,
    /// Rated warning.
    pub warning: u32,
    /// Rated critical.
    pub critical: u32,
    /// No usable data.
    pub unknown: u32,
}

impl Tally {
    /// Counts `statuses`.
    pub fn of<I: IntoIterator<Item = Status>>(statuses: I) -> Tally {
        let mut t = Tally::default();
        for s in statuses {
            match s {
                Status::Healthy => t.healthy += 1,
                Status::Warning => t.warning += 1,
                Status::Critical => t.critical += 1,
                Status::Unknown => t.unknown += 1,
            }
        }
        t
    }
}

/// The study's counter rule with N = `n` over `t`, with the instances
/// without data (`t.unknown`) decided by their best case (docs/semantics.md, "Instances"):
///
/// - rate every way the missing instances could turn out (each healthy or
///   warning; a critical one never makes a result better) and take the best;
/// - if even the best is not healthy, that is certain: show it (missing data
///   must not hide a certain warning or critical);
/// - if the best is healthy but instances are missing, the result is
///   `unknown`: only the silent ones could say whether all is well.
///
/// "Counted healthy" alone is not the best case: the counter rule is not
/// monotone (N = 5: w 3, c 2 is a warning, but h 1, w 2, c 2 is critical),
/// so every split of the missing ones between healthy and warning is tried.
pub fn quorum(t: Tally, n: u32) -> Status {
    let missing = t.unknown;
    let best = (0..=missing)
        .map(|as_healthy| {
            let filled = Tally {
                healthy: t.healthy + as_healthy,
                warning: t.warning + (missing - as_healthy),
                critical: t.critical,
                unknown: 0,
            };
            complete_quorum(filled, n)
        })
        .min()
        .unwrap_or(Status::Unknown);
    if best == Status::Healthy && missing > 0 {
        Status::Unknown
    } else {
        best
    }
}

/// The counter rule on complete data, with q = ⌊N/2⌋+1:
///
/// 1. h ≥ N and nothing else → healthy (the study said h = N; an extra,
///    failing instance must not be hidden, so it has to be all healthy);
/// 2. w ≥ q or h ≥ q → warning (the study);
/// 3. c ≥ ⌊N/2⌋ → critical (the study), but at least one critical rating: at
///    N = 1 the study's ⌊1/2⌋ = 0 would call every instance critical;
/// 4. h + w < q → critical: fewer working instances than a quorum;
/// 5. otherwise → warning: a quorum works, some of it restricted.
fn complete_quorum(t: Tally, n: u32) -> Status {
    let q = quorum_size(n);
    let (healthy, warning, critical) = (t.healthy, t.warning, t.critical);
    if healthy >= n && warning == 0 && critical == 0 {
        Status::Healthy
    } else if warning >= q || healthy >= q {
        Status::Warning
    } else if critical >= (n / 2).max(1) || healthy + warning < q {
        Status::Critical
    } else {
        Status::Warning
    }
}

/// Worst-of: any critical instance → critical, then warning, then unknown.
/// Fewer than `n` rated instances (or none) is unknown, never healthy.
pub fn worst(t: Tally, n: u32) -> Status {
    if t.critical > 0 {
        Status::Critical
    } else if t.warning > 0 {
        Status::Warning
    } else if t.unknown > 0 || t.healthy < n.max(1) {
        Status::Unknown
    } else {
        Status::Healthy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(healthy: u32, warning: u32, critical: u32, unknown: u32) -> Tally {
        Tally {
            healthy,
            warning,
            critical,
            unknown,
        }
    }

    #[test]
    fn quorum_counter_rule() {
        use Status::{Critical as C, Healthy as H, Unknown as U, Warning as W};
        // (n, h, w, c, u, expect)
        let table: &[(u32, u32, u32, u32, u32, Status)] = &[
            // N = 1
            (1, 1, 0, 0, 0, H),
            (1, 0, 1, 0, 0, W),
            (1, 0, 0, 1, 0, C),
            (1, 0, 0, 0, 1, U),
            // N = 2: q = 2
            (2, 2, 0, 0, 0, H),
            (2, 1, 1, 0, 0, W),
            (2, 1, 0, 1, 0, C),
            (2, 1, 0, 0, 1, U),
            (2, 0, 0, 0, 2, U),
            // N = 3: q = 2
            (3, 3, 0, 0, 0, H),
            (3, 2, 0, 1, 0, W),
            (3, 2, 0, 0, 1, U), // the silent one decides
            (3, 1, 1, 1, 0, C),
            (3, 1, 0, 0, 2, U),
            (3, 0, 0, 0, 3, U),
            // N = 4: q = 3 — the reference cluster
            (4, 4, 0, 0, 0, H),
            (4, 3, 0, 1, 0, W),
            (4, 3, 0, 0, 1, U),
            (4, 0, 3, 0, 1, W),
            (4, 2, 0, 2, 0, C),
            (4, 0, 0, 2, 2, C),
            (4, 2, 1, 1, 0, W),
            (4, 2, 0, 1, 1, W), // best case h 3 c 1: certainly a warning
            (4, 1, 0, 1, 2, W),
            (4, 1, 0, 0, 3, U),
            (4, 0, 0, 0, 4, U),
            (4, 4, 0, 1, 0, W),
            (4, 1, 1, 1, 0, C),
            // N = 5: q = 3
            (5, 5, 0, 0, 0, H),
            (5, 3, 0, 2, 0, W),
            (5, 2, 1, 2, 0, C),
            (5, 2, 0, 1, 2, W),
            (5, 1, 1, 1, 2, W),
            // N = 6: q = 4
            (6, 6, 0, 0, 0, H),
            (6, 4, 0, 2, 0, W),
            (6, 3, 0, 3, 0, C),
            (6, 3, 1, 2, 0, W),
            (6, 3, 0, 2, 1, W),
            (6, 1, 0, 2, 3, W),
            // N = 7: q = 4
            (7, 7, 0, 0, 0, H),
            (7, 4, 0, 3, 0, W),
            (7, 3, 0, 3, 1, W), // were the silent one healthy: h 4 ≥ q
            (7, 3, 1, 2, 1, W),
            (7, 3, 2, 2, 0, W),
            (7, 3, 0, 2, 2, W),
            (7, 0, 0, 2, 5, W),
            (7, 0, 0, 0, 7, U),
        ];
        for &(n, h, w, c, u, expect) in table {
            assert_eq!(
                quorum(t(h, w, c, u), n),
                expect,
                "n={n} h={h} w={w} c={c} u={u}"
            );
        }
    }

    #[test]
    fn quorum_never_healthy_with_missing_instances() {
        for n in 1..=7 {
            for u in 1..=n {
                assert_ne!(quorum(t(n - u, 0, 0, u), n), Status::Healthy, "n={n} u={u}");
                assert_ne!(worst(t(n - u, 0, 0, u), n), Status::Healthy, "n={n} u={u}");
            }
        }
    }

    /// Every tally with silent instances for N ≤ 7, against its definition:
    /// the best of all the ways the silent ones could turn out (healthy,
    /// warning or critical each), `unknown` where that best is healthy.
    #[test]
    fn silent_instances_get_their_best_case() {
        let mut certain = 0;
        for n in 1..=7 {
            for total in 1..=n {
                for u in 1..=total {
                    for h in 0..=total - u {
                        for w in 0..=total - u - h {
                            let c = total - u - h - w;
                            let mut best = Status::Critical;
                            for fh in 0..=u {
                                for fw in 0..=u - fh {
                                    let filled = quorum(t(h + fh, w + fw, c + (u - fh - fw), 0), n);
                                    best = best.min(filled);
                                }
                            }
                            let expect = if best == Status::Healthy {
                                Status::Unknown
                            } else {
                                certain += 1;
                                best
                            };
                            assert_eq!(
                                quorum(t(h, w, c, u), n),
                                expect,
                                "n={n} h={h} w={w} c={c} u={u}"
                            );
                        }
                    }
                }
            }
        }
        // Not vacuous: many tallies with silent instances are certainly bad.
        assert!(certain > 50, "{certain}");
    }

    #[test]
    fn missing_data_never_hides_a_certain_warning() {
        // The cases: N = 2 w 1 m 1, N = 4 h 2 c 1 m 1.
        assert_eq!(quorum(t(0, 1, 0, 1), 2), Status::Warning);
        assert_eq!(quorum(t(2, 0, 1, 1), 4), Status::Warning);
        // The rule is not monotone: the silent one as healthy would be critical.
        assert_eq!(quorum(t(0, 2, 2, 1), 5), Status::Warning);
    }

    #[test]
    fn worst_of() {
        for (n, tally, expect) in [
            (4, t(4, 0, 0, 0), Status::Healthy),
            (4, t(3, 0, 1, 0), Status::Critical),
            (4, t(3, 1, 0, 0), Status::Warning),
            (4, t(3, 0, 0, 1), Status::Unknown),
            (4, t(2, 1, 0, 1), Status::Warning),
            (4, t(3, 0, 0, 0), Status::Unknown),
            (4, t(0, 0, 0, 0), Status::Unknown),
            (1, t(1, 0, 0, 0), Status::Healthy),
        ] {
            assert_eq!(worst(tally, n), expect, "n={n} {tally:?}");
        }
    }

    #[test]
    fn count_rule_boundaries() {
        for (count, n, expect) in [
            (3.0, 4, Status::Warning),
            (2.999, 4, Status::Critical),
            (4.0, 4, Status::Healthy),
            (3.999, 4, Status::Warning),
        ] {
            assert_eq!(rate_count(count, n), expect, "{count} of {n}");
        }
    }
}
