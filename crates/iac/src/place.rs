//! What-if placement: a notebook that does not exist yet, put into a real snapshot exactly as
//! `aws sagemaker create-notebook-instance` would create it, so that it is judged like a deployed
//! one — the gate before creating it.
//!
//! A placement comes from `--place NAME:subnet=subnet-…,sg=sg-…[,sg=…][,direct-internet-access=…][,root-access=…]`
//! or from a file of planned notebooks in `create-notebook-instance`'s own input shape
//! (`NotebookInstanceName`, `SubnetId`, `SecurityGroupIds`, `DirectInternetAccess`, `RootAccess`;
//! one object, a list, or `{"NotebookInstances": [...]}`), JSON or YAML.
//!
//! Defaults are AWS's: `DirectInternetAccess` and `RootAccess` are `Enabled` unless given
//! (<https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateNotebookInstance.html>).
//! A planned notebook has no network interface yet, so its address is any address of its subnet
//! and it has no public IPv4 address (SageMaker's notebook ENI never has one).
//!
//! Placing into a subnet or security group the snapshot does not hold, a security group of another
//! VPC (AWS refuses it), or a name already taken is an error: a what-if on a typo must not pass.

use std::path::Path;

use serde::Deserialize;
use vpcreach_aws::Loaded;
use vpcreach_aws::snapshot::{NotebookInstance, PlannedResource};

/// One planned notebook.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Placement {
    #[serde(rename = "NotebookInstanceName")]
    pub name: String,
    pub subnet_id: String,
    #[serde(rename = "SecurityGroupIds", default)]
    pub security_groups: Vec<String>,
    #[serde(default = "enabled")]
    pub direct_internet_access: String,
    #[serde(default = "enabled")]
    pub root_access: String,
}

fn enabled() -> String {
    "Enabled".into()
}

/// Why a placement cannot be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlaceError {
    #[error("--place {spec}: {message}")]
    Spec { spec: String, message: String },
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("{name}: {message}")]
    Snapshot { name: String, message: String },
}

fn toggle(spec: &str, key: &str, v: &str) -> Result<String, PlaceError> {
    if v.eq_ignore_ascii_case("enabled") {
        Ok("Enabled".into())
    } else if v.eq_ignore_ascii_case("disabled") {
        Ok("Disabled".into())
    } else {
        Err(PlaceError::Spec {
            spec: spec.into(),
            message: format!("{key}={v}: expected Enabled or Disabled"),
        })
    }
}

impl Placement {
    /// Parse `NAME:subnet=subnet-…,sg=sg-…[,sg=…][,direct-internet-access=Enabled|Disabled][,root-access=…]`.
    pub fn parse(spec: &str) -> Result<Placement, PlaceError> {
        let err = |message: String| PlaceError::Spec {
            spec: spec.into(),
            message,
        };
        let (name, rest) = spec.split_once(':').ok_or_else(|| {
            err("expected NAME:subnet=subnet-…,sg=sg-…[,direct-internet-access=Disabled]".into())
        })?;
        let name = name.trim();
        if name.is_empty() {
            return Err(err("the notebook name is empty".into()));
        }
        let mut p = Placement {
            name: name.to_string(),
            subnet_id: String::new(),
            security_groups: Vec::new(),
            direct_internet_access: enabled(),
            root_access: enabled(),
        };
        for part in rest.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| err(format!("{part}: expected key=value")))?;
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            match k.as_str() {
                "subnet" | "subnet-id" => {
                    if !p.subnet_id.is_empty() {
                        return Err(err("subnet is given twice".into()));
                    }
                    p.subnet_id = v.to_string();
                }
                "sg" | "security-group" | "security-group-id" => {
                    p.security_groups.push(v.to_string())
                }
                "direct-internet-access" => p.direct_internet_access = toggle(spec, &k, v)?,
                "root-access" => p.root_access = toggle(spec, &k, v)?,
                other => {
                    return Err(err(format!(
                        "unknown key {other:?} (keys: subnet, sg, direct-internet-access, root-access)"
                    )));
                }
            }
        }
        if p.subnet_id.is_empty() {
            return Err(err("subnet=subnet-… is required".into()));
        }
        if p.security_groups.is_empty() {
            return Err(err(
                "at least one sg=sg-… is required (a notebook in a VPC always has a security group)"
                    .into(),
            ));
        }
        Ok(p)
    }
}

