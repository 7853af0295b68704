//! A lexical check of `PromQL`: brackets balance, strings end, something is there.
//!
//! Prometheus itself rejects every other mistake at query time, with its own
//! message shown on the check. A real parser would triple the browser bundle
//! for the few errors it could add at load time, so this stays a scanner.

use super::error::PromqlProblem;

/// Checks `expr` lexically: non-empty, `()[]{}` balanced outside strings,
/// every `"…"`, `'…'` (with `\` escapes) and `` `…` `` closed. `#` starts a
/// comment to the end of the line, as in `PromQL`.
pub fn check_promql(expr: &str) -> Result<(), PromqlProblem> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut chars = expr.chars().enumerate().map(|(i, c)| (i + 1, c));
    let mut has_token = false;
    while let Some((at, c)) = chars.next() {
        match c {
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' | '\'' | '`' => {
                has_token = true;
                let mut closed = false;
                while let Some((_, s)) = chars.next() {
                    if s == '\\' && c != '`' {
                        chars.next();
                    } else if s == c {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Err(PromqlProblem::UnterminatedString { quote: c, at });
                }
            }
            '(' | '[' | '{' => {
                has_token = true;
                stack.push((c, at));
            }
            ')' | ']' | '}' => {
                let want = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                match stack.pop() {
                    None => return Err(PromqlProblem::Unexpected { close: c, at }),
                    Some((open, opened_at)) if open != want => {
                        return Err(PromqlProblem::Mismatched {
                            open,
                            opened_at,
                            close: c,
                            at,
                        });
                    }
                    Some(_) => {}
                }
            }
            c if c.is_whitespace() => {}
            _ => has_token = true,
        }
    }
    if let Some((open, at)) = stack.pop() {
        return Err(PromqlProblem::Unclosed { open, at });
    }
    if !has_token {
        return Err(PromqlProblem::Empty);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(expr: &str, expect: Result<(), PromqlProblem>) {
        assert_eq!(check_promql(expr), expect, "{expr:?}");
    }

    #[test]
    fn lexical_problems() {
        use PromqlProblem as P;
        check("up", Ok(()));
        check(r#"up{job="consul"} == 0"#, Ok(()));
        check(
            r#"node_load15 / count by (instance) (node_cpu_seconds_total{mode="idle"})"#,
            Ok(()),
        );
        check(
            r#"min_over_time(weave_connections{state="retrying"}[10m])"#,
            Ok(()),
        );
        check(r#"up{job="a(b"}"#, Ok(()));
        check(r#"up{job="say \"hi\""}"#, Ok(()));
        check("up{job=`a\\`}", Ok(()));
        check("up # a comment with ( and \"\nor vector(0)", Ok(()));
        check("", Err(P::Empty));
        check("   \n\t", Err(P::Empty));
        check("# only a comment", Err(P::Empty));
        check("sum(rate(x[5m])", Err(P::Unclosed { open: '(', at: 4 }));
        check("sum(x))", Err(P::Unexpected { close: ')', at: 7 }));
        check(
            "sum(x]",
            Err(P::Mismatched {
                open: '(',
                opened_at: 4,
                close: ']',
                at: 6,
            }),
        );
        check(
            r#"up{job="consul}"#,
            Err(P::UnterminatedString { quote: '"', at: 8 }),
        );
        check(
            "up{job='x\\'}",
            Err(P::UnterminatedString { quote: '\'', at: 8 }),
        );
        check("é(", Err(P::Unclosed { open: '(', at: 2 }));
    }
}
