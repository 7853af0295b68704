//! What the diagram shows, decided without a browser: box sizes, the layout
//! of the configured services, and each box's and edge's look for a snapshot.

use panopticon_core::Status;
use panopticon_engine::config::Dependency;
use panopticon_engine::snapshot::{NOT_EVALUATED, passed_on};
use panopticon_engine::{Config, Snapshot};
use panopticon_layout::{Edge, Layout, LayoutError, Node, Options, Rect};

/// Box height in user units; three lines of text.
pub const NODE_HEIGHT: f64 = 72.0;
/// Font sizes in user units. They scale with the boxes, so text is as
/// readable as the diagram is large, on a Grafana panel or a wall.
pub const NAME_SIZE: f64 = 17.0;
/// Status line ("✖ CRITICAL").
pub const STATUS_SIZE: f64 = 14.0;
/// Note line ("impacted by Consul").
pub const NOTE_SIZE: f64 = 12.0;
/// Baselines of the three lines, from the box's top.
pub const NAME_Y: f64 = 24.0;
/// See [`NAME_Y`].
pub const STATUS_Y: f64 = 45.0;
/// See [`NAME_Y`].
pub const NOTE_Y: f64 = 63.0;

const MIN_WIDTH: f64 = 160.0;
const MAX_WIDTH: f64 = 340.0;
/// Empty space left and right of the text inside a box.
const PADDING: f64 = 12.0;
/// Average advance of a character in em for a bold system sans-serif; generous,
/// because text measurement would need the DOM and a box that is a little wide
/// costs nothing.
const BOLD_EM: f64 = 0.62;
const REGULAR_EM: f64 = 0.56;

/// Width of a service's box: enough for its name, within bounds.
pub fn box_width(name: &str) -> f64 {
    let text = name.chars().count() as f64 * NAME_SIZE * BOLD_EM;
    (text + 2.0 * PADDING).clamp(MIN_WIDTH, MAX_WIDTH)
}

/// `text` shortened with "…" to fit `width` at `font_size`, so a long name
/// never spills over its box (the full text is in the tooltip and the label).
pub fn fit(text: &str, width: f64, font_size: f64, bold: bool) -> String {
    let em = if bold { BOLD_EM } else { REGULAR_EM };
    // A hair of slack: a box sized for exactly this many characters must
    // not lose the last one to rounding.
    let room = ((width - 2.0 * PADDING) / (font_size * em) + 1e-9)
        .floor()
        .max(1.0);
    // `room` is small and positive; the cast cannot truncate meaningfully.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let room = room as usize;
    if text.chars().count() <= room {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(room.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// The layout of the configured services with today's full boxes and no box
/// to fit: depends only on the config (see [`plan`] for the sized one).
pub fn diagram_layout(config: &Config) -> Result<Layout, LayoutError> {
    lay_out(config, Density::Full, None)
}

/// On-screen size (CSS px) below which a name is hard to read from a NOC desk.
pub const READABLE_PX: f64 = 12.0;
/// On-screen size (CSS px) the name of a non-healthy service reaches when the
/// healthy ones are tiles: problems are read from across the room.
pub const PROBLEM_PX: f64 = 14.0;

/// Compact boxes: one line, the status icon before the name.
pub const COMPACT_HEIGHT: f64 = 40.0;
/// Name size of a compact box (and of a tile's label), in user units.
pub const COMPACT_NAME_SIZE: f64 = 18.0;
/// Baseline of a compact box's line, from its top.
pub const COMPACT_Y: f64 = 26.0;
/// Room for the icon before the name in a compact box.
pub const COMPACT_ICON_ROOM: f64 = 24.0;
const COMPACT_MIN_WIDTH: f64 = 120.0;
/// A tile: a square with the status icon, the name in its tooltip.
pub const TILE_SIZE: f64 = 40.0;
/// Size of a tile's icon.
pub const TILE_ICON_SIZE: f64 = 24.0;

/// How much each box says, chosen from the graph and the panel's size only
/// (never from statuses), so boxes never move on a refresh. The first of
/// these whose names are at least [`READABLE_PX`] on screen wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Density {
    /// Three lines: name, status word, note (a small graph, or a big panel).
    Full,
    /// One line: status icon and name.
    Compact,
    /// Healthy services are coloured tiles with their status shape; every
    /// other service keeps its name, drawn enlarged over the tiles.
    Tiles,
}

impl Density {
    /// The class on the diagram, for the styles of each density.
    pub fn as_str(self) -> &'static str {
        match self {
            Density::Full => "full",
            Density::Compact => "compact",
            Density::Tiles => "tiles",
        }
    }

    /// Name size in user units.
    pub fn name_size(self) -> f64 {
        match self {
            Density::Full => NAME_SIZE,
            Density::Compact | Density::Tiles => COMPACT_NAME_SIZE,
        }
    }

    /// The laid-out size of a service's box.
    pub fn box_size(self, name: &str) -> (f64, f64) {
        match self {
            Density::Full => (box_width(name), NODE_HEIGHT),
            Density::Compact => (compact_width(name), COMPACT_HEIGHT),
            Density::Tiles => (TILE_SIZE, TILE_SIZE),
        }
    }

    /// Gaps shrink with the boxes, so rows stay close and edges short.
    fn options(self, aspect: Option<f64>) -> Options {
        let (layer_gap, node_gap, edge_gap) = match self {
            Density::Full => (52.0, 28.0, 14.0),
            Density::Compact => (36.0, 20.0, 10.0),
            Density::Tiles => (30.0, 12.0, 7.0),
        };
        Options {
            layer_gap,
            node_gap,
            edge_gap,
            margin: 12.0,
            aspect,
        }
    }
}

/// Average advance of a bold character, in em, for sizing compact boxes:
/// wider than [`BOLD_EM`] (which decides where a name is cut), because a
/// one-line box has no spare height to hide a name touching its border.
const COMPACT_BOLD_EM: f64 = 0.66;

/// Width of a compact box: icon and name on one line, within bounds.
pub fn compact_width(name: &str) -> f64 {
    let text = name.chars().count() as f64 * COMPACT_NAME_SIZE * COMPACT_BOLD_EM;
    (text + COMPACT_ICON_ROOM + 2.0 * PADDING).clamp(COMPACT_MIN_WIDTH, MAX_WIDTH)
}

/// The diagram for a panel: its layout, how much each box says, and the
/// scale (CSS px per user unit) at which the whole drawing fits the panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Where every box and edge is.
    pub layout: Layout,
    /// How much each box says.
    pub density: Density,
    /// CSS px per user unit at full view; 0 when the panel's size is unknown.
    pub scale: f64,
}

