//! The pure core of Panopticon.
//!
//! Everything that decides what the dashboard says lives here, as plain Rust
//! that runs natively under `cargo test`: decoding Prometheus responses,
//! evaluating rules, aggregating per service, spreading failures along the
//! dependency graph and validating configuration.
//!
//! Architecture invariant: this crate never depends on leptos, web-sys,
//! js-sys, gloo or wasm-bindgen, and performs no I/O. The browser app feeds it
//! bytes and clock readings and renders what it returns.

pub mod alerts;
pub mod clock;
pub mod prom;
pub mod sorting;
pub mod status;

pub use status::Status;
