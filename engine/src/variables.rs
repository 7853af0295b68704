//! Template variables (`variables:`): which values a variable may take, the
//! values chosen for a screen ([`Bindings`]), and the expressions with those
//! values written in ([`crate::Config::bind`]).
//!
//! A value comes from a URL (`var-cluster=eu-1`) or a host page's
//! `postMessage`, so it is hostile until shown otherwise. Two defences, each
//! enough on its own: a value must be one the variable allows (its fixed list
//! or Prometheus's last label-values answer) and within bounds; and whatever
//! the value, it is written into the expression escaped for where it lands,
//! and it can only land inside a quoted label-matcher value (the
//! configuration refuses `$name` anywhere else). So no value can end the
//! string, close the selector or add an operator: the expression keeps the
//! structure the operator wrote.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use crate::config::{Check, Config, Graph};
use crate::rule::Rule;

/// Longest value accepted, in characters (Prometheus label values are rarely
/// longer than a host name; anything longer is a mistake or an attack).
pub const MAX_VALUE_CHARS: usize = 256;
/// Most values selected at once for a multi-value variable.
pub const MAX_SELECTED: usize = 100;
/// Most values a variable offers (a fixed list or a label-values answer);
/// the rest of a longer answer is dropped.
pub const MAX_OPTIONS: usize = 10_000;

/// One declared variable.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Variable {
    /// `[a-zA-Z_][a-zA-Z0-9_]{0,31}`, used as `$name` or `${name}`.
    pub name: String,
    /// Where its allowed values come from.
    pub options: Options,
    /// The values used when none is chosen (empty for a label-values
    /// variable without `default`: then the answer's first value).
    pub default: Vec<String>,
    /// Several values may be chosen at once (only in `=~`/`!~` matchers).
    pub multi: bool,
}

/// Where a variable's allowed values come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Options {
    /// `values:`, a list in the file.
    Fixed(Vec<String>),
    /// `label_values:`, Prometheus's values of a label.
    LabelValues(LabelValues),
}

/// `label_values: {label, match, source}`: `GET
/// /api/v1/label/<label>/values?match[]=<match>`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LabelValues {
    /// The label whose values are offered (`[a-zA-Z_][a-zA-Z0-9_]*`).
    pub label: String,
    /// A series selector narrowing them (`up{job="node"}`), if any.
    pub matcher: Option<String>,
    /// The data source asked, by name; `None`: the default one.
    pub source: Option<String>,
}

impl Variable {
    /// The values this variable offers, given the label-values answer for
    /// it (`None` until answered, or for a fixed list).
    pub fn offered<'a>(&'a self, answer: Option<&'a [String]>) -> Option<&'a [String]> {
        match &self.options {
            Options::Fixed(values) => Some(values),
            Options::LabelValues(_) => answer,
        }
    }
}

/// The values of a label-values answer the dashboard keeps: at most
/// [`MAX_OPTIONS`], each at most [`MAX_VALUE_CHARS`] long (a longer one could
/// never be chosen), without duplicates, in the answer's order.
pub fn bounded_answer(values: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for v in values {
        if kept.len() >= MAX_OPTIONS {
            break;
        }
        if v.chars().count() <= MAX_VALUE_CHARS && seen.insert(v.clone()) {
            kept.push(v);
        }
    }
    kept
}

/// The values chosen for each variable of one configuration, each checked
/// against what the variable allows. Only [`Bindings::choose`] makes one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bindings(BTreeMap<String, Vec<String>>);

