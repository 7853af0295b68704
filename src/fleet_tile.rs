//! One cluster on the fleet page: its status (colour, icon, word), its name,
//! its services per status and the root causes its banner names. A link to
//! `?cluster=<name>` (so it opens in a new tab too); a plain click opens the
//! cluster in place.

use leptos::prelude::*;
use panopticon_core::Status;
use panopticon_engine::fleet::Tile;

use crate::untrusted::{SENTENCE_CHARS, Untrusted};

/// The tile of one cluster.
#[component]
pub fn FleetTile(
    /// What the engine decided the tile shows.
    tile: Tile,
    /// Set to the cluster's name to open it.
    opened: RwSignal<Option<String>>,
    /// The clusters whose tiles flash once (just turned critical, `?rotate=`).
    flashing: RwSignal<Vec<String>>,
) -> impl IntoView {
    let status = tile.status;
    let name = tile.name.clone();
    let counts = tile.services.map(|c| {
        [
            Status::Critical,
            Status::Warning,
            Status::Unknown,
            Status::Healthy,
        ]
        .into_iter()
        .filter(|&s| c.get(s) > 0)
        .map(|s| format!("{} {}", c.get(s), s.as_str()))
        .collect::<Vec<_>>()
        .join(" · ")
    });
    let link = href(&name);
    let flash = {
        let name = name.clone();
        move || flashing.with(|f| f.contains(&name))
    };
    let label = name.clone();
    // Where the tile is too small for its text (a hundred clusters in an
    // embed), the pointer's tooltip and the accessible name still say it.
    let title = match tile.reasons.first() {
        Some(r) => format!("{name}: {}, {}", status.as_str(), r.text),
        None => format!("{name}: {}", status.as_str()),
    };
    let more = (tile.more > 0).then(|| format!("+{} more", tile.more));
    let open = {
        let name = name.clone();
        move |ev: leptos::ev::MouseEvent| {
            // A new tab or window keeps its own way (the link's address).
            if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
                return;
            }
            ev.prevent_default();
            opened.set(Some(name.clone()));
        }
    };
    view! {
        <li class="fleet-cell">
            <a
                class=format!("cluster-tile status-{}", status.as_str())
                class:tile-flash=flash
                data-testid="cluster-tile"
                data-cluster=name
                data-status=status.as_str()
                href=link
                title=title
                on:click=open
            >
                <span class="tile-head">
                    <span class="tile-icon" aria-hidden="true">{status.icon()}</span>
                    <span class="tile-word">{status.label()}</span>
                </span>
                <span class="tile-name">
                    <Untrusted text=label />
                </span>
                {counts.map(|c| view! { <span class="tile-counts">{c}</span> })}
                <span class="tile-reasons">
                    {tile
                        .reasons
                        .into_iter()
                        .map(|r| {
                            view! {
                                <span class="tile-reason" data-reason-status=r.status.as_str()>
                                    <Untrusted text=r.text max=SENTENCE_CHARS />
                                </span>
                            }
                        })
                        .collect_view()}
                    {more.map(|m| view! { <span class="tile-more">{m}</span> })}
                </span>
            </a>
        </li>
    }
}

/// This page's address with `cluster=<name>`, the other parameters kept.
fn href(name: &str) -> String {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return String::new();
    };
    params.set("cluster", name);
    format!("?{}", String::from(params.to_string()))
}
