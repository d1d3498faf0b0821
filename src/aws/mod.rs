//! Everything that knows AWS: the snapshot shapes (field names exactly as the AWS CLI prints them),
//! loading them from files, saving them back, and live collection through the AWS SDK (`collect`,
//! behind the cargo feature `aws`, the only module that uses the SDK). No other module may name an
//! AWS field.

pub mod arn;
#[cfg(feature = "aws")]
pub mod collect;
pub mod load;
pub mod save;
pub mod snapshot;

pub use load::{LoadError, Loaded, SourceFile, load_one, load_paths, load_regions, load_str};
pub use snapshot::Snapshot;
