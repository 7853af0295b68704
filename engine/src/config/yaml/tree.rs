//! The document as one tree of nodes with positions, built from the parser's
//! events: anchors and aliases resolved, merge keys (`<<`) applied, duplicate
//! keys refused.

use std::collections::HashMap;

use granit_parser::{ErrorKind, Event, Marker, Parser, ScalarStyle, ScanError, Span, Tag};

use super::error::YamlError;
use super::spanned::Location;

/// Deeper nesting than this is refused (serde-saphyr's default budget); it
/// also bounds the recursion of the deserializer.
const MAX_DEPTH: usize = 64;
/// Nodes, alias copies included: an alias bomb stops here instead of
/// eating the tab's memory.
const MAX_NODES: usize = 250_000;

/// One YAML node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub loc: Location,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    /// Entries in file order.
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Scalar {
    pub text: String,
    /// Plain (unquoted, not a block scalar): only these can mean null,
    /// a number or a boolean without a tag.
    pub plain: bool,
    pub tag: ScalarTag,
    /// The name of an application tag (`equals` for `!equals`), which an
    /// enum reads as its variant, `serde_yaml` style.
    pub tag_name: Option<String>,
}

/// The explicit tags that change how a scalar reads; other tags are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ScalarTag {
    None,
    /// `!!str`: a string, never a number.
    Str,
    /// The non-specific `!`: a string where types are guessed, yet still
    /// readable as a number where one is asked for.
    NonSpecific,
    Null,
    Bool,
    Int,
    Float,
    /// An application tag (`!foo`): ignored by typed fields; an untyped value
    /// reads it as a mapping, as serde-saphyr did (it passed `{tag: value}`).
    Other,
}

impl Scalar {
    /// `~`, `null` or nothing, unquoted and untagged (or tagged `!!null`).
    pub fn is_null(&self) -> bool {
        match self.tag {
            ScalarTag::Null => true,
            ScalarTag::None | ScalarTag::Other => {
                self.plain && matches!(&*self.text, "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }
}

fn location(m: &Marker) -> Location {
    Location::new(m.line() as u64, m.col() as u64 + 1)
}

fn scan_error(e: &ScanError) -> YamlError {
    let message = if matches!(e.kind(), ErrorKind::UnknownAnchor) {
        "alias references unknown anchor".to_owned()
    } else {
        e.info()
    };
    YamlError::at(location(e.marker()), message)
}

fn scalar_tag(tag: Option<&Tag>) -> ScalarTag {
    let Some(tag) = tag else {
        return ScalarTag::None;
    };
    match tag.core_suffix() {
        Some("str") => ScalarTag::Str,
        Some("null") => ScalarTag::Null,
        Some("bool") => ScalarTag::Bool,
        Some("int") => ScalarTag::Int,
        Some("float") => ScalarTag::Float,
        _ if tag
            .suffix_in_namespace("!")
            .is_some_and(|s| s.is_empty() || s == "!") =>
        {
            ScalarTag::NonSpecific
        }
        _ => ScalarTag::Other,
    }
}

/// A collection still being read.
enum Open {
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>, Option<Node>),
}

struct Frame {
    loc: Location,
    anchor: usize,
    open: Open,
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    /// Anchored nodes with their size, for the alias budget.
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    root: Option<Node>,
}

impl Builder {
    fn count(&mut self, n: usize, loc: Location) -> Result<(), YamlError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(YamlError::at(
                loc,
                format!("the document has more than {MAX_NODES} nodes (aliases included)"),
            ));
        }
        Ok(())
    }

    fn open(&mut self, loc: Location, anchor: usize, open: Open) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError::at(
                loc,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.count(1, loc)?;
        self.stack.push(Frame { loc, anchor, open });
        Ok(())
    }

    fn close(&mut self) -> Result<(), YamlError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let kind = match frame.open {
            Open::Seq(items) => Kind::Seq(items),
            Open::Map(entries, _) => Kind::Map(merge(entries)?),
        };
        self.finish(
            Node {
                loc: frame.loc,
                kind,
            },
            frame.anchor,
        );
        Ok(())
    }

    /// Hands a complete node to its parent (or makes it the root).
    fn finish(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size(&node)));
        }
        match self.stack.last_mut().map(|f| &mut f.open) {
            Some(Open::Seq(items)) => items.push(node),
            Some(Open::Map(entries, key)) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
            None => self.root = Some(node),
        }
    }
}

fn size(node: &Node) -> usize {
    match &node.kind {
        Kind::Scalar(_) => 1,
        Kind::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Kind::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| size(k) + size(v))
                .sum::<usize>()
        }
    }
}

/// Everything copied by an alias is reported where the alias is used,
/// since that is the part of the file whose meaning is in question.
fn relocate(node: &mut Node, loc: Location) {
    node.loc = loc;
    match &mut node.kind {
        Kind::Scalar(_) => {}
        Kind::Seq(items) => items.iter_mut().for_each(|n| relocate(n, loc)),
        Kind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            relocate(k, loc);
            relocate(v, loc);
        }),
    }
}