/// Planned notebooks from a file: one `create-notebook-instance` input object, a list of them,
/// or `{"NotebookInstances": [...]}`; JSON, or YAML when the file does not start with `{`/`[`.
pub fn parse_file(path: &Path, text: &str) -> Result<Vec<Placement>, PlaceError> {
    let err = |message: String| PlaceError::File {
        path: path.display().to_string(),
        message,
    };
    let value: serde_json::Value = if matches!(text.trim_start().chars().next(), Some('{' | '[')) {
        serde_json::from_str(text).map_err(|e| err(format!("not valid JSON: {e}")))?
    } else {
        yaml_to_json(text).map_err(|e| err(format!("not valid YAML: {e}")))?
    };
    let items = match value {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(mut o) => match o.remove("NotebookInstances") {
            Some(serde_json::Value::Array(a)) => a,
            Some(_) => return Err(err("\"NotebookInstances\" must be a list".into())),
            None => vec![serde_json::Value::Object(o)],
        },
        _ => {
            return Err(err(
                "expected an object or a list of notebook objects".into()
            ));
        }
    };
    if items.is_empty() {
        return Err(err("the file plans no notebook".into()));
    }
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let mut p: Placement = serde_json::from_value(strip_ignored(item))
            .map_err(|e| err(format!("notebook #{}: {e}", i + 1)))?;
        p.direct_internet_access =
            toggle(&p.name, "DirectInternetAccess", &p.direct_internet_access).map_err(|_| {
                err(format!(
                    "notebook #{}: DirectInternetAccess must be Enabled or Disabled",
                    i + 1
                ))
            })?;
        p.root_access = toggle(&p.name, "RootAccess", &p.root_access).map_err(|_| {
            err(format!(
                "notebook #{}: RootAccess must be Enabled or Disabled",
                i + 1
            ))
        })?;
        if p.security_groups.is_empty() {
            return Err(err(format!(
                "notebook #{} ({}): SecurityGroupIds is required",
                i + 1,
                p.name
            )));
        }
        out.push(p);
    }
    Ok(out)
}

/// A YAML placement file as JSON, read by the templates' YAML reader.
fn yaml_to_json(text: &str) -> Result<serde_json::Value, String> {
    crate::cloudformation::parse::parse(text).map(|p| p.root)
}

/// `create-notebook-instance` input fields that do not change the network.
const IGNORED: &[&str] = &[
    "InstanceType",
    "RoleArn",
    "KmsKeyId",
    "Tags",
    "LifecycleConfigName",
    "VolumeSizeInGB",
    "AcceleratorTypes",
    "DefaultCodeRepository",
    "AdditionalCodeRepositories",
    "InstanceMetadataServiceConfiguration",
    "PlatformIdentifier",
];

fn strip_ignored(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(o) = v.as_object_mut() {
        o.retain(|k, _| !IGNORED.contains(&k.as_str()));
    }
    v
}

