#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| takst_fuzz::targets::input_file(data));
