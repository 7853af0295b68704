//! Template variables: what the configuration refuses (with line:column),
//! which requested values are used, and that no bound value can change an
//! expression's structure.

use std::collections::BTreeMap;

use panopticon_engine::Config;
use panopticon_engine::config::check_promql;
use panopticon_engine::rule::Rule;
use panopticon_engine::variables::{
    Bindings, Why, bounded_answer, escape_regex, escape_string, regex_alternatives,
};
use proptest::prelude::*;

const VARS: &str = "variables:
  - name: cluster
    values: [eu-1, us-2, 'a\"b']
  - name: env
    values: [prod, staging]
    multi: true
    default: [prod]
  - name: node
    label_values: {label: instance, match: 'up{job=\"node\"}'}
";

fn config(services: &str) -> Result<Config, panopticon_engine::ConfigError> {
    Config::from_yaml("t.yaml", &format!("{VARS}services:\n{services}"))
}

fn one_check(query: &str) -> String {
    format!(
        "  - id: a\n    checks:\n      - id: c\n        query: '{}'\n        rule: {{ kind: quorum }}\n",
        query.replace('\'', "''")
    )
}

fn ok(query: &str) -> Config {
    config(&one_check(query)).unwrap_or_else(|e| panic!("{query}: {e}"))
}

fn refused(query: &str) -> Vec<String> {
    config(&one_check(query))
        .map(|_| ())
        .expect_err(query)
        .messages()
}

/// `(variable, values)` as a URL or a host page asks them.
type Request<'a> = Vec<(&'a str, &'a [&'a str])>;

fn request(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.iter().map(|s| (*s).to_owned()).collect()))
        .collect()
}

fn nodes() -> BTreeMap<String, Vec<String>> {
    request(&[("node", &["n1:9100", "n2:9100"])])
}

fn bound_query(c: &Config, requested: &BTreeMap<String, Vec<String>>) -> String {
    let choice = Bindings::choose(&c.variables, requested, &nodes());
    c.bind(&choice.bindings).expect("binds").services[0].checks[0]
        .query
        .clone()
}

#[test]
fn variables_are_read_with_their_defaults() {
    let c = ok(r#"up{cluster="$cluster", env=~"${env}", instance="$node"}"#);
    let names: Vec<&str> = c.variables.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["cluster", "env", "node"]);
    assert_eq!(c.variables[0].default, ["eu-1"]);
    assert_eq!(c.variables[1].default, ["prod"]);
    assert!(c.variables[1].multi);
    assert!(c.variables[2].default.is_empty());
    // Unbound, the expression is kept as written.
    assert_eq!(
        c.services[0].checks[0].query,
        r#"up{cluster="$cluster", env=~"${env}", instance="$node"}"#
    );
    assert_eq!(
        bound_query(&c, &BTreeMap::new()),
        r#"up{cluster="eu-1", env=~"prod", instance="n1:9100"}"#
    );
    // Each binding is its own screen (its transitions are kept apart).
    let choice = Bindings::choose(&c.variables, &BTreeMap::new(), &nodes());
    let bound = c.bind(&choice.bindings).expect("binds");
    assert_eq!(
        bound.cluster.as_deref(),
        Some("cluster=eu-1&env=prod&node=n1:9100")
    );
}

