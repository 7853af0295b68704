//! A simulated reference cluster (spec §3): N nodes, each running the consul, gluster,
//! weave and node exporters, served as Prometheus text on 127.0.0.1, with named fault
//! scenarios and single-series overrides switchable at run time.
//!
//! Everything that decides *what* is served is pure and tested without sockets
//! (`cluster`, `scenario`, `overrides`, `control`); `server` and `client` only move bytes.

pub mod aggregate;
pub mod backfill;
pub mod cli;
pub mod client;
pub mod cluster;
pub mod control;
pub mod error;
pub mod exposition;
pub mod overrides;
pub mod scenario;
pub mod server;
pub mod silence;
pub mod simulator;
pub mod target;
