//! Panopticon health engine (being written).