#[test]
fn references_outside_a_matcher_value_are_refused_with_their_position() {
    let check = |query: &str, expect: &str| {
        let messages = refused(query);
        assert_eq!(messages.len(), 1, "{query}: {messages:?}");
        assert!(messages[0].contains(expect), "{query}: {messages:?}");
        // The expression's own line and column in the file.
        assert!(messages[0].starts_with("t.yaml:14:16: "), "{messages:?}");
    };
    check(
        "up{cluster=\"$clustr\"}",
        "$clustr at character 13: no variable \"clustr\" is declared (did you mean \"cluster\"?)",
    );
    check(
        "up{job=\"x\"} > $cluster",
        "$cluster at character 15 is outside any string",
    );
    check("$cluster", "outside any string");
    check("up{$cluster=\"x\"}", "outside any string");
    check(
        "label_join(up, \"x\", \"$cluster\", \"job\")",
        "in a string that is no label matcher's value",
    );
    check("up{cluster=`$cluster`}", "in a raw (backtick) string");
    check("{\"$cluster\", job=\"x\"}", "no label matcher's value");
    check(
        "up{env=\"$env\"}",
        "variable \"env\" takes several values, so it needs a regex matcher (=~ or !~), not =",
    );
    check("up{env!=\"${env}\"}", "not !=");
    // Not references: `$1` of label_replace, a regex's end anchor, a comment.
    ok(r#"label_replace(up{cluster=~"$cluster"}, "h", "$1", "instance", "(.*):.*")"#);
    ok(r#"up{job=~"node$"} # $nothing here"#);
    ok(r#"up{env!~"$env|x", cluster!="$cluster"} and on() vector(1)"#);
}

#[test]
fn every_expression_of_a_check_and_a_graph_is_checked() {
    let services = "  - id: a
    up: 'up{c=\"$a1\"}'
    checks:
      - id: c
        query: up
        up: 'up{c=\"$a2\"}'
        rule: { kind: ratio, direction: above, warning: 1, denominator: 'up{c=\"$a3\"}' }
views:
  - id: v
    graphs:
      - title: g
        queries: ['up{c=\"$a4\"}']
";
    let messages = config(services).expect_err("undeclared").messages();
    let names: Vec<bool> = (1..=4)
        .map(|i| {
            messages
                .iter()
                .any(|m| m.contains(&format!("$a{i} at character")))
        })
        .collect();
    assert_eq!(names, [true; 4], "{messages:?}");
}

#[test]
fn a_variable_in_an_alert_matcher_is_refused_rather_than_matching_nothing() {
    let services = "  - id: a\n    alerts: ['{service=\"a\"}', '{cluster=\"$cluster\"}', '{x=~\"a$\"}']\n    checks: [{ id: c, query: up, rule: { kind: quorum } }]\n";
    let m = config(services).expect_err("refused").messages();
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].starts_with("t.yaml:12:31: $cluster in an alerts: matcher"),
        "{m:?}"
    );
}

#[test]
fn a_variable_in_another_ones_label_values_match_is_refused() {
    let yaml = "variables:\n  - name: cluster\n    values: [a]\n  - name: node\n    label_values: {label: instance, match: 'up{cluster=\"$cluster\"}'}\nservices:\n  - id: a\n    checks: [{ id: c, query: up, rule: { kind: quorum } }]\n";
    let m = Config::from_yaml("t.yaml", yaml)
        .expect_err("chained")
        .messages();
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].starts_with("t.yaml:5:44: $cluster in label_values.match"),
        "{m:?}"
    );
}

#[test]
fn declarations_are_checked() {
    let bad = "variables:
  - name: 1x
    values: [a]
  - name: ok
    values: [a, b, a]
    default: c
  - name: ok
    values: [a]
  - name: neither
  - name: one
    values: [a, b]
    default: [a, b]
  - name: lv
    label_values: {label: 'in-stance', match: 'up{'}
  - name: src
    label_values: {label: x, source: 'Bad Name'}
services:
  - id: a
    checks: [{ id: c, query: up, rule: { kind: quorum } }]
";
    let messages = Config::from_yaml("t.yaml", bad)
        .expect_err("bad variables")
        .messages();
    let expect = [
        "t.yaml:2:11: variable name \"1x\" must match",
        "t.yaml:5:20: variable \"ok\": value \"a\" is listed twice",
        "t.yaml:6:14: variable \"ok\": default \"c\" is not one of its values",
        "t.yaml:7:11: duplicate variable \"ok\" (first declared on line 4)",
        "t.yaml:9:11: variable \"neither\" needs exactly one of `values`",
        "t.yaml:12:14: variable \"one\": a list of defaults needs `multi: true`",
        "t.yaml:14:27: label_values.label \"in-stance\"",
        "t.yaml:14:47: malformed PromQL \"up{\"",
        "t.yaml:16:38: label_values.source \"Bad Name\"",
    ];
    assert_eq!(messages.len(), expect.len(), "{messages:#?}");
    for (m, e) in messages.iter().zip(expect) {
        assert!(m.starts_with(e), "{m}\n  expected to start with {e}");
    }
    let source = "datasources:\n  - {name: main}\n  - {name: thanos-eu, kind: thanos, base_url: /sources/thanos-eu}\nvariables:\n  - name: c\n    label_values: {label: cluster, source: thanos-e}\n  - name: d\n    label_values: {label: cluster, source: thanos-eu}\nservices:\n  - id: a\n    checks: [{ id: c, query: up, rule: { kind: quorum } }]\n";
    let m = Config::from_yaml("t.yaml", source)
        .expect_err("unknown source")
        .messages();
    assert_eq!(
        m,
        [
            "t.yaml:6:44: label_values.source \"thanos-e\": no data source has that name (did you mean \"thanos-eu\"?)"
        ]
    );
    let typo = "variables:\n  - name: c\n    values: [prod, staging]\n    default: prd\nservices:\n  - id: a\n    checks: [{ id: c, query: up, rule: { kind: quorum } }]\n";
    let m = Config::from_yaml("t.yaml", typo)
        .expect_err("typo")
        .messages();
    assert!(m[0].ends_with("(did you mean \"prod\"?)"), "{m:?}");
}

