//! One graph of a view (being written).
