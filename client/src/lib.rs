//! Panopticon Prometheus client (being written).
