//! Every bad configuration is rejected with file, line, column and a sentence.

use panopticon_core::Status;
use panopticon_engine::Config;

fn check(yaml: &str, expect: &[&str]) {
    match Config::from_yaml("panopticon.yaml", yaml) {
        Ok(_) => panic!("accepted a bad config, expected {expect:?}"),
        Err(e) => {
            assert_eq!(e.messages(), expect, "\n{e}");
            assert_eq!(e.to_string(), expect.join("\n"));
        }
    }
}

#[test]
fn example_configs_load() {
    for (name, text) in [
        (
            "reference-cluster.yaml",
            include_str!("../../examples/config/reference-cluster.yaml"),
        ),
        (
            "app-stack.yaml",
            include_str!("../../examples/config/app-stack.yaml"),
        ),
    ] {
        if let Err(e) = Config::from_yaml(name, text) {
            panic!("{e}");
        }
    }
}

#[test]
fn defaults_fill_what_is_left_out() {
    let c = Config::from_yaml(
        "min.yaml",
        "services:\n  - id: a\n    checks:\n      - id: up\n        query: up\n        rule: { kind: quorum }\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.datasource.base_url.to_string(), "/prometheus");
    assert_eq!(c.instances, 1);
    assert_eq!(c.history_limit, 100);
    assert_eq!(c.services[0].name, "a");
    assert_eq!(c.services[0].checks[0].instance_label, "instance");
}

#[test]
fn syntax_and_shape_errors() {
    check(
        "services: [\n",
        &["panopticon.yaml:1:11: unclosed bracket '['"],
    );
    check(
        "services:\n  - id: a\n    colour: red\n",
        &[
            "panopticon.yaml:3:5: unknown field `colour`, expected one of id, name, description, owner, runbook, instances, up, checks, depends_on, alerts, source",
        ],
    );
    check(
        "services:\n  - id: a\n    depends_on:\n      - { service: b, strength: medium }\n  - id: b\n    checks: []\n",
        // An unknown word no longer ends the parse: the unjudged `b` is reported too.
        &[
            "panopticon.yaml:4:33: unknown variant `medium`, expected one of hard, soft",
            r#"panopticon.yaml:5:9: service "b" has no checks and no dependencies, so nothing can judge it"#,
        ],
    );
    check(
        "services:\n  - id: a\n    checks:\n      - id: c\n        query: up\n        rule: { kind: treshold }\n",
        &[
            "panopticon.yaml:6:23: unknown variant `treshold`, expected one of threshold, equals, quorum, peers, ratio, label_state (did you mean `threshold`?)",
        ],
    );
}

const SERVICES: &str = "\
services:
  - id: consul
    checks:
      - id: peers
        query: consul_raft_peers
        rule: { kind: quorum }
  - id: swarm
    depends_on:
      - service: consl
        strength: hard
";

#[test]
fn unknown_dependency_with_suggestion() {
    check(
        SERVICES,
        &[
            r#"panopticon.yaml:9:18: dependency "swarm" -> "consl": no service with id "consl" (did you mean "consul"?)"#,
        ],
    );
    check(
        &SERVICES.replace("consl", "zookeeper"),
        &[
            r#"panopticon.yaml:9:18: dependency "swarm" -> "zookeeper": no service with id "zookeeper""#,
        ],
    );
}

#[test]
fn cycles_name_their_path() {
    let yaml = "\
services:
  - id: a
    depends_on: [{ service: b, strength: hard }]
  - id: b
    depends_on: [{ service: c, strength: soft }]
  - id: c
    depends_on: [{ service: a, strength: hard }]
  - id: d
    depends_on: [{ service: d, strength: hard }]
";
    check(
        yaml,
        &[
            "panopticon.yaml:7:29: dependency cycle: a -> b -> c -> a",
            "panopticon.yaml:9:29: dependency cycle: d -> d",
        ],
    );
}

#[test]
fn all_semantic_errors_are_collected() {
    let yaml = r#"instances: 0
services:
  - id: gluster
    checks:
      - id: load
        query: 'node_load15 / count by (instance) (node_cpu_seconds_total{mode="idle"}'
        rule: { kind: threshold, direction: above, warning: 2, critical: 1 }
      - id: load
        query: '  '
        rule: { kind: threshold, direction: below, warning: 0.05, critical: 0.15 }
      - id: quoted
        query: 'up{job="consul}'
        rule: { kind: ratio, direction: below, warning: 1, expected: 1 }
  - id: gluster
    checks:
      - id: x
        query: up
        rule: { kind: label_state }
views:
  - id: overview
    graphs:
      - { title: g1, query: up }
      - { title: g2, query: up }
      - { title: g3, query: up }
      - { title: g4, query: up }
      - { title: g5, query: up }
      - { title: g6, query: up }
      - { title: g7, query: up, max_series: 10 }
  - id: detail
    graphs:
      - title: many
        queries: [a, b, c, d, e, f, g]
"#;
    check(
        yaml,
        &[
            "panopticon.yaml:1:12: instances must be at least 1, got 0",
            r#"panopticon.yaml:6:16: malformed PromQL "node_load15 / count by (instance) (node_cpu_seconds_total{mode=\"idle\"}": unclosed '(' at character 35"#,
            "panopticon.yaml:7:15: thresholds in the wrong order: direction above needs warning < critical, got warning 2 and critical 1",
            r#"panopticon.yaml:8:13: duplicate check id "load" (first defined on line 5)"#,
            r#"panopticon.yaml:9:16: malformed PromQL "  ": empty expression"#,
            "panopticon.yaml:10:15: thresholds in the wrong order: direction below needs warning > critical, got warning 0.05 and critical 0.15",
            r#"panopticon.yaml:12:16: malformed PromQL "up{job=\"consul}": unterminated string starting with '"' at character 8"#,
            "panopticon.yaml:13:15: rule ratio: field `expected` does not apply to this rule",
            "panopticon.yaml:13:15: rule ratio: needs `denominator`, the expression to divide by",
            r#"panopticon.yaml:14:9: duplicate service id "gluster" (first defined on line 3)"#,
            "panopticon.yaml:18:15: rule label_state: needs `label`, the label that holds the state",
            "panopticon.yaml:18:15: rule label_state: needs `states` (state: status) or `expect`",
            r#"panopticon.yaml:22:7: view "overview" has 7 graphs; at most 6 are allowed per view"#,
            r#"panopticon.yaml:28:45: graph "g7" asks for 10 series; at most 6 are allowed per graph"#,
            r#"panopticon.yaml:32:37: graph "many" asks for 7 series; at most 6 are allowed per graph"#,
        ],
    );
}

#[test]
fn unjudged_service_and_bad_numbers() {
    let yaml = "\
datasource:
  timeout_secs: -1
  max_in_flight: 0
services:
  - id: lonely
  - id: 'bad id'
    checks:
      - { id: a, query: up, rule: { kind: quorum } }
";
    check(
        yaml,
        &[
            "panopticon.yaml:2:17: timeout_secs must be a positive number, got -1",
            "panopticon.yaml:3:18: max_in_flight must be at least 1, got 0",
            r#"panopticon.yaml:5:9: service "lonely" has no checks and no dependencies, so nothing can judge it"#,
            r#"panopticon.yaml:6:9: service id "bad id" must be non-empty and use only letters, digits, '-' and '_'"#,
        ],
    );
}

/// Issue 12 row 13: a misspelt enum value used to end the parse, hiding every
/// later mistake; now all four are reported at once, in file order, and the
/// wrong rule kind gets a suggestion.
#[test]
fn four_mistakes_one_a_wrong_rule_kind_are_all_reported() {
    let yaml = "\
services:
  - id: consul
    runbook: 'javascript:alert(1)'
    checks:
      - id: leader
        query: consul_raft_leader
        rule: { kind: equal, expected: 1 }
  - id: swarm
    depends_on:
      - service: consl
        strength: hard
  - id: weave
    checks:
      - id: peers
        query: weave_peers
        aggregate: worts
        rule: { kind: quorum }
";
    check(
        yaml,
        &[
            r#"panopticon.yaml:3:14: runbook "javascript:alert(1)" is not a link the dashboard will show: only http(s) and relative links are allowed, not `javascript:`"#,
            "panopticon.yaml:7:23: unknown variant `equal`, expected one of threshold, equals, quorum, peers, ratio, label_state (did you mean `equals`?)",
            r#"panopticon.yaml:10:18: dependency "swarm" -> "consl": no service with id "consl" (did you mean "consul"?)"#,
            "panopticon.yaml:16:20: unknown variant `worts`, expected one of quorum, worst (did you mean `worst`?)",
        ],
    );
}

/// Every enum-valued field reports an unknown word where it is written and
/// goes on: strength, direction, the statuses of a rule and of a graph line.
#[test]
fn unknown_words_in_every_enum_field_are_collected() {
    let yaml = "\
services:
  - id: a
    depends_on: [{ service: b, strength: herd }]
  - id: b
    checks:
      - id: t
        query: up
        rule: { kind: threshold, direction: abov, warning: 1 }
      - id: e
        query: up
        rule: { kind: equals, expected: 1, otherwise: critcal }
      - id: l
        query: up
        rule: { kind: label_state, label: s, states: { ok: helthy }, unlisted: grey }
views:
  - id: v
    graphs:
      - { title: g, query: up, thresholds: [{ value: 1, status: warn }] }
";
    check(
        yaml,
        &[
            "panopticon.yaml:3:42: unknown variant `herd`, expected one of hard, soft (did you mean `hard`?)",
            "panopticon.yaml:8:45: unknown variant `abov`, expected one of above, below (did you mean `above`?)",
            "panopticon.yaml:11:55: unknown variant `critcal`, expected one of healthy, unknown, warning, critical (did you mean `critical`?)",
            "panopticon.yaml:14:60: unknown variant `helthy`, expected one of healthy, unknown, warning, critical (did you mean `healthy`?)",
            "panopticon.yaml:14:80: unknown variant `grey`, expected one of healthy, unknown, warning, critical",
            "panopticon.yaml:18:65: unknown variant `warn`, expected one of healthy, unknown, warning, critical",
        ],
    );
}

/// Issue 12 row 12: a runbook (or the data source's base URL) must be a link
/// the dashboard can safely render or fetch: http(s) or relative.
#[test]
fn links_must_be_http_or_relative() {
    let service = |runbook: &str| {
        format!(
            "services:\n  - id: a\n    runbook: {runbook}\n    checks:\n      - {{ id: up, query: up, rule: {{ kind: quorum }} }}\n"
        )
    };
    for ok in [
        "https://runbooks.example.org/a",
        "http://wiki/a",
        "docs/a.html",
        "/wiki/a",
    ] {
        if let Err(e) = Config::from_yaml("panopticon.yaml", &service(ok)) {
            panic!("{ok}: {e}");
        }
    }
    check(
        &service("'javascript:alert(1)'"),
        &[
            r#"panopticon.yaml:3:14: runbook "javascript:alert(1)" is not a link the dashboard will show: only http(s) and relative links are allowed, not `javascript:`"#,
        ],
    );
    check(
        &service("'data:text/html,x'"),
        &[
            r#"panopticon.yaml:3:14: runbook "data:text/html,x" is not a link the dashboard will show: only http(s) and relative links are allowed, not `data:`"#,
        ],
    );
    check(
        &service("\"java\\tscript:alert(1)\""),
        &[
            r#"panopticon.yaml:3:14: runbook "java\tscript:alert(1)" is not a link the dashboard will show: it contains whitespace or control characters (write them %-encoded)"#,
        ],
    );
    check(
        &format!(
            "datasource:\n  base_url: 'javascript:x'\n{}",
            service("/wiki/a")
        ),
        &[
            r#"panopticon.yaml:2:13: base_url "javascript:x" is not a link the dashboard will show: only http(s) and relative links are allowed, not `javascript:`"#,
        ],
    );
    // A link, but not one the client can put queries under: refused where it is
    // written, so the dashboard never starts with a base URL it cannot use.
    check(
        &format!(
            "datasource:\n  base_url: '/prometheus?tenant=a'\n{}",
            service("/wiki/a")
        ),
        &[
            r#"panopticon.yaml:2:13: base_url: Prometheus base URL "/prometheus?tenant=a" must not contain ?, # or whitespace"#,
        ],
    );
    let c = Config::from_yaml("panopticon.yaml", &service(" https://wiki/a "))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        c.services[0]
            .runbook
            .as_ref()
            .map(panopticon_engine::config::Link::as_str),
        Some("https://wiki/a")
    );
}

