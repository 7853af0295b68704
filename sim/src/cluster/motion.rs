//! Deterministic motion: values are pure functions of (seed, key, time), so a scrape at
//! time t always shows the same numbers for the same seed, tests can ask for any t, and
//! counters are monotone by construction rather than by bookkeeping.

use std::f64::consts::TAU;

/// `SplitMix64`: a tiny, well-mixed hash, enough to derive phases and periods from a seed.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A key for one moving quantity: seed, node and a per-quantity tag.
pub fn key(seed: u64, node: usize, tag: u64) -> u64 {
    mix(mix(seed ^ mix(node as u64)) ^ tag)
}

/// A uniform number in [0, 1) derived from `key`.
fn unit(key: u64) -> f64 {
    // Top 53 bits give every representable step of an f64 mantissa.
    (key >> 11) as f64 / (1_u64 << 53) as f64
}

/// Angular frequency and phase for `key`: periods between 2 and 10 minutes, so a
/// dashboard with a 15-minute range shows visible movement.
fn oscillator(key: u64) -> (f64, f64) {
    let period = 120.0 + 480.0 * unit(mix(key ^ 1));
    (TAU / period, TAU * unit(mix(key ^ 2)))
}

/// A smooth wave in [−1, 1]: the mean of two sines of different periods.
pub fn wave(key: u64, t: f64) -> f64 {
    let (w1, p1) = oscillator(key);
    let (w2, p2) = oscillator(mix(key));
    0.5 * ((w1 * t + p1).sin() + (w2 * t + p2).sin())
}

/// A counter growing at `rate` per second on average, whose rate swings by
/// `±swing·rate`. Its derivative is `rate·(1 + swing·sin(ωt+φ))`, never negative for
/// `swing ≤ 1`, so the counter is monotone.
pub fn counter(key: u64, rate: f64, swing: f64, t: f64) -> f64 {
    let (w, p) = oscillator(key);
    let swing = swing.clamp(0.0, 1.0);
    rate * t + rate * swing * (p.cos() - (w * t + p).cos()) / w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wave_stays_in_range_and_moves() {
        for k in 0..20 {
            let key = key(7, k, 3);
            let values: Vec<f64> = (0..2000).map(|i| wave(key, f64::from(i) * 3.0)).collect();
            assert!(values.iter().all(|v| (-1.0..=1.0).contains(v)), "key {k}");
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            assert!(max - min > 0.5, "key {k} barely moves: {min}..{max}");
        }
    }

    #[test]
    fn counter_is_monotone_and_tracks_rate() {
        for k in 0..20 {
            let key = key(1, k, 9);
            let mut last = counter(key, 1000.0, 1.0, 0.0);
            for i in 1..5000 {
                let now = counter(key, 1000.0, 1.0, f64::from(i) * 0.7);
                assert!(now >= last, "key {k} step {i}: {now} < {last}");
                last = now;
            }
            let long = counter(key, 1000.0, 0.5, 1e6);
            assert!((long / 1e6 - 1000.0).abs() < 1.0, "mean rate off: {long}");
        }
    }

    #[test]
    fn same_seed_same_values_other_seed_other_values() {
        let at = |seed, node| wave(key(seed, node, 3), 42.0).to_bits();
        assert_eq!(at(1, 2), at(1, 2));
        assert_ne!(at(1, 2), at(2, 2));
        assert_ne!(at(1, 2), at(1, 3));
    }
}
