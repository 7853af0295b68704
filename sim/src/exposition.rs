//! Prometheus text exposition format (version 0.0.4).
//!
//! Written by hand rather than through the `prometheus` crate because the simulator does
//! not instrument itself: it prints whatever values a scenario dictates, including
//! series that appear and disappear between scrapes, which a registry makes awkward.

use std::fmt::Write as _;

/// The `Content-Type` Prometheus expects for this format; without the version it may
/// fall back to guessing.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Metric type as announced on the `# TYPE` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricType {
    Gauge,
    Counter,
}

impl MetricType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gauge => "gauge",
            Self::Counter => "counter",
        }
    }
}

/// One sample: label pairs (in the order they are printed) and a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

impl Sample {
    pub fn new(value: f64) -> Self {
        Self {
            labels: Vec::new(),
            value,
        }
    }

    pub fn with_labels(labels: &[(&str, &str)], value: f64) -> Self {
        Self {
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            value,
        }
    }

    /// The label value for `name`, if the sample carries that label.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A metric family: everything printed under one `# HELP`/`# TYPE` pair.
///
/// The format requires all samples of a family to be contiguous and the header to
/// appear once; grouping them in one value makes that impossible to get wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    pub name: String,
    pub help: String,
    pub kind: MetricType,
    pub samples: Vec<Sample>,
}

impl Family {
    pub fn gauge(name: &str, help: &str, samples: Vec<Sample>) -> Self {
        Self {
            name: name.to_owned(),
            help: help.to_owned(),
            kind: MetricType::Gauge,
            samples,
        }
    }

    pub fn counter(name: &str, help: &str, samples: Vec<Sample>) -> Self {
        Self {
            name: name.to_owned(),
            help: help.to_owned(),
            kind: MetricType::Counter,
            samples,
        }
    }
}

/// Renders families in the text format. Families without samples are skipped: a
/// header with no sample confuses some parsers and says nothing.
pub fn render(families: &[Family]) -> String {
    let mut out = String::new();
    for family in families.iter().filter(|f| !f.samples.is_empty()) {
        // `write!` into a String cannot fail.
        let _ = writeln!(out, "# HELP {} {}", family.name, escape_help(&family.help));
        let _ = writeln!(out, "# TYPE {} {}", family.name, family.kind.as_str());
        for sample in &family.samples {
            out.push_str(&family.name);
            if !sample.labels.is_empty() {
                out.push('{');
                for (i, (name, value)) in sample.labels.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{name}=\"{}\"", escape_label_value(value));
                }
                out.push('}');
            }
            out.push(' ');
            out.push_str(&format_value(sample.value));
            out.push('\n');
        }
    }
    out
}

/// HELP text escapes only backslash and newline (a quote is literal there).
pub fn escape_help(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

/// Label values escape backslash, double quote and newline.
pub fn escape_label_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

/// Formats a value the way Prometheus parses it: Rust's `inf` is not accepted, and
/// whole numbers print without a fraction so counts read naturally in `curl` output.
pub fn format_value(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        // Display for f64 is the shortest round-tripping form and never uses an exponent.
        format!("{value}")
    }
}

/// Whether `name` is a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
pub fn is_metric_name(name: &str) -> bool {
    is_name(name, true)
}

/// Whether `name` is a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`) and not reserved
/// (`__` prefixes belong to Prometheus).
pub fn is_label_name(name: &str) -> bool {
    is_name(name, false) && !name.starts_with("__")
}

fn is_name(name: &str, colon: bool) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let head_ok = first.is_ascii_alphabetic() || first == '_' || (colon && first == ':');
    head_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (colon && c == ':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_value(value: f64, expect: &str) {
        assert_eq!(format_value(value), expect, "value {value:?}");
    }

    #[test]
    fn values() {
        check_value(0.0, "0");
        check_value(3.0, "3");
        check_value(-2.0, "-2");
        check_value(0.25, "0.25");
        check_value(17_179_869_184.0, "17179869184");
        check_value(1e21, "1000000000000000000000");
        check_value(f64::NAN, "NaN");
        check_value(f64::INFINITY, "+Inf");
        check_value(f64::NEG_INFINITY, "-Inf");
    }

    fn check_label(raw: &str, expect: &str) {
        assert_eq!(escape_label_value(raw), expect, "label {raw:?}");
    }

    #[test]
    fn label_escaping() {
        check_label("plain", "plain");
        check_label("/mnt/gv_data", "/mnt/gv_data");
        check_label("say \"hi\"", "say \\\"hi\\\"");
        check_label("C:\\data", "C:\\\\data");
        check_label("two\nlines", "two\\nlines");
        check_label("\\\"\n", "\\\\\\\"\\n");
        check_label("grüße", "grüße");
    }

    fn check_help(raw: &str, expect: &str) {
        assert_eq!(escape_help(raw), expect, "help {raw:?}");
    }

    #[test]
    fn help_escaping() {
        check_help(
            "Was the last query of Gluster successful.",
            "Was the last query of Gluster successful.",
        );
        check_help("quote \" stays", "quote \" stays");
        check_help("back\\slash", "back\\\\slash");
        check_help("line\nbreak", "line\\nbreak");
    }

    fn check_name(name: &str, metric: bool, label: bool) {
        assert_eq!(is_metric_name(name), metric, "metric name {name:?}");
        assert_eq!(is_label_name(name), label, "label name {name:?}");
    }

    #[test]
    fn names() {
        check_name("gluster_up", true, true);
        check_name("_x", true, true);
        check_name("job:up:sum", true, false);
        check_name("__name__", true, false);
        check_name("", false, false);
        check_name("1abc", false, false);
        check_name("a-b", false, false);
        check_name("a b", false, false);
        check_name("ümlaut", false, false);
    }

    #[test]
    fn renders_header_once_per_family_and_samples_contiguous() {
        let families = vec![
            Family::gauge(
                "weave_connections",
                "Number of peer-to-peer connections.",
                vec![
                    Sample::with_labels(&[("state", "established")], 3.0),
                    Sample::with_labels(&[("state", "failed")], 0.0),
                ],
            ),
            Family::gauge("empty_family", "skipped", vec![]),
            Family::counter(
                "node_network_receive_bytes_total",
                "Network device statistic receive_bytes.",
                vec![Sample::with_labels(&[("device", "eth0")], 1024.5)],
            ),
            Family::gauge(
                "odd",
                "a \"q\"\nb",
                vec![Sample::with_labels(&[("p", "x\"y\\z\n")], f64::NAN)],
            ),
        ];
        let expect = "\
# HELP weave_connections Number of peer-to-peer connections.
# TYPE weave_connections gauge
weave_connections{state=\"established\"} 3
weave_connections{state=\"failed\"} 0
# HELP node_network_receive_bytes_total Network device statistic receive_bytes.
# TYPE node_network_receive_bytes_total counter
node_network_receive_bytes_total{device=\"eth0\"} 1024.5
# HELP odd a \"q\"\\nb
# TYPE odd gauge
odd{p=\"x\\\"y\\\\z\\n\"} NaN
";
        assert_eq!(render(&families), expect);
    }

    #[test]
    fn renders_nothing_for_no_families() {
        assert_eq!(render(&[]), "");
    }
}
