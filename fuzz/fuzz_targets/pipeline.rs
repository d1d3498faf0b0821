//! Fuzz target `pipeline`: arbitrary bytes through the whole path — load, convert, assess with the
//! default options, and every renderer that takes a report (JSON outputs must parse).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(regions) = vpcreach_fuzz::load_input(data) {
        vpcreach_fuzz::pipeline(&regions);
    }
});