/// Issue 12 row 16: an empty file says what a configuration needs, not
/// "unexpected end of input".
#[test]
fn an_empty_file_says_what_a_configuration_needs() {
    for empty in ["", "\n\n", "# only a comment\n", "---\n", "~\n"] {
        check(
            empty,
            &[
                "panopticon.yaml: the configuration is empty: it needs at least `services:` with one service (an `id` and a check with `id`, `query` and `rule`); examples/config/ has complete examples",
            ],
        );
    }
}

#[test]
fn alert_settings_and_matchers() {
    let c = Config::from_yaml(
        "alerts.yaml",
        r#"alertmanager: {}
alerts:
  severity:
    page: critical
    info: warning
services:
  - id: consul
    alerts: ['{service="consul"}', '{job=~"consul.*"}']
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let am = c
        .alertmanager
        .as_ref()
        .expect("alertmanager: {} reads Alertmanager");
    assert_eq!(am.base_url.to_string(), "/alertmanager");
    assert!((am.timeout_secs - 5.0).abs() < f64::EPSILON);
    assert!(
        c.alerts.prometheus,
        "on by default once a service declares alerts:"
    );
    assert_eq!(c.alerts.status_of(Some("page")), Some(Status::Critical));
    assert_eq!(c.alerts.status_of(Some("info")), Some(Status::Warning));
    assert_eq!(c.alerts.status_of(Some("none")), None);
    assert_eq!(c.alerts.status_of(Some("whatever")), Some(Status::Warning));
    assert_eq!(c.alerts.status_of(None), Some(Status::Warning));
    assert_eq!(c.services[0].alerts.len(), 2);
    // Without alerts anywhere, nothing is read.
    let plain = Config::from_yaml(
        "plain.yaml",
        "services:\n  - id: a\n    checks:\n      - id: up\n        query: up\n        rule: { kind: quorum }\n",
    )
    .unwrap();
    assert!(!plain.reads_alerts());
}

#[test]
fn alert_mistakes_point_at_their_line() {
    check(
        r#"alertmanager:
  base_url: "javascript:alert(1)"
  timeout_secs: 0
alerts:
  severity:
    page: critcal
  default_severity: loud
services:
  - id: consul
    alerts:
      - '{service="consul"'
      - '{job=~"consul("}'
      - '{}'
"#,
        &[
            r#"panopticon.yaml:2:13: alertmanager.base_url "javascript:alert(1)" is not a link the dashboard will show: only http(s) and relative links are allowed, not `javascript:`"#,
            "panopticon.yaml:3:17: alertmanager.timeout_secs must be a positive number, got 0",
            "panopticon.yaml:6:11: unknown variant `critcal`, expected one of critical, warning, none (did you mean `critical`?)",
            "panopticon.yaml:7:21: unknown variant `loud`, expected one of critical, warning, none",
            r#"panopticon.yaml:11:9: alert matcher "{service=\"consul\"": expected `,` or `}` at character 18"#,
            r#"panopticon.yaml:12:9: alert matcher "{job=~\"consul(\"}": bad regular expression "consul(": found open group without closing ')'"#,
            r#"panopticon.yaml:13:9: alert matcher "{}": matches every alert (each matcher accepts an empty label); add at least one matcher that needs a value, e.g. {service="…"}"#,
        ],
    );
    check(
        "alerts:\n  prometheus: false\nservices:\n  - id: a\n    alerts: ['{service=\"a\"}']\n",
        &[
            "panopticon.yaml:2:15: services declare alerts: but no alert source is read (alerts.prometheus is false and there is no alertmanager:)",
        ],
    );
}
