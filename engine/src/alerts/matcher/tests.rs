use panopticon_core::alerts::SilenceMatcher;
use panopticon_core::prom::Labels;

use super::*;

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|&(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn selectors_match_as_in_prometheus() {
    let consul = labels(&[("service", "consul"), ("job", "consul-exporter")]);
    let vault = labels(&[("service", "vault"), ("job", "vault")]);
    let none = labels(&[("alertname", "X")]);
    let cases: &[(&str, [bool; 3])] = &[
        (r#"{service="consul"}"#, [true, false, false]),
        (r#"{job=~"consul.*"}"#, [true, false, false]),
        // Anchored: "consul" alone does not match "consul-exporter".
        (r#"{job=~"consul"}"#, [false, false, false]),
        (r#"{service!="consul", job=~".+"}"#, [false, true, false]),
        (
            r#"{service!~"con.*|va.*", alertname="X"}"#,
            [false, false, true],
        ),
        (r"{ service = 'vault' , }", [false, true, false]),
        ("{job=~`vault|consul-.*`}", [true, true, false]),
        (r#"{job=~"consul\\-exp.*"}"#, [true, false, false]),
    ];
    for &(text, want) in cases {
        let s = Selector::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let got = [s.matches(&consul), s.matches(&vault), s.matches(&none)];
        assert_eq!(got, want, "{text}");
    }
}

#[test]
fn bad_selectors_say_what_is_wrong() {
    let cases: &[(&str, &str)] = &[
        (r#"service="consul""#, "expected `{`"),
        (
            r#"{service="consul""#,
            "expected `,` or `}` at character 18",
        ),
        (
            r#"{service=="consul"}"#,
            "expected a quoted value at character 10",
        ),
        (r#"{service="consul}"#, "expected a closed quoted value"),
        (r#"{9service="x"}"#, "expected a label name at character 2"),
        (r#"{service~"x"}"#, "expected one of =, !=, =~, !~"),
        (r#"{job=~"consul("}"#, "bad regular expression \"consul(\""),
        ("{}", "matches every alert"),
        (r#"{job=~".*"}"#, "matches every alert"),
        (r#"{job="x"} extra"#, "nothing after `}`"),
    ];
    for &(text, want) in cases {
        let e = Selector::parse(text).expect_err(text).to_string();
        assert!(e.contains(want), "{text}: {e}");
    }
    let long = format!("{{a=\"{}\"}}", "x".repeat(2_000));
    assert!(matches!(
        Selector::parse(&long),
        Err(MatcherProblem::TooLong { .. })
    ));
}

fn silence(m: &[(&str, &str, bool, bool)]) -> Vec<SilenceMatcher> {
    m.iter()
        .map(|&(name, value, is_regex, is_equal)| SilenceMatcher {
            name: name.to_owned(),
            value: value.to_owned(),
            is_regex,
            is_equal,
        })
        .collect()
}

#[test]
fn a_silence_covers_a_selector_only_when_it_mutes_all_it_selects() {
    let s = Selector::parse(r#"{service="consul", job=~"consul.*"}"#).unwrap();
    // service=consul: implied by the selector's own service="consul".
    assert!(s.implies_silence(&silence(&[("service", "consul", false, true)])));
    // service=~"consul|nomad": accepts consul.
    assert!(s.implies_silence(&silence(&[("service", "consul|nomad", true, true)])));
    // The very same regex matcher.
    assert!(s.implies_silence(&silence(&[("job", "consul.*", true, true)])));
    // A narrower silence (one alert) does not cover the service.
    assert!(!s.implies_silence(&silence(&[
        ("service", "consul", false, true),
        ("alertname", "ConsulDown", false, true)
    ])));
    assert!(!s.implies_silence(&silence(&[("service", "vault", false, true)])));
    assert!(!s.implies_silence(&silence(&[("job", "consul-x", false, true)])));
    assert!(
        !s.implies_silence(&[]),
        "a silence without matchers is no evidence"
    );
}
