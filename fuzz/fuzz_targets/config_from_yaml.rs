//! Any text must parse to a valid configuration or to errors with file, line
//! and column (`panopticon_fuzz::check_config_from_yaml`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| panopticon_fuzz::check_config_from_yaml(data));