/// The layout for a panel of `panel` CSS px (width, height): the fullest
/// boxes whose names are still readable there, laid out to the panel's shape
/// (long layers wrapped), else tiles. Without a usable size, today's layout.
/// A cheap estimate skips densities that cannot fit before one is laid out,
/// so a big graph pays for one layout, not three.
pub fn plan(config: &Config, panel: Option<(f64, f64)>) -> Result<Plan, LayoutError> {
    let Some((width, height)) =
        panel.filter(|&(w, h)| w.is_finite() && h.is_finite() && w >= 1.0 && h >= 1.0)
    else {
        return Ok(Plan {
            layout: diagram_layout(config)?,
            density: Density::Full,
            scale: 0.0,
        });
    };
    let aspect = Some(width / height);
    let fit = |w: f64, h: f64| (width / w).min(height / h);
    for density in [Density::Full, Density::Compact] {
        let (nodes, edges) = graph(config, density);
        let options = density.options(aspect);
        let (w, h) = panopticon_layout::estimate(&nodes, &edges, &options)?;
        // The estimate's width can be a few units short of the layout's: 2 % leeway.
        if density.name_size() * fit(w * 0.98, h) < READABLE_PX {
            continue;
        }
        let layout = panopticon_layout::layout(&nodes, &edges, &options)?;
        let scale = fit(layout.width, layout.height);
        if density.name_size() * scale >= READABLE_PX {
            return Ok(Plan {
                layout,
                density,
                scale,
            });
        }
    }
    let layout = lay_out(config, Density::Tiles, aspect)?;
    let scale = fit(layout.width, layout.height);
    Ok(Plan {
        layout,
        density: Density::Tiles,
        scale,
    })
}

fn graph(config: &Config, density: Density) -> (Vec<Node>, Vec<Edge>) {
    let nodes: Vec<Node> = config
        .services
        .iter()
        .map(|s| {
            let (w, h) = density.box_size(&s.name);
            Node::new(s.id.clone(), w, h)
        })
        .collect();
    let edges: Vec<Edge> = config
        .services
        .iter()
        .flat_map(|s| {
            s.depends_on
                .iter()
                .map(|d| Edge::new(s.id.clone(), d.service.clone()))
        })
        .collect();
    (nodes, edges)
}

