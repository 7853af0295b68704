//! Panopticon's browser app: renders what the pure core decides and wires it
//! to the Prometheus client. No rule, threshold or decoding logic lives here.

mod app;
mod diagram;
mod graph_panel;
mod source_info;

pub use app::App;
