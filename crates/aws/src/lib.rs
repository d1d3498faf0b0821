//! Everything that knows AWS JSON: the snapshot shapes (field names exactly as the AWS CLI prints
//! them), loading them from files, saving them back, and the one conversion into the vendor-free
//! model of `vpcreach-core`. No other crate names an AWS field; live collection through the AWS SDK
//! is the separate `vpcreach-collect` crate, which fills these same shapes.

pub mod arn;
pub mod convert;
pub mod judge;
pub mod load;
pub mod save;
pub mod snapshot;

pub use convert::{ConvertError, convert};
pub use judge::{JudgeError, Judged, judge, select_regions};
pub use load::{LoadError, Loaded, load_one, load_paths, load_regions, load_str};
pub use snapshot::Snapshot;
pub use vpcreach_core::report::SourceFile;