fn lay_out(config: &Config, density: Density, aspect: Option<f64>) -> Result<Layout, LayoutError> {
    let (nodes, edges) = graph(config, density);
    panopticon_layout::layout(&nodes, &edges, &density.options(aspect))
}

/// Whether a box shows its name: always, except a healthy service's at
/// [`Density::Tiles`] (a tile), and a problem whose enlarged box had no room
/// (see [`callouts`]). A pending hold is not healthy here: it is about to change.
pub fn shows_name(density: Density, look: &NodeLook) -> bool {
    density != Density::Tiles || look.effective != Status::Healthy || look.pending.is_some()
}

/// How much a problem's box is enlarged over the tiles so its name reaches
/// [`PROBLEM_PX`] at `scale`; 1 when it already does.
pub fn callout_zoom(scale: f64) -> f64 {
    if scale > 0.0 && scale.is_finite() {
        (PROBLEM_PX / (COMPACT_NAME_SIZE * scale)).max(1.0)
    } else {
        1.0
    }
}

/// The rectangle (user units) a problem's enlarged box covers: centred on
/// its tile, moved inside the drawing (`width` × `height`).
pub fn callout_rect(tile: Rect, name: &str, zoom: f64, (width, height): (f64, f64)) -> Rect {
    let (w, h) = (compact_width(name) * zoom, COMPACT_HEIGHT * zoom);
    let c = tile.center();
    let place = |centre: f64, size: f64, total: f64| {
        if size >= total {
            (total - size) / 2.0
        } else {
            (centre - size / 2.0).clamp(0.0, total - size)
        }
    };
    Rect {
        x: place(c.x, w, width),
        y: place(c.y, h, height),
        width: w,
        height: h,
    }
}

/// Whether each box shows its name now: [`shows_name`], and at
/// [`Density::Tiles`] only the problems whose enlarged box has room
/// ([`callouts`]). `rects` are the enlarged boxes' rectangles.
pub fn named(density: Density, looks: &[NodeLook], rects: &[Rect]) -> Vec<bool> {
    if density != Density::Tiles {
        return vec![true; looks.len()];
    }
    callouts(looks, rects)
}

/// Box indices in the order they are painted: tiles first, then named
/// boxes (SVG has no z-index; later elements lie on top).
pub fn paint_order(named: &[bool]) -> Vec<usize> {
    let (mut first, last): (Vec<usize>, Vec<usize>) = (0..named.len()).partition(|&i| !named[i]);
    first.extend(last);
    first
}

/// The problems the "what is broken" list names, worst first: only at
/// [`Density::Tiles`], and only when some problem has no named box (all of
/// them then, so the list reads in one place).
pub fn broken_list(density: Density, looks: &[NodeLook], named: &[bool]) -> Vec<usize> {
    if density != Density::Tiles {
        return Vec::new();
    }
    let worst = worst_first(looks);
    if worst.iter().all(|&i| named.get(i) == Some(&true)) {
        return Vec::new();
    }
    worst
}

/// Whether the edge `from` → `to` is highlighted: it belongs to the selected
/// service (its dependencies and its dependants).
pub fn edge_lit(selected: Option<&str>, from: &str, to: &str) -> bool {
    selected.is_some_and(|s| s == from || s == to)
}

/// The size the drawing can take, from its area's CSS size: an area only as
/// tall as its minimum (its height follows its content: a narrow page that
/// scrolls) offers 70 % of the window's height instead. `None` when nothing
/// usable is known (a hidden area).
pub fn panel_size(width: f64, height: f64, window_height: f64) -> Option<(f64, f64)> {
    let height = if height < MIN_AREA_PX {
        (window_height * 0.7).max(height)
    } else {
        height
    };
    (width.is_finite() && height.is_finite() && width >= 1.0 && height >= MIN_AREA_PX)
        .then_some((width, height))
}

/// Below this height (CSS px) the diagram's area is taken as content-sized.
const MIN_AREA_PX: f64 = 160.0;

/// Whether a new size of the area is worth a new layout: a few pixels (a
/// scroll bar, rounding) are not.
pub fn size_changed(before: (f64, f64), now: (f64, f64)) -> bool {
    (before.0 - now.0).abs() > 8.0 || (before.1 - now.1).abs() > 8.0
}

