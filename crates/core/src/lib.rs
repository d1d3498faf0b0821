//! vpcreach's engine: for every SageMaker notebook of a vendor-free network model, exhaustive
//! verdicts with evidence on whether its traffic can reach the internet and whether each required
//! AWS service is reachable privately.
//!
//! One pipeline, each stage depending only on the ones before it: [`model`] (the vendor-free
//! network) → [`space`] (packet sets) → [`analysis`] (verdicts with evidence) → [`report`] (the
//! profile's judgement). This crate knows no AWS field name, no AWS SDK and no command line: the
//! `vpcreach-aws` crate converts AWS snapshots into [`model::Network`], `vpcreach-render` turns a
//! [`report::Report`] into text.

pub mod analysis;
pub mod assess;
pub mod codes;
pub mod diff;
pub mod model;
pub mod regions;
pub mod report;
pub mod space;
