//! What the YAML reader accepts and how it refuses, pinned to what
//! serde-saphyr did before (the expected texts were produced by it).

// Tables of cases are the point of these tests: long by design.
#![allow(clippy::too_many_lines)]
use crate::config::Config;
use crate::rule::{ExpectCount, Rule};

/// One service with one check, `{}` replaced by extra check lines.
fn one_check(extra: &str) -> String {
    format!(
        "services:\n  - id: a\n    checks:\n      - id: up\n        query: up\n        rule: {{ kind: quorum }}\n{extra}"
    )
}

fn with_rule(rule: &str) -> String {
    one_check("").replace("{ kind: quorum }", rule)
}

#[test]
fn refusals_keep_their_words_and_positions() {
    let check = |yaml: &str, expect: &str| match Config::from_yaml("t.yaml", yaml) {
        Ok(_) => panic!("accepted {yaml:?}, expected {expect}"),
        Err(e) => assert_eq!(e.to_string(), expect, "{yaml:?}"),
    };
    let base = one_check("");
    check(
        &format!("instances: 010\n{base}"),
        "t.yaml:1:12: invalid u32",
    );
    check(
        &format!("instances: -3\n{base}"),
        "t.yaml:1:12: invalid u32",
    );
    check(
        &format!("instances: 5000000000\n{base}"),
        "t.yaml:1:12: invalid u32",
    );
    check(
        &format!("instances: [1]\n{base}"),
        "t.yaml:1:12: expected string scalar",
    );
    check(
        &format!("instances: !!str 3\n{base}"),
        "t.yaml:1:18: invalid u32",
    );
    check(
        &format!("datasource:\n  timeout_secs: .inf\n{base}"),
        "t.yaml:2:17: timeout_secs must be a positive number, got inf",
    );
    check(
        &format!("datasource:\n  timeout_secs: inf\n{base}"),
        "t.yaml:2:17: invalid floating point",
    );
    check(
        &format!("datasource:\n  timeout_secs: !!int 3\n{base}"),
        "t.yaml:2:23: invalid floating point",
    );
    check(
        &format!("datasource:\n  timeout_secs: 5\n  timeout_secs: 6\n{base}"),
        "t.yaml:3:3: duplicate key `timeout_secs`: it is set twice here; keep one",
    );
    check(
        &format!("datasource: []\n{base}"),
        "t.yaml:1:13: expected mapping start",
    );
    // Issue 12 row 16: a document with nothing in it says what a
    // configuration needs instead of "unexpected end of input".
    let empty = "t.yaml: the configuration is empty: it needs at least `services:` with one service (an `id` and a check with `id`, `query` and `rule`); examples/config/ has complete examples";
    check("", empty);
    check("# nothing\n", empty);
    check("---\n", empty);
    check("services:\n", "t.yaml:1:9: expected sequence start");
    check(
        &format!("{base}---\n{base}"),
        "t.yaml:8:1: multiple YAML documents detected; use from_str_multiple or from_str_multiple_with_options",
    );
    check(
        &format!("{base}views:\n"),
        "t.yaml:7:6: expected sequence start",
    );
    check(
        "services:\n  - id:\n    checks: []\n",
        "t.yaml:2:7: cannot deserialize null into string; use Option<String>",
    );
    check("services:\n  - name: x\n", "t.yaml:2:5: missing field `id`");
    check(
        "services:\n  - id: a\n    depends_on: [{service: a}]\n",
        "t.yaml:3:19: missing field `strength`",
    );
    check(
        &with_rule("\n          direction: above\n          warning: 1\n"),
        "t.yaml:8:11: missing field `kind`",
    );
    check(
        "services:\n  - id: a\n    depends_on: [{service: a, strength: ~}]\n",
        // Unknown words are collected with the other problems (issue 12
        // row 13), so the self-dependency's cycle is reported too.
        "t.yaml:3:28: dependency cycle: a -> a\nt.yaml:3:41: unknown variant `~`, expected one of hard, soft",
    );
    check(
        "services:\n  - id: a\n    depends_on: [{service: a, strength: [hard]}]\n",
        "t.yaml:3:41: externally tagged enum expected scalar or mapping",
    );
    check(
        "services:\n  - id: a\n    depends_on: [{service: a, strength: {hard: 1}}]\n",
        "t.yaml:3:48: unexpected value for unit enum variant",
    );
    check(
        "services:\n  - id: a\n    depends_on: [{service: a, strength: {a: 1, b: 2}}]\n",
        // The word is no longer judged while parsing, so the value that
        // cannot follow a unit variant is what stops the parse now.
        "t.yaml:3:45: unexpected value for unit enum variant",
    );
    check(
        &one_check("        aggregate: Quorum\n"),
        "t.yaml:7:20: unknown variant `Quorum`, expected one of quorum, worst (did you mean `quorum`?)",
    );
    check(&one_check("        for: -1\n"), "t.yaml:7:14: invalid u32");
    check(
        &with_rule(
            "{ kind: label_state, label: state, states: { alive: healthy, alive: warning } }",
        ),
        "t.yaml:6:76: duplicate key `alive`: it is set twice here; keep one",
    );
    check(
        &with_rule("{ kind: label_state, label: state, states: { 1: healthy, ~: warning } }"),
        "t.yaml:6:72: cannot deserialize null into string; use Option<String>",
    );
    check(
        &with_rule("{ kind: label_state, label: state, expect: { state: alive, count: .inf } }"),
        "t.yaml:6:81: non-finite float `.inf` rejected by the configured policy",
    );
    // An application tag's position is its value's, after the tag.
    for (count, column) in [("~", 81), ("true", 81), ("[1]", 81), ("!foo 2", 86)] {
        check(
            &with_rule(&format!(
                "{{ kind: label_state, label: state, expect: {{ state: alive, count: {count} }} }}"
            )),
            &format!(
                "t.yaml:6:{column}: data did not match any variant of untagged enum WireCount"
            ),
        );
    }
    check(
        &format!(
            "{base}views:\n  - id: v\n    graphs:\n      - title: t\n        query: up\n        max_series: -1\n"
        ),
        "t.yaml:12:21: invalid u64",
    );
    check(
        "services:\n  - id: a\n    checks:\n      - id: up\n        query: *nope\n        rule: { kind: quorum }\n",
        "t.yaml:5:16: alias references unknown anchor",
    );
    check(
        "services:\n  - id: a\n    name: !!int 12\n    checks: []\n",
        "t.yaml:3:17: cannot deserialize tagged scalar into string",
    );
    check(
        "services:\n  - id: a\n   bad: indent\n",
        "t.yaml:3:4: while parsing a block collection, did not find expected '-' indicator",
    );
    check(
        "{services: [], services: []}\n",
        "t.yaml:1:16: duplicate key `services`: it is set twice here; keep one",
    );
    check(
        "services:\n  - id: a\n    checks: []\n    <<: 5\n",
        "t.yaml:4:9: YAML merge value must be mapping or sequence of mappings",
    );
    check(
        "1: 2\n",
        "t.yaml:1:1: unknown field `1`, expected one of datasource, datasources, instances, history, forget_silent_after_secs, services, views, alertmanager, alerts, embedding, variables, clusters",
    );
    check(
        &format!("null: 3\n{base}"),
        "t.yaml:1:1: cannot deserialize null into string; use Option<String>",
    );
    check(
        &one_check("").replace("query: up", "query:"),
        "t.yaml:5:14: cannot deserialize null into string; use Option<String>",
    );
    check(
        &one_check("").replace("rule: { kind: quorum }", "rule:"),
        "t.yaml:6:13: expected mapping start",
    );
    // Everything an alias copies is reported where the alias is used.
    check(
        "services:\n  - &s {id: a, depends_on: [{service: a, strength: hard}]}\n  - *s\n",
        "t.yaml:3:5: duplicate service id \"a\" (first defined on line 2)\nt.yaml:3:5: dependency cycle: a -> a",
    );
}

