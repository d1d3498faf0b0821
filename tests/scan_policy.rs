//! The collector is read-only and `docs/iam-policy.json` is exactly what it needs: the policy's
//! actions, the collector's declared `OPERATIONS`, and the SDK calls its source makes are one set,
//! and every one is a Describe*/List*/Get*. The calls that choose the accounts of an organisation
//! scan (`ORGANIZATION_OPERATIONS`) are the caller's policy, `docs/iam-policy-organization.json`.
#![cfg(feature = "aws")]

use std::collections::BTreeSet;
use std::path::Path;

use vpcreach::aws::collect::{OPERATIONS, ORGANIZATION_OPERATIONS};

fn policy_actions() -> BTreeSet<String> {
    actions_of("docs/iam-policy.json", true)
}

/// The actions of a policy file; `any_resource`: every statement is on `"Resource": "*"`.
fn actions_of(file: &str, any_resource: bool) -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out = BTreeSet::new();
    for st in v["Statement"].as_array().unwrap() {
        assert_eq!(st["Effect"], "Allow");
        if any_resource {
            assert_eq!(st["Resource"], "*");
        }
        for a in st["Action"].as_array().unwrap() {
            assert!(
                out.insert(a.as_str().unwrap().to_string()),
                "{a} twice in the policy"
            );
        }
    }
    out
}

/// `describe_vpc_attribute` → `DescribeVpcAttribute`.
fn pascal(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Every `.describe_…(`, `.list_…(`, `.get_…(` call in the collector's source, as an action name
/// with the service of the client it is called on (`self.ec2.` / `self.sm.`).
fn called_operations() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/collect/src");
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let src = std::fs::read_to_string(&path).unwrap();
        let code: String = src
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        // Calls may be split over lines: `self.ec2\n    .describe_vpcs()`.
        let flat: String = code.split_whitespace().collect();
        for prefix in ["describe_", "list_", "get_"] {
            for (i, _) in flat.match_indices(&format!(".{prefix}")) {
                let rest = &flat[i + 1..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                if !rest[name.len()..].starts_with('(') {
                    continue;
                }
                let before = &flat[..i];
                let service = if before.ends_with("self.ec2") {
                    "ec2"
                } else if before.ends_with("self.sm") {
                    "sagemaker"
                } else if before.ends_with("self.org") {
                    "organizations"
                } else if before.ends_with("self.sts") {
                    "sts"
                } else {
                    panic!(
                        "{}: `.{name}(` is not called on `self.ec2` or `self.sm`; if it is not an SDK call, rename it",
                        path.display()
                    );
                };
                out.insert(format!("{service}:{}", pascal(&name)));
            }
        }
        // Nothing that writes, ever.
        for verb in [
            "create_",
            "delete_",
            "modify_",
            "put_",
            "update_",
            "start_",
            "stop_",
            "attach_",
            "detach_",
            "associate_",
            "disassociate_",
            "authorize_",
            "revoke_",
            "replace_",
            "run_",
            "terminate_",
            "accept_",
            "reject_",
            "enable_",
            "disable_",
            "reset_",
        ] {
            for client in ["self.ec2.", "self.sm.", "self.org.", "self.sts."] {
                assert!(
                    !flat.contains(&format!("{client}{verb}")),
                    "{}: a {verb}… call",
                    path.display()
                );
            }
        }
    }
    out
}

#[test]
fn the_policy_the_declared_operations_and_the_calls_are_one_read_only_set() {
    let declared: BTreeSet<String> = OPERATIONS.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        declared.len(),
        OPERATIONS.len(),
        "OPERATIONS has duplicates"
    );
    let policy = policy_actions();
    let mut called = called_operations();
    for o in ORGANIZATION_OPERATIONS {
        assert!(called.remove(*o), "{o} is declared but never called");
    }
    assert_eq!(
        policy, declared,
        "docs/iam-policy.json vs collect::OPERATIONS"
    );
    assert_eq!(
        called, declared,
        "calls in crates/collect/src vs collect::OPERATIONS"
    );
    for a in &declared {
        let action = a.split_once(':').unwrap().1;
        assert!(
            ["Describe", "List", "Get"]
                .iter()
                .any(|p| action.starts_with(p)),
            "{a} is not read-only"
        );
    }
}

#[test]
fn the_callers_policy_for_organisation_scans_is_what_choosing_the_accounts_needs() {
    let mut want: BTreeSet<String> = ORGANIZATION_OPERATIONS
        .iter()
        .map(|s| s.to_string())
        .collect();
    // aws-config's AssumeRoleProvider enters each account; not a call in the collector's source.
    want.insert("sts:AssumeRole".into());
    assert_eq!(
        actions_of("docs/iam-policy-organization.json", false),
        want,
        "docs/iam-policy-organization.json vs collect::ORGANIZATION_OPERATIONS + sts:AssumeRole"
    );
    for a in ORGANIZATION_OPERATIONS {
        let action = a.split_once(':').unwrap().1;
        assert!(
            ["Get", "List"].iter().any(|p| action.starts_with(p)),
            "{a} is not read-only"
        );
    }
}
