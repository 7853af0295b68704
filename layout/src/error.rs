//! Why a graph cannot be laid out.

/// A graph the layout refuses. The engine's config validation already rules
/// all of these out for real configurations; the layout still checks, because
/// it must never panic or loop on input it did not validate itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    /// Two nodes share an id, so edges naming it would be ambiguous.
    #[error("node `{0}` is listed twice")]
    DuplicateNode(String),
    /// An edge names a node that is not in the node list.
    #[error("edge `{from}` → `{to}` names `{missing}`, which is not a node of the graph")]
    UnknownNode {
        /// The edge's dependant.
        from: String,
        /// The edge's dependency.
        to: String,
        /// The id that is not a node.
        missing: String,
    },
    /// A node depends on itself: it cannot be drawn above itself.
    #[error("node `{0}` depends on itself")]
    SelfLoop(String),
    /// The edges form a cycle, so no order puts every dependency below its dependants.
    #[error("dependency cycle: {}", .0.join(" → "))]
    Cycle(Vec<String>),
    /// A node's width or height is not a finite positive number.
    #[error("node `{0}` needs a finite, positive width and height")]
    InvalidSize(String),
    /// A spacing option is negative or not finite.
    #[error("layout option `{0}` must be finite and not negative")]
    InvalidOption(&'static str),
}
