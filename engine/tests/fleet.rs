//! The fleet: `clusters:` as loaded (and refused), each cluster's
//! configuration, and the tiles — worst first, never greener than the
//! cluster's data (an unreachable source is `unknown` with its reason, a
//! partial one never healthy).

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use panopticon_core::Status;
use panopticon_core::prom::{QueryError, QueryResult};
use panopticon_engine::config::{Cluster, Clusters};
use panopticon_engine::fleet::{ClusterState, FleetSummary, Tile, summarize};
use panopticon_engine::{Config, Monitor};

const T0: f64 = 1_700_000_000.0;

const BASE: &str = "
datasources:
  - { name: main, refresh_secs: 30 }
  - name: eu
    base_url: /sources/eu
  - name: us
    kind: thanos
    base_url: /sources/us
  - name: vm
    kind: victoriametrics
    base_url: /sources/vm
variables:
  - name: cluster
    values: [eu-1, us-2, ap-3]
  - name: team
    values: [a, b]
    multi: true
services:
  - id: api
    checks:
      - id: up
        query: up{cluster=\"$cluster\", team=~\"$team\"}
        rule: { kind: equals, expected: 1, otherwise: critical }
  - id: db
    checks:
      - id: lag
        query: lag
        source: vm
        rule: { kind: threshold, direction: above, warning: 1, critical: 2 }
";

fn yaml(clusters: &str) -> String {
    format!("{BASE}{clusters}")
}

fn load(clusters: &str) -> Config {
    let text = yaml(clusters);
    Config::from_yaml("t.yaml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// The messages of a refused configuration.
fn refused(clusters: &str) -> Vec<String> {
    match Config::from_yaml("t.yaml", &yaml(clusters)) {
        Ok(_) => panic!("accepted: {clusters}"),
        Err(e) => e.messages(),
    }
}

#[test]
fn listed_clusters_load_with_their_sources_and_values() {
    let config = load(
        "
clusters:
  - name: eu-1
    source: eu
    vars: { cluster: eu-1 }
  - name: us-2
    source: us
    vars: { cluster: us-2, team: [a, b] }
",
    );
    let Some(Clusters::Listed(list)) = &config.clusters else {
        panic!("{:?}", config.clusters);
    };
    assert_eq!(
        list.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["eu-1", "us-2"]
    );
    assert_eq!(list[0].source, Some(1));
    assert_eq!(list[1].vars["team"], ["a", "b"]);
    let none = load("");
    assert_eq!(none.clusters, None);
    assert!(none.cluster_list(&BTreeMap::new()).is_empty());
}

#[test]
fn mistakes_in_clusters_are_refused_with_line_column_and_did_you_mean() {
    let check = |clusters: &str, expect: &[&str]| {
        let got = refused(clusters);
        for e in expect {
            assert!(
                got.iter().any(|m| m.contains(e)),
                "{clusters}\nwanted {e:?} in {got:#?}"
            );
        }
    };
    // `clusters:` is on line 30 of the file.
    check(
        "clusters:\n  - name: eu-1\n    source: euu\n",
        &["t.yaml:32:13: cluster source \"euu\": no such source (did you mean \"eu\"?)"],
    );
    check(
        "clusters:\n  - name: eu-1\n    vars: { clustr: eu-1 }\n",
        &[
            "t.yaml:32:",
            "no variable \"clustr\" is declared (did you mean \"cluster\"?)",
        ],
    );
    check(
        "clusters:\n  - name: eu-1\n    vars: { cluster: eu-2 }\n",
        &[
            "t.yaml:32:",
            "variable \"cluster\": \"eu-2\" is not one of its values (did you mean \"eu-1\"?)",
        ],
    );
    check(
        "clusters:\n  - name: eu-1\n    vars: { cluster: [eu-1, us-2] }\n",
        &["variable \"cluster\": one value"],
    );
    check(
        "clusters:\n  - name: a\n    source: eu\n  - name: a\n    source: us\n",
        &["t.yaml:33:11: duplicate cluster \"a\" (first defined on line 31)"],
    );
    check(
        "clusters:\n  - name: 'a b'\n    source: eu\n",
        &["t.yaml:31:11: cluster name \"a b\""],
    );
    check(
        "clusters:\n  - name: lonely\n",
        &["cluster \"lonely\" needs `source:` or `vars:`"],
    );
    check(
        "clusters: []\n",
        &["`clusters:` needs at least one cluster"],
    );
    check(
        "clusters: { variable: clustr }\n",
        &["t.yaml:30:23: no variable \"clustr\" is declared (did you mean \"cluster\"?)"],
    );
    let many = (0..101).fold(String::new(), |mut out, i| {
        let _ = writeln!(out, "  - {{ name: c{i}, source: eu }}");
        out
    });
    check(
        &format!("clusters:\n{many}"),
        &["101 clusters; at most 100"],
    );
    // An unknown field is the parser's, with its position too.
    check(
        "clusters:\n  - name: a\n    sauce: eu\n",
        &["t.yaml:32:5: unknown field `sauce`"],
    );
}

#[test]
fn a_cluster_by_source_asks_that_source_for_what_asked_the_default() {
    let config = load("clusters:\n  - name: eu-1\n    source: eu\n    vars: { cluster: eu-1 }\n");
    let clusters = config.cluster_list(&BTreeMap::new());
    let eu = config
        .for_cluster(&clusters[0], &BTreeMap::new())
        .expect("binds");
    // The cluster's source is the default now; the old default is asked
    // by nothing, so it is gone; vm, named by a check, stays.
    let names: Vec<&str> = eu.datasources.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["eu", "vm"]);
    assert_eq!(eu.datasource.name, "eu");
    assert!(
        (eu.datasource.refresh_secs - 30.0).abs() < 1e-9,
        "the screen keeps the configuration's interval"
    );
    let api = &eu.service("api").unwrap().checks[0];
    let db = &eu.service("db").unwrap().checks[0];
    assert_eq!(eu.source_of(api).name, "eu");
    assert_eq!(eu.source_of(db).name, "vm");
    assert_eq!(api.query, "up{cluster=\"eu-1\", team=~\"a\"}");
    assert!(eu.variables.is_empty() && eu.clusters.is_none());
    assert_eq!(eu.cluster.as_deref(), Some("eu-1"));
}

#[test]
fn a_cluster_by_variable_binds_each_value_and_escapes_it() {
    let config = load("clusters: { variable: cluster }\n");
    let clusters = config.cluster_list(&BTreeMap::new());
    assert_eq!(
        clusters.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["eu-1", "us-2", "ap-3"]
    );
    let us = config.for_cluster(&clusters[1], &BTreeMap::new()).unwrap();
    assert_eq!(
        us.service("api").unwrap().checks[0].query,
        "up{cluster=\"us-2\", team=~\"a\"}"
    );
    assert_eq!(
        us.datasource.name, "main",
        "no source named: the default stays"
    );

    // A label-values fleet: one cluster per answered value, none before the
    // answer; a hostile value is escaped into the string, never the query.
    let text = "
variables:
  - name: cluster
    label_values: { label: cluster }
services:
  - id: api
    checks:
      - id: up
        query: up{cluster=\"$cluster\"}
        rule: { kind: equals, expected: 1, otherwise: critical }
clusters: { variable: cluster }
";
    let config = Config::from_yaml("t.yaml", text).unwrap();
    assert!(config.cluster_list(&BTreeMap::new()).is_empty());
    let answers = BTreeMap::from([(
        "cluster".to_owned(),
        vec!["a".to_owned(), "x\"} or vector(1) #".to_owned()],
    )]);
    let clusters = config.cluster_list(&answers);
    assert_eq!(clusters.len(), 2);
    let hostile = config.for_cluster(&clusters[1], &answers).unwrap();
    assert_eq!(
        hostile.service("api").unwrap().checks[0].query,
        "up{cluster=\"x\\\"} or vector(1) #\"}"
    );
    // A value the answer no longer offers is refused, not used unchecked.
    let gone = BTreeMap::from([("cluster".to_owned(), vec!["a".to_owned()])]);
    assert!(config.for_cluster(&clusters[1], &gone).is_err());
}

fn answer(values: &[f64], warnings: &[&str]) -> QueryResult {
    let series = values
        .iter()
        .enumerate()
        .map(|(i, &v)| common::series(&[("instance", &format!("node-{i}"))], v, T0))
        .collect();
    QueryResult {
        warnings: warnings.iter().map(|w| (*w).to_owned()).collect(),
        ..common::vector(series)
    }
}

/// The fleet of three clusters, one per source (no variables).
const FLEET: &str = "
datasources:
  - name: main
  - name: eu
    base_url: /sources/eu
  - name: us
    kind: thanos
    base_url: /sources/us
services:
  - id: api
    checks:
      - id: up
        query: up
        rule: { kind: equals, expected: 1, otherwise: critical }
clusters:
  - { name: main-0, source: main }
  - { name: eu-1, source: eu }
  - { name: us-2, source: us }
";

/// Each cluster's monitor after one refresh whose answer is `outcome`.
fn state_after(
    config: &Config,
    cluster: &Cluster,
    outcome: Result<QueryResult, QueryError>,
) -> ClusterState {
    let mine = config.for_cluster(cluster, &BTreeMap::new()).unwrap();
    let mut monitor = Monitor::new(mine);
    let asked = monitor.source_queries();
    monitor.begin_sources(T0, asked.clone());
    for (source, exprs) in asked.iter().enumerate() {
        for e in exprs {
            monitor.answer_from(T0 + 0.1, source, e, outcome.clone());
        }
    }
    ClusterState::from_screen(&cluster.name, &monitor.on_screen(T0 + 1.0))
}

fn tile<'a>(tiles: &'a [Tile], name: &str) -> &'a Tile {
    tiles.iter().find(|t| t.name == name).unwrap()
}

/// Each tile's name and status, in the fleet's order.
fn order(fleet: &FleetSummary) -> Vec<(&str, Status)> {
    fleet
        .tiles
        .iter()
        .map(|t| (t.name.as_str(), t.status))
        .collect()
}

#[test]
fn tiles_are_worst_first_and_an_unreachable_or_partial_cluster_is_never_green() {
    let config = Config::from_yaml("t.yaml", FLEET).unwrap();
    let clusters = config.cluster_list(&BTreeMap::new());
    let states = vec![
        state_after(&config, &clusters[0], Ok(answer(&[1.0, 0.0], &[]))),
        state_after(
            &config,
            &clusters[1],
            Err(QueryError::Unreachable {
                reason: "Failed to fetch".to_owned(),
            }),
        ),
        // Thanos answers a partial response as 200 with warnings: its one
        // series is healthy, yet the tile may not be.
        state_after(
            &config,
            &clusters[2],
            Ok(answer(&[1.0], &["No StoreAPIs matched for this query"])),
        ),
    ];
    let fleet = summarize(&states);
    assert_eq!(
        order(&fleet),
        [
            ("main-0", Status::Critical),
            ("eu-1", Status::Unknown),
            ("us-2", Status::Unknown),
        ]
    );
    assert_eq!(
        (
            fleet.clusters.critical,
            fleet.clusters.unknown,
            fleet.clusters.healthy
        ),
        (1, 2, 0)
    );
    let eu = tile(&fleet.tiles, "eu-1");
    assert!(
        eu.reasons
            .iter()
            .any(|r| r.text.contains("Failed to fetch")),
        "{eu:?}"
    );
    assert_eq!(
        eu.reasons
            .iter()
            .filter(|r| r.text.contains("Failed to fetch"))
            .count(),
        1,
        "said once, not again as the source's state: {eu:?}"
    );
    let us = tile(&fleet.tiles, "us-2");
    assert!(
        us.reasons
            .iter()
            .any(|r| r.text.contains("No StoreAPIs matched")),
        "{us:?}"
    );
    let main = tile(&fleet.tiles, "main-0");
    assert_eq!(main.services.map(|c| c.critical), Some(1));
}

#[test]
fn a_cluster_not_yet_answered_is_unknown_and_names_sort_ties() {
    let config = Config::from_yaml("t.yaml", FLEET).unwrap();
    let clusters = config.cluster_list(&BTreeMap::new());
    let waiting = |c: &Cluster| {
        let monitor = Monitor::new(config.for_cluster(c, &BTreeMap::new()).unwrap());
        ClusterState::from_screen(&c.name, &monitor.on_screen(T0))
    };
    let mut states: Vec<ClusterState> = clusters.iter().rev().map(waiting).collect();
    states.push(state_after(&config, &clusters[0], Ok(answer(&[1.0], &[]))));
    states[3].name = "a-healthy".to_owned();
    let fleet = summarize(&states);
    assert_eq!(
        order(&fleet),
        [
            ("eu-1", Status::Unknown),
            ("main-0", Status::Unknown),
            ("us-2", Status::Unknown),
            ("a-healthy", Status::Healthy),
        ]
    );
    assert!(
        !fleet.tiles[0].reasons.is_empty(),
        "an unknown tile says why"
    );
    assert_eq!(fleet.clusters.healthy, 1);
}

#[test]
fn a_healthy_summary_is_not_green_while_a_second_source_is_down() {
    // The guard itself, apart from the monitor: a banner healthy, its
    // second source down, must not make a green tile.
    let config = Config::from_yaml("t.yaml", FLEET).unwrap();
    let clusters = config.cluster_list(&BTreeMap::new());
    let mut state = state_after(&config, &clusters[0], Ok(answer(&[1.0], &[])));
    assert_eq!(
        summarize(std::slice::from_ref(&state)).tiles[0].status,
        Status::Healthy
    );
    let mut down = state.sources[0].clone();
    down.name = "other".to_owned();
    down.health = panopticon_engine::monitor::SourceHealth::Down;
    down.error = Some("unreachable".to_owned());
    state.sources.push(down);
    let t = &summarize(&[state]).tiles[0];
    assert_eq!(t.status, Status::Unknown);
    assert!(
        t.reasons.iter().any(|r| r.text == "other: unreachable"),
        "{t:?}"
    );
}

#[test]
fn graphs_follow_the_cluster_source_and_a_source_nothing_asks_is_dropped() {
    let config = Config::from_yaml(
        "t.yaml",
        "
datasources:
  - { name: main, refresh_secs: 20 }
  - { name: eu, base_url: /sources/eu }
  - { name: us, base_url: /sources/us }
  - { name: vm, base_url: /sources/vm }
services:
  - id: api
    checks:
      - { id: up, query: up, rule: { kind: quorum } }
views:
  - id: overview
    graphs:
      - { title: default, query: up }
      - { title: on vm, query: up, source: vm }
      - { title: on eu, query: up, source: eu }
clusters:
  - { name: eu-1, source: eu }
  - { name: us-2, source: us }
",
    )
    .unwrap();
    let clusters = config.cluster_list(&BTreeMap::new());
    let names =
        |c: &Config| -> Vec<String> { c.datasources.iter().map(|d| d.name.clone()).collect() };
    let graph_sources = |c: &Config| -> Vec<String> {
        c.views[0]
            .graphs
            .iter()
            .map(|g| c.datasources[g.source].name.clone())
            .collect()
    };
    let eu = config.for_cluster(&clusters[0], &BTreeMap::new()).unwrap();
    // us is asked by nothing in eu-1's screen: dropped; main is replaced by eu.
    assert_eq!(names(&eu), ["eu", "vm"]);
    assert_eq!(graph_sources(&eu), ["eu", "vm", "eu"]);
    let us = config.for_cluster(&clusters[1], &BTreeMap::new()).unwrap();
    // eu stays for the graph that names it.
    assert_eq!(names(&us), ["us", "eu", "vm"]);
    assert_eq!(graph_sources(&us), ["us", "vm", "eu"]);
    assert!((us.datasource.refresh_secs - 20.0).abs() < 1e-9);
}
