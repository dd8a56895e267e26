#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sla_ledger_fuzz::key_file(data));
