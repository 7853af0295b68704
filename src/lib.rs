//! Panopticon's browser app: renders what the pure core decides and wires it
//! to the Prometheus client. No rule, threshold or decoding logic lives here.

// A component is one `view!`, and a long view is markup, not logic: the
// workspace's clippy `too_many_lines` is waived here only (the pure crates,
// where long functions hide logic, keep it).
#![allow(clippy::too_many_lines)]

mod alert_source_error;
mod app;
mod cluster_banner;
mod config_error;
mod config_loader;
mod dashboard;
mod data_age;
mod diagram;
mod effect;
mod embed;
mod first_refresh;
mod fleet;
mod fleet_tile;
mod graph_list;
mod graph_panel;
mod history_store;
mod kiosk;
mod maintenance_count;
mod maintenance_icon;
mod overview;
mod recent_changes;
mod refresh;
mod reload_watch;
mod rotation;
mod service_detail;
mod sound;
mod source_alert;
mod source_info;
mod source_notice;
mod text_list;
mod theme_toggle;
pub mod timing;
mod top_bar;
mod transition_list;
mod unmatched_alerts;
mod untrusted;
mod url_state;
mod variable_picker;
mod variables;
mod view_tabs;

pub use app::App;