/// Severity order for "problems first": critical, then warning, then
/// unknown; root causes before the services they drag down.
fn severity(look: &NodeLook) -> (u8, bool) {
    let rank = match look.effective {
        Status::Critical => 3,
        Status::Warning => 2,
        Status::Unknown => 1,
        Status::Healthy => 0,
    };
    (rank, look.root_cause)
}

/// Indices of the non-healthy (or pending) services, worst first, ties in
/// configuration order.
pub fn worst_first(looks: &[NodeLook]) -> Vec<usize> {
    let mut list: Vec<usize> = (0..looks.len())
        .filter(|&i| shows_name(Density::Tiles, &looks[i]))
        .collect();
    list.sort_by(|&a, &b| severity(&looks[b]).cmp(&severity(&looks[a])));
    list
}

/// Which problems get an enlarged, named box at [`Density::Tiles`]: worst
/// first, each only where it covers no enlarged box already placed (the
/// rest stay tiles, coloured, with their status shape, and are named in the
/// "what is broken" list). `rects[i]` is service `i`'s callout rectangle.
pub fn callouts(looks: &[NodeLook], rects: &[Rect]) -> Vec<bool> {
    let mut shown = vec![false; looks.len()];
    let mut placed: Vec<Rect> = Vec::new();
    for i in worst_first(looks) {
        let Some(r) = rects.get(i) else { continue };
        if placed.iter().all(|p| !p.overlaps(r)) {
            placed.push(*r);
            shown[i] = true;
        }
    }
    shown
}

/// How one service's box looks at one evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLook {
    /// The status the box shows (colour, icon, word).
    pub effective: Status,
    /// The service's own status.
    pub own: Status,
    /// Ids of the services that drag it down, for `data-impacted-by`.
    pub impacted_by: Vec<String>,
    /// Dragged down further than its own status: drawn dashed and hatched.
    pub impacted: bool,
    /// Failing by itself: drawn with a solid, heavy outline.
    pub root_cause: bool,
    /// The third line of the box, in words.
    pub note: String,
    /// A change waiting out its `for:` hold, "critical 1/2", for `data-pending`.
    pub pending: Option<String>,
}

impl NodeLook {
    /// CSS classes of the box (selection is added by the component).
    pub fn class(&self) -> String {
        let mut class = format!("diagram-node status-{}", self.effective.as_str());
        if self.impacted {
            class.push_str(" impacted");
        }
        if self.root_cause {
            class.push_str(" root-cause");
        }
        class
    }

    /// What a screen reader says for the box.
    pub fn aria_label(&self, name: &str) -> String {
        let mut label = format!("{name}: {}", self.effective.as_str());
        if self.own != self.effective {
            label.push_str(", own status ");
            label.push_str(self.own.as_str());
        }
        if !self.note.is_empty() {
            label.push_str(", ");
            label.push_str(&self.note);
        }
        if let Some(p) = &self.pending
            && !self.note.contains("pending")
        {
            label.push_str(", pending ");
            label.push_str(p);
        }
        label
    }
}

/// The look of service `id` in `snapshot`; before the first snapshot (or
/// for a service the snapshot lacks) everything is `unknown`, never green.
pub fn node_look(config: &Config, snapshot: Option<&Snapshot>, id: &str) -> NodeLook {
    let unknown = |note: &str| NodeLook {
        effective: NOT_EVALUATED,
        own: NOT_EVALUATED,
        impacted_by: Vec::new(),
        impacted: false,
        root_cause: false,
        note: note.to_owned(),
        pending: None,
    };
    let Some(snapshot) = snapshot else {
        return unknown("waiting for data");
    };
    let Some(s) = snapshot.service(id) else {
        return unknown("not evaluated");
    };
    let impacted = s.is_impacted();
    let root_cause = s.shows_as_root_cause();
    let note = if impacted {
        let names: Vec<&str> = s
            .impacted_by
            .iter()
            .map(|dep| {
                config
                    .service(dep)
                    .map_or(dep.as_str(), |d| d.name.as_str())
            })
            .collect();
        if names.is_empty() {
            "impacted by a dependency".to_owned()
        } else {
            format!("impacted by {}", names.join(", "))
        }
    } else if s.lacks_usable_data() {
        "no usable data".to_owned()
    } else if root_cause {
        "root cause".to_owned()
    } else {
        String::new()
    };
    // A hold in progress is said where the status is read, never a silent
    // green: on the note line when it has room, else in the label.
    let pending = s.pending();
    let note = match pending {
        Some(p) if note.is_empty() => p.to_string(),
        _ => note,
    };
    NodeLook {
        effective: s.effective,
        own: s.own,
        impacted_by: s.impacted_by.clone(),
        impacted,
        root_cause,
        note,
        pending: pending.map(|p| p.short()),
    }
}

