//! Loading a snapshot from files: one file, several files, or directories of `*.json` read
//! recursively in sorted order (DESIGN §2). Lists under one key are concatenated across files.
//!
//! Each list element is decoded on its own so that an error can name the file, the key, the
//! element's resource ID and the exact field (via `serde_path_to_error`). The same resource may
//! appear in two files if both copies are identical (e.g. two overlapping saves); two *different*
//! objects with one ID are an error, because silently picking one could hide a misconfiguration.

// Load errors are built once, on the way out; their size does not matter.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::snapshot::{Snapshot, VpcAttribute};

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
    #[error("{path}: key \"Region\" must be a string, found {found}")]
    RegionType { path: PathBuf, found: &'static str },
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
        "{key}: {id} appears twice with different contents ({first} and {second}); a snapshot must describe each resource once"
    )]
    Conflict {
        key: String,
        id: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("Region: {second} says \"{b}\" but {first} says \"{a}\"; analyse one region per run")]
    RegionConflict {
        first: PathBuf,
        a: String,
        second: PathBuf,
        b: String,
    },
    #[error("{path}: no such file or directory")]
    NotFound { path: PathBuf },
    #[error("{path}: no *.json files in this directory")]
    EmptyDir { path: PathBuf },
}

/// One input file and its SHA-256, so reports can say exactly what they were computed from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceFile {
    pub path: String,
    pub sha256: String,
}

/// A loaded snapshot and the files it came from, in the order they were read.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub snapshot: Snapshot,
    pub sources: Vec<SourceFile>,
}

/// Load every path (file or directory) into one snapshot.
pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> Result<Loaded, LoadError> {
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
    let mut acc = Accumulator::default();
    let mut sources = Vec::new();
    for f in &files {
        let bytes = fs::read(f).map_err(|source| LoadError::Io {
            path: f.clone(),
            source,
        })?;
        sources.push(SourceFile {
            path: f.display().to_string(),
            sha256: hex(&Sha256::digest(&bytes)),
        });
        acc.add_bytes(f, &bytes)?;
    }
    Ok(Loaded {
        snapshot: acc.finish(),
        sources,
    })
}