#[test]
fn alias_bombs_and_deep_nesting_are_refused() {
    // Ten levels of ten aliases each: 10^10 nodes if expanded.
    let levels: Vec<String> = (1..10)
        .map(|i| {
            let items = vec![format!("*a{}", i - 1); 10].join(", ");
            format!("a{i}: &a{i} [{items}]\n")
        })
        .collect();
    let bomb = format!(
        "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n{}",
        levels.concat()
    );
    let e = Config::from_yaml("t.yaml", &bomb).expect_err("a bomb must be refused");
    assert!(e.to_string().contains("more than 250000 nodes"), "{e}");
    let deep = format!("services: {}{}\n", "[".repeat(100), "]".repeat(100));
    let e = Config::from_yaml("t.yaml", &deep).expect_err("deep nesting must be refused");
    assert!(e.to_string().starts_with("t.yaml:1:"), "{e}");
}

#[test]
fn values_read_as_before() {
    let check = |yaml: &str, get: fn(&Config) -> String, expect: &str| match Config::from_yaml(
        "t.yaml", yaml,
    ) {
        Ok(c) => assert_eq!(get(&c), expect, "{yaml:?}"),
        Err(e) => panic!("{yaml:?}: {e}"),
    };
    let base = one_check("");
    let instances = |c: &Config| c.instances.to_string();
    check(&format!("instances: 0x10\n{base}"), instances, "16");
    check(&format!("instances: 0o10\n{base}"), instances, "8");
    check(&format!("instances: 1_000\n{base}"), instances, "1000");
    check(&format!("instances: +3\n{base}"), instances, "3");
    check(&format!("instances: '3'\n{base}"), instances, "3");
    check(&format!("instances: !!int 3\n{base}"), instances, "3");
    check(&format!("instances: !custom 3\n{base}"), instances, "3");
    check(&format!("instances: ~\n{base}"), instances, "1");
    let timeout = |c: &Config| c.datasource.timeout_secs.to_string();
    check(
        &format!("datasource:\n  timeout_secs: 1e1\n{base}"),
        timeout,
        "10",
    );
    check(
        &format!("datasource:\n  timeout_secs: '2.5'\n{base}"),
        timeout,
        "2.5",
    );
    check(&format!("datasource:\n{base}"), timeout, "10");
    let name = |c: &Config| c.services[0].name.clone();
    let named = |n: &str| base.replace("  - id: a\n", &format!("  - id: a\n    name: {n}\n"));
    check(&named("12"), name, "12");
    check(&named("yes"), name, "yes");
    check(&named("'null'"), name, "null");
    check(&named("~"), name, "a");
    check(&named("!!str 12"), name, "12");
    check(&named("!custom hi"), name, "hi");
    check(&named("|\n      multi\n      line"), name, "multi\nline\n");
    check(&named(">-\n      folded\n      text"), name, "folded text");
    check(&named("\"esc\\tx\\u00e9\""), name, "esc\txé");
    let rule = |c: &Config| format!("{:?}", c.services[0].checks[0].rule);
    check(
        &with_rule("{ kind: !equals , expected: 1 }"),
        rule,
        "Equals { expected: 1.0, otherwise: Critical }",
    );
    let count = |c: &Config| match &c.services[0].checks[0].rule {
        Rule::LabelState(l) => format!("{:?}", l.expect.as_ref().map(|e| &e.count)),
        other => format!("{other:?}"),
    };
    let expect = |n: &str| {
        with_rule(&format!(
            "{{ kind: label_state, label: state, expect: {{ state: alive, count: {n} }} }}"
        ))
    };
    check(
        &expect("0x10"),
        count,
        &format!("{:?}", Some(&ExpectCount::Exactly(16.0))),
    );
    check(
        &expect("2.5"),
        count,
        &format!("{:?}", Some(&ExpectCount::Exactly(2.5))),
    );
    check(
        &expect("peers"),
        count,
        &format!("{:?}", Some(&ExpectCount::Peers)),
    );
    let aggregate = |c: &Config| format!("{:?}", c.services[0].checks[0].aggregation);
    check(
        &one_check("        aggregate: {quorum: ~}\n"),
        aggregate,
        "Quorum",
    );
    // Merge keys: keys written in the mapping win over merged ones.
    let checks = |c: &Config| {
        c.services[0]
            .checks
            .iter()
            .map(|k| format!("{}={}", k.id, k.query))
            .collect::<Vec<_>>()
            .join(",")
    };
    check(
        "services:\n  - id: a\n    checks:\n      - &c\n        id: up\n        query: up\n        rule: { kind: quorum }\n      - <<: *c\n        id: up2\n        query: down\n",
        checks,
        "up=up,up2=down",
    );
    check(
        "services:\n  - id: a\n    checks:\n      - &c\n        id: up\n        query: up\n        rule: { kind: quorum }\n      - <<: [*c, {query: other}]\n        id: up2\n",
        checks,
        "up=up,up2=up",
    );
}