impl Bindings {
    /// The values chosen for `name`.
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.0.get(name).map(Vec::as_slice)
    }

    /// `(name, values)` in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Chooses every variable's values: the `requested` ones where they are
    /// allowed, else the default. `answers` holds the label-values answers
    /// by variable name (absent: not answered, so a requested value cannot
    /// be checked and is refused, never used unchecked).
    pub fn choose(
        variables: &[Variable],
        requested: &BTreeMap<String, Vec<String>>,
        answers: &BTreeMap<String, Vec<String>>,
    ) -> Choice {
        let mut bindings = BTreeMap::new();
        let mut refused = Vec::new();
        let mut unbound = Vec::new();
        for name in requested.keys() {
            if !variables.iter().any(|v| &v.name == name) {
                refused.push(Refusal {
                    variable: shown(name),
                    value: String::new(),
                    why: Why::NoSuchVariable,
                });
            }
        }
        for v in variables {
            let offered = v.offered(answers.get(&v.name).map(Vec::as_slice));
            let wanted = requested.get(&v.name).filter(|w| !w.is_empty());
            let chosen = wanted.and_then(|wanted| match check(v, wanted, offered) {
                Ok(()) => Some(wanted.clone()),
                Err((value, why)) => {
                    refused.push(Refusal {
                        variable: v.name.clone(),
                        value: shown(value),
                        why,
                    });
                    None
                }
            });
            let chosen = chosen.or_else(|| default_of(v, offered));
            match chosen {
                Some(values) => {
                    bindings.insert(v.name.clone(), values);
                }
                None => unbound.push(v.name.clone()),
            }
        }
        Choice {
            bindings: Bindings(bindings),
            refused,
            unbound,
        }
    }
}

/// What [`Bindings::choose`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The values to bind (defaults where a request was refused).
    pub bindings: Bindings,
    /// Requested values refused, each with why (shown as `variable-error`).
    pub refused: Vec<Refusal>,
    /// Variables with no value at all (a label-values variable without
    /// `default` whose answer is missing or empty): nothing can be bound
    /// until they have one.
    pub unbound: Vec<String>,
}

/// A requested value that was not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("variable {variable:?}: value {value:?} refused: {why}; the default is used")]
pub struct Refusal {
    /// The variable (as requested, cut to 48 characters for display).
    pub variable: String,
    /// The refused value, cut to 48 characters for display.
    pub value: String,
    /// Why.
    pub why: Why,
}

/// Why a requested value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Why {
    /// The configuration declares no such variable.
    #[error("no such variable")]
    NoSuchVariable,
    /// Not among the variable's values.
    #[error("not one of the variable's values")]
    NotOffered,
    /// The label-values answer is not in yet (or failed), so it cannot be checked.
    #[error("the variable's values could not be read from Prometheus to check it")]
    Unchecked,
    /// Longer than [`MAX_VALUE_CHARS`].
    #[error("longer than 256 characters")]
    TooLong,
    /// More than [`MAX_SELECTED`] values.
    #[error("more than 100 values selected")]
    TooMany,
    /// Several values for a variable that takes one.
    #[error("the variable takes one value")]
    NotMulti,
}

/// Enough of a refused value to recognise it; the reason must still fit
/// the notice's sentence after it.
const SHOWN_CHARS: usize = 48;

