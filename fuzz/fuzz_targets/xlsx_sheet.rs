#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sla_ledger_fuzz::xlsx_sheet(data));
