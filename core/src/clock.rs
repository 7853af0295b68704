//! The server's clock as seen through HTTP, to measure the browser's skew.
//!
//! A wall screen's browser clock can be minutes off. Asking Prometheus at
//! its own time (see [`crate::prom::Query::instant_now`]) fixes what is
//! asked; judging the answers still needs "now", and that must be the
//! server's now too, or fresh samples look stale (browser ahead) or dated in
//! the future (browser behind). Every answer carries a `Date` header from
//! the proxy: one reading gives the skew to within about a second.

use std::time::UNIX_EPOCH;

/// One look at the server's clock: its `Date` header and the browser's
/// clock when the answer arrived, both Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClockReading {
    /// The server's time, from the `Date` header (whole seconds).
    pub server: f64,
    /// The browser's time when the header arrived.
    pub browser: f64,
}

impl ClockReading {
    /// A reading from a `Date` header value, or `None` when it is not an
    /// HTTP date.
    pub fn from_date_header(date: &str, browser: f64) -> Option<ClockReading> {
        let at = httpdate::parse_http_date(date.trim()).ok()?;
        let server = at.duration_since(UNIX_EPOCH).ok()?.as_secs_f64();
        Some(ClockReading { server, browser })
    }

    /// Server minus browser, in seconds: positive when the browser is
    /// behind. The header truncates to the second, so half a second is
    /// added to centre the estimate.
    pub fn skew(&self) -> f64 {
        self.server + 0.5 - self.browser
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_http_dates() {
        let r = ClockReading::from_date_header("Fri, 27 Nov 2026 13:41:19 GMT", 1_795_787_479.5);
        let r = r.expect("an HTTP date");
        assert!((r.server - 1_795_786_879.0).abs() < f64::EPSILON, "{r:?}");
        // The browser is ten minutes ahead.
        assert!((r.skew() + 600.0).abs() < f64::EPSILON, "{}", r.skew());
        for bad in ["", "yesterday", "Fri, 27 Nov 2026 25:00:00 GMT", "<script>"] {
            assert_eq!(ClockReading::from_date_header(bad, 0.0), None, "{bad:?}");
        }
    }
}
