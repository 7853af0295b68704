use panopticon_core::prom::SourceKind;

use crate::config::Config;

const SERVICES: &str = "services:
  - id: a
    checks:
      - id: up
        query: up
        rule: { kind: quorum }
";

fn load(yaml: &str) -> Config {
    Config::from_yaml("t.yaml", yaml).unwrap_or_else(|e| panic!("{e}"))
}

fn refused(yaml: &str, expect: &[&str]) {
    match Config::from_yaml("t.yaml", yaml) {
        Ok(_) => panic!("accepted, expected {expect:?}:\n{yaml}"),
        Err(e) => assert_eq!(e.messages(), expect, "\n{yaml}"),
    }
}

#[test]
fn one_datasource_works_as_before() {
    let c = load(&format!(
        "datasource:\n  base_url: /prom\n  refresh_secs: 5\n{SERVICES}"
    ));
    assert_eq!(c.datasources.len(), 1);
    assert_eq!(c.datasources[0], c.datasource);
    assert_eq!(c.datasource.name, "prometheus");
    assert_eq!(c.datasource.kind, SourceKind::Prometheus);
    assert_eq!(c.datasource.base_url.as_str(), "/prom");
    assert!((c.datasource.refresh_secs - 5.0).abs() < f64::EPSILON);
    assert!(c.datasource.params.is_empty());
    assert!(!c.has_several_sources());
    let none = load(SERVICES);
    assert_eq!(none.datasources, vec![none.datasource.clone()]);
    assert_eq!(none.services[0].checks[0].source, 0);
}

const SEVERAL: &str = "datasources:
  - name: vm
    kind: victoriametrics
    base_url: /sources/vm
    params: {nocache: '1'}
    timeout_secs: 3
  - name: main
    base_url: /prometheus
    default: true
    refresh_secs: 10
  - name: thanos-eu
    kind: thanos
    base_url: /sources/thanos-eu
    params: {partial_response: 'false', dedup: 'true', max_source_resolution: 5m}
services:
  - id: a
    source: thanos-eu
    checks:
      - id: own
        query: up
        rule: { kind: quorum }
      - id: other
        query: up
        source: vm
        rule: { kind: quorum }
  - id: b
    checks:
      - id: up
        query: up
        rule: { kind: quorum }
views:
  - id: v
    graphs:
      - title: t
        query: up
      - title: u
        query: up
        source: vm
";

#[test]
fn several_sources_default_first_and_each_check_and_graph_to_its_own() {
    let c = load(SEVERAL);
    let names: Vec<&str> = c.datasources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["main", "vm", "thanos-eu"]);
    assert_eq!(c.datasource.name, "main");
    assert!((c.datasource.refresh_secs - 10.0).abs() < f64::EPSILON);
    assert_eq!(c.datasources[1].kind, SourceKind::VictoriaMetrics);
    assert!((c.datasources[1].timeout_secs - 3.0).abs() < f64::EPSILON);
    assert_eq!(
        c.datasources[2].params,
        [
            ("dedup".to_owned(), "true".to_owned()),
            ("max_source_resolution".to_owned(), "5m".to_owned()),
            ("partial_response".to_owned(), "false".to_owned()),
        ]
    );
    let a = &c.services[0];
    assert_eq!((a.checks[0].source, a.checks[1].source), (2, 1));
    assert_eq!(c.source_of(&a.checks[0]).name, "thanos-eu");
    assert_eq!(c.services[1].checks[0].source, 0);
    assert_eq!(c.views[0].graphs[0].source, 0);
    assert_eq!(c.views[0].graphs[1].source, 1);
    assert!(c.has_several_sources());
}

#[test]
fn without_a_default_flag_the_first_is_the_default() {
    let c = load(&SEVERAL.replace("    default: true\n    refresh_secs: 10\n", ""));
    assert_eq!(c.datasource.name, "vm");
    assert_eq!(c.datasources[0].name, "vm");
}

