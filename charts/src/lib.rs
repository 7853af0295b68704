//! Chart drawing (being written).