/// Parse one JSON document (already read) as a whole snapshot; `origin` names it in errors.
pub fn load_str(origin: &Path, text: &str) -> Result<Snapshot, LoadError> {
    let mut acc = Accumulator::default();
    acc.add_bytes(origin, text.as_bytes())?;
    Ok(acc.finish())
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

#[derive(Default)]
struct Accumulator {
    snap: Snapshot,
    /// (key, id) → (file, position in the list) of the first occurrence.
    seen: HashMap<(&'static str, String), (PathBuf, usize)>,
    region_from: Option<PathBuf>,
}

impl Accumulator {
    fn add_bytes(&mut self, path: &Path, bytes: &[u8]) -> Result<(), LoadError> {
        let value: Value = serde_json::from_slice(bytes).map_err(|source| LoadError::Json {
            path: path.into(),
            source,
        })?;
        let Value::Object(map) = value else {
            return Err(LoadError::NotObject {
                path: path.into(),
                found: kind_of(&value),
            });
        };
        // Sorted keys: deterministic error order whatever the file's key order.
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort();
        for key in keys {
            let v = &map[key];
            let s = &mut self.snap;
            let seen = &mut self.seen;
            match key.as_str() {
                "Region" => {
                    let Value::String(r) = v else {
                        return Err(LoadError::RegionType {
                            path: path.into(),
                            found: kind_of(v),
                        });
                    };
                    match (&s.region, &self.region_from) {
                        (Some(old), Some(from)) if old != r => {
                            return Err(LoadError::RegionConflict {
                                first: from.clone(),
                                a: old.clone(),
                                second: path.into(),
                                b: r.clone(),
                            });
                        }
                        _ => {
                            s.region = Some(r.clone());
                            self.region_from = Some(path.into());
                        }
                    }
                }
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
                "VpcAttributes" => take_attributes(path, v, &mut s.vpc_attributes, seen)?,
                "Incomplete" => {
                    for (index, item) in list(path, "Incomplete", v)?.iter().enumerate() {
                        let i: super::snapshot::Incomplete =
                            decode(path, "Incomplete", index, None, item)?;
                        if !s.incomplete.contains(&i) {
                            s.incomplete.push(i);
                        }
                    }
                }
                // Everything else (NextToken, Reservations, AvailabilityZones, …) is not ours.
                _ => {}
            }
        }
        Ok(())
    }

    fn finish(self) -> Snapshot {
        self.snap
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
        None => Err(LoadError::MissingId {
            path: path.into(),
            key: key.into(),
            index,
            id_field,
        }),
    }
}

fn take<T: DeserializeOwned + PartialEq>(
    path: &Path,
    key: &'static str,
    id_field: &'static str,
    v: &Value,
    out: &mut Vec<T>,
    seen: &mut HashMap<(&'static str, String), (PathBuf, usize)>,
) -> Result<(), LoadError> {
    for (index, item) in list(path, key, v)?.iter().enumerate() {
        let id = id_of(path, key, index, id_field, item)?;
        let decoded: T = decode(path, key, index, Some(id), item)?;
        match seen.get(&(key, id.to_string())) {
            Some((first, pos)) => {
                if out[*pos] != decoded {
                    return Err(LoadError::Conflict {
                        key: key.into(),
                        id: id.into(),
                        first: first.clone(),
                        second: path.into(),
                    });
                }
            }
            None => {
                seen.insert((key, id.to_string()), (path.into(), out.len()));
                out.push(decoded);
            }
        }
    }
    Ok(())
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
        let a: VpcAttribute = decode(path, KEY, index, Some(id), item)?;
        match seen.get(&(KEY, id.to_string())) {
            Some((first, pos)) => {
                let cur = &mut out[*pos];
                let conflict =
                    |x: &Option<_>, y: &Option<_>| matches!((x, y), (Some(p), Some(q)) if p != q);
                if conflict(&cur.enable_dns_support, &a.enable_dns_support)
                    || conflict(&cur.enable_dns_hostnames, &a.enable_dns_hostnames)
                {
                    return Err(LoadError::Conflict {
                        key: KEY.into(),
                        id: id.into(),
                        first: first.clone(),
                        second: path.into(),
                    });
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
        ] {
            let e = load(text).unwrap_err().to_string();
            assert!(e.contains(want), "{text}: {e}");
        }
    }

    #[test]
    fn unknown_keys_are_ignored_and_lists_concatenate() {
        let mut acc = Accumulator::default();
        acc.add_bytes(
            Path::new("a.json"),
            br#"{"NextToken":"x","Vpcs":[{"VpcId":"vpc-1"}]}"#,
        )
        .unwrap();
        acc.add_bytes(
            Path::new("b.json"),
            br#"{"Vpcs":[{"VpcId":"vpc-2"},{"VpcId":"vpc-1"}]}"#,
        )
        .unwrap();
        let s = acc.finish();
        assert_eq!(
            s.vpcs.iter().map(|v| v.vpc_id.as_str()).collect::<Vec<_>>(),
            ["vpc-1", "vpc-2"]
        );
    }

    #[test]
    fn different_objects_with_one_id_conflict() {
        let mut acc = Accumulator::default();
        acc.add_bytes(
            Path::new("a.json"),
            br#"{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}]}"#,
        )
        .unwrap();
        let e = acc
            .add_bytes(
                Path::new("b.json"),
                br#"{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.9.0.0/16"}]}"#,
            )
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("vpc-1") && e.contains("a.json") && e.contains("b.json"),
            "{e}"
        );
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
    fn region_conflict_names_both_files() {
        let mut acc = Accumulator::default();
        acc.add_bytes(Path::new("a.json"), br#"{"Region":"us-east-1"}"#)
            .unwrap();
        let e = acc
            .add_bytes(Path::new("b.json"), br#"{"Region":"eu-west-1"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("a.json") && e.contains("b.json"), "{e}");
    }
}
