//! Prometheus's label matchers (`{service="consul", job=~"consul.*"}`), the
//! way a service selects its alerts and a silence selects what it mutes.
//!
//! The same syntax and meaning as Prometheus: `=`, `!=`, `=~`, `!~`; regular
//! expressions are anchored at both ends; a missing label matches as the
//! empty string. Regular expressions are `regex-lite`'s, whose syntax is
//! Prometheus's RE2 for everything an alert matcher needs and which costs a
//! fraction of the full `regex` crate in the browser bundle.

use std::fmt;

use panopticon_core::alerts::SilenceMatcher;
use panopticon_core::prom::Labels;
use regex_lite::Regex;

/// The longest selector accepted: a matcher list is a few labels, and a
/// regular expression compiled on every wall screen must stay small.
pub const MAX_SELECTOR_CHARS: usize = 1_000;

/// How one label is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchOp {
    /// `=`
    Equal,
    /// `!=`
    NotEqual,
    /// `=~`
    Regex,
    /// `!~`
    NotRegex,
}

impl MatchOp {
    /// The comparison of one of Alertmanager's silence matchers.
    pub const fn of_silence(m: &SilenceMatcher) -> MatchOp {
        match (m.is_equal, m.is_regex) {
            (true, false) => MatchOp::Equal,
            (false, false) => MatchOp::NotEqual,
            (true, true) => MatchOp::Regex,
            (false, true) => MatchOp::NotRegex,
        }
    }

    /// As written.
    pub const fn as_str(self) -> &'static str {
        match self {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        }
    }
}

/// One label matcher.
#[derive(Debug, Clone)]
pub struct LabelMatcher {
    /// The label's name.
    pub name: String,
    /// The comparison.
    pub op: MatchOp,
    /// The value or the regular expression as written.
    pub value: String,
    /// The anchored expression, for `=~` and `!~`.
    regex: Option<Regex>,
}

impl PartialEq for LabelMatcher {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.op == other.op && self.value == other.value
    }
}

impl LabelMatcher {
    /// A matcher; the regular expression is compiled (anchored) for `=~`/`!~`.
    pub fn new(name: &str, op: MatchOp, value: &str) -> Result<LabelMatcher, MatcherProblem> {
        let regex = match op {
            MatchOp::Regex | MatchOp::NotRegex => Some(
                Regex::new(&format!("^(?:{value})$")).map_err(|e| MatcherProblem::Regex {
                    regex: value.to_owned(),
                    message: e.to_string().lines().last().unwrap_or_default().to_owned(),
                })?,
            ),
            MatchOp::Equal | MatchOp::NotEqual => None,
        };
        Ok(LabelMatcher {
            name: name.to_owned(),
            op,
            value: value.to_owned(),
            regex,
        })
    }

    /// Whether `value` (the label's value, `""` when absent) satisfies it.
    pub fn matches_value(&self, value: &str) -> bool {
        match (self.op, &self.regex) {
            (MatchOp::Equal, _) => value == self.value,
            (MatchOp::NotEqual, _) => value != self.value,
            (MatchOp::Regex, Some(re)) => re.is_match(value),
            (MatchOp::NotRegex, Some(re)) => !re.is_match(value),
            // Never built without its regex.
            (MatchOp::Regex | MatchOp::NotRegex, None) => false,
        }
    }

    /// Whether the label set satisfies it.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.matches_value(labels.get(&self.name).map_or("", String::as_str))
    }
}

impl fmt::Display for LabelMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{:?}", self.name, self.op.as_str(), self.value)
    }
}

/// One `{…}` selector: every matcher must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    /// The matchers, as written.
    pub matchers: Vec<LabelMatcher>,
}

impl Selector {
    /// Parses `{name="value", other=~"re.*"}`.
    pub fn parse(text: &str) -> Result<Selector, MatcherProblem> {
        if text.chars().count() > MAX_SELECTOR_CHARS {
            return Err(MatcherProblem::TooLong {
                max: MAX_SELECTOR_CHARS,
            });
        }
        let mut p = Parser { text, at: 0 };
        p.skip_space();
        if !p.eat('{') {
            return Err(MatcherProblem::Syntax {
                at: p.column(),
                expected: "`{` (write the matchers as {label=\"value\", …})",
            });
        }
        let mut matchers = Vec::new();
        loop {
            p.skip_space();
            if p.eat('}') {
                break;
            }
            let name = p.name()?;
            p.skip_space();
            let op = p.op()?;
            p.skip_space();
            let value = p.string()?;
            matchers.push(LabelMatcher::new(&name, op, &value)?);
            p.skip_space();
            if p.eat(',') {
                continue;
            }
            if p.eat('}') {
                break;
            }
            return Err(MatcherProblem::Syntax {
                at: p.column(),
                expected: "`,` or `}`",
            });
        }
        p.skip_space();
        if p.at < text.len() {
            return Err(MatcherProblem::Syntax {
                at: p.column(),
                expected: "nothing after `}`",
            });
        }
        // As Prometheus: a selector that every label set satisfies would
        // take every alert of the cluster for this one service.
        if matchers.iter().all(|m| m.matches_value("")) {
            return Err(MatcherProblem::MatchesEverything);
        }
        Ok(Selector { matchers })
    }

