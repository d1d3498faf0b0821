//! Loading a snapshot from files: one file, several files, or directories of `*.json` read
//! recursively in sorted order (DESIGN §2). Lists under one key are concatenated across files.
//!
//! Each list element is decoded on its own so that an error can name the file, the key, the
//! element's resource ID and the exact field (via `serde_path_to_error`). The same resource may
//! appear in two files if both copies describe the same thing: identical copies (two overlapping
//! saves), copies from several accounts that differ only in their tags (a shared subnet or transit
//! gateway seen from each account), a prefix list from both `describe-prefix-lists` and
//! `describe-managed-prefix-lists`, or a notebook from both `list-notebook-instances` and
//! `describe-notebook-instance`. Any other difference is an error naming the first differing field,
//! because silently picking one copy could hide a misconfiguration.
//!
//! Files are grouped by region: a folder named after a region (`us-east-1/`, Batfish's
//! `aws_configs/accounts/<id>/<region>/`) or a `"Region"` key gives a file its region, and each
//! region becomes its own snapshot, analysed on its own — never judged against another region's
//! service names.
//!
//! Besides the keyed lists, a few raw single-object outputs people save are recognised for what
//! they are: `describe-notebook-instance` (one notebook), `describe-domain` / `describe-user-profile`
//! / `describe-space` (one Studio domain, profile or space), `describe-vpc-attribute` (one VPC
//! attribute) and `get-managed-prefix-list-entries` (one list's entries). Input in which no known
//! key is recognised at all is an error, never an empty snapshot.

// Load errors are built once, on the way out; their size does not matter.
#![allow(clippy::result_large_err)]

mod fast;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::snapshot::{
    Incomplete, NotebookInstance, PlannedResource, PrefixList, PrefixListEntry, Snapshot,
    Unresolved, VpcAttribute,
};

/// Why a snapshot could not be loaded. Every variant names the file, and where it applies the key,
/// the resource ID and the field.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not valid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error(
        "{path}: the top level must be a JSON object with keys such as \"Vpcs\" or \"Subnets\" (as `aws ec2 describe-*` prints), found {found}"
    )]
    NotObject { path: PathBuf, found: &'static str },
    #[error("{path}: key \"{key}\" must be a list, found {found}")]
    NotList {
        path: PathBuf,
        key: String,
        found: &'static str,
    },
    #[error("{path}: key \"{key}\" must be a string, found {found}")]
    NotString {
        path: PathBuf,
        key: String,
        found: &'static str,
    },
    #[error(
        "{path}: key \"{found}\": the AWS CLI prints \"{expected}\" (PascalCase); this file looks like camelCase output of an SDK or another tool, which vpcreach does not read"
    )]
    CamelCaseKey {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error("{path}: {key}[{index}]{id}: field \"{field}\": {message}")]
    Field {
        path: PathBuf,
        key: String,
        index: usize,
        /// ` (vpc-…)` when the element's ID could be read, else empty.
        id: String,
        field: String,
        message: String,
    },
    #[error("{path}: {key}[{index}]: missing its ID field \"{id_field}\"")]
    MissingId {
        path: PathBuf,
        key: String,
        index: usize,
        id_field: &'static str,
    },
    #[error(
        "{key}: {id} appears in {first} and in {second} with different \"{field}\" ({a} vs {b}); copies of one resource may differ only in their tags"
    )]
    Conflict {
        key: String,
        id: String,
        first: PathBuf,
        second: PathBuf,
        field: String,
        a: String,
        b: String,
    },
    #[error(
        "{path}: \"Region\" says \"{key_region}\" but the file is in a folder named \"{folder_region}\""
    )]
    RegionMismatch {
        path: PathBuf,
        key_region: String,
        folder_region: String,
    },
    #[error(
        "{path}: cannot tell which region this file belongs to: the snapshot holds regions {regions}; move it into a folder named after its region, or add a \"Region\" key"
    )]
    UnassignedFile { path: PathBuf, regions: String },
    #[error(
        "{path}: \"Entries\" (get-managed-prefix-list-entries output) does not say which prefix list it belongs to: name the file after the list (pl-….json) or add \"PrefixListId\""
    )]
    EntriesWithoutList { path: PathBuf },
    #[error(
        "no AWS snapshot data found in {files}: {found}. vpcreach reads the JSON that `aws ec2 describe-*` and `aws sagemaker describe-notebook-instance` print (top-level keys such as \"Vpcs\", \"Subnets\", \"RouteTables\", \"NotebookInstances\"){hint}"
    )]
    NothingRecognised {
        files: String,
        found: String,
        hint: String,
    },
    #[error("{path}: no such file or directory")]
    NotFound { path: PathBuf },
    #[error("{path}: no *.json files in this directory")]
    EmptyDir { path: PathBuf },
    #[error(
        "the input holds several regions ({regions}); this caller reads one region at a time (load_regions reads each)"
    )]
    SeveralRegions { regions: String },
}

pub use vpcreach_core::report::SourceFile;

/// A loaded snapshot (one region) and the files it came from, in the order they were read.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub snapshot: Snapshot,
    pub sources: Vec<SourceFile>,
    /// Every top-level key seen in the files, known or not (for messages such as "no notebook;
    /// the files hold Vpcs, Subnets").
    pub keys: BTreeSet<String>,
    /// The file each resource came from, by (snapshot key, resource ID): errors found later (a
    /// malformed CIDR in conversion) name the file.
    pub origins: HashMap<(String, String), PathBuf>,
}

impl Loaded {
    /// The file the resource `id` under `key` (`Subnets`, …) was read from.
    pub fn file_of(&self, key: &str, id: &str) -> Option<&Path> {
        self.origins
            .get(&(key.to_string(), id.to_string()))
            .map(PathBuf::as_path)
    }
}

/// The snapshot keys vpcreach reads (besides `Region`).
pub const KNOWN_KEYS: &[&str] = &[
    "Vpcs",
    "VpcAttributes",
    "Subnets",
    "RouteTables",
    "InternetGateways",
    "EgressOnlyInternetGateways",
    "NatGateways",
    "VpcEndpoints",
    "SecurityGroups",
    "NetworkAcls",
    "PrefixLists",
    "DhcpOptions",
    "NetworkInterfaces",
    "VpcPeeringConnections",
    "TransitGateways",
    "NotebookInstances",
    "Domains",
    "UserProfiles",
    "Spaces",
    "Reservations",
    "Incomplete",
    "PlannedResources",
    "Unresolved",
];