/// Put each planned notebook into the region whose snapshot holds its subnet, checking it as AWS
/// would: the subnet and security groups exist, the groups are in the subnet's VPC, the name is
/// free.
pub fn place(regions: &mut [Loaded], placements: &[Placement]) -> Result<(), PlaceError> {
    for p in placements {
        let snap_err = |message: String| PlaceError::Snapshot {
            name: p.name.clone(),
            message,
        };
        let Some(region) = regions.iter_mut().find(|l| {
            l.snapshot
                .subnets
                .iter()
                .any(|s| s.subnet_id == p.subnet_id)
        }) else {
            let mut have: Vec<&str> = regions
                .iter()
                .flat_map(|l| l.snapshot.subnets.iter().map(|s| s.subnet_id.as_str()))
                .collect();
            have.sort();
            let shown = have.iter().take(12).copied().collect::<Vec<_>>().join(", ");
            let more = if have.len() > 12 { ", …" } else { "" };
            return Err(snap_err(format!(
                "subnet {} is not in the snapshot (it has: {shown}{more})",
                p.subnet_id
            )));
        };
        let snap = &mut region.snapshot;
        if snap
            .notebook_instances
            .iter()
            .any(|n| n.notebook_instance_name.eq_ignore_ascii_case(&p.name))
        {
            return Err(snap_err(
                "a notebook instance of this name already exists in the snapshot".into(),
            ));
        }
        let vpc = snap
            .subnets
            .iter()
            .find(|s| s.subnet_id == p.subnet_id)
            .map(|s| s.vpc_id.clone())
            .unwrap_or_default();
        for g in &p.security_groups {
            match snap.security_groups.iter().find(|s| &s.group_id == g) {
                None => {
                    return Err(snap_err(format!(
                        "security group {g} is not in the snapshot"
                    )));
                }
                Some(s) if s.vpc_id.as_deref().is_some_and(|v| v != vpc) => {
                    return Err(snap_err(format!(
                        "security group {g} is in {}, not in the subnet's VPC {vpc} (AWS refuses it)",
                        s.vpc_id.as_deref().unwrap_or_default()
                    )));
                }
                Some(_) => {}
            }
        }
        snap.notebook_instances.push(NotebookInstance {
            notebook_instance_name: p.name.clone(),
            notebook_instance_status: Some("Pending".into()),
            subnet_id: Some(p.subnet_id.clone()),
            security_groups: p.security_groups.clone(),
            direct_internet_access: Some(p.direct_internet_access.clone()),
            root_access: Some(p.root_access.clone()),
            ..NotebookInstance::default()
        });
        snap.planned_resources.push(PlannedResource {
            id: p.name.clone(),
            address: format!("--place {}", p.name),
            kind: "notebook".into(),
            action: "create".into(),
            file: None,
            line: None,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_reads_every_key_and_defaults_to_aws_defaults() {
        let p = Placement::parse("nb-new:subnet=subnet-1,sg=sg-a,sg=sg-b").unwrap();
        assert_eq!(p.name, "nb-new");
        assert_eq!(p.subnet_id, "subnet-1");
        assert_eq!(p.security_groups, ["sg-a", "sg-b"]);
        assert_eq!(p.direct_internet_access, "Enabled");
        assert_eq!(p.root_access, "Enabled");
        let p = Placement::parse(
            "nb:subnet=subnet-1,sg=sg-a,direct-internet-access=disabled,root-access=Disabled",
        )
        .unwrap();
        assert_eq!(p.direct_internet_access, "Disabled");
        assert_eq!(p.root_access, "Disabled");
    }

    #[test]
    fn a_bad_spec_says_what_is_wrong() {
        for (spec, says) in [
            ("nb-no-colon", "expected NAME:"),
            (":subnet=subnet-1,sg=sg-1", "name is empty"),
            ("nb:sg=sg-1", "subnet=subnet-… is required"),
            ("nb:subnet=subnet-1", "at least one sg="),
            (
                "nb:subnet=subnet-1,sg=sg-1,direct-internet-access=off",
                "Enabled or Disabled",
            ),
            (
                "nb:subnet=subnet-1,sg=sg-1,vpc=vpc-1",
                "unknown key \"vpc\"",
            ),
            ("nb:subnet=subnet-1,subnet=subnet-2,sg=sg-1", "twice"),
            ("nb:subnet", "expected key=value"),
        ] {
            let e = Placement::parse(spec).unwrap_err().to_string();
            assert!(e.contains(says), "{spec}: {e}");
        }
    }

    #[test]
    fn a_file_takes_create_notebook_instance_input() {
        let json = r#"{"NotebookInstances": [{"NotebookInstanceName": "a", "SubnetId": "subnet-1",
            "SecurityGroupIds": ["sg-1"], "DirectInternetAccess": "Disabled", "InstanceType": "ml.t3.medium",
            "RoleArn": "arn:aws:iam::111122223333:role/x"}]}"#;
        let ps = parse_file(Path::new("nb.json"), json).unwrap();
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].direct_internet_access, "Disabled");
        assert_eq!(ps[0].root_access, "Enabled");
        let yaml = "- NotebookInstanceName: b\n  SubnetId: subnet-2\n  SecurityGroupIds: [sg-2]\n";
        let ps = parse_file(Path::new("nb.yaml"), yaml).unwrap();
        assert_eq!(ps[0].name, "b");
        assert_eq!(ps[0].security_groups, ["sg-2"]);
        for (text, says) in [
            ("[]", "plans no notebook"),
            (
                "{\"NotebookInstanceName\": \"x\"}",
                "missing field `SubnetId`",
            ),
            (
                "{\"NotebookInstanceName\": \"x\", \"SubnetId\": \"s\"}",
                "SecurityGroupIds is required",
            ),
            (
                "{\"NotebookInstanceName\": \"x\", \"SubnetId\": \"s\", \"SecurityGroupIds\": [\"g\"], \"Subnet\": 1}",
                "unknown field `Subnet`",
            ),
            ("{", "not valid JSON"),
        ] {
            let e = parse_file(Path::new("f.json"), text)
                .unwrap_err()
                .to_string();
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
