//! The dependency diagram (being written).
