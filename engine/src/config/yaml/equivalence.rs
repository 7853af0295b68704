//! The serde reader this module's [`super::read`] replaced, kept to prove
//! the two agree: every configuration in the repository, and mutations of
//! each (a key dropped, doubled, renamed, a value of another type), reads to
//! the same wire value or fails with the same message at the same position.
//! The wire types print their names in `Debug`, so the old copies carry the
//! same names and the two results compare as text.

mod old {
    #![allow(dead_code, clippy::pedantic)]

    use std::collections::BTreeMap;
    use std::fmt;

    use serde::Deserialize;
    use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

    use crate::config::yaml::{Spanned, Word};

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireConfig {
        #[serde(default)]
        pub datasource: Option<Spanned<WireSource>>,
        #[serde(default)]
        pub datasources: Option<Spanned<Vec<WireSource>>>,
        #[serde(default)]
        pub instances: Option<Spanned<u32>>,
        #[serde(default)]
        pub history: Option<Spanned<usize>>,
        #[serde(default)]
        pub forget_silent_after_secs: Option<Spanned<f64>>,
        pub services: Spanned<Vec<WireService>>,
        #[serde(default)]
        pub views: Vec<WireView>,
        #[serde(default)]
        pub alertmanager: Option<Spanned<WireAlertmanager>>,
        #[serde(default)]
        pub alerts: Option<WireAlerts>,
        #[serde(default)]
        pub embedding: Option<WireEmbedding>,
        #[serde(default)]
        pub variables: Vec<WireVariable>,
        #[serde(default)]
        pub clusters: Option<Spanned<WireClusters>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireEmbedding {
        #[serde(default)]
        pub allowed_origins: Vec<Spanned<String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireAlertmanager {
        #[serde(default)]
        pub base_url: Option<Spanned<String>>,
        #[serde(default)]
        pub timeout_secs: Option<Spanned<f64>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireAlerts {
        #[serde(default)]
        pub prometheus: Option<Spanned<bool>>,
        /// Severity label value -> `critical`, `warning` or `none`.
        #[serde(default)]
        pub severity: Option<BTreeMap<String, Spanned<Word>>>,
        #[serde(default)]
        pub default_severity: Option<Spanned<Word>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireService {
        pub id: Spanned<String>,
        #[serde(default)]
        pub name: Option<String>,
        #[serde(default)]
        pub description: Option<String>,
        #[serde(default)]
        pub owner: Option<String>,
        #[serde(default)]
        pub runbook: Option<Spanned<String>>,
        #[serde(default)]
        pub instances: Option<Spanned<u32>>,
        #[serde(default)]
        pub up: Option<Spanned<String>>,
        #[serde(default)]
        pub checks: Vec<WireCheck>,
        #[serde(default)]
        pub depends_on: Vec<WireDependency>,
        /// Prometheus label matchers selecting the service's alerts (a list = OR).
        #[serde(default)]
        pub alerts: Option<Vec<Spanned<String>>>,
        /// The data source its checks ask, unless a check names its own.
        #[serde(default)]
        pub source: Option<Spanned<String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireDependency {
        pub service: Spanned<String>,
        /// `hard` or `soft`.
        pub strength: Spanned<Word>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireCheck {
        pub id: Spanned<String>,
        #[serde(default)]
        pub name: Option<String>,
        pub query: Spanned<String>,
        #[serde(default)]
        pub instance_label: Option<String>,
        #[serde(default)]
        pub up: Option<Spanned<String>>,
        #[serde(default)]
        pub instances: Option<Spanned<u32>>,
        pub rule: Spanned<WireRule>,
        /// `quorum` or `worst`.
        #[serde(default)]
        pub aggregate: Option<Spanned<Word>>,
        #[serde(default, rename = "for")]
        pub hold: Option<u32>,
        #[serde(default)]
        pub message: Option<String>,
        #[serde(default)]
        pub source: Option<Spanned<String>>,
    }

    /// All rule parameters in one flat mapping: which ones a kind needs is
    /// checked in validation, where a missing or stray field gets a clear
    /// sentence instead of serde's "data did not match any variant".
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireRule {
        /// `threshold`, `equals`, `quorum`, `peers`, `ratio` or `label_state`.
        pub kind: Spanned<Word>,
        /// `above` or `below`.
        #[serde(default)]
        pub direction: Option<Spanned<Word>>,
        #[serde(default)]
        pub warning: Option<f64>,
        #[serde(default)]
        pub critical: Option<f64>,
        #[serde(default)]
        pub expected: Option<f64>,
        #[serde(default)]
        pub otherwise: Option<Spanned<Word>>,
        #[serde(default)]
        pub denominator: Option<Spanned<String>>,
        #[serde(default)]
        pub label: Option<String>,
        #[serde(default)]
        pub states: Option<BTreeMap<String, Spanned<Word>>>,
        #[serde(default)]
        pub unlisted: Option<Spanned<Word>>,
        #[serde(default)]
        pub expect: Option<WireExpect>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireExpect {
        pub state: String,
        pub count: WireCount,
        #[serde(default)]
        pub shortfall: Option<Spanned<Word>>,
    }

    #[derive(Debug, Clone, Deserialize)]
    #[serde(untagged)]
    pub enum WireCount {
        Number(f64),
        Word(String),
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireView {
        pub id: Spanned<String>,
        #[serde(default)]
        pub name: Option<String>,
        pub graphs: Spanned<Vec<WireGraph>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireGraph {
        pub title: Spanned<String>,
        #[serde(default)]
        pub query: Option<Spanned<String>>,
        #[serde(default)]
        pub queries: Vec<Spanned<String>>,
        #[serde(default)]
        pub unit: Option<String>,
        #[serde(default)]
        pub thresholds: Vec<WireGraphThreshold>,
        #[serde(default)]
        pub max_series: Option<Spanned<usize>>,
        #[serde(default)]
        pub range_secs: Option<Spanned<f64>>,
        #[serde(default)]
        pub source: Option<Spanned<String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireGraphThreshold {
        pub value: f64,
        pub status: Spanned<Word>,
    }

    /// One source as written, in `datasource:` or as an entry of `datasources:`.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireSource {
        #[serde(default)]
        pub name: Option<Spanned<String>>,
        /// `prometheus`, `thanos`, `mimir` or `victoriametrics`.
        #[serde(default)]
        pub kind: Option<Spanned<Word>>,
        #[serde(default)]
        pub default: Option<Spanned<bool>>,
        #[serde(default)]
        pub params: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
        #[serde(default)]
        pub base_url: Option<Spanned<String>>,
        #[serde(default)]
        pub timeout_secs: Option<Spanned<f64>>,
        #[serde(default)]
        pub refresh_secs: Option<Spanned<f64>>,
        #[serde(default)]
        pub max_in_flight: Option<Spanned<u32>>,
        #[serde(default)]
        pub stale_after_secs: Option<Spanned<f64>>,
        #[serde(default)]
        pub max_answer_bytes: Option<Spanned<u64>>,
        #[serde(default)]
        pub max_series: Option<Spanned<u32>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireVariable {
        pub name: Spanned<String>,
        #[serde(default)]
        pub values: Option<Spanned<Vec<Spanned<String>>>>,
        #[serde(default)]
        pub label_values: Option<Spanned<WireLabelValues>>,
        #[serde(default)]
        pub default: Option<Spanned<WireDefault>>,
        #[serde(default)]
        pub multi: Option<bool>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireLabelValues {
        pub label: Spanned<String>,
        #[serde(default, rename = "match")]
        pub matcher: Option<Spanned<String>>,
        #[serde(default)]
        pub source: Option<Spanned<String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    pub enum WireDefault {
        One(String),
        Many(Vec<String>),
    }

    /// `clusters:` as written: a list, or `{variable: name}`.
    #[derive(Debug)]
    pub enum WireClusters {
        Listed(Vec<Spanned<WireCluster>>),
        ByVariable(WireByVariable),
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireCluster {
        pub name: Spanned<String>,
        #[serde(default)]
        pub source: Option<Spanned<String>>,
        #[serde(default)]
        pub vars: Option<BTreeMap<String, Spanned<WireValues>>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct WireByVariable {
        pub variable: Spanned<String>,
    }

    /// One value or a list (for a multi-value variable).
    #[derive(Debug)]
    pub struct WireValues(Vec<String>);

    // By hand rather than `#[serde(untagged)]`: untagged buffers the node and
    // its inner positions are lost, and every error below needs its line.
    impl<'de> Deserialize<'de> for WireClusters {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = WireClusters;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a list of clusters or {variable: <name>}")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                    let mut out = Vec::new();
                    while let Some(c) = seq.next_element()? {
                        out.push(c);
                    }
                    Ok(WireClusters::Listed(out))
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                    WireByVariable::deserialize(de::value::MapAccessDeserializer::new(map))
                        .map(WireClusters::ByVariable)
                }
            }
            deserializer.deserialize_any(V)
        }
    }

    impl<'de> Deserialize<'de> for WireValues {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = WireValues;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a value or a list of values")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                    Ok(WireValues(vec![v.to_owned()]))
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                    Ok(WireValues(vec![v.to_string()]))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                    Ok(WireValues(vec![v.to_string()]))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                    let mut out = Vec::new();
                    while let Some(v) = seq.next_element::<String>()? {
                        out.push(v);
                    }
                    Ok(WireValues(out))
                }
            }
            deserializer.deserialize_any(V)
        }
    }
}

use std::path::{Path, PathBuf};

use super::de;
use super::read;

/// Both readers' results as text: the wire value (names, values and
/// positions) or the error (message and position).
fn both(text: &str) -> (String, String) {
    let old = de::from_str::<old::WireConfig>(text);
    let new = read::from_str(text);
    (format!("{old:?}"), format!("{new:?}"))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| ext.contains(&x))
        {
            out.push(p);
        }
    }
}

/// Text between `open` and `close` markers, for configurations written
/// inline in tests (raw strings in Rust, template literals in JavaScript).
fn literals(text: &str, open: &str, close: &str, out: &mut Vec<String>) {
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(close) else { break };
        let lit = &after[..j];
        if lit.contains(':') {
            out.push(lit.to_owned());
        }
        rest = &after[j + close.len()..];
    }
}

/// Every configuration in the repository: example and fixture files, the
/// fuzz corpus, and the inline ones of the Rust and end-to-end tests.
fn corpus() -> Vec<String> {
    let root = repo();
    let mut paths = Vec::new();
    for dir in ["examples", "tests/fixtures", "fuzz/corpus/config_from_yaml"] {
        files(&root.join(dir), &["yaml", "yml"], &mut paths);
    }
    files(
        &root.join("fuzz/corpus/config_from_yaml"),
        &[""],
        &mut paths,
    );
    if let Ok(entries) = std::fs::read_dir(root.join("fuzz/corpus/config_from_yaml")) {
        paths.extend(entries.flatten().map(|e| e.path()));
    }
    let mut out: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    let mut code = Vec::new();
    files(&root.join("engine"), &["rs"], &mut code);
    for p in &code {
        if let Ok(t) = std::fs::read_to_string(p) {
            literals(&t, "r#\"", "\"#", &mut out);
            literals(&t, "r\"", "\"", &mut out);
        }
    }
    let mut js = Vec::new();
    files(&root.join("tests/e2e"), &["mjs"], &mut js);
    for p in &js {
        if let Ok(t) = std::fs::read_to_string(p) {
            literals(&t, "`", "`", &mut out);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Values of other types and shapes for any key.
const VALUES: &[&str] = &[
    "~",
    "",
    "true",
    "no",
    "7",
    "-7",
    "0x1F",
    "010",
    "1.5",
    "1e400",
    ".inf",
    "-.inf",
    ".nan",
    "5000000000",
    "99999999999999999999999",
    "\"str\"",
    "'7'",
    "word",
    "[a, b]",
    "[1, 2]",
    "[a, .nan]",
    "[]",
    "{}",
    "{a: 1}",
    "{variable: v}",
    "{hard: ~}",
    "{hard: 1}",
    "{.inf: a}",
    "!foo x",
    "!foo",
    "!!int 3",
    "!!str 3",
    "!!float 2",
    "!!bool true",
    "!!null ~",
    "! 5",
    "!equals",
    "!equals x",
    "quorum",
    "hard",
];

/// Line-wise mutations of one configuration: each line dropped, doubled,
/// its key renamed or misspelt, its value replaced by each of [`VALUES`].
fn mutations(text: &str, mut each: impl FnMut(&str)) {
    let lines: Vec<&str> = text.lines().collect();
    let join = |i: usize, with: Option<&str>| {
        let mut v: Vec<&str> = lines.clone();
        match with {
            Some(l) => v[i] = l,
            None => {
                v.remove(i);
            }
        }
        v.join("\n")
    };
    for (i, line) in lines.iter().enumerate().take(300) {
        each(&join(i, None));
        each(&join(i, Some(&format!("{line}\n{line}"))));
        let Some(colon) = line.find(':') else {
            continue;
        };
        let (key, _) = line.split_at(colon);
        let indent = key.len() - key.trim_start_matches([' ', '-']).len();
        let name = &key[indent..];
        for renamed in ["zzz", "nam", "for", "match", "servic"] {
            each(&join(
                i,
                Some(&format!("{}{renamed}{}", &key[..indent], &line[colon..])),
            ));
        }
        each(&join(
            i,
            Some(&format!("{}{name}x{}", &key[..indent], &line[colon..])),
        ));
        for v in VALUES {
            each(&join(i, Some(&format!("{key}: {v}"))));
        }
    }
}

#[test]
fn the_tree_reader_reads_every_configuration_as_serde_did() {
    let corpus = corpus();
    assert!(
        corpus.len() > 40,
        "too few configurations found: {}",
        corpus.len()
    );
    let mut compared = 0usize;
    let mut accepted = 0usize;
    let mut check = |text: &str| {
        let (old, new) = both(text);
        assert_eq!(old, new, "the readers differ on:\n{text}");
        compared += 1;
        if old.starts_with("Ok(Some") {
            accepted += 1;
        }
    };
    for text in &corpus {
        check(text);
        mutations(text, &mut check);
    }
    eprintln!(
        "{} configurations, {compared} compared, {accepted} accepted",
        corpus.len()
    );
    // Both kinds must be exercised in number, or the comparison proves little.
    assert!(accepted > 1000, "{accepted} accepted of {compared}");
    assert!(
        compared - accepted > 10_000,
        "{accepted} accepted of {compared}"
    );
}