/// Load every path into one snapshot; an input that spans several regions is an error (use
/// [`load_regions`]).
pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Loaded, LoadError> {
    let mut regions = load_regions(paths)?;
    if regions.len() > 1 {
        return Err(LoadError::SeveralRegions {
            regions: regions
                .iter()
                .map(|l| l.snapshot.region.clone().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(regions.pop().unwrap_or_default())
}

/// Load every path (file or directory) into one snapshot per region, sorted by region. Input
/// without any region folder or `Region` key is one snapshot (its region is inferred later).
pub fn load_regions<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<Loaded>, LoadError> {
    let mut files = Vec::new();
    for p in paths {
        let p = p.as_ref();
        if p.is_dir() {
            let before = files.len();
            collect_json(p, &mut files)?;
            if files.len() == before {
                return Err(LoadError::EmptyDir { path: p.into() });
            }
        } else if p.is_file() {
            files.push(p.to_path_buf());
        } else {
            return Err(LoadError::NotFound { path: p.into() });
        }
    }
    // Files are read and decoded in parallel; the first error in file order wins, as if read one
    // after another.
    use rayon::prelude::*;
    let parsed = files
        .par_iter()
        .map(|f| {
            let bytes = fs::read(f).map_err(|source| LoadError::Io {
                path: f.clone(),
                source,
            })?;
            let source = SourceFile {
                path: f.display().to_string(),
                sha256: hex(&Sha256::digest(&bytes)),
            };
            let doc = parse_doc(f, &bytes)?;
            let region = file_region(f, doc.region())?;
            Ok((f.clone(), source, doc, region))
        })
        .collect::<Result<Vec<_>, LoadError>>()?;
    let regions: BTreeSet<String> = parsed.iter().filter_map(|p| p.3.clone()).collect();
    let mut groups: BTreeMap<Option<String>, Accumulator> = BTreeMap::new();
    let mut all_keys: BTreeSet<String> = BTreeSet::new();
    for (f, source, doc, region) in parsed {
        let region = match (region, regions.len()) {
            (Some(r), _) => Some(r),
            (None, 0) => None,
            (None, 1) => regions.first().cloned(),
            (None, _) => {
                return Err(LoadError::UnassignedFile {
                    path: f,
                    regions: regions.iter().cloned().collect::<Vec<_>>().join(", "),
                });
            }
        };
        all_keys.extend(doc.keys());
        let acc = groups.entry(region.clone()).or_default();
        acc.sources.push(source);
        match doc {
            Doc::Typed(t) => acc.add_typed(&f, *t)?,
            Doc::Value(map) => acc.add(&f, map)?,
        }
        if let Some(r) = region {
            acc.snap.region = Some(r);
        }
    }
    let mut out = Vec::new();
    let mut recognised = false;
    for (_, acc) in groups {
        recognised |= acc.recognised;
        out.push(acc.finish()?);
    }
    if !recognised {
        return Err(nothing_recognised(&files, &all_keys));
    }
    Ok(out)
}

/// The [`SourceFile`] record of a file's bytes (its path and SHA-256).
pub fn source_of(path: &Path, bytes: &[u8]) -> SourceFile {
    SourceFile {
        path: path.display().to_string(),
        sha256: hex(&Sha256::digest(bytes)),
    }
}

/// Parse one JSON document (already read) as a whole snapshot; `origin` names it in errors.
pub fn load_str(origin: &Path, text: &str) -> Result<Snapshot, LoadError> {
    Ok(load_one(origin, text)?.snapshot)
}

/// Parse one JSON document (already read) as one region's snapshot, with what [`Loaded`] records
/// about it (no source file: it was not read from disk).
pub fn load_one(origin: &Path, text: &str) -> Result<Loaded, LoadError> {
    let doc = parse_doc(origin, text.as_bytes())?;
    let region = file_region(origin, doc.region())?;
    let mut acc = Accumulator::default();
    match doc {
        Doc::Typed(t) => acc.add_typed(origin, *t)?,
        Doc::Value(map) => acc.add(origin, map)?,
    }
    if region.is_some() {
        acc.snap.region = region;
    }
    acc.finish()
}

fn nothing_recognised(files: &[PathBuf], keys: &BTreeSet<String>) -> LoadError {
    let has = |k: &str| keys.contains(k);
    let hint = if has("format_version") && (has("planned_values") || has("resource_changes")) {
        "; this is a Terraform plan (`terraform show -json`), not AWS CLI output: judge it with `vpcreach plan`".to_string()
    } else if has("format_version") && has("values") {
        "; this is Terraform state (`terraform show -json`), not AWS CLI output".to_string()
    } else if has("AWSTemplateFormatVersion") || has("Resources") {
        "; this is a CloudFormation template, not AWS CLI output: judge it with `vpcreach plan`"
            .to_string()
    } else {
        String::new()
    };
    let shown: Vec<String> = files
        .iter()
        .take(3)
        .map(|f| f.display().to_string())
        .collect();
    LoadError::NothingRecognised {
        files: if files.len() > 3 {
            format!("{} and {} more file(s)", shown.join(", "), files.len() - 3)
        } else {
            shown.join(", ")
        },
        found: if keys.is_empty() {
            "no top-level keys at all".into()
        } else {
            format!(
                "the top-level keys found are {}",
                keys.iter()
                    .map(|k| format!("\"{k}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        hint,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let rd = fs::read_dir(dir).map_err(|source| LoadError::Io {
        path: dir.into(),
        source,
    })?;
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for e in entries {
        let hidden = e
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if e.is_dir() {
            collect_json(&e, out)?;
        } else if e.extension().and_then(|x| x.to_str()) == Some("json") {
            out.push(e);
        }
    }
    Ok(())
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One file, decoded by the fast path ([`fast`]) or as a JSON object for the exact path.
enum Doc {
    Typed(Box<fast::Typed>),
    Value(Map<String, Value>),
}

impl Doc {
    fn region(&self) -> Option<&Value> {
        match self {
            Doc::Typed(t) => t.region.as_ref(),
            Doc::Value(m) => m.get("Region"),
        }
    }

    fn keys(&self) -> Vec<String> {
        match self {
            Doc::Typed(t) => t.keys.clone(),
            Doc::Value(m) => m.keys().cloned().collect(),
        }
    }
}

fn parse_doc(path: &Path, bytes: &[u8]) -> Result<Doc, LoadError> {
    match fast::read(bytes) {
        Some(t) => Ok(Doc::Typed(Box::new(t))),
        None => parse_object(path, bytes).map(Doc::Value),
    }
}

fn parse_object(path: &Path, bytes: &[u8]) -> Result<Map<String, Value>, LoadError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|source| LoadError::Json {
        path: path.into(),
        source,
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(LoadError::NotObject {
            path: path.into(),
            found: kind_of(&other),
        }),
    }
}

pub use vpcreach_core::regions::is_region_name;

/// The region a file belongs to: its `"Region"` key, else the nearest enclosing folder named after
/// a region; the two must agree.
fn file_region(path: &Path, region: Option<&Value>) -> Result<Option<String>, LoadError> {
    let folder = path
        .parent()
        .into_iter()
        .flat_map(|p| p.components().rev())
        .filter_map(|c| c.as_os_str().to_str())
        .find(|c| is_region_name(c))
        .map(str::to_string);
    let key = match region {
        None => None,
        Some(Value::String(r)) => Some(r.clone()),
        Some(other) => {
            return Err(LoadError::NotString {
                path: path.into(),
                key: "Region".into(),
                found: kind_of(other),
            });
        }
    };
    match (key, folder) {
        (Some(k), Some(f)) if k != f => Err(LoadError::RegionMismatch {
            path: path.into(),
            key_region: k,
            folder_region: f,
        }),
        (k, f) => Ok(k.or(f)),
    }
}

/// A resource type the loader can merge copies of (see the module doc).
trait Resource: Serialize + DeserializeOwned + PartialEq {
    /// The resource's ID (its name, for notebooks).
    fn id(&self) -> &str;

    /// Merge `other` into `self` when the two are copies of one resource that may differ
    /// legitimately in ways other than tags; `false` when they cannot be merged this way.
    fn merge_special(&mut self, _other: &Self) -> bool {
        false
    }
}

macro_rules! plain_resources {
    ($($t:ty => $id:ident),*) => {
        $(impl Resource for $t {
            fn id(&self) -> &str {
                &self.$id
            }
        })*
    };
}
use super::snapshot as s;
plain_resources!(
    s::Vpc => vpc_id,
    s::Subnet => subnet_id,
    s::RouteTable => route_table_id,
    s::InternetGateway => internet_gateway_id,
    s::EgressOnlyInternetGateway => egress_only_internet_gateway_id,
    s::NatGateway => nat_gateway_id,
    s::VpcEndpoint => vpc_endpoint_id,
    s::SecurityGroup => group_id,
    s::NetworkAcl => network_acl_id,
    s::DhcpOptions => dhcp_options_id,
    s::NetworkInterface => network_interface_id,
    s::VpcPeeringConnection => vpc_peering_connection_id,
    s::TransitGateway => transit_gateway_id
);

impl Resource for PrefixList {
    fn id(&self) -> &str {
        &self.prefix_list_id
    }

    /// `describe-prefix-lists` (with `Cidrs`) and `describe-managed-prefix-lists` (without) of
    /// one list: entries from whichever has them, other fields from whichever has them.
    fn merge_special(&mut self, other: &Self) -> bool {
        fn fill<T: Clone + PartialEq>(a: &mut Option<T>, b: &Option<T>) -> bool {
            match (a.as_ref(), b) {
                (Some(x), Some(y)) => x == y,
                (None, b) => {
                    *a = b.clone();
                    true
                }
                (Some(_), None) => true,
            }
        }
        let mut merged = self.clone();
        let ok = fill(&mut merged.cidrs, &other.cidrs)
            && fill(&mut merged.prefix_list_name, &other.prefix_list_name)
            && fill(&mut merged.address_family, &other.address_family)
            && fill(&mut merged.owner_id, &other.owner_id);
        if ok {
            *self = merged;
        }
        ok
    }
}

/// A summary and a description of one Studio resource: the description wins.
macro_rules! summary_resources {
    ($($t:ty => $id:ident),*) => { $(impl Resource for $t {
        /// The name within the domain (these are keyed by `DomainId/name` where they are taken).
        fn id(&self) -> &str {
            &self.$id
        }

        fn merge_special(&mut self, other: &Self) -> bool {
            if other.is_summary() && !self.is_summary() {
                return true;
            }
            if self.is_summary() && !other.is_summary() {
                *self = other.clone();
                return true;
            }
            false
        }
    })* };
}
summary_resources!(
    s::Domain => domain_id,
    s::UserProfile => user_profile_name,
    s::Space => space_name
);
impl Resource for s::Reservation {
    fn id(&self) -> &str {
        &self.reservation_id
    }
}

impl Resource for NotebookInstance {
    fn id(&self) -> &str {
        &self.notebook_instance_name
    }

    /// A `list-notebook-instances` summary and the `describe-notebook-instance` output of the
    /// same notebook: the full description wins.
    fn merge_special(&mut self, other: &Self) -> bool {
        if other.is_summary() && !self.is_summary() {
            return true;
        }
        if self.is_summary() && !other.is_summary() {
            *self = other.clone();
            return true;
        }
        false
    }
}

#[derive(Default)]
struct Accumulator {
    snap: Snapshot,
    sources: Vec<SourceFile>,
    keys: BTreeSet<String>,
    /// (key, id) → (file, position in the list) of the first occurrence.
    seen: HashMap<(&'static str, String), (PathBuf, usize)>,
    /// Prefix-list entries given separately (`get-managed-prefix-list-entries`), by list ID.
    entries: BTreeMap<String, (PathBuf, Vec<String>)>,
    /// Some known key (or raw object) was found.
    recognised: bool,
}

impl Accumulator {
    fn add(&mut self, path: &Path, map: Map<String, Value>) -> Result<(), LoadError> {
        self.keys.extend(map.keys().cloned());
        if map.contains_key("NotebookInstanceArn") {
            // A raw `describe-notebook-instance` output: one notebook. Its other keys (its
            // `SecurityGroups` is a list of IDs) are not snapshot keys.
            self.recognised = true;
            let one = Value::Array(vec![Value::Object(map)]);
            let seen = &mut self.seen;
            return take(
                path,
                "NotebookInstances",
                "NotebookInstanceName",
                &one,
                &mut self.snap.notebook_instances,
                seen,
            );
        }
        // Raw SageMaker Studio outputs (before the VPC-attribute test: `describe-domain` has a
        // top-level `VpcId` too): one domain, user profile or space each.
        for (arn, key, ids) in [
            ("DomainArn", "Domains", &["DomainId"][..]),
            (
                "UserProfileArn",
                "UserProfiles",
                &["DomainId", "UserProfileName"][..],
            ),
            ("SpaceArn", "Spaces", &["DomainId", "SpaceName"][..]),
        ] {
            if map.contains_key(arn) && !map.contains_key(key) {
                self.recognised = true;
                let one = Value::Array(vec![Value::Object(map)]);
                let s = &mut self.snap;
                let seen = &mut self.seen;
                return match key {
                    "Domains" => take_by(path, key, ids, &one, &mut s.domains, seen),
                    "UserProfiles" => take_by(path, key, ids, &one, &mut s.user_profiles, seen),
                    _ => take_by(path, key, ids, &one, &mut s.spaces, seen),
                };
            }
        }
        if matches!(map.get("VpcId"), Some(Value::String(_))) && !map.contains_key("Vpcs") {
            // A raw `describe-vpc-attribute` output: one attribute of one VPC.
            self.recognised = true;
            let one = Value::Array(vec![Value::Object(map)]);
            return take_attributes(path, &one, &mut self.snap.vpc_attributes, &mut self.seen);
        }
        if let Some(entries) = map.get("Entries") {
            // `get-managed-prefix-list-entries` output, named by its file or a PrefixListId key.
            self.recognised = true;
            return self.take_entries(path, &map, entries);
        }
        // Sorted keys: deterministic error order whatever the file's key order.
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort();
        for key in keys {
            let v = &map[key];
            if key != "Region" && !KNOWN_KEYS.contains(&key.as_str()) {
                if let Some(k) = KNOWN_KEYS
                    .iter()
                    .chain(["Region"].iter())
                    .find(|k| k.eq_ignore_ascii_case(key))
                {
                    return Err(LoadError::CamelCaseKey {
                        path: path.into(),
                        found: key.clone(),
                        expected: k.to_string(),
                    });
                }
                // Everything else (NextToken, Reservations, AvailabilityZones, …) is not ours.
                continue;
            }
            if key == "Region" {
                continue;
            }
            self.recognised = true;
            let s = &mut self.snap;
            let seen = &mut self.seen;
            match key.as_str() {
                "Vpcs" => take(path, "Vpcs", "VpcId", v, &mut s.vpcs, seen)?,
                "Subnets" => take(path, "Subnets", "SubnetId", v, &mut s.subnets, seen)?,
                "RouteTables" => take(
                    path,
                    "RouteTables",
                    "RouteTableId",
                    v,
                    &mut s.route_tables,
                    seen,
                )?,
                "InternetGateways" => take(
                    path,
                    "InternetGateways",
                    "InternetGatewayId",
                    v,
                    &mut s.internet_gateways,
                    seen,
                )?,
                "EgressOnlyInternetGateways" => take(
                    path,
                    "EgressOnlyInternetGateways",
                    "EgressOnlyInternetGatewayId",
                    v,
                    &mut s.egress_only_internet_gateways,
                    seen,
                )?,
                "NatGateways" => take(
                    path,
                    "NatGateways",
                    "NatGatewayId",
                    v,
                    &mut s.nat_gateways,
                    seen,
                )?,
                "VpcEndpoints" => take(
                    path,
                    "VpcEndpoints",
                    "VpcEndpointId",
                    v,
                    &mut s.vpc_endpoints,
                    seen,
                )?,
                "SecurityGroups" => take(
                    path,
                    "SecurityGroups",
                    "GroupId",
                    v,
                    &mut s.security_groups,
                    seen,
                )?,
                "NetworkAcls" => take(
                    path,
                    "NetworkAcls",
                    "NetworkAclId",
                    v,
                    &mut s.network_acls,
                    seen,
                )?,
                "PrefixLists" => take(
                    path,
                    "PrefixLists",
                    "PrefixListId",
                    v,
                    &mut s.prefix_lists,
                    seen,
                )?,
                "DhcpOptions" => take(
                    path,
                    "DhcpOptions",
                    "DhcpOptionsId",
                    v,
                    s.dhcp_options.get_or_insert_with(Vec::new),
                    seen,
                )?,
                "NetworkInterfaces" => take(
                    path,
                    "NetworkInterfaces",
                    "NetworkInterfaceId",
                    v,
                    &mut s.network_interfaces,
                    seen,
                )?,
                "VpcPeeringConnections" => take(
                    path,
                    "VpcPeeringConnections",
                    "VpcPeeringConnectionId",
                    v,
                    &mut s.vpc_peering_connections,
                    seen,
                )?,
                "TransitGateways" => take(
                    path,
                    "TransitGateways",
                    "TransitGatewayId",
                    v,
                    &mut s.transit_gateways,
                    seen,
                )?,
                "NotebookInstances" => take(
                    path,
                    "NotebookInstances",
                    "NotebookInstanceName",
                    v,
                    &mut s.notebook_instances,
                    seen,
                )?,
                "Domains" => take_by(path, "Domains", &["DomainId"], v, &mut s.domains, seen)?,
                "UserProfiles" => take_by(
                    path,
                    "UserProfiles",
                    &["DomainId", "UserProfileName"],
                    v,
                    &mut s.user_profiles,
                    seen,
                )?,
                "Spaces" => take_by(
                    path,
                    "Spaces",
                    &["DomainId", "SpaceName"],
                    v,
                    &mut s.spaces,
                    seen,
                )?,
                "Reservations" => take(
                    path,
                    "Reservations",
                    "ReservationId",
                    v,
                    &mut s.reservations,
                    seen,
                )?,
                "VpcAttributes" => take_attributes(path, v, &mut s.vpc_attributes, seen)?,
                "Incomplete" => {
                    for (index, item) in list(path, "Incomplete", v)?.iter().enumerate() {
                        let i: Incomplete = decode(path, "Incomplete", index, None, item)?;
                        if !s.incomplete.contains(&i) {
                            s.incomplete.push(i);
                        }
                    }
                }
                "PlannedResources" => {
                    for (index, item) in list(path, key, v)?.iter().enumerate() {
                        let p: PlannedResource = decode(path, key, index, None, item)?;
                        if !s.planned_resources.contains(&p) {
                            s.planned_resources.push(p);
                        }
                    }
                }
                "Unresolved" => {
                    for (index, item) in list(path, key, v)?.iter().enumerate() {
                        let u: Unresolved = decode(path, key, index, None, item)?;
                        if !s.unresolved.contains(&u) {
                            s.unresolved.push(u);
                        }
                    }
                }
                _ => unreachable!("every known key is handled"),
            }
        }
        Ok(())
    }

    /// A file the fast path decoded: the same as [`Accumulator::add`] would do with it, keys
    /// in the same (sorted) order.
    fn add_typed(&mut self, path: &Path, t: fast::Typed) -> Result<(), LoadError> {
        self.keys.extend(t.keys.iter().cloned());
        let l = t.lists;
        let s = &mut self.snap;
        let seen = &mut self.seen;
        let mut any = false;
        macro_rules! each {
            ($($key:literal => $field:ident => $out:expr),* $(,)?) => {
                $(if let Some(items) = l.$field {
                    any = true;
                    for item in items {
                        insert(path, $key, item.id().to_string(), item, $out, seen)?;
                    }
                })*
            };
        }
        // Sorted as `add` sorts keys (byte order), so that the same conflict is reported first.
        each!(
            "DhcpOptions" => dhcp_options => s.dhcp_options.get_or_insert_with(Vec::new),
            "EgressOnlyInternetGateways" => egress_only_internet_gateways => &mut s.egress_only_internet_gateways,
            "InternetGateways" => internet_gateways => &mut s.internet_gateways,
            "NatGateways" => nat_gateways => &mut s.nat_gateways,
            "NetworkAcls" => network_acls => &mut s.network_acls,
            "NetworkInterfaces" => network_interfaces => &mut s.network_interfaces,
            "NotebookInstances" => notebook_instances => &mut s.notebook_instances,
            "PrefixLists" => prefix_lists => &mut s.prefix_lists,
            "RouteTables" => route_tables => &mut s.route_tables,
            "SecurityGroups" => security_groups => &mut s.security_groups,
            "Subnets" => subnets => &mut s.subnets,
            "TransitGateways" => transit_gateways => &mut s.transit_gateways,
            "VpcEndpoints" => vpc_endpoints => &mut s.vpc_endpoints,
            "VpcPeeringConnections" => vpc_peering_connections => &mut s.vpc_peering_connections,
            "Vpcs" => vpcs => &mut s.vpcs,
        );
        self.recognised |= any;
        Ok(())
    }

    fn take_entries(
        &mut self,
        path: &Path,
        map: &Map<String, Value>,
        entries: &Value,
    ) -> Result<(), LoadError> {
        let id = match map.get("PrefixListId") {
            Some(Value::String(id)) if !id.is_empty() => id.clone(),
            Some(other) => {
                return Err(LoadError::NotString {
                    path: path.into(),
                    key: "PrefixListId".into(),
                    found: kind_of(other),
                });
            }
            None => path
                .file_stem()
                .and_then(|s| s.to_str())
                .filter(|s| s.starts_with("pl-"))
                .map(str::to_string)
                .ok_or_else(|| LoadError::EntriesWithoutList { path: path.into() })?,
        };
        let mut cidrs = Vec::new();
        for (index, item) in list(path, "Entries", entries)?.iter().enumerate() {
            reject_camel_case(path, "Entries", index, None, item)?;
            let e: PrefixListEntry = decode(path, "Entries", index, Some(&id), item)?;
            cidrs.push(e.cidr);
        }
        match self.entries.get(&id) {
            Some((first, old)) if *old != cidrs => Err(LoadError::Conflict {
                key: "PrefixLists".into(),
                id,
                first: first.clone(),
                second: path.into(),
                field: "Entries".into(),
                a: format!("{} entries", old.len()),
                b: format!("{} entries", cidrs.len()),
            }),
            Some(_) => Ok(()),
            None => {
                self.entries.insert(id, (path.into(), cidrs));
                Ok(())
            }
        }
    }

    fn finish(mut self) -> Result<Loaded, LoadError> {
        for (id, (path, cidrs)) in std::mem::take(&mut self.entries) {
            let lists = &mut self.snap.prefix_lists;
            match lists.iter_mut().find(|p| p.prefix_list_id == id) {
                Some(p) => match &p.cidrs {
                    None => p.cidrs = Some(cidrs),
                    Some(old) if *old == cidrs => {}
                    Some(old) => {
                        let first = self
                            .seen
                            .get(&("PrefixLists", id.clone()))
                            .map(|(f, _)| f.clone())
                            .unwrap_or_default();
                        return Err(LoadError::Conflict {
                            key: "PrefixLists".into(),
                            id,
                            first,
                            second: path,
                            field: "Cidrs".into(),
                            a: format!("{} entries", old.len()),
                            b: format!("{} entries", cidrs.len()),
                        });
                    }
                },
                None => {
                    self.seen
                        .insert(("PrefixLists", id.clone()), (path, lists.len()));
                    lists.push(PrefixList {
                        prefix_list_id: id,
                        cidrs: Some(cidrs),
                        ..PrefixList::default()
                    });
                }
            }
        }
        let origins = self
            .seen
            .into_iter()
            .map(|((k, id), (path, _))| ((k.to_string(), id), path))
            .collect();
        Ok(Loaded {
            snapshot: self.snap,
            sources: self.sources,
            keys: self.keys,
            origins,
        })
    }
}

fn list<'v>(path: &Path, key: &str, v: &'v Value) -> Result<&'v Vec<Value>, LoadError> {
    match v {
        Value::Array(items) => Ok(items),
        other => Err(LoadError::NotList {
            path: path.into(),
            key: key.into(),
            found: kind_of(other),
        }),
    }
}

fn decode<T: DeserializeOwned>(
    path: &Path,
    key: &str,
    index: usize,
    id: Option<&str>,
    item: &Value,
) -> Result<T, LoadError> {
    serde_path_to_error::deserialize(item).map_err(|e| {
        let field = e.path().to_string();
        LoadError::Field {
            path: path.into(),
            key: key.into(),
            index,
            id: id.map(|i| format!(" ({i})")).unwrap_or_default(),
            field: if field == "." {
                "(the element)".into()
            } else {
                field
            },
            message: e.into_inner().to_string(),
        }
    })
}

/// The AWS CLI prints PascalCase field names throughout; a field that starts with a lower-case
/// letter means camelCase output of some other tool, whose fields serde would silently ignore.
fn reject_camel_case(
    path: &Path,
    key: &str,
    index: usize,
    id: Option<&str>,
    item: &Value,
) -> Result<(), LoadError> {
    if let Value::Object(m) = item
        && let Some(f) = m
            .keys()
            .find(|k| k.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
    {
        return Err(LoadError::Field {
            path: path.into(),
            key: key.into(),
            index,
            id: id.map(|i| format!(" ({i})")).unwrap_or_default(),
            field: f.clone(),
            message: "field names are PascalCase in AWS CLI output (\"VpcId\", not \"vpcId\"); this looks like camelCase output of an SDK or another tool".into(),
        });
    }
    Ok(())
}

fn id_of<'v>(
    path: &Path,
    key: &str,
    index: usize,
    id_field: &'static str,
    item: &'v Value,
) -> Result<&'v str, LoadError> {
    match item.get(id_field) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(other) => Err(LoadError::Field {
            path: path.into(),
            key: key.into(),
            index,
            id: String::new(),
            field: id_field.into(),
            message: format!("expected a non-empty string, found {}", kind_of(other)),
        }),
        None => {
            reject_camel_case(path, key, index, None, item)?;
            Err(LoadError::MissingId {
                path: path.into(),
                key: key.into(),
                index,
                id_field,
            })
        }
    }
}

/// The value with its tags left out: copies of one resource from several accounts differ in them.
fn untagged(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.remove("Tags");
        m.remove("TagSet");
    }
    v
}

/// The first field (in sorted order, depth first) where `a` and `b` differ, with both values.
fn first_difference(a: &Value, b: &Value, at: &str) -> (String, String, String) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) if p == q => {}
                    (Some(p), Some(q)) => return first_difference(p, q, &path),
                    (p, q) => return (path, shown(p), shown(q)),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                if p != q {
                    return first_difference(p, q, &format!("{at}[{i}]"));
                }
            }
        }
        _ => {}
    }
    (at.to_string(), shown(Some(a)), shown(Some(b)))
}

