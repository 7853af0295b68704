//! Names for series that tell them apart without repeating what they share.

use panopticon_core::sorting;

use crate::data::GraphSeries;

/// Longest query text used as a name before it is cut with "…".
const QUERY_CHARS: usize = 40;
/// Longest name of any kind: label values come from whoever writes the
/// metrics, and one 10 KB value must not become a 10 KB legend entry,
/// read-out line and `aria-label` (the page shows less still, with this
/// on hover).
pub const LABEL_CHARS: usize = 160;

/// One name per series, in order.
///
/// Only labels whose values differ between the series are shown (`node-1`, or
/// `node-1, sda` for two such labels), because the shared ones (`job`,
/// `__name__` of a single metric) are already said by the graph's title. A
/// series none of those labels separates is named by its metric (`__name__`),
/// then by its own label values (`sum by (volume)` gives `gv0`), then by its
/// query text, and last by its position.
pub fn legend_labels(series: &[GraphSeries], queries: &[String]) -> Vec<String> {
    // Sorted and distinct, as a `BTreeSet` gave them, through the shared
    // sort: collecting into a set of `&str` compiled its own copy of the
    // standard sort and of the tree's bulk build.
    let mut keys: Vec<&str> = series
        .iter()
        .flat_map(|s| s.labels.keys())
        .map(String::as_str)
        .collect();
    sorting::sort(&mut keys);
    keys.dedup();
    let differing: Vec<&str> = keys
        .into_iter()
        .filter(|key| {
            let mut values = series.iter().map(|s| s.labels.get(*key));
            let first = values.next().flatten();
            values.any(|v| v != first)
        })
        .collect();
    // `__name__` goes last: "node-1, node_load1" reads better than the reverse.
    let ordered = differing
        .iter()
        .filter(|k| **k != "__name__")
        .chain(differing.iter().filter(|k| **k == "__name__"));
    let ordered: Vec<&str> = ordered.copied().collect();
    series
        .iter()
        .enumerate()
        .map(|(index, s)| shorten(&name(index, s, &ordered, queries), LABEL_CHARS))
        .collect()
}

/// The uncut name of series `index` (see [`legend_labels`]).
fn name(index: usize, s: &GraphSeries, ordered: &[&str], queries: &[String]) -> String {
    let parts: Vec<&str> = ordered
        .iter()
        .filter_map(|key| s.labels.get(*key))
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .collect();
    if !parts.is_empty() {
        return parts.join(", ");
    }
    if let Some(name) = s.labels.get("__name__").filter(|n| !n.is_empty()) {
        return name.clone();
    }
    let own: Vec<&str> = s
        .labels
        .values()
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .collect();
    if !own.is_empty() {
        return own.join(", ");
    }
    if let Some(query) = queries
        .get(s.query)
        .map(|q| q.trim())
        .filter(|q| !q.is_empty())
    {
        return shorten(query, QUERY_CHARS);
    }
    format!("series {}", index + 1)
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use panopticon_core::prom::Labels;

    use super::*;

    fn series(query: usize, pairs: &[(&str, &str)]) -> GraphSeries {
        GraphSeries {
            query,
            labels: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Labels>(),
            samples: vec![],
        }
    }

    fn check(input: &[GraphSeries], expect: &[&str]) {
        let queries = vec![
            "sum(rate(http_requests_total[5m]))".to_owned(),
            "x".repeat(60),
        ];
        assert_eq!(legend_labels(input, &queries), expect, "{input:?}");
    }

    #[test]
    fn names_use_only_what_differs() {
        let load = |node| {
            series(
                0,
                &[("__name__", "node_load1"), ("job", "node"), ("node", node)],
            )
        };
        check(&[load("node-1"), load("node-2")], &["node-1", "node-2"]);
        check(&[load("node-1")], &["node_load1"]);
        check(
            &[
                series(0, &[("__name__", "a"), ("node", "n1")]),
                series(1, &[("__name__", "b"), ("node", "n1")]),
            ],
            &["a", "b"],
        );
        check(
            &[
                series(0, &[("__name__", "a"), ("node", "n1")]),
                series(0, &[("__name__", "b"), ("node", "n2")]),
            ],
            &["n1, a", "n2, b"],
        );
        check(
            &[
                series(0, &[("node", "n1")]),
                series(0, &[("node", "n2")]),
                series(1, &[]),
            ],
            &["n1", "n2", &format!("{}…", "x".repeat(39))],
        );
        check(&[series(0, &[])], &["sum(rate(http_requests_total[5m]))"]);
        check(&[series(9, &[("volume", "gv0")])], &["gv0"]);
        check(&[series(5, &[])], &["series 1"]);
        check(&[], &[]);
        let long = "x".repeat(10_240);
        check(
            &[series(0, &[("node", &long)]), series(0, &[("node", "n2")])],
            &[&format!("{}…", "x".repeat(LABEL_CHARS - 1)), "n2"],
        );
    }
}
