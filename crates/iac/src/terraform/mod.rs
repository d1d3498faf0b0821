//! Reading a terraform input into the planned state (in progress).

use std::path::Path;

use vpcreach_aws::Snapshot;

use crate::{PlanError, PlanOptions};

/// Read `text` (from `path`) into the planned state.
pub fn read(path: &Path, _text: &str, _opts: &PlanOptions) -> Result<Snapshot, PlanError> {
    Err(PlanError::invalid(
        path,
        "terraform",
        "this input kind is not read yet",
    ))
}