fn shown(text: &str) -> String {
    if text.chars().count() <= SHOWN_CHARS {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(SHOWN_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// Whether `wanted` may be bound to `v`; else the first offending value and why.
fn check<'a>(
    v: &Variable,
    wanted: &'a [String],
    offered: Option<&[String]>,
) -> Result<(), (&'a str, Why)> {
    let first = wanted.first().map_or("", String::as_str);
    if wanted.len() > MAX_SELECTED {
        return Err((first, Why::TooMany));
    }
    if wanted.len() > 1 && !v.multi {
        return Err((first, Why::NotMulti));
    }
    if let Some(long) = wanted.iter().find(|w| w.chars().count() > MAX_VALUE_CHARS) {
        return Err((long, Why::TooLong));
    }
    let Some(offered) = offered else {
        return Err((first, Why::Unchecked));
    };
    match wanted.iter().find(|w| !offered.contains(w)) {
        Some(bad) => Err((bad, Why::NotOffered)),
        None => Ok(()),
    }
}

/// The default values of `v`: the declared ones (the operator wrote them,
/// so they need no answer), else the first offered value.
fn default_of(v: &Variable, offered: Option<&[String]>) -> Option<Vec<String>> {
    if !v.default.is_empty() {
        return Some(v.default.clone());
    }
    offered.and_then(<[String]>::first).map(|f| vec![f.clone()])
}

/// Why a configuration cannot be bound with some [`Bindings`] (only when
/// they were chosen for another configuration).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BindError {
    /// An expression uses a variable with no value.
    #[error("variable {0:?} has no value")]
    Unbound(String),
    /// A single-value place (`=`, `!=`) and several values.
    #[error("variable {0:?} has several values where one is needed")]
    SeveralValues(String),
    /// A value out of bounds.
    #[error("variable {0:?} has a value out of bounds")]
    OutOfBounds(String),
    /// An expression that does not scan (cannot happen after validation).
    #[error("an expression cannot be read: {0}")]
    Unreadable(ScanProblem),
}

impl Config {
    /// This configuration with every `$name`/`${name}` in its check and
    /// graph expressions replaced by the bound values, escaped for the
    /// matcher it stands in. A configuration without variables comes back
    /// unchanged.
    pub fn bind(&self, bindings: &Bindings) -> Result<Config, BindError> {
        for (name, values) in bindings.iter() {
            if values.len() > MAX_SELECTED
                || values.iter().any(|v| v.chars().count() > MAX_VALUE_CHARS)
            {
                return Err(BindError::OutOfBounds(name.to_owned()));
            }
        }
        let mut bound = self.clone();
        if self.variables.is_empty() {
            return Ok(bound);
        }
        let sub = |expr: &mut String| -> Result<(), BindError> {
            *expr = substitute(expr, bindings)?;
            Ok(())
        };
        for service in &mut bound.services {
            for c in &mut service.checks {
                bind_check(c, &sub)?;
            }
        }
        for view in &mut bound.views {
            for g in &mut view.graphs {
                bind_graph(g, &sub)?;
            }
        }
        // Another value is another screen: its history is its own.
        let mut key = String::new();
        for (name, values) in bindings.iter() {
            for v in values {
                if !key.is_empty() {
                    key.push('&');
                }
                key.push_str(name);
                key.push('=');
                key.push_str(v);
            }
        }
        bound.cluster = Some(key);
        Ok(bound)
    }
}

fn bind_check(
    c: &mut Check,
    sub: &impl Fn(&mut String) -> Result<(), BindError>,
) -> Result<(), BindError> {
    sub(&mut c.query)?;
    if let Some(up) = &mut c.up {
        sub(up)?;
    }
    if let Rule::Ratio { denominator, .. } = &mut c.rule {
        sub(denominator)?;
    }
    Ok(())
}

fn bind_graph(
    g: &mut Graph,
    sub: &impl Fn(&mut String) -> Result<(), BindError>,
) -> Result<(), BindError> {
    g.queries.iter_mut().try_for_each(sub)
}

/// `expr` with its references replaced.
fn substitute(expr: &str, bindings: &Bindings) -> Result<String, BindError> {
    let pieces = scan(expr).map_err(BindError::Unreadable)?;
    let mut out = String::with_capacity(expr.len());
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Ref(r) => {
                let values = bindings
                    .get(r.name)
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| BindError::Unbound(r.name.to_owned()))?;
                let Place::Matcher { op, quote, whole } = r.place else {
                    // Validation refuses these; leave the text as written
                    // rather than put a value where it could change the query.
                    out.push_str(r.text);
                    continue;
                };
                let raw = match op {
                    MatchOp::Equal | MatchOp::NotEqual => {
                        if values.len() > 1 {
                            return Err(BindError::SeveralValues(r.name.to_owned()));
                        }
                        values[0].clone()
                    }
                    MatchOp::Regex | MatchOp::NotRegex => regex_alternatives(values, whole),
                };
                out.push_str(&escape_string(&raw, quote));
            }
        }
    }
    Ok(out)
}

/// The values as one RE2 pattern matching exactly any of them: each
/// escaped, several joined with `|`, grouped unless the pattern is the
/// matcher's whole value (Prometheus anchors that itself).
pub fn regex_alternatives(values: &[String], whole: bool) -> String {
    let joined = values
        .iter()
        .map(|v| escape_regex(v))
        .collect::<Vec<_>>()
        .join("|");
    if values.len() > 1 && !whole {
        format!("(?:{joined})")
    } else {
        joined
    }
}

