//! Fuzz target `mutate` (structure-aware): the bytes are edits of a sample snapshot (see
//! `vpcreach_fuzz::mutate`), so every input is valid JSON of the right shape and the fuzzer's time
//! goes to conversion, analysis and rendering.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = vpcreach_fuzz::mutate(data);
    if let Ok(loaded) = vpcreach_aws::load_one(std::path::Path::new("mutated.json"), &text) {
        vpcreach_fuzz::check_loaded(&loaded);
        vpcreach_fuzz::pipeline(&[loaded]);
    }
});