#[test]
fn requested_values_are_used_only_when_offered_and_bounded() {
    let c = ok(r#"up{cluster="$cluster", env=~"$env", instance="$node"}"#);
    let choose = |pairs: &[(&str, &[&str])], answers: &BTreeMap<String, Vec<String>>| {
        Bindings::choose(&c.variables, &request(pairs), answers)
    };
    let good = choose(
        &[
            ("cluster", &["us-2"]),
            ("env", &["prod", "staging"]),
            ("node", &["n2:9100"]),
        ],
        &nodes(),
    );
    assert!(
        good.refused.is_empty() && good.unbound.is_empty(),
        "{good:?}"
    );
    assert_eq!(
        good.bindings.get("env"),
        Some(&["prod".to_owned(), "staging".to_owned()][..])
    );
    let long = "x".repeat(257);
    let many: Vec<&str> = std::iter::repeat_n("prod", 101).collect();
    let long = [long.as_str()];
    let cases: Vec<(Request, &str, Why)> = vec![
        (vec![("cluster", &["eu-3"])], "cluster", Why::NotOffered),
        (
            vec![("cluster", &["\"}) or vector(1)"])],
            "cluster",
            Why::NotOffered,
        ),
        (vec![("cluster", &[".*"])], "cluster", Why::NotOffered),
        (vec![("cluster", &long)], "cluster", Why::TooLong),
        (
            vec![("cluster", &["eu-1", "us-2"])],
            "cluster",
            Why::NotMulti,
        ),
        (vec![("env", &many)], "env", Why::TooMany),
        (
            vec![("clusterr", &["eu-1"])],
            "clusterr",
            Why::NoSuchVariable,
        ),
    ];
    for (pairs, variable, why) in cases {
        let choice = choose(&pairs, &nodes());
        assert_eq!(choice.refused.len(), 1, "{pairs:?}: {choice:?}");
        assert_eq!(choice.refused[0].why, why, "{pairs:?}");
        assert_eq!(choice.refused[0].variable, variable);
        assert!(choice.refused[0].value.chars().count() <= 48);
        // The default stands in.
        assert_eq!(
            choice.bindings.get("cluster"),
            Some(&["eu-1".to_owned()][..])
        );
        assert_eq!(choice.bindings.get("env"), Some(&["prod".to_owned()][..]));
    }
    // A label-values variable cannot be checked before its answer: the
    // request is refused, and without a default nothing is bound.
    let early = choose(&[("node", &["n2:9100"])], &BTreeMap::new());
    assert_eq!(early.refused[0].why, Why::Unchecked);
    assert_eq!(early.unbound, ["node"]);
    assert!(
        c.bind(&early.bindings).is_err(),
        "an unbound variable must not bind"
    );
    let empty_answer = choose(&[], &request(&[("node", &[])]));
    assert_eq!(empty_answer.unbound, ["node"]);
}

#[test]
fn hostile_values_are_escaped_where_they_land() {
    let c =
        ok(r#"sum(up{cluster="$cluster", node!~'${node}-.*'}) by (instance) or up{env=~"$env"}"#);
    let answers = request(&[(
        "node",
        &[
            "\"}) or vector(1)",
            "a'b",
            ".*",
            "back\\slash",
            "new\nline",
            "bidi\u{202e}x",
        ],
    )]);
    let pick = |node: &str| {
        let choice = Bindings::choose(
            &c.variables,
            &request(&[
                ("cluster", &["a\"b"]),
                ("node", &[node]),
                ("env", &["prod", "staging"]),
            ]),
            &answers,
        );
        assert!(choice.refused.is_empty(), "{choice:?}");
        c.bind(&choice.bindings).expect("binds").services[0].checks[0]
            .query
            .clone()
    };
    assert_eq!(
        pick("a'b"),
        r#"sum(up{cluster="a\"b", node!~'a\'b-.*'}) by (instance) or up{env=~"prod|staging"}"#
    );
    assert_eq!(
        pick("\"}) or vector(1)"),
        r#"sum(up{cluster="a\"b", node!~'"\\}\\) or vector\\(1\\)-.*'}) by (instance) or up{env=~"prod|staging"}"#
    );
    assert!(pick(".*").contains(r"node!~'\\.\\*-.*'"));
    assert!(pick("back\\slash").contains(r"node!~'back\\\\slash-.*'"));
    assert!(pick("new\nline").contains(r"node!~'new\nline-.*'"));
    assert!(pick("bidi\u{202e}x").contains(r"node!~'bidi\u202ex-.*'"));
    // Several values inside a larger regex are grouped.
    assert_eq!(
        regex_alternatives(&["a".into(), "b.c".into()], false),
        r"(?:a|b\.c)"
    );
    assert_eq!(
        regex_alternatives(&["a".into(), "b.c".into()], true),
        r"a|b\.c"
    );
}

#[test]
fn a_ten_kilobyte_value_is_refused_and_never_reaches_an_expression() {
    let c = ok(r#"up{cluster="$cluster"}"#);
    let huge = "\"}) or vector(1) ".repeat(600);
    assert!(huge.len() > 10_000);
    let choice = Bindings::choose(&c.variables, &request(&[("cluster", &[&huge])]), &nodes());
    assert_eq!(choice.refused[0].why, Why::TooLong);
    assert_eq!(
        bound_query(&c, &request(&[("cluster", &[&huge])])),
        r#"up{cluster="eu-1"}"#
    );
}

#[test]
fn label_values_answers_are_bounded() {
    let answer = (0..20_000)
        .map(|i| format!("v{i}"))
        .chain(["x".repeat(300), "v1".to_owned()]);
    let kept = bounded_answer(answer);
    assert_eq!(kept.len(), 10_000);
    assert!(kept.iter().all(|v| v.len() <= 256));
    let kept = bounded_answer([
        "a".to_owned(),
        "x".repeat(257),
        "a".to_owned(),
        "b".to_owned(),
    ]);
    assert_eq!(kept, ["a", "b"]);
}

#[test]
fn ratio_denominators_up_and_graphs_are_bound_too() {
    let services = "  - id: a
    up: 'up{cluster=\"$cluster\", s=\"1\"}'
    checks:
      - id: c
        query: 'x{cluster=\"$cluster\"}'
        rule: { kind: ratio, direction: above, warning: 1, denominator: 'y{cluster=\"${cluster}\"}' }
views:
  - id: v
    graphs:
      - title: g
        query: 'rate(x{cluster=~\"$cluster\"}[5m])'
";
    let c = config(services).unwrap_or_else(|e| panic!("{e}"));
    let choice = Bindings::choose(&c.variables, &request(&[("cluster", &["us-2"])]), &nodes());
    let b = c.bind(&choice.bindings).expect("binds");
    let check = &b.services[0].checks[0];
    assert_eq!(check.query, r#"x{cluster="us-2"}"#);
    assert_eq!(check.up.as_deref(), Some(r#"up{cluster="us-2", s="1"}"#));
    let Rule::Ratio { denominator, .. } = &check.rule else {
        panic!("ratio")
    };
    assert_eq!(denominator, r#"y{cluster="us-2"}"#);
    assert_eq!(
        b.views[0].graphs[0].queries,
        [r#"rate(x{cluster=~"us-2"}[5m])"#]
    );
}

// ---- the property: a bound value never changes the expression's structure ----

/// Go's `strconv.Unquote` for the escapes `escape_string` writes.
fn unquote(body: &str) -> String {
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(
                    u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .expect("\\u escape"),
                );
            }
            Some(other) => out.push(other),
            None => panic!("dangling backslash in {body:?}"),
        }
    }
    out
}

/// The expression with every string literal's content taken out (its
/// skeleton) and the contents, in order.
fn skeleton(expr: &str) -> (String, Vec<String>) {
    let mut shape = String::new();
    let mut strings = Vec::new();
    let mut chars = expr.chars();
    while let Some(c) = chars.next() {
        shape.push(c);
        if matches!(c, '"' | '\'' | '`') {
            let mut body = String::new();
            loop {
                let s = chars.next().expect("terminated string");
                if s == '\\' && c != '`' {
                    body.push(s);
                    body.push(chars.next().expect("escaped char"));
                } else if s == c {
                    break;
                } else {
                    assert!(s != '\n', "raw newline in a literal of {expr:?}");
                    body.push(s);
                }
            }
            strings.push(body);
            shape.push(c);
        }
    }
    (shape, strings)
}

const TEMPLATE: &str = r#"sum by (instance) (rate(x{job="node", cluster="$cluster", node=~'${node}', env!~"pre-$env-post"}[5m])) / on() group_left y{cluster!='$cluster'}"#;

fn hostile() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\"",
        "'",
        "`",
        "\\",
        "}",
        "{",
        ")",
        "(",
        "]",
        "[",
        " or vector(1)",
        ",",
        "=~",
        "\n",
        "\r",
        "\t",
        "\u{202e}",
        "\u{2066}",
        "\u{0}",
        ".*",
        "|",
        "$",
        "${x}",
        "#",
        "é",
        "a",
        "\u{1F600}",
        "\\u0022",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|p| p.concat())
}

proptest! {
    #[test]
    fn no_bound_value_changes_the_expression_structure(
        cluster in hostile(),
        node in hostile(),
        env in prop::collection::vec(hostile(), 1..4),
    ) {
        let vars = "variables:
  - name: cluster
    label_values: {label: cluster}
  - name: node
    label_values: {label: node}
  - name: env
    label_values: {label: env}
    multi: true
services:
";
        let c = Config::from_yaml("t.yaml", &format!("{vars}{}", one_check(TEMPLATE)))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut answers = BTreeMap::new();
        answers.insert("cluster".to_owned(), vec![cluster.clone()]);
        answers.insert("node".to_owned(), vec![node.clone()]);
        answers.insert("env".to_owned(), env.clone());
        let mut requested = answers.clone();
        requested.insert("env".to_owned(), {
            let mut e = env.clone();
            e.dedup();
            e
        });
        let choice = Bindings::choose(&c.variables, &requested, &answers);
        prop_assert!(choice.refused.is_empty(), "{:?}", choice.refused);
        let bound = c.bind(&choice.bindings).expect("binds").services[0].checks[0].query.clone();
        prop_assert_eq!(check_promql(&bound), Ok(()));
        let (template_shape, _) = skeleton(TEMPLATE);
        let (bound_shape, strings) = skeleton(&bound);
        prop_assert_eq!(template_shape, bound_shape);
        let values: Vec<String> = strings.iter().map(|s| unquote(s)).collect();
        prop_assert_eq!(&values[0], "node");
        prop_assert_eq!(&values[1], &cluster);
        prop_assert_eq!(&values[2], &escape_regex(&node));
        prop_assert_eq!(&values[4], &cluster);
        // The regexes match the values exactly.
        let node_re = regex_lite::Regex::new(&format!("^(?:{})$", values[2])).expect("regex");
        prop_assert!(node_re.is_match(&node));
        let envs = choice.bindings.get("env").expect("env").to_vec();
        let env_re = regex_lite::Regex::new(&format!("^(?:{})$", values[3])).expect("regex");
        for e in &envs {
            let wanted = format!("pre-{e}-post");
            prop_assert!(env_re.is_match(&wanted), "{:?} !~ {:?}", wanted, values[3]);
        }
    }

    #[test]
    fn a_string_escaped_for_either_quote_reads_back_unchanged(value in hostile()) {
        for quote in ['"', '\''] {
            let literal = format!("{quote}{}{quote}", escape_string(&value, quote));
            let (_, strings) = skeleton(&literal);
            prop_assert_eq!(strings.len(), 1);
            prop_assert_eq!(unquote(&strings[0]), value.clone());
        }
    }
}
