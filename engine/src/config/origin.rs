//! `embedding.allowed_origins`: the host pages (a Grafana) whose
//! `postMessage` the dashboard obeys and to which it posts its status.
//!
//! An origin here is compared byte for byte with the browser's
//! `MessageEvent.origin` and used as `postMessage`'s `targetOrigin`, so it is
//! kept in the browser's own spelling (lower-case scheme and host, no default
//! port, no path) and anything looser is refused: a wildcard would hand the
//! status to, and take orders from, any page that frames the dashboard.

/// Why an allowed origin is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginProblem {
    /// `*` or a pattern.
    #[error(
        "wildcards are not allowed: list each host page's origin (`https://grafana.example.com`)"
    )]
    Wildcard,
    /// Not `http://` or `https://`.
    #[error("an origin is `https://host` or `http://host:port`")]
    Scheme,
    /// A path, query, fragment or user name after the host.
    #[error(
        "an origin has no path, query or user name: `https://grafana.example.com`, not a page's URL"
    )]
    NotBare,
    /// No host, or characters no host has.
    #[error("the host is missing or not a host name")]
    Host,
    /// A port that is not a number from 1 to 65535.
    #[error("the port is not a number from 1 to 65535")]
    Port,
}

/// `text` as the browser writes the origin, or why it cannot be one.
pub fn parse_origin(text: &str) -> Result<String, OriginProblem> {
    let text = text.trim();
    if text.contains('*') {
        return Err(OriginProblem::Wildcard);
    }
    let (scheme, rest) = text.split_once("://").ok_or(OriginProblem::Scheme)?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        _ => return Err(OriginProblem::Scheme),
    };
    // One trailing slash is how a copied address often ends; more is a path.
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '?', '#', '@', '\\']) {
        return Err(OriginProblem::NotBare);
    }
    let (host, port) = match rest.rsplit_once(':') {
        // An IPv6 literal's colons are inside brackets.
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':'));
    if !host_ok {
        return Err(OriginProblem::Host);
    }
    let host = host.to_ascii_lowercase();
    match port {
        None => Ok(format!("{scheme}://{host}")),
        Some(port) => {
            let n: u16 = port
                .parse()
                .ok()
                .filter(|n| *n > 0 && port.bytes().all(|b| b.is_ascii_digit()))
                .ok_or(OriginProblem::Port)?;
            if port == default_port {
                Ok(format!("{scheme}://{host}"))
            } else {
                Ok(format!("{scheme}://{host}:{n}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{OriginProblem, parse_origin};

    #[test]
    fn origins_in_the_browsers_spelling_or_refused() {
        let cases: [(&str, Result<&str, OriginProblem>); 17] = [
            (
                "https://grafana.example.com",
                Ok("https://grafana.example.com"),
            ),
            (
                " HTTPS://Grafana.Example.com/ ",
                Ok("https://grafana.example.com"),
            ),
            ("http://localhost:3000", Ok("http://localhost:3000")),
            ("https://g.example:443", Ok("https://g.example")),
            ("http://g.example:80", Ok("http://g.example")),
            ("http://[::1]:3000", Ok("http://[::1]:3000")),
            ("*", Err(OriginProblem::Wildcard)),
            ("https://*.example.com", Err(OriginProblem::Wildcard)),
            ("grafana.example.com", Err(OriginProblem::Scheme)),
            ("javascript://x", Err(OriginProblem::Scheme)),
            ("null", Err(OriginProblem::Scheme)),
            ("https://g.example/d/abc", Err(OriginProblem::NotBare)),
            ("https://g.example?x=1", Err(OriginProblem::NotBare)),
            ("https://evil@g.example", Err(OriginProblem::NotBare)),
            ("https://", Err(OriginProblem::Host)),
            ("https://g.example:0", Err(OriginProblem::Port)),
            ("https://g.example:99999", Err(OriginProblem::Port)),
        ];
        for (text, want) in cases {
            let got = parse_origin(text);
            assert_eq!(got.as_deref().map_err(Clone::clone), want, "{text}");
        }
    }

    #[test]
    fn embedding_lists_exact_origins_and_says_where_one_is_wrong() {
        let base = "services:\n  - id: a\n    checks:\n      - id: up\n        query: up\n        rule: { kind: quorum }\n";
        let none = crate::Config::from_yaml("t.yaml", base).unwrap_or_else(|e| panic!("{e}"));
        assert!(none.embedding.allowed_origins.is_empty());
        let good = format!(
            "{base}embedding:\n  allowed_origins: [https://Grafana.example.com/, 'http://localhost:3000', https://grafana.example.com]\n"
        );
        let good = crate::Config::from_yaml("t.yaml", &good).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            good.embedding.allowed_origins,
            ["https://grafana.example.com", "http://localhost:3000"]
        );
        let bad = format!(
            "{base}embedding:\n  allowed_origins:\n    - '*'\n    - https://g.example/d/x\n"
        );
        let e = crate::Config::from_yaml("t.yaml", &bad).expect_err("a wildcard must be refused");
        let messages = e.messages();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].starts_with("t.yaml:9:7: embedding.allowed_origins \"*\": wildcards"),
            "{messages:?}"
        );
        assert!(messages[1].starts_with("t.yaml:10:7:"), "{messages:?}");
    }
}
