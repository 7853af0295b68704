//! Dependency diagram layout (being written).
