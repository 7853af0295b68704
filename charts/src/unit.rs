//! Units: how a graph's numbers are scaled and written on ticks and read-outs.

/// The unit of a graph's values, parsed from the config's free-form `unit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// Bytes, written with binary prefixes (KiB, MiB, …) like `free -h`.
    Bytes,
    /// Values already in percent (0–100).
    Percent,
    /// A fraction 0–1, written as percent because people read "85 %" faster than "0.85".
    Ratio,
    /// Durations in seconds, written as µs/ms/s/min/h/d.
    Seconds,
    /// Anything else: SI prefixes (k, M, G, …) and the text as given (may be empty).
    Plain(String),
}

/// A display scale: divide by `factor`, append `suffix`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    /// What one displayed unit is worth in raw values.
    pub factor: f64,
    /// Appended to the number, with its own leading space where one belongs.
    pub suffix: String,
}

impl Unit {
    /// Reads the config's unit; unrecognised text is kept and appended verbatim.
    pub fn parse(unit: Option<&str>) -> Unit {
        let text = unit.unwrap_or("").trim();
        match text.to_ascii_lowercase().as_str() {
            "bytes" | "byte" | "b" => Unit::Bytes,
            "%" | "percent" => Unit::Percent,
            "ratio" | "percentunit" => Unit::Ratio,
            "s" | "sec" | "secs" | "second" | "seconds" => Unit::Seconds,
            _ => Unit::Plain(text.to_owned()),
        }
    }

    /// Whether 0 belongs on the axis whatever the data: for amounts (bytes,
    /// shares) a zoomed axis exaggerates small changes into alarming cliffs.
    pub fn anchors_at_zero(&self) -> bool {
        matches!(self, Unit::Bytes | Unit::Percent | Unit::Ratio)
    }

    /// The scale for numbers around `magnitude` (the largest absolute value shown).
    pub fn scale(&self, magnitude: f64) -> Scale {
        let m = if magnitude.is_finite() {
            magnitude.abs()
        } else {
            0.0
        };
        match self {
            Unit::Bytes => {
                const NAMES: [&str; 7] = [" B", " KiB", " MiB", " GiB", " TiB", " PiB", " EiB"];
                let mut factor = 1.0;
                let mut name = NAMES[0];
                for next in &NAMES[1..] {
                    if m < factor * 1024.0 {
                        break;
                    }
                    factor *= 1024.0;
                    name = next;
                }
                scale(factor, name)
            }
            Unit::Percent => scale(1.0, "%"),
            Unit::Ratio => scale(0.01, "%"),
            Unit::Seconds => {
                const STEPS: [(f64, &str); 6] = [
                    (86_400.0, " d"),
                    (3_600.0, " h"),
                    (60.0, " min"),
                    (1.0, " s"),
                    (1e-3, " ms"),
                    (1e-6, " µs"),
                ];
                let (factor, name) = STEPS
                    .into_iter()
                    .find(|&(factor, _)| m >= factor)
                    .unwrap_or((1.0, " s"));
                let factor = if m == 0.0 { 1.0 } else { factor };
                scale(factor, name)
            }
            Unit::Plain(text) => {
                const PREFIXES: [(f64, &str); 6] = [
                    (1e18, "E"),
                    (1e15, "P"),
                    (1e12, "T"),
                    (1e9, "G"),
                    (1e6, "M"),
                    (1e3, "k"),
                ];
                // Below 10,000 plain digits read best ("1010", "0.25"); only
                // tiny values get a prefix, as Prometheus's UI does.
                let (factor, prefix) = if m >= 1e4 {
                    PREFIXES
                        .into_iter()
                        .find(|&(factor, _)| m >= factor)
                        .unwrap_or((1.0, ""))
                } else if (1e-9..1e-6).contains(&m) {
                    (1e-9, "n")
                } else if (1e-6..1e-3).contains(&m) {
                    (1e-6, "µ")
                } else {
                    (1.0, "")
                };
                let suffix = match (prefix.is_empty(), text.is_empty()) {
                    (_, true) => prefix.to_owned(),
                    (true, false) => format!(" {text}"),
                    (false, false) => format!("{prefix} {text}"),
                };
                Scale { factor, suffix }
            }
        }
    }

    /// A single value for the legend and the hover read-out: three significant digits.
    pub fn format(&self, value: f64) -> String {
        if let Some(special) = non_finite(value) {
            return special.to_owned();
        }
        let scale = self.scale(value);
        let scaled = value / scale.factor;
        format!("{}{}", significant(scaled, 3), scale.suffix)
    }

    /// Tick labels for evenly spaced `ticks` `step` apart, all on one scale
    /// and with as many decimals as the step needs, so ticks line up and
    /// never repeat ("1.2k, 1.2k, 1.3k").
    pub fn format_ticks(&self, ticks: &[f64], step: f64) -> Vec<String> {
        let magnitude = ticks.iter().fold(0.0_f64, |m, t| m.max(t.abs()));
        let scale = self.scale(magnitude);
        let decimals = decimals_for(step / scale.factor);
        ticks
            .iter()
            .map(|&t| {
                let text = format!("{:.*}", decimals, t / scale.factor);
                let text = if is_negative_zero_text(&text) {
                    text[1..].to_owned()
                } else {
                    text
                };
                format!("{text}{}", scale.suffix)
            })
            .collect()
    }
}

fn scale(factor: f64, suffix: &str) -> Scale {
    Scale {
        factor,
        suffix: suffix.to_owned(),
    }
}

