//! Panopticon's health engine: from a YAML configuration and decoded
//! Prometheus samples to one cluster status, explained in words.
//!
//! The pipeline, one module per step:
//! - [`config`]: parse and validate the operator's YAML (every mistake reported
//!   with file, line and column, all at once);
//! - [`rule`]: rate the samples of one instance (node) with one rule;
//! - [`check`]: run a rule over a query result, applying the no-data policy
//!   (missing, NaN, stale, exporter down, failed query are `unknown`, never green);
//! - [`aggregate`]: combine per-instance ratings into a check status (the
//!   quorum counter rule of docs/semantics.md, or worst-of);
//! - [`propagate`]: spread statuses along the dependency graph and name root causes;
//! - [`alerts`]: the alert sources' alerts matched to services by label
//!   matchers, muted by silences, joined with the checks as a service's own
//!   status (an unreadable source is `unknown`, never green);
//! - [`evaluation`]: keep state across refreshes (`for:` holds, transitions, history)
//!   and produce a [`Snapshot`] for the UI;
//! - [`monitor`]: what the screen shows now — the last evaluation judged
//!   against the time and the data source (stale, expired, outage), the
//!   banner's [`Summary`] and the source alert.
//!
//! Architecture invariant: no browser imports and no I/O. The app fetches the
//! configuration text and the query results and hands them in; everything here
//! is deterministic given its inputs (time is a parameter), so it is tested natively.

pub mod aggregate;
pub mod alerts;
pub mod check;
pub mod config;
pub mod evaluation;
pub mod fleet;
pub mod freshness;
pub mod history;
pub mod monitor;
pub mod propagate;
pub mod rule;
pub mod snapshot;
pub mod variables;

pub use config::{Config, ConfigError};
pub use evaluation::Engine;
pub use freshness::Freshness;
pub use monitor::{Monitor, Next, OnScreen, SourceAlert};
pub use snapshot::{Snapshot, Summary};
