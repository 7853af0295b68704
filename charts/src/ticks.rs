//! Where the grid lines go: round values on the value axis, round clock
//! times on the time axis.

use crate::time::{DAY, format_time_tick};

/// Round ticks covering `lo..=hi`: about `target` of them, `step` apart, at
/// multiples of 1, 2, 2.5 or 5 × 10ⁿ. Returns `(ticks, step)`; the first and last
/// tick are the axis ends, so a line never touches the frame by accident.
///
/// `lo` and `hi` are in display units (already divided by the unit's factor),
/// so bytes get ticks at 0.5 GiB rather than at 500,000,000 B.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi), lo.max(hi))
    } else {
        (0.0, 1.0)
    };
    let (lo, hi) = if hi - lo > f64::EPSILON * hi.abs().max(1.0) {
        (lo, hi)
    } else {
        (lo - 0.5, hi + 0.5)
    };
    let target = target.clamp(2, 20) as f64;
    let raw = (hi - lo) / target;
    let power = 10_f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= raw * 0.999)
        .unwrap_or(10.0 * power);
    let first = (lo / step + 1e-9).floor();
    let last = (hi / step - 1e-9).ceil();
    let snap = 10_f64.powf((2.0 - step.log10().floor()).clamp(0.0, 15.0));
    // At most ~2 × target + 2 ticks by construction of `step`.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let count = (last - first).clamp(1.0, 100.0) as usize;
    let ticks = (0..=count)
        .map(|i| {
            let v = (first + i as f64) * step;
            // Snap away float noise such as 0.30000000000000004 and -0.
            let v = (v * snap).round() / snap;
            if v == 0.0 { 0.0 } else { v }
        })
        .collect();
    (ticks, step)
}

/// A labelled position on the time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeTick {
    /// Unix seconds.
    pub time: f64,
    /// What is written under it.
    pub label: String,
}

/// Clock-aligned ticks inside `start..=end` (local time at `utc_offset_secs`),
/// about `target` of them: every 10 s, 1 min, 15 min, 1 h, 6 h, 1 d, ….
pub fn time_ticks(start: f64, end: f64, target: usize, utc_offset_secs: i32) -> Vec<TimeTick> {
    const STEPS: [f64; 19] = [
        1.0,
        2.0,
        5.0,
        10.0,
        15.0,
        30.0,
        60.0,
        120.0,
        300.0,
        600.0,
        900.0,
        1800.0,
        3600.0,
        7200.0,
        10_800.0,
        21_600.0,
        43_200.0,
        DAY,
        7.0 * DAY,
    ];
    if !(start.is_finite() && end.is_finite() && start < end) {
        return Vec::new();
    }
    let raw = (end - start) / target.max(1) as f64;
    let step = STEPS
        .into_iter()
        .find(|&s| s >= raw)
        .unwrap_or_else(|| (raw / DAY).ceil() * DAY);
    let offset = f64::from(utc_offset_secs);
    let mut time = ((start + offset) / step).ceil() * step - offset;
    let mut ticks = Vec::new();
    while time <= end && ticks.len() < 100 {
        ticks.push(TimeTick {
            time,
            label: format_time_tick(time, step, utc_offset_secs),
        });
        time += step;
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(lo: f64, hi: f64, target: usize, expect: &[f64], expect_step: f64) {
        let (ticks, step) = nice_ticks(lo, hi, target);
        assert!(
            (step - expect_step).abs() < 1e-12,
            "{lo}..{hi}: step {step}"
        );
        assert_eq!(ticks.len(), expect.len(), "{lo}..{hi}: {ticks:?}");
        for (got, want) in ticks.iter().zip(expect) {
            assert!((got - want).abs() < 1e-12, "{lo}..{hi}: {ticks:?}");
        }
    }

    #[test]
    fn nice_ticks_are_round_and_cover_the_range() {
        check(0.0, 1.0, 5, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0], 0.2);
        check(0.0, 1.05, 5, &[0.0, 0.25, 0.5, 0.75, 1.0, 1.25], 0.25);
        check(-0.00003, 1.0, 4, &[-0.25, 0.0, 0.25, 0.5, 0.75, 1.0], 0.25);
        check(3.0, 3.0, 5, &[2.4, 2.6, 2.8, 3.0, 3.2, 3.4, 3.6], 0.2);
        check(12.0, 87.0, 5, &[0.0, 20.0, 40.0, 60.0, 80.0, 100.0], 20.0);
        check(f64::NAN, 1.0, 5, &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0], 0.2);
    }

    #[test]
    fn time_ticks_align_to_the_local_clock() {
        // 2026-11-21 14:03:25 UTC.
        let t = 1_795_269_805.0;
        let labels = |start: f64, end: f64, target, offset| -> Vec<String> {
            time_ticks(start, end, target, offset)
                .into_iter()
                .map(|tick| tick.label)
                .collect()
        };
        let table = [
            (
                labels(t, t + 3600.0, 4, 0),
                vec!["14:15", "14:30", "14:45", "15:00"],
            ),
            (
                labels(t, t + 3600.0, 4, 1800),
                vec!["14:45", "15:00", "15:15", "15:30"],
            ),
            (
                labels(t, t + 60.0, 6, 0),
                vec![
                    "14:03:30", "14:03:40", "14:03:50", "14:04:00", "14:04:10", "14:04:20",
                ],
            ),
            (
                labels(t, t + 3.0 * DAY, 3, 0),
                vec!["11-22", "11-23", "11-24"],
            ),
            (labels(t, t, 3, 0), vec![]),
        ];
        for (got, expect) in table {
            assert_eq!(got, expect);
        }
    }
}