fn non_finite(value: f64) -> Option<&'static str> {
    if value.is_nan() {
        Some("NaN")
    } else if value == f64::INFINITY {
        Some("+Inf")
    } else if value == f64::NEG_INFINITY {
        Some("-Inf")
    } else {
        None
    }
}

/// `value` with `digits` significant digits, trailing zeros dropped.
fn significant(value: f64, digits: i32) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    let magnitude = value.abs().log10().floor();
    let decimals = clamp_decimals(f64::from(digits - 1) - magnitude);
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if is_negative_zero_text(&text) {
        text[1..].to_owned()
    } else {
        text
    }
}

/// Decimals needed to write multiples of `step` exactly (0.25 → 2, 5 → 0).
fn decimals_for(step: f64) -> usize {
    if !step.is_finite() || step <= 0.0 {
        return 0;
    }
    (0..=9)
        .find(|&d| {
            let shifted = step * 10_f64.powi(d);
            (shifted - shifted.round()).abs() < 1e-6 * shifted.max(1.0)
        })
        .map_or(9, |d| clamp_decimals(f64::from(d)))
}

fn clamp_decimals(d: f64) -> usize {
    // Bounded to 0..=9 first, so the cast cannot truncate or lose a sign.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let d = d.clamp(0.0, 9.0) as usize;
    d
}

fn is_negative_zero_text(text: &str) -> bool {
    text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_recognises_the_common_spellings() {
        let table = [
            (None, Unit::Plain(String::new())),
            (Some("bytes"), Unit::Bytes),
            (Some(" Bytes "), Unit::Bytes),
            (Some("%"), Unit::Percent),
            (Some("percent"), Unit::Percent),
            (Some("ratio"), Unit::Ratio),
            (Some("s"), Unit::Seconds),
            (Some("seconds"), Unit::Seconds),
            (Some("req/s"), Unit::Plain("req/s".to_owned())),
        ];
        for (input, expect) in table {
            assert_eq!(Unit::parse(input), expect, "{input:?}");
        }
    }

    #[test]
    fn format_writes_readable_values() {
        let plain = Unit::Plain(String::new());
        let reqs = Unit::Plain("req/s".to_owned());
        let table = [
            (&Unit::Bytes, 0.0, "0 B"),
            (&Unit::Bytes, 512.0, "512 B"),
            (&Unit::Bytes, 1536.0, "1.5 KiB"),
            (&Unit::Bytes, 3.0 * 1024.0 * 1024.0 * 1024.0, "3 GiB"),
            (&Unit::Bytes, 1_234_567_890.0, "1.15 GiB"),
            (&Unit::Percent, 42.345, "42.3%"),
            (&Unit::Ratio, 0.853, "85.3%"),
            (&Unit::Ratio, 1.0, "100%"),
            (&Unit::Seconds, 0.25, "250 ms"),
            (&Unit::Seconds, 0.000_012, "12 µs"),
            (&Unit::Seconds, 1.5, "1.5 s"),
            (&Unit::Seconds, 90.0, "1.5 min"),
            (&Unit::Seconds, 0.0, "0 s"),
            (&plain, 0.25, "0.25"),
            (&plain, 1.0, "1"),
            (&plain, 1234.0, "1234"),
            (&plain, 12_345.0, "12.3k"),
            (&plain, 2_500_000.0, "2.5M"),
            (&plain, -0.00003, "-30µ"),
            (&plain, -0.0, "0"),
            (&reqs, 12_000.0, "12k req/s"),
            (&reqs, 12.0, "12 req/s"),
            (&plain, f64::NAN, "NaN"),
            (&Unit::Bytes, f64::INFINITY, "+Inf"),
            (&Unit::Seconds, f64::NEG_INFINITY, "-Inf"),
        ];
        for (unit, value, expect) in table {
            assert_eq!(unit.format(value), expect, "{unit:?} {value}");
        }
    }

    #[test]
    fn ticks_share_one_scale_and_enough_decimals() {
        let plain = Unit::Plain(String::new());
        let gib = 1024.0 * 1024.0 * 1024.0;
        let table: [(&Unit, Vec<f64>, f64, Vec<&str>); 6] = [
            (&plain, vec![0.0, 0.5, 1.0], 0.5, vec!["0.0", "0.5", "1.0"]),
            (
                &plain,
                vec![1000.0, 1200.0, 1400.0],
                200.0,
                vec!["1000", "1200", "1400"],
            ),
            (
                &plain,
                vec![0.0, 10_000.0, 20_000.0],
                10_000.0,
                vec!["0k", "10k", "20k"],
            ),
            (
                &plain,
                vec![-0.25, 0.0, 0.25],
                0.25,
                vec!["-0.25", "0.00", "0.25"],
            ),
            (
                &Unit::Bytes,
                vec![0.0, 0.5 * gib, gib],
                0.5 * gib,
                vec!["0.0 GiB", "0.5 GiB", "1.0 GiB"],
            ),
            (
                &Unit::Ratio,
                vec![0.0, 0.5, 1.0],
                0.5,
                vec!["0%", "50%", "100%"],
            ),
        ];
        for (unit, ticks, step, expect) in table {
            assert_eq!(
                unit.format_ticks(&ticks, step),
                expect,
                "{unit:?} {ticks:?}"
            );
        }
    }

    #[test]
    fn zero_anchoring_is_for_amounts() {
        let table = [
            (Unit::Bytes, true),
            (Unit::Percent, true),
            (Unit::Ratio, true),
            (Unit::Seconds, false),
            (Unit::Plain(String::new()), false),
        ];
        for (unit, expect) in table {
            assert_eq!(unit.anchors_at_zero(), expect, "{unit:?}");
        }
    }
}
