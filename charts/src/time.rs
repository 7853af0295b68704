//! Wall-clock text for time ticks and read-outs.
//!
//! The browser passes its UTC offset in; no time-zone database is compiled
//! into the bundle for the handful of labels a graph needs.

/// Seconds in a day.
pub(crate) const DAY: f64 = 86_400.0;

/// `HH:MM:SS` of unix time `t` at `utc_offset_secs`.
pub fn format_clock(t: f64, utc_offset_secs: i32) -> String {
    let (_, secs) = split(t, utc_offset_secs);
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// A time-axis label for a tick at `t` when ticks are `step` seconds apart:
/// seconds only when they change between ticks, the date only when days do.
pub fn format_time_tick(t: f64, step: f64, utc_offset_secs: i32) -> String {
    let (days, secs) = split(t, utc_offset_secs);
    if step >= DAY {
        let (_, month, day) = civil_from_days(days);
        format!("{month:02}-{day:02}")
    } else if step < 60.0 {
        format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        format!("{:02}:{:02}", secs / 3600, secs / 60 % 60)
    }
}

/// The read-out's time: the clock, with the date in front when the graph
/// spans more than a day (otherwise "09:00" could be today or yesterday).
pub(crate) fn format_readout_time(t: f64, span: f64, utc_offset_secs: i32) -> String {
    let clock = format_clock(t, utc_offset_secs);
    if span > DAY {
        let (days, _) = split(t, utc_offset_secs);
        let (_, month, day) = civil_from_days(days);
        format!("{month:02}-{day:02} {clock}")
    } else {
        clock
    }
}

/// Local days since 1970-01-01 and seconds into that day.
fn split(t: f64, utc_offset_secs: i32) -> (i64, i64) {
    let local = if t.is_finite() { t.round() } else { 0.0 } + f64::from(utc_offset_secs);
    // Unix times in f64 are far inside i64's range; the clamp keeps a wild value harmless.
    #[allow(clippy::cast_possible_truncation)]
    let local = local.clamp(-1e15, 1e15) as i64;
    (local.div_euclid(86_400), local.rem_euclid(86_400))
}

/// Howard Hinnant's `civil_from_days`: (year, month, day) of a day number.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // day is 1..=31 and month 1..=12 by construction.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-21 14:03:25 UTC.
    const T: f64 = 1_795_269_805.0;

    #[test]
    fn civil_dates_match_known_days() {
        let table = [
            (0, (1970, 1, 1)),
            (-1, (1969, 12, 31)),
            (11_016, (2000, 2, 29)),
            (20_778, (2026, 11, 21)),
        ];
        for (days, expect) in table {
            assert_eq!(civil_from_days(days), expect, "{days}");
        }
    }

    #[test]
    fn labels_follow_step_and_offset() {
        let table = [
            (format_clock(T, 0), "14:03:25"),
            (format_clock(T, 3600), "15:03:25"),
            (format_clock(T, -15 * 3600), "23:03:25"),
            (format_time_tick(T, 10.0, 0), "14:03:25"),
            (format_time_tick(T, 300.0, 0), "14:03"),
            (format_time_tick(T, DAY, 0), "11-21"),
            (format_time_tick(T, DAY, 10 * 3600), "11-22"),
            (format_readout_time(T, 3600.0, 0), "14:03:25"),
            (format_readout_time(T, 2.0 * DAY, 0), "11-21 14:03:25"),
            (format_clock(f64::NAN, 0), "00:00:00"),
        ];
        for (got, expect) in table {
            assert_eq!(got, expect);
        }
    }
}