    /// Whether the label set satisfies every matcher.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.matchers.iter().all(|m| m.matches(labels))
    }

    /// Whether a silence with `silence` matchers mutes every label set this
    /// selector takes: each of the silence's matchers is implied by one of
    /// this selector's (an equal matcher on the same label whose value the
    /// silence's matcher accepts, or the very same matcher).
    pub fn implies_silence(&self, silence: &[SilenceMatcher]) -> bool {
        !silence.is_empty()
            && silence.iter().all(|s| {
                self.matchers.iter().any(|m| {
                    if m.name != s.name {
                        return false;
                    }
                    let op = MatchOp::of_silence(s);
                    if m.op == op && m.value == s.value {
                        return true;
                    }
                    m.op == MatchOp::Equal
                        && LabelMatcher::new(&s.name, op, &s.value)
                            .is_ok_and(|sm| sm.matches_value(&m.value))
                })
            })
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, m) in self.matchers.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{m}")?;
        }
        f.write_str("}")
    }
}

/// Why a selector was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatcherProblem {
    /// Not the selector syntax.
    #[error("expected {expected} at character {at}")]
    Syntax {
        /// 1-based character position in the selector.
        at: usize,
        /// What would have been right there.
        expected: &'static str,
    },
    /// A regular expression that does not compile.
    #[error("bad regular expression {regex:?}: {message}")]
    Regex {
        /// The expression as written.
        regex: String,
        /// The compiler's complaint.
        message: String,
    },
    /// A selector every label set satisfies (`{}`, `{a=~".*"}`).
    #[error(
        "matches every alert (each matcher accepts an empty label); add at least one matcher that needs a value, e.g. {{service=\"…\"}}"
    )]
    MatchesEverything,
    /// Longer than [`MAX_SELECTOR_CHARS`].
    #[error("longer than {max} characters")]
    TooLong {
        /// The limit.
        max: usize,
    },
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn column(&self) -> usize {
        self.text[..self.at].chars().count() + 1
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, c: char) -> bool {
        if self.rest().starts_with(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn name(&mut self) -> Result<String, MatcherProblem> {
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|&(i, c)| !(c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
            .map_or(rest.len(), |(i, _)| i);
        if len == 0 {
            return Err(MatcherProblem::Syntax {
                at: self.column(),
                expected: "a label name",
            });
        }
        let name = rest[..len].to_owned();
        self.at += len;
        Ok(name)
    }

    fn op(&mut self) -> Result<MatchOp, MatcherProblem> {
        for (word, op) in [
            ("=~", MatchOp::Regex),
            ("!~", MatchOp::NotRegex),
            ("!=", MatchOp::NotEqual),
            ("=", MatchOp::Equal),
        ] {
            if self.rest().starts_with(word) {
                self.at += word.len();
                return Ok(op);
            }
        }
        Err(MatcherProblem::Syntax {
            at: self.column(),
            expected: "one of =, !=, =~, !~",
        })
    }

    /// A quoted string: `"…"` or `'…'` with Go's escapes, or `` `…` `` raw.
    fn string(&mut self) -> Result<String, MatcherProblem> {
        let start = self.column();
        let unclosed = MatcherProblem::Syntax {
            at: start,
            expected: "a closed quoted value",
        };
        let Some(quote) = self
            .rest()
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))
        else {
            return Err(MatcherProblem::Syntax {
                at: start,
                expected: "a quoted value",
            });
        };
        self.at += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            if c == quote {
                self.at += i + 1;
                return Ok(out);
            }
            if c == '\\' && quote != '`' {
                let Some((_, e)) = chars.next() else {
                    return Err(unclosed);
                };
                out.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    other => other,
                });
                if !matches!(e, 'n' | 't' | 'r' | '\\' | '"' | '\'') {
                    // Regex escapes (`\.`, `\d`) pass through as written.
                    out.pop();
                    out.push('\\');
                    out.push(e);
                }
            } else {
                out.push(c);
            }
        }
        Err(unclosed)
    }
}

#[cfg(test)]
mod tests;