/// `value` with RE2's special characters escaped (Go's `regexp.QuoteMeta`).
pub fn escape_regex(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(
            c,
            '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `value` as the inside of a `PromQL` string literal quoted with `quote`
/// (`"` or `'`): backslashes and that quote escaped, control and
/// direction-changing characters written as `\uXXXX`, so the literal ends
/// only where the operator's quote is and reads the same in logs.
pub fn escape_string(value: &str, quote: char) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || is_invisible(c) => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Format characters that reorder or hide text (bidi controls, zero-width
/// marks, the byte order mark); all in the Basic Multilingual Plane.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// A matcher's operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Where a reference stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Inside the quoted value of a label matcher: the one place a value may go.
    Matcher {
        /// The matcher's operator.
        op: MatchOp,
        /// The literal's quote, `"` or `'`.
        quote: char,
        /// The reference is the literal's whole content.
        whole: bool,
    },
    /// Inside a raw (backtick) string: nothing can be escaped there.
    RawString,
    /// Inside another string (a function's argument, a quoted metric name).
    OtherString,
    /// Outside any string.
    Outside,
}

/// A `$name` or `${name}` in an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference<'a> {
    /// The variable's name.
    pub name: &'a str,
    /// The reference as written (`$name` or `${name}`).
    pub text: &'a str,
    /// 1-based character position in the expression.
    pub at: usize,
    /// Where it stands.
    pub place: Place,
}

/// An expression cut at its references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text as written.
    Text(&'a str),
    /// A reference.
    Ref(Reference<'a>),
}

/// Why an expression cannot be scanned (an unterminated string; the
/// configuration's `PromQL` check reports it first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unterminated string at character {at}")]
pub struct ScanProblem {
    /// 1-based character position of the opening quote.
    pub at: usize,
}

/// The references of `expr`, in order.
pub fn references(expr: &str) -> Result<Vec<Reference<'_>>, ScanProblem> {
    Ok(scan(expr)?
        .into_iter()
        .filter_map(|p| match p {
            Piece::Ref(r) => Some(r),
            Piece::Text(_) => None,
        })
        .collect())
}

/// Cuts `expr` at its `$name`/`${name}` references, saying for each where
/// it stands: a lexical pass over `PromQL` (comments, the three kinds of
/// string, selectors' braces and matcher operators). `$` followed by
/// anything but a name (`$1` in `label_replace`, a regex's `$`) is text.
pub fn scan(expr: &str) -> Result<Vec<Piece<'_>>, ScanProblem> {
    let mut s = Scanner {
        expr,
        chars: expr.char_indices().collect(),
        pieces: Vec::new(),
        text_from: 0,
        in_braces: false,
        op: None,
    };
    let mut i = 0;
    while i < s.chars.len() {
        i = s.step(i)?;
    }
    s.text_until(expr.len());
    Ok(s.pieces)
}

/// The state of [`scan`] between characters.
struct Scanner<'a> {
    expr: &'a str,
    chars: Vec<(usize, char)>,
    pieces: Vec<Piece<'a>>,
    /// Byte offset where the text not yet pushed starts.
    text_from: usize,
    /// Inside a selector's `{…}`.
    in_braces: bool,
    /// The matcher operator just read, waiting for its value.
    op: Option<MatchOp>,
}

