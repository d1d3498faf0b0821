//! Everything that knows AWS: the snapshot shapes (field names exactly as the AWS CLI prints them)
//! and loading them from files. Live collection through the AWS SDK will live here too, behind the
//! cargo feature `aws`; no other module may name an AWS field.

pub mod load;
pub mod snapshot;

pub use load::{LoadError, Loaded, SourceFile, load_paths, load_str};
pub use snapshot::Snapshot;
