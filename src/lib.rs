//! vpcreach: prove, for every SageMaker notebook in an AWS network snapshot, whether its traffic can
//! reach the internet and whether each required AWS service is reachable privately.
//!
//! This facade re-exports the workspace's crates under one name for embedders and tests; the
//! crates themselves are the architecture (see ARCHITECTURE.md): [`aws`] (AWS shapes, snapshot
//! loading, conversion) → [`model`] (vendor-free network) → [`space`] (packet sets) → [`analysis`]
//! (exhaustive verdicts with evidence) → [`report`] → [`render`] (every output format); [`iac`]
//! reads Terraform plans and CloudFormation templates into the planned state (a snapshot).

pub mod alloc;

pub use vpcreach_core::{analysis, assess, codes, diff, model, regions, report, space};
pub use vpcreach_fix as fix;
pub use vpcreach_iac as iac;
pub use vpcreach_render as render;

/// The AWS layer (`vpcreach-aws`), and with the cargo feature `aws` the live collector
/// (`vpcreach-collect`) as `aws::collect`.
pub mod aws {
    pub use vpcreach_aws::*;
    #[cfg(feature = "aws")]
    pub use vpcreach_collect as collect;
}
