//! Any text as a codebook: a definition error with its line, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use mctrack::codebook::parse_codebook;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_codebook(Path::new("fuzz.toml"), text);
    }
});