fn shown(v: Option<&Value>) -> String {
    match v {
        None => "absent".into(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 60 {
                format!("{}…", s.chars().take(60).collect::<String>())
            } else {
                s
            }
        }
    }
}

/// Merge a second copy of a resource into the first (see the module doc), or name the conflict.
fn merge_copy<T: Resource>(
    first: &mut T,
    second: T,
    conflict: impl Fn(String, String, String) -> LoadError,
) -> Result<(), LoadError> {
    if *first == second || first.merge_special(&second) {
        return Ok(());
    }
    let a = serde_json::to_value(&*first).expect("snapshot types serialise");
    let b = serde_json::to_value(&second).expect("snapshot types serialise");
    if untagged(&a) != untagged(&b) {
        let (field, x, y) = first_difference(&untagged(&a), &untagged(&b), "");
        return Err(conflict(field, x, y));
    }
    // The same resource seen from several accounts: keep the first copy's tags and add the
    // keys only the other copy has.
    let tags = |v: &Value| -> Vec<Value> {
        v.get("Tags")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut merged_tags = tags(&a);
    for t in tags(&b) {
        let key = t.get("Key").cloned();
        if !merged_tags.iter().any(|m| m.get("Key").cloned() == key) {
            merged_tags.push(t);
        }
    }
    let mut merged = a;
    if let Value::Object(m) = &mut merged
        && !merged_tags.is_empty()
    {
        m.insert("Tags".into(), Value::Array(merged_tags));
    }
    *first = serde_json::from_value(merged).expect("a merged copy decodes as its type");
    Ok(())
}

fn take<T: Resource>(
    path: &Path,
    key: &'static str,
    id_field: &'static str,
    v: &Value,
    out: &mut Vec<T>,
    seen: &mut HashMap<(&'static str, String), (PathBuf, usize)>,
) -> Result<(), LoadError> {
    take_by(path, key, &[id_field], v, out, seen)
}

/// [`take`] for resources named by several fields (a Studio user profile is unique only within
/// its domain: `DomainId/UserProfileName`).
fn take_by<T: Resource>(
    path: &Path,
    key: &'static str,
    id_fields: &[&'static str],
    v: &Value,
    out: &mut Vec<T>,
    seen: &mut HashMap<(&'static str, String), (PathBuf, usize)>,
) -> Result<(), LoadError> {
    for (index, item) in list(path, key, v)?.iter().enumerate() {
        let mut parts = Vec::new();
        for f in id_fields {
            parts.push(id_of(path, key, index, f, item)?);
        }
        let joined = parts.join("/");
        let id = joined.as_str();
        reject_camel_case(path, key, index, Some(id), item)?;
        let decoded: T = decode(path, key, index, Some(id), item)?;
        insert(path, key, id.to_string(), decoded, out, seen)?;
    }
    Ok(())
}

/// Add one decoded resource, or merge it into an earlier copy (see the module doc).
fn insert<T: Resource>(
    path: &Path,
    key: &'static str,
    id: String,
    item: T,
    out: &mut Vec<T>,
    seen: &mut HashMap<(&'static str, String), (PathBuf, usize)>,
) -> Result<(), LoadError> {
    match seen.get(&(key, id.clone())) {
        Some((first, pos)) => merge_copy(&mut out[*pos], item, |field, a, b| LoadError::Conflict {
            key: key.into(),
            id: id.clone(),
            first: first.clone(),
            second: path.into(),
            field,
            a,
            b,
        }),
        None => {
            seen.insert((key, id), (path.into(), out.len()));
            out.push(item);
            Ok(())
        }
    }
}

/// `describe-vpc-attribute` answers one attribute per call, so entries for one VPC merge field by
/// field; only two different values for the same attribute conflict.
fn take_attributes(
    path: &Path,
    v: &Value,
    out: &mut Vec<VpcAttribute>,
    seen: &mut HashMap<(&'static str, String), (PathBuf, usize)>,
) -> Result<(), LoadError> {
    const KEY: &str = "VpcAttributes";
    for (index, item) in list(path, KEY, v)?.iter().enumerate() {
        let id = id_of(path, KEY, index, "VpcId", item)?;
        reject_camel_case(path, KEY, index, Some(id), item)?;
        let a: VpcAttribute = decode(path, KEY, index, Some(id), item)?;
        match seen.get(&(KEY, id.to_string())) {
            Some((first, pos)) => {
                let cur = &mut out[*pos];
                let conflict =
                    |name: &str, x: &Option<s::AttrBool>, y: &Option<s::AttrBool>| match (x, y) {
                        (Some(p), Some(q)) if p != q => Some(LoadError::Conflict {
                            key: KEY.into(),
                            id: id.into(),
                            first: first.clone(),
                            second: path.into(),
                            field: name.into(),
                            a: p.value.to_string(),
                            b: q.value.to_string(),
                        }),
                        _ => None,
                    };
                if let Some(e) = conflict(
                    "EnableDnsSupport",
                    &cur.enable_dns_support,
                    &a.enable_dns_support,
                )
                .or_else(|| {
                    conflict(
                        "EnableDnsHostnames",
                        &cur.enable_dns_hostnames,
                        &a.enable_dns_hostnames,
                    )
                }) {
                    return Err(e);
                }
                cur.enable_dns_support = cur.enable_dns_support.or(a.enable_dns_support);
                cur.enable_dns_hostnames = cur.enable_dns_hostnames.or(a.enable_dns_hostnames);
            }
            None => {
                seen.insert((KEY, id.to_string()), (path.into(), out.len()));
                out.push(a);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Snapshot, LoadError> {
        load_str(Path::new("t.json"), text)
    }

    fn acc_add(acc: &mut Accumulator, name: &str, text: &[u8]) -> Result<(), LoadError> {
        let map = parse_object(Path::new(name), text)?;
        acc.add(Path::new(name), map)
    }

    #[test]
    fn field_errors_name_key_id_and_field() {
        let e = load(r#"{"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1","CidrBlock":7}]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("t.json"), "{e}");
        assert!(e.contains("Subnets[0] (subnet-1)"), "{e}");
        assert!(e.contains("CidrBlock"), "{e}");
    }

    #[test]
    fn nested_field_path_is_reported() {
        let e = load(
            r#"{"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"v","Routes":[{"State":"active"},{"GatewayId":5}]}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("Routes[1].GatewayId"), "{e}");
        assert!(e.contains("(rtb-1)"), "{e}");
    }

    #[test]
    fn wrong_shapes_are_errors_not_panics() {
        for (text, want) in [
            ("[]", "top level must be a JSON object"),
            (r#"{"Vpcs": {}}"#, "must be a list"),
            (
                r#"{"Vpcs": [{"CidrBlock":"10.0.0.0/16"}]}"#,
                "missing its ID",
            ),
            (r#"{"Vpcs": [{"VpcId": 3}]}"#, "non-empty string"),
            (r#"{"Region": 3}"#, "must be a string"),
            ("{", "not valid JSON"),
            (r#"{"vpcs": []}"#, "PascalCase"),
            (r#"{"Vpcs": [{"vpcId": "vpc-1"}]}"#, "PascalCase"),
            (
                r#"{"Vpcs": [{"VpcId": "vpc-1", "cidrBlock": "10.0.0.0/16"}]}"#,
                "cidrBlock",
            ),
        ] {
            let e = load(text).unwrap_err().to_string();
            assert!(e.contains(want), "{text}: {e}");
        }
    }

    #[test]
    fn unknown_keys_are_ignored_and_lists_concatenate() {
        let mut acc = Accumulator::default();
        acc_add(
            &mut acc,
            "a.json",
            br#"{"NextToken":"x","Vpcs":[{"VpcId":"vpc-1"}]}"#,
        )
        .unwrap();
        acc_add(
            &mut acc,
            "b.json",
            br#"{"Vpcs":[{"VpcId":"vpc-2"},{"VpcId":"vpc-1"}]}"#,
        )
        .unwrap();
        let s = acc.finish().unwrap().snapshot;
        assert_eq!(
            s.vpcs.iter().map(|v| v.vpc_id.as_str()).collect::<Vec<_>>(),
            ["vpc-1", "vpc-2"]
        );
    }

    #[test]
    fn different_objects_with_one_id_conflict_naming_the_field() {
        let mut acc = Accumulator::default();
        acc_add(
            &mut acc,
            "a.json",
            br#"{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}]}"#,
        )
        .unwrap();
        let e = acc_add(
            &mut acc,
            "b.json",
            br#"{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.9.0.0/16"}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("vpc-1") && e.contains("a.json") && e.contains("b.json"),
            "{e}"
        );
        assert!(e.contains("\"CidrBlock\""), "{e}");
        assert!(e.contains("10.9.0.0/16"), "{e}");
    }

    #[test]
    fn copies_from_several_accounts_that_differ_only_in_tags_merge() {
        let mut acc = Accumulator::default();
        acc_add(
            &mut acc,
            "a.json",
            br#"{"TransitGateways":[{"TransitGatewayId":"tgw-1","State":"available","Tags":[{"Key":"Name","Value":"core"}]}]}"#,
        )
        .unwrap();
        acc_add(
            &mut acc,
            "b.json",
            br#"{"TransitGateways":[{"TransitGatewayId":"tgw-1","State":"available","Tags":[{"Key":"Env","Value":"prod"}]}]}"#,
        )
        .unwrap();
        let s = acc.finish().unwrap().snapshot;
        assert_eq!(s.transit_gateways.len(), 1);
        let keys: Vec<&str> = s.transit_gateways[0]
            .tags
            .iter()
            .map(|t| t.key.as_str())
            .collect();
        assert_eq!(keys, ["Name", "Env"]);
    }

    #[test]
    fn studio_outputs_load_as_what_they_are() {
        // Raw describe-domain (it has a top-level VpcId: not a describe-vpc-attribute output).
        let s = load_str(
            "domain.json".as_ref(),
            r#"{"DomainArn":"arn:aws:sagemaker:us-east-1:111122223333:domain/d-1","DomainId":"d-1","AppNetworkAccessType":"VpcOnly","VpcId":"vpc-1","SubnetIds":["subnet-1"],"DefaultUserSettings":{"SecurityGroups":["sg-1"],"ExecutionRole":"arn:r"}}"#,
        )
        .unwrap();
        assert_eq!(s.domains.len(), 1);
        assert!(s.vpc_attributes.is_empty());
        assert_eq!(s.domains[0].subnet_ids, ["subnet-1"]);
        // Raw describe-user-profile and describe-space.
        let s = load_str(
            "p.json".as_ref(),
            r#"{"DomainId":"d-1","UserProfileArn":"arn:p","UserProfileName":"alice","UserSettings":{"SecurityGroups":["sg-2"]}}"#,
        )
        .unwrap();
        assert_eq!(s.user_profiles[0].user_profile_name, "alice");
        let s = load_str(
            "s.json".as_ref(),
            r#"{"DomainId":"d-1","SpaceArn":"arn:s","SpaceName":"team","SpaceSharingSettings":{"SharingType":"Shared"}}"#,
        )
        .unwrap();
        assert_eq!(s.spaces[0].space_name, "team");
        // list-domains / list-user-profiles summaries merge with descriptions; the same profile
        // name in two domains is two profiles.
        let mut acc = Accumulator::default();
        acc_add(
            &mut acc,
            "list.json",
            br#"{"Domains":[{"DomainId":"d-1","DomainName":"x","Status":"InService"}],"UserProfiles":[{"DomainId":"d-1","UserProfileName":"alice"},{"DomainId":"d-2","UserProfileName":"alice"}]}"#,
        )
        .unwrap();
        acc_add(
            &mut acc,
            "describe.json",
            br#"{"Domains":[{"DomainId":"d-1","DomainName":"x","Status":"InService","AppNetworkAccessType":"VpcOnly","VpcId":"vpc-1"}]}"#,
        )
        .unwrap();
        assert_eq!(acc.snap.domains.len(), 1);
        assert!(!acc.snap.domains[0].is_summary());
        assert_eq!(acc.snap.user_profiles.len(), 2);
        assert!(acc.snap.user_profiles.iter().all(|p| p.is_summary()));
    }

    #[test]
    fn managed_prefix_lists_merge_with_their_entries() {
        let mut acc = Accumulator::default();
        acc_add(
            &mut acc,
            "managed.json",
            br#"{"PrefixLists":[{"PrefixListId":"pl-1","PrefixListName":"corp","AddressFamily":"IPv4"}]}"#,
        )
        .unwrap();
        let s = {
            let mut a = Accumulator::default();
            acc_add(
                &mut a,
                "managed.json",
                br#"{"PrefixLists":[{"PrefixListId":"pl-1","PrefixListName":"corp"}]}"#,
            )
            .unwrap();
            a.finish().unwrap().snapshot
        };
        assert_eq!(s.prefix_lists[0].cidrs, None, "no entries given: unknown");
        acc_add(
            &mut acc,
            "pl-1.json",
            br#"{"Entries":[{"Cidr":"10.0.0.0/8","Description":"corp"}]}"#,
        )
        .unwrap();
        acc_add(
            &mut acc,
            "described.json",
            br#"{"PrefixLists":[{"PrefixListId":"pl-1","PrefixListName":"corp","Cidrs":["10.0.0.0/8"]}]}"#,
        )
        .unwrap();
        let s = acc.finish().unwrap().snapshot;
        assert_eq!(s.prefix_lists.len(), 1);
        assert_eq!(
            s.prefix_lists[0].cidrs.as_deref(),
            Some(&["10.0.0.0/8".to_string()][..])
        );
        assert_eq!(s.prefix_lists[0].address_family.as_deref(), Some("IPv4"));
        let mut acc = Accumulator::default();
        let e = acc_add(&mut acc, "entries.json", br#"{"Entries":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("entries.json") && e.contains("PrefixListId"),
            "{e}"
        );
    }

    #[test]
    fn raw_single_objects_are_recognised() {
        let s = load(
            r#"{"NotebookInstanceArn":"arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/nb","NotebookInstanceName":"nb","SubnetId":"subnet-1","SecurityGroups":["sg-1"],"DirectInternetAccess":"Disabled","RootAccess":"Disabled"}"#,
        )
        .unwrap();
        assert_eq!(s.notebook_instances.len(), 1);
        assert_eq!(s.notebook_instances[0].security_groups, ["sg-1"]);
        assert!(s.security_groups.is_empty());
        let s = load(r#"{"VpcId":"vpc-1","EnableDnsSupport":{"Value":false}}"#).unwrap();
        assert_eq!(s.vpc_attributes.len(), 1);
        assert_eq!(
            s.vpc_attributes[0].enable_dns_support.map(|a| a.value),
            Some(false)
        );
    }

    #[test]
    fn a_summary_and_a_description_of_one_notebook_merge() {
        let mut acc = Accumulator::default();
        acc_add(
            &mut acc,
            "list.json",
            br#"{"NotebookInstances":[{"NotebookInstanceName":"nb","NotebookInstanceStatus":"InService"}]}"#,
        )
        .unwrap();
        acc_add(
            &mut acc,
            "describe.json",
            br#"{"NotebookInstances":[{"NotebookInstanceName":"nb","NotebookInstanceStatus":"InService","SubnetId":"subnet-1","SecurityGroups":["sg-1"],"DirectInternetAccess":"Disabled"}]}"#,
        )
        .unwrap();
        let s = acc.finish().unwrap().snapshot;
        assert_eq!(s.notebook_instances.len(), 1);
        assert!(!s.notebook_instances[0].is_summary());
    }

    #[test]
    fn vpc_attributes_merge_per_attribute() {
        let s = load(
            r#"{"VpcAttributes":[{"VpcId":"vpc-1","EnableDnsSupport":{"Value":true}},{"VpcId":"vpc-1","EnableDnsHostnames":{"Value":false}}]}"#,
        )
        .unwrap();
        assert_eq!(s.vpc_attributes.len(), 1);
        assert_eq!(
            s.vpc_attributes[0].enable_dns_support.map(|a| a.value),
            Some(true)
        );
        assert_eq!(
            s.vpc_attributes[0].enable_dns_hostnames.map(|a| a.value),
            Some(false)
        );
        let e = load(
            r#"{"VpcAttributes":[{"VpcId":"vpc-1","EnableDnsSupport":{"Value":true}},{"VpcId":"vpc-1","EnableDnsSupport":{"Value":false}}]}"#,
        )
        .unwrap_err();
        assert!(matches!(e, LoadError::Conflict { .. }));
    }

    #[test]
    fn region_names_are_strict() {
        for r in [
            "us-east-1",
            "eu-central-2",
            "ap-southeast-3",
            "us-gov-west-1",
            "il-central-1",
        ] {
            assert!(is_region_name(r), "{r}");
        }
        for r in ["my-snap-1", "us-east", "aws_configs", "us-east-1a", "x"] {
            assert!(!is_region_name(r), "{r}");
        }
    }

    #[test]
    fn region_folders_split_the_snapshot() {
        let dir = std::env::temp_dir().join(format!("vpcreach-load-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for (rel, text) in [
            ("a/us-east-1/vpcs.json", r#"{"Vpcs":[{"VpcId":"vpc-1"}]}"#),
            ("b/eu-west-1/vpcs.json", r#"{"Vpcs":[{"VpcId":"vpc-2"}]}"#),
        ] {
            let p = dir.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, text).unwrap();
        }
        let r = load_regions(&[&dir]).unwrap();
        let got: Vec<(Option<&str>, &str)> = r
            .iter()
            .map(|l| {
                (
                    l.snapshot.region.as_deref(),
                    l.snapshot.vpcs[0].vpc_id.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [(Some("eu-west-1"), "vpc-2"), (Some("us-east-1"), "vpc-1")]
        );
        // A file outside every region folder cannot be placed.
        fs::write(dir.join("stray.json"), r#"{"Subnets":[]}"#).unwrap();
        let e = load_regions(&[&dir]).unwrap_err().to_string();
        assert!(e.contains("stray.json"), "{e}");
        // A Region key that contradicts its folder.
        fs::remove_file(dir.join("stray.json")).unwrap();
        fs::write(dir.join("a/us-east-1/r.json"), r#"{"Region":"eu-west-1"}"#).unwrap();
        let e = load_regions(&[&dir]).unwrap_err().to_string();
        assert!(e.contains("r.json") && e.contains("us-east-1"), "{e}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn input_with_no_known_key_is_an_error_naming_what_it_is() {
        let dir = std::env::temp_dir().join(format!("vpcreach-none-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        for (name, text, want) in [
            (
                "plan.json",
                r#"{"format_version":"1.2","planned_values":{},"resource_changes":[]}"#,
                "Terraform plan",
            ),
            (
                "cfn.json",
                r#"{"AWSTemplateFormatVersion":"2010-09-09","Resources":{}}"#,
                "CloudFormation",
            ),
            ("empty.json", "{}", "no top-level keys"),
            ("region.json", r#"{"Region":"us-east-1"}"#, "\"Region\""),
        ] {
            let p = dir.join(name);
            fs::write(&p, text).unwrap();
            let e = load_regions(&[&p]).unwrap_err().to_string();
            assert!(e.contains(want) && e.contains(name), "{name}: {e}");
        }
        let _ = fs::remove_dir_all(&dir);
    }
}
