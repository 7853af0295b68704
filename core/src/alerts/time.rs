//! RFC 3339 timestamps as the alert sources write them
//! (`2026-11-27T18:34:46.15040666Z`, `2026-11-27T18:38:46.150Z`, offsets
//! such as `+02:00`), to Unix seconds. Hand-written: the one format is
//! small, and a date crate would add to every wall screen's download.

/// Unix seconds of an RFC 3339 timestamp; `None` for anything else
/// (including Go's zero time `0001-01-01T00:00:00Z`, which the sources
/// send for "not set").
pub fn parse_rfc3339(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let part = text.get(from..to)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if year < 1970
        || !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut fraction = 0.0;
    if let Some(after) = rest.strip_prefix('.') {
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        fraction = format!("0.{}", &after[..digits.min(9)]).parse().ok()?;
        rest = &after[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            let h: i64 = rest.get(1..3)?.parse().ok()?;
            let m: i64 = rest.get(4..6)?.parse().ok()?;
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 3600 + m * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    #[allow(clippy::cast_precision_loss)] // seconds since 1970 are far below 2^52
    Some(secs as f64 + fraction)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse_rfc3339;

    #[test]
    fn reads_the_sources_timestamps() {
        let cases: &[(&str, Option<f64>)] = &[
            ("1970-01-01T00:00:00Z", Some(0.0)),
            ("2026-11-27T18:38:46.150Z", Some(1_795_804_726.15)),
            (
                "2026-11-27T18:34:46.15040666Z",
                Some(1_795_804_486.150_406_6),
            ),
            ("2026-11-27T20:34:46+02:00", Some(1_795_804_486.0)),
            ("2024-02-29T00:00:00Z", Some(1_709_164_800.0)),
            ("0001-01-01T00:00:00Z", None),
            ("2023-02-29T00:00:00Z", None),
            ("2026-11-27 18:34", None),
            ("2026-11-27T18:34:46.Z", None),
            ("2026-11-27T18:34:46", None),
            ("", None),
            ("2026-13-01T00:00:00Z", None),
            ("2026-11-27T18:34:46+2:00", None),
        ];
        for &(text, want) in cases {
            let got = parse_rfc3339(text);
            match (got, want) {
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-3, "{text}: {g} != {w}"),
                _ => assert_eq!(got, want, "{text}"),
            }
        }
    }
}
