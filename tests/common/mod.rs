//! The harness the verdict suites share (tests/scenarios.rs, samples.rs, batfish.rs,
//! adversarial.rs, incomplete.rs; tests/cli.rs proves its in-process run equals the binary):
//! [`report`] is the JSON report of DESIGN.md §4 as typed data and the in-process `analyze` that
//! produces it; [`expect`] is the one table of expectation types and the one checker.

pub mod expect;
pub mod report;