#[test]
fn mistakes_are_reported_with_their_place() {
    refused(
        &format!("datasource:\n  base_url: /p\ndatasources:\n  - name: a\n{SERVICES}"),
        &[
            "t.yaml:4:3: `datasource:` and `datasources:` together: use `datasources:` (a list) alone for several sources",
        ],
    );
    refused(
        &format!("datasources: []\n{SERVICES}"),
        &["t.yaml:1:14: `datasources:` needs at least one source"],
    );
    refused(
        &format!("datasources:\n  - name: Main\n  - name: b\n  - name: b\n{SERVICES}"),
        &[
            r#"t.yaml:2:11: source name "Main" must start with a lower-case letter and use only a-z, 0-9, '_' and '-' (at most 32)"#,
            r#"t.yaml:4:11: duplicate source name "b" (first defined on line 3)"#,
        ],
    );
    refused(
        &format!(
            "datasources:\n  - name: a\n    default: true\n  - name: b\n    default: true\n    refresh_secs: 3\n{SERVICES}"
        ),
        &[
            r#"t.yaml:5:14: source "b" is marked default, but "a" already is"#,
            r#"t.yaml:6:19: refresh_secs on source "b": only the default source sets the refresh interval (the screen refreshes as one)"#,
        ],
    );
    refused(
        &format!("datasources:\n  - name: a\n    kind: thanso\n{SERVICES}"),
        &[
            "t.yaml:3:11: unknown variant `thanso`, expected one of prometheus, thanos, mimir, victoriametrics (did you mean `thanos`?)",
        ],
    );
    refused(
        &format!(
            "datasources:\n  - name: a\n    params: {{query: x, step: '1', 9x: a, ok.b_c: '{}'}}\n{SERVICES}",
            "v".repeat(257)
        ),
        &[
            r#"t.yaml:3:21: parameter "query" is set by the dashboard itself and cannot be overridden"#,
            r#"t.yaml:3:30: parameter "step" is set by the dashboard itself and cannot be overridden"#,
            r#"t.yaml:3:39: parameter name "9x" must match [A-Za-z_][A-Za-z0-9_.]*"#,
            r#"t.yaml:3:50: parameter "ok.b_c": the value must be at most 256 characters without control characters"#,
        ],
    );
    let many: Vec<String> = (0..17).map(|i| format!("p{i}: x")).collect();
    refused(
        &format!(
            "datasources:\n  - name: a\n    params: {{{}}}\n{SERVICES}",
            many.join(", ")
        ),
        &["t.yaml:3:13: 17 parameters; at most 16 are allowed per source"],
    );
    refused(
        &format!("datasource:\n  default: true\n{SERVICES}"),
        &[
            "t.yaml:2:12: `default:` belongs in an entry of `datasources:`; a single `datasource:` is the default",
        ],
    );
    refused(
        &SEVERAL
            .replace("source: thanos-eu\n", "source: thanos-ue\n")
            .replace(
                "        source: vm\n        rule",
                "        source: vn\n        rule",
            ),
        &[
            r#"t.yaml:17:13: no source named "thanos-ue" (did you mean "thanos-eu"?)"#,
            r#"t.yaml:24:17: no source named "vn" (did you mean "vm"?)"#,
        ],
    );
}

#[test]
fn one_datasource_may_name_its_kind_and_params() {
    let c = load(&format!(
        "datasource:\n  name: thanos-eu\n  kind: thanos\n  base_url: /thanos\n  params: {{partial_response: 'false'}}\n{SERVICES}"
    ));
    assert_eq!(c.datasource.name, "thanos-eu");
    assert_eq!(c.datasource.kind, SourceKind::Thanos);
    assert_eq!(
        c.datasource.params,
        [("partial_response".to_owned(), "false".to_owned())]
    );
    assert!(!c.has_several_sources());
}