/// What flows along a dependency edge: the dependency's effective status as
/// the edge's strength passes it on; `unknown` without data.
pub fn edge_status(snapshot: Option<&Snapshot>, dep: &Dependency) -> Status {
    passed_on(snapshot, dep)
}

#[cfg(test)]
mod tests {
    use panopticon_engine::snapshot::{ServiceSnapshot, StatusCounts};

    use super::*;

    use Status::{Critical as C, Healthy as H, Unknown as U, Warning as W};

    fn config() -> Config {
        Config::from_yaml(
            "reference-cluster.yaml",
            include_str!("../../examples/config/reference-cluster.yaml"),
        )
        .unwrap()
    }

    /// A snapshot from `(id, own, effective, root cause, impacted by)`.
    fn snapshot(services: &[(&str, Status, Status, bool, &[&str])]) -> Snapshot {
        Snapshot {
            at: 0.0,
            cluster: Status::worst_of(services.iter().map(|s| s.2)).unwrap_or(U),
            counts: StatusCounts::default(),
            services: services
                .iter()
                .map(|&(id, own, effective, root, by)| ServiceSnapshot {
                    id: id.to_owned(),
                    name: id.to_owned(),
                    own,
                    effective,
                    is_root_cause: root,
                    impacted_by: by.iter().map(|s| (*s).to_owned()).collect(),
                    checks: Vec::new(),
                    reasons: Vec::new(),
                    transitions: Vec::new(),
                })
                .collect(),
            summary: String::new(),
            recent: Vec::new(),
        }
    }

    fn check(snap: Option<&Snapshot>, id: &str, expect: (Status, Status, &str, &str)) {
        let look = node_look(&config(), snap, id);
        let (effective, own, class, note) = expect;
        assert_eq!((look.effective, look.own), (effective, own), "{id}");
        assert_eq!(look.class(), class, "{id}");
        assert_eq!(look.note, note, "{id}");
    }

    #[test]
    fn node_looks() {
        check(
            None,
            "consul",
            (U, U, "diagram-node status-unknown", "waiting for data"),
        );
        // Consul without quorum: Consul is the root cause, Swarm only impacted.
        let s = snapshot(&[
            ("consul", C, C, true, &[]),
            ("swarm", H, C, false, &["consul"]),
            ("weave", H, W, false, &["consul"]),
            ("host", H, H, false, &[]),
            ("app", W, C, true, &["consul", "glusterfs"]),
            ("glusterfs", U, U, true, &[]),
        ]);
        let s = Some(&s);
        check(
            s,
            "consul",
            (
                C,
                C,
                "diagram-node status-critical root-cause",
                "root cause",
            ),
        );
        check(
            s,
            "swarm",
            (
                C,
                H,
                "diagram-node status-critical impacted",
                "impacted by Consul",
            ),
        );
        check(
            s,
            "weave",
            (
                W,
                H,
                "diagram-node status-warning impacted",
                "impacted by Consul",
            ),
        );
        check(s, "host", (H, H, "diagram-node status-healthy", ""));
        check(
            s,
            "app",
            (
                C,
                W,
                "diagram-node status-critical impacted root-cause",
                "impacted by Consul, GlusterFS",
            ),
        );
        check(
            s,
            "glusterfs",
            (
                U,
                U,
                "diagram-node status-unknown root-cause",
                "no usable data",
            ),
        );
        check(
            s,
            "nonexistent",
            (U, U, "diagram-node status-unknown", "not evaluated"),
        );
    }