impl Scanner<'_> {
    /// Reads from character `i`; returns the index of the next one to read.
    fn step(&mut self, i: usize) -> Result<usize, ScanProblem> {
        let (at, c) = self.chars[i];
        match c {
            '#' => {
                let mut j = i;
                while j < self.chars.len() && self.chars[j].1 != '\n' {
                    j += 1;
                }
                return Ok(j);
            }
            '"' | '\'' | '`' => return self.string(i, c),
            '{' | '}' => {
                self.in_braces = c == '{';
                self.op = None;
            }
            '=' | '!' if self.in_braces => {
                let next = self.chars.get(i + 1).map(|&(_, n)| n);
                let (op, len) = match (c, next) {
                    ('=', Some('~')) => (Some(MatchOp::Regex), 2),
                    ('=', _) => (Some(MatchOp::Equal), 1),
                    ('!', Some('=')) => (Some(MatchOp::NotEqual), 2),
                    ('!', Some('~')) => (Some(MatchOp::NotRegex), 2),
                    _ => (None, 1),
                };
                self.op = op;
                return Ok(i + len);
            }
            '$' => {
                self.op = None;
                if let Some((name, len)) = reference_at(&self.expr[at..]) {
                    self.text_until(at);
                    self.pieces.push(Piece::Ref(Reference {
                        name,
                        text: &self.expr[at..at + len],
                        at: i + 1,
                        place: Place::Outside,
                    }));
                    self.text_from = at + len;
                    return Ok(i + self.expr[at..at + len].chars().count());
                }
            }
            c if c.is_whitespace() => {}
            _ => self.op = None,
        }
        Ok(i + 1)
    }

    /// Reads the string literal opened by `quote` at character `open`.
    fn string(&mut self, open: usize, quote: char) -> Result<usize, ScanProblem> {
        let mut j = open + 1;
        loop {
            match self.chars.get(j) {
                None => return Err(ScanProblem { at: open + 1 }),
                Some(&(_, '\\')) if quote != '`' => j += 2,
                Some(&(_, s)) if s == quote => break,
                Some(_) => j += 1,
            }
        }
        let start = self.chars[open].0 + quote.len_utf8();
        let content = &self.expr[start..self.chars[j].0];
        let found = refs_in(content, start, open + 1);
        let whole = found.len() == 1 && found[0].2 - found[0].1 == content.len();
        let place = match (quote, self.op) {
            ('`', _) => Place::RawString,
            (_, Some(op)) if self.in_braces => Place::Matcher { op, quote, whole },
            _ => Place::OtherString,
        };
        for (name, from, to, at) in found {
            self.text_until(from);
            self.pieces.push(Piece::Ref(Reference {
                name,
                text: &self.expr[from..to],
                at,
                place,
            }));
            self.text_from = to;
        }
        self.op = None;
        Ok(j + 1)
    }

    /// Pushes the text not yet pushed, up to byte `to`.
    fn text_until(&mut self, to: usize) {
        if to > self.text_from {
            self.pieces
                .push(Piece::Text(&self.expr[self.text_from..to]));
        }
    }
}

/// The references inside a string literal's `content`, which starts at
/// byte `offset` of the expression and character `char_offset` (1-based
/// position of the opening quote): `(name, from, to, at)` with byte ranges
/// in the expression and 1-based character positions.
fn refs_in(content: &str, offset: usize, char_offset: usize) -> Vec<(&str, usize, usize, usize)> {
    let mut found = Vec::new();
    let mut chars_before = 0;
    let mut skip_to = 0;
    for (b, c) in content.char_indices() {
        if b < skip_to {
            chars_before += 1;
            continue;
        }
        if c == '$'
            && let Some((name, len)) = reference_at(&content[b..])
        {
            found.push((
                name,
                offset + b,
                offset + b + len,
                char_offset + chars_before + 1,
            ));
            skip_to = b + len;
        }
        chars_before += 1;
    }
    found
}

/// The name and length in bytes of a reference at the start of `text`
/// (which starts with `$`): `$name` (longest name) or `${name}`.
fn reference_at(text: &str) -> Option<(&str, usize)> {
    let rest = text.strip_prefix('$')?;
    let name_len = |s: &str| {
        let mut n = 0;
        for (i, c) in s.char_indices() {
            let ok = c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit());
            if !ok {
                break;
            }
            n = i + 1;
        }
        n
    };
    if let Some(inner) = rest.strip_prefix('{') {
        let n = name_len(inner);
        return (n > 0 && inner[n..].starts_with('}')).then(|| (&inner[..n], n + 3));
    }
    let n = name_len(rest);
    (n > 0).then(|| (&rest[..n], n + 1))
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Place::Matcher { .. } => "in a label matcher's value",
            Place::RawString => "in a raw (backtick) string",
            Place::OtherString => "in a string that is no label matcher's value",
            Place::Outside => "outside any string",
        })
    }
}
