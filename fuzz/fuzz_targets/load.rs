//! Fuzz target `load`: arbitrary bytes as one snapshot file, or NUL-separated as several files of
//! a directory (see `vpcreach_fuzz::load_input`). A load either fails with an error or gives
//! snapshots that save and load back unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(regions) = vpcreach_fuzz::load_input(data) {
        regions.iter().for_each(vpcreach_fuzz::check_loaded);
    }
});
