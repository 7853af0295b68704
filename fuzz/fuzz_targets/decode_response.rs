//! Any bytes, under any status and content type, must decode to a result or
//! a readable error (`panopticon_fuzz::check_decode_response`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| panopticon_fuzz::check_decode_response(data));