    /// A hold in progress shows on the box, never a silent green (SPEC §2).
    #[test]
    fn a_pending_hold_is_on_the_box() {
        use panopticon_engine::check::CheckOutcome;
        use panopticon_engine::snapshot::{CheckSnapshot, Pending};
        let mut s = snapshot(&[
            ("host", H, H, false, &[]),
            ("swarm", H, C, false, &["consul"]),
        ]);
        let held = CheckSnapshot {
            id: "load".to_owned(),
            name: "load".to_owned(),
            status: H,
            pending: Some(Pending {
                to: C,
                seen: 1,
                needed: 2,
            }),
            outcome: CheckOutcome {
                status: C,
                instances: vec![],
                unnamed_missing: 0,
                tally: panopticon_engine::aggregate::Tally::default(),
                reason: String::new(),
                notes: vec![],
            },
        };
        for service in &mut s.services {
            service.checks.push(held.clone());
        }
        let cfg = config();
        let host = node_look(&cfg, Some(&s), "host");
        assert_eq!(host.pending.as_deref(), Some("critical 1/2"));
        assert_eq!(host.note, "critical pending 1/2");
        assert_eq!(
            host.aria_label("Host"),
            "Host: healthy, critical pending 1/2"
        );
        // The impact note keeps the line; the label still says it.
        let swarm = node_look(&cfg, Some(&s), "swarm");
        assert_eq!(swarm.note, "impacted by Consul");
        assert_eq!(
            swarm.aria_label("Swarm"),
            "Swarm: critical, own status healthy, impacted by Consul, pending critical 1/2"
        );
    }

    #[test]
    fn aria_labels() {
        let s = snapshot(&[
            ("swarm", H, C, false, &["consul"]),
            ("host", H, H, false, &[]),
        ]);
        let cfg = config();
        assert_eq!(
            node_look(&cfg, Some(&s), "swarm").aria_label("Docker Swarm"),
            "Docker Swarm: critical, own status healthy, impacted by Consul"
        );
        assert_eq!(
            node_look(&cfg, Some(&s), "host").aria_label("Host"),
            "Host: healthy"
        );
        assert_eq!(
            node_look(&cfg, None, "host").aria_label("Host"),
            "Host: unknown, waiting for data"
        );
    }

    #[test]
    fn edges_pass_what_their_strength_allows() {
        let cfg = config();
        let weave = cfg.service("weave").unwrap();
        let dep = |id: &str| weave.depends_on.iter().find(|d| d.service == id).unwrap();
        let s = snapshot(&[("consul", C, C, true, &[]), ("host", H, U, false, &[])]);
        // weave → consul is soft: a critical Consul passes warning.
        assert_eq!(edge_status(Some(&s), dep("consul")), W);
        // weave → host is hard: passes the host's effective status unchanged.
        assert_eq!(edge_status(Some(&s), dep("host")), U);
        assert_eq!(edge_status(None, dep("host")), U);
    }

    fn check_fit(text: &str, width: f64, expect: &str) {
        assert_eq!(fit(text, width, NAME_SIZE, true), expect);
    }

    #[test]
    fn fit_shortens_long_text() {
        check_fit("Consul", 160.0, "Consul");
        // (160 - 24) / (17 × 0.62) = 12.9 → 12 characters.
        check_fit("Container application", 160.0, "Container a…");
        check_fit("abcdefghijkl", 160.0, "abcdefghijkl");
        check_fit("abcdefghijklm", 160.0, "abcdefghijk…");
        check_fit("x", 1.0, "x");
    }