fn key_text(node: &Node) -> Option<&str> {
    match &node.kind {
        Kind::Scalar(s) => Some(&s.text),
        _ => None,
    }
}

fn is_merge_key(node: &Node) -> bool {
    matches!(&node.kind, Kind::Scalar(s) if s.plain && s.text == "<<")
}

/// Refuses duplicate keys and applies merge keys: keys written in the
/// mapping win over merged ones, earlier merge sources over later ones.
fn merge(entries: Vec<(Node, Node)>) -> Result<Vec<(Node, Node)>, YamlError> {
    let mut own: Vec<(Node, Node)> = Vec::with_capacity(entries.len());
    let mut merged: Vec<(Node, Node)> = Vec::new();
    for (k, v) in entries {
        if is_merge_key(&k) {
            let sources = match v.kind {
                Kind::Map(m) => vec![m],
                Kind::Seq(items) => {
                    let mut maps = Vec::with_capacity(items.len());
                    for item in items {
                        match item.kind {
                            Kind::Map(m) => maps.push(m),
                            _ => return Err(merge_error(item.loc)),
                        }
                    }
                    maps
                }
                Kind::Scalar(_) => return Err(merge_error(v.loc)),
            };
            for (mk, mv) in sources.into_iter().flatten() {
                if !merged.iter().any(|(k2, _)| same_key(k2, &mk)) {
                    merged.push((mk, mv));
                }
            }
            continue;
        }
        if let Some(text) = key_text(&k)
            && own.iter().any(|(k2, _)| same_key(k2, &k))
        {
            return Err(YamlError::at(
                k.loc,
                format!("duplicate key `{text}`: it is set twice here; keep one"),
            ));
        }
        own.push((k, v));
    }
    for (mk, mv) in merged {
        if !own.iter().any(|(k2, _)| same_key(k2, &mk)) {
            own.push((mk, mv));
        }
    }
    Ok(own)
}

fn same_key(a: &Node, b: &Node) -> bool {
    matches!((key_text(a), key_text(b)), (Some(x), Some(y)) if x == y)
}

fn merge_error(loc: Location) -> YamlError {
    YamlError::at(
        loc,
        "YAML merge value must be mapping or sequence of mappings",
    )
}

/// Reads the single document in `text`; `None` when there is none (an empty
/// file, only comments, or a bare `---`), which the caller words as "empty"
/// rather than as a syntax error.
pub(super) fn load(text: &str) -> Result<Option<Node>, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder::default();
    let mut documents = 0;
    while let Some(next) = parser.next_event() {
        let (event, span): (Event, Span) = next.map_err(|e| scan_error(&e))?;
        let loc = location(&span.start);
        if documents > 1 {
            // Reported where the second document's content starts, as before.
            return Err(YamlError::at(
                loc,
                "multiple YAML documents detected; use from_str_multiple or from_str_multiple_with_options",
            ));
        }
        match event {
            Event::DocumentStart(..) => documents += 1,
            Event::StreamEnd => return Ok(b.root.filter(|root| !is_empty(root))),
            Event::Scalar(text, style, anchor, tag) => {
                b.count(1, loc)?;
                let tag = tag.as_deref();
                let kind = scalar_tag(tag);
                let scalar = Scalar {
                    text: text.into_owned(),
                    plain: matches!(style, ScalarStyle::Plain),
                    tag: kind,
                    tag_name: tag.filter(|_| kind == ScalarTag::Other).map(|t| {
                        t.suffix_in_namespace("!")
                            .map_or_else(|| t.suffix().to_owned(), std::borrow::Cow::into_owned)
                    }),
                };
                b.finish(
                    Node {
                        loc,
                        kind: Kind::Scalar(scalar),
                    },
                    anchor,
                );
            }
            Event::SequenceStart(_, anchor, _) => b.open(loc, anchor, Open::Seq(Vec::new()))?,
            Event::MappingStart(_, anchor, _) => {
                b.open(loc, anchor, Open::Map(Vec::new(), None))?;
            }
            Event::SequenceEnd | Event::MappingEnd => b.close()?,
            Event::Alias(id) => {
                let Some(&(_, n)) = b.anchors.get(&id) else {
                    return Err(YamlError::at(loc, "alias references unknown anchor"));
                };
                // Counted before copying, so a bomb fails before it allocates.
                b.count(n, loc)?;
                let mut node = b.anchors[&id].0.clone();
                relocate(&mut node, loc);
                b.finish(node, 0);
            }
            Event::UnresolvedAlias(_) => {
                return Err(YamlError::at(loc, "alias references unknown anchor"));
            }
            _ => {}
        }
    }
    Ok(b.root.filter(|root| !is_empty(root)))
}

/// A document that says nothing: `---` alone, or a plain untagged `~`/`null`.
fn is_empty(root: &Node) -> bool {
    matches!(&root.kind, Kind::Scalar(s) if s.tag == ScalarTag::None && s.is_null())
}
