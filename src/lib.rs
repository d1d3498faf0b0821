//! vpcreach: prove, for every SageMaker notebook in an AWS network snapshot, whether its traffic can
//! reach the internet and whether each required AWS service is reachable privately.
//!
//! The crate is one pipeline, each stage depending only on the ones before it:
//! [`aws`] (AWS shapes, snapshot loading) → [`model`] (vendor-free network) → [`space`] (packet sets)
//! → [`analysis`] (exhaustive verdicts with evidence) → [`report`] → [`render`] (every output format).

pub mod analysis;
pub mod aws;
pub mod model;
pub mod regions;
pub mod render;
pub mod report;
pub mod space;