    /// A generated stack like the benchmark's: `per` services in each of `layers`
    /// layers, `edges` dependencies to lower layers (deterministic), names like
    /// "billing gateway 12".
    fn stack(layers: usize, per: usize, edges: usize) -> Config {
        use std::fmt::Write as _;
        let words = [
            "api", "auth", "billing", "cart", "catalog", "search", "mail", "queue",
        ];
        let kinds = ["gateway", "worker", "store", "service", "index"];
        let n = layers * per;
        let id = |i: usize| {
            format!(
                "{}-{}-{i}",
                words[i % words.len()],
                kinds[(i / words.len()) % kinds.len()]
            )
        };
        let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut seed = 7_u64;
        let mut next = move |m: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(seed >> 33).unwrap_or(0) % m.max(1)
        };
        let mut count = 0;
        while count < edges {
            let from = per + next(n - per);
            let layer = from / per;
            let down = 1 + next(layer).min(next(layer));
            let to = (layer - down.min(layer)) * per + next(per);
            if to < from && !deps[from].contains(&to) {
                deps[from].push(to);
                count += 1;
            }
        }
        let mut yaml = String::from("services:\n");
        for (i, d) in deps.iter().enumerate() {
            let _ = write!(
                yaml,
                "  - id: {}\n    name: {}\n    checks:\n      - id: up\n        query: 'up'\n        rule: {{ kind: equals, expected: 1 }}\n",
                id(i),
                id(i).replace('-', " ")
            );
            if !d.is_empty() {
                yaml.push_str("    depends_on:\n");
                for &t in d {
                    let strength = if (i + t) % 4 == 0 { "soft" } else { "hard" };
                    let _ = write!(
                        yaml,
                        "      - service: {}\n        strength: {strength}\n",
                        id(t)
                    );
                }
            }
        }
        Config::from_yaml("stack.yaml", &yaml).unwrap()
    }

    /// The smallest name on screen, in CSS px, for a plan.
    fn smallest_name(plan: &Plan) -> f64 {
        plan.density.name_size() * plan.scale
    }

    /// The panels of issue 19: the overview without graphs at 1920×1080 gives the
    /// diagram about 1850×700 CSS px; with graphs it keeps about half the width.
    const FULL_WIDTH: (f64, f64) = (1850.0, 700.0);
    const HALF_WIDTH: (f64, f64) = (960.0, 700.0);
    const WALL_4K: (f64, f64) = (3700.0, 1500.0);

    fn check_plan(cfg: &Config, panel: (f64, f64), density: Density) -> Plan {
        let plan = plan(cfg, Some(panel)).unwrap();
        assert_eq!(plan.density, density, "{panel:?}: scale {:.3}", plan.scale);
        assert_eq!(plan.layout.nodes.len(), cfg.services.len());
        for n in &plan.layout.nodes {
            assert!(
                n.rect.right() <= plan.layout.width && n.rect.bottom() <= plan.layout.height,
                "{} inside the drawing",
                n.id
            );
        }
        plan
    }

    #[test]
    fn the_reference_cluster_keeps_its_full_boxes() {
        let cfg = config();
        for panel in [FULL_WIDTH, HALF_WIDTH, WALL_4K] {
            let p = check_plan(&cfg, panel, Density::Full);
            assert_eq!(
                p.layout,
                diagram_layout(&cfg).unwrap(),
                "{panel:?}: a narrow graph is never wrapped"
            );
            assert!(smallest_name(&p) >= READABLE_PX);
        }
        // Without a measured panel: today's layout, unscaled.
        let p = plan(&cfg, None).unwrap();
        assert_eq!((p.density, p.scale), (Density::Full, 0.0));
        assert_eq!(plan(&cfg, Some((0.0, 0.0))).unwrap().density, Density::Full);
    }

    /// 60 services / 110 edges in 6 layers: names readable at full view (the
    /// issue measured 5–6 px in the left half, with one row per layer).
    #[test]
    fn sixty_services_are_readable_at_full_width() {
        let cfg = stack(6, 10, 110);
        let p = check_plan(&cfg, FULL_WIDTH, Density::Compact);
        assert!(
            smallest_name(&p) >= READABLE_PX,
            "{:.1} px",
            smallest_name(&p)
        );
        assert!(
            p.layout.layers > 6,
            "long layers wrapped: {} rows",
            p.layout.layers
        );
        // The drawing fills the panel: its bounding box at full view covers ≥ 60 %.
        let covered =
            p.layout.width * p.scale * p.layout.height * p.scale / (FULL_WIDTH.0 * FULL_WIDTH.1);
        assert!(covered >= 0.6, "covers {:.0} %", covered * 100.0);
        assert_eq!(
            check_plan(&cfg, WALL_4K, Density::Full).density,
            Density::Full
        );
    }

    /// 200 services / 400 edges: healthy ones are tiles, each problem's enlarged
    /// name reaches 14 px.
    #[test]
    fn two_hundred_services_become_tiles_with_named_problems() {
        let cfg = stack(8, 25, 400);
        let p = check_plan(&cfg, FULL_WIDTH, Density::Tiles);
        let zoom = callout_zoom(p.scale);
        assert!(COMPACT_NAME_SIZE * zoom * p.scale >= PROBLEM_PX - 1e-9);
        // The same graph and panel, the same plan: a refresh never moves a box.
        assert_eq!(plan(&cfg, Some(FULL_WIDTH)).unwrap(), p);
    }

    fn look_of(effective: Status, root_cause: bool) -> NodeLook {
        NodeLook {
            effective,
            own: if root_cause { effective } else { H },
            impacted_by: Vec::new(),
            impacted: !root_cause && effective != H,
            root_cause,
            note: String::new(),
            pending: None,
        }
    }

    #[test]
    fn only_healthy_services_become_tiles() {
        for density in [Density::Full, Density::Compact] {
            assert!(shows_name(density, &look_of(H, false)));
        }
        assert!(!shows_name(Density::Tiles, &look_of(H, false)));
        for s in [W, C, U] {
            assert!(shows_name(Density::Tiles, &look_of(s, true)), "{s:?} own");
            assert!(
                shows_name(Density::Tiles, &look_of(s, false)),
                "{s:?} impacted"
            );
        }
        let held = NodeLook {
            pending: Some("critical 1/2".into()),
            ..look_of(H, false)
        };
        assert!(shows_name(Density::Tiles, &held), "a pending hold is named");
    }

    #[test]
    fn problems_worst_first_and_callouts_without_overlap() {
        let looks = [
            look_of(H, false),
            look_of(W, true),
            look_of(C, false),
            look_of(U, true),
            look_of(C, true),
            look_of(H, false),
        ];
        assert_eq!(worst_first(&looks), vec![4, 2, 1, 3]);
        let r = |x: f64| Rect {
            x,
            y: 0.0,
            width: 100.0,
            height: 40.0,
        };
        // 2 and 4 overlap: the root cause (4) keeps its name, 2 stays a tile.
        let rects = [r(0.0), r(200.0), r(400.0), r(600.0), r(450.0), r(800.0)];
        assert_eq!(
            callouts(&looks, &rects),
            vec![false, true, false, true, true, false]
        );
    }

    #[test]
    fn the_list_names_problems_only_when_some_lack_a_name() {
        let looks = [look_of(H, false), look_of(W, true), look_of(C, false)];
        assert!(broken_list(Density::Compact, &looks, &[true, true, true]).is_empty());
        assert!(broken_list(Density::Tiles, &looks, &[false, true, true]).is_empty());
        assert_eq!(
            broken_list(Density::Tiles, &looks, &[false, true, false]),
            vec![2, 1]
        );
        assert_eq!(paint_order(&[true, false, true, false]), vec![1, 3, 0, 2]);
        assert_eq!(named(Density::Full, &looks, &[]), vec![true; 3]);
    }

    #[test]
    fn edges_of_the_selected_service_are_lit() {
        assert!(edge_lit(Some("a"), "a", "b"));
        assert!(edge_lit(Some("b"), "a", "b"));
        assert!(!edge_lit(Some("c"), "a", "b"));
        assert!(!edge_lit(None, "a", "b"));
    }

    #[test]
    fn panel_sizes() {
        assert_eq!(panel_size(1800.0, 700.0, 1080.0), Some((1800.0, 700.0)));
        // A content-sized area (its 8 rem minimum): most of the window's height.
        assert_eq!(panel_size(900.0, 128.0, 1000.0), Some((900.0, 700.0)));
        assert_eq!(panel_size(0.0, 0.0, 0.0), None);
        assert!(!size_changed((1800.0, 700.0), (1795.0, 704.0)));
        assert!(size_changed((1800.0, 700.0), (1800.0, 1400.0)));
    }

    #[test]
    fn callouts_stay_inside_the_drawing() {
        let tile = Rect {
            x: 0.0,
            y: 0.0,
            width: TILE_SIZE,
            height: TILE_SIZE,
        };
        let c = callout_rect(tile, "api", 2.0, (1000.0, 500.0));
        assert_eq!((c.x, c.y), (0.0, 0.0));
        assert!((c.width - compact_width("api") * 2.0).abs() < 1e-9);
        let far = Rect {
            x: 980.0,
            y: 480.0,
            ..tile
        };
        let c = callout_rect(far, "api", 2.0, (1000.0, 500.0));
        assert!((c.right() - 1000.0).abs() < 1e-9 && (c.bottom() - 500.0).abs() < 1e-9);
        assert!((callout_zoom(2.0) - 1.0).abs() < 1e-12);
        assert!((callout_zoom(0.25) - 14.0 / 4.5).abs() < 1e-9);
        assert!((callout_zoom(0.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn layout_of_the_reference_cluster() {
        let cfg = config();
        let layout = diagram_layout(&cfg).unwrap();
        assert_eq!(layout.nodes.len(), cfg.services.len());
        for s in &cfg.services {
            let node = layout.node(&s.id).unwrap();
            assert!((node.rect.width - box_width(&s.name)).abs() < 1e-9);
            // The name fits the box it was sized for, up to the maximum width.
            if box_width(&s.name) < MAX_WIDTH {
                assert_eq!(fit(&s.name, node.rect.width, NAME_SIZE, true), s.name);
            }
        }
        assert!(layout.node("app").unwrap().layer < layout.node("host").unwrap().layer);
    }
}
