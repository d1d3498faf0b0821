//! Live collection: read an AWS network through aws-sdk-ec2 and aws-sdk-sagemaker into the same
//! [`Snapshot`] the JSON loader produces, one per region (`vpcreach scan`). This is the only
//! crate that compiles the SDK; the CLI links it only with its cargo feature `aws`.
//!
//! Credentials, region, endpoint and retries resolve as the AWS CLI resolves them (aws-config's
//! default chain: environment, `AWS_PROFILE` / `--aws-profile`, shared config and credentials
//! files, SSO, web identity, container and instance metadata; `AWS_ENDPOINT_URL` and the
//! per-service `AWS_ENDPOINT_URL_EC2` … overrides; standard retry mode). Several accounts are
//! scanned through STS AssumeRole with aws-config's own provider and merged per region.
//!
//! Read-only: every call is a Describe*/List*/Get* in [`OPERATIONS`], the same list as
//! `docs/iam-policy.json` (a test checks both and the source). A call that fails never aborts the
//! scan: it is printed as a diagnostic naming the operation and region, and recorded under the
//! snapshot's `Incomplete` key, so every verdict that needs the data is `unknown`. Only a scan in
//! which *every* call of every region and account failed is an error ([`ScanError::NothingCollected`]):
//! it collected nothing, and must never pass for an account without notebooks.

mod map;
mod merge;
mod progress;
mod region;
mod studio;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region as AwsRegion, SdkConfig};
use aws_sdk_ec2::config::{ProvideCredentials, SharedCredentialsProvider};
use tokio::sync::Semaphore;

use self::merge::Merged;
use self::progress::Monitor;
use self::region::{Failed, Region};
use vpcreach_aws::snapshot::{Incomplete, Snapshot};

/// Every API operation the collector calls, as IAM action names: exactly the actions of
/// `docs/iam-policy.json`. All are Describe*, List* or Get*.
pub const OPERATIONS: &[&str] = &[
    "ec2:DescribeVpcs",
    "ec2:DescribeVpcAttribute",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeSubnets",
    "ec2:DescribeRouteTables",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeEgressOnlyInternetGateways",
    "ec2:DescribeNatGateways",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribePrefixLists",
    "ec2:DescribeManagedPrefixLists",
    "ec2:GetManagedPrefixListEntries",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcPeeringConnections",
    "ec2:DescribeTransitGateways",
    "sagemaker:ListNotebookInstances",
    "sagemaker:DescribeNotebookInstance",
    "sagemaker:ListDomains",
    "sagemaker:DescribeDomain",
    "sagemaker:ListUserProfiles",
    "sagemaker:DescribeUserProfile",
    "sagemaker:ListSpaces",
    "sagemaker:DescribeSpace",
];

/// The operations called once per VPC (twice: one per DNS attribute), per managed prefix list or
/// per notebook; every other one is called once per region.
const PER_RESOURCE: &[&str] = &[
    "ec2:DescribeVpcAttribute",
    "ec2:GetManagedPrefixListEntries",
    "sagemaker:DescribeNotebookInstance",
    "sagemaker:DescribeDomain",
    "sagemaker:ListUserProfiles",
    "sagemaker:DescribeUserProfile",
    "sagemaker:ListSpaces",
    "sagemaker:DescribeSpace",
];

/// The snapshot key whose data an operation provides.
pub fn snapshot_key(op: &str) -> &'static str {
    match op {
        "DescribeVpcs" => "Vpcs",
        "DescribeVpcAttribute" => "VpcAttributes",
        "DescribeDhcpOptions" => "DhcpOptions",
        "DescribeSubnets" => "Subnets",
        "DescribeRouteTables" => "RouteTables",
        "DescribeInternetGateways" => "InternetGateways",
        "DescribeEgressOnlyInternetGateways" => "EgressOnlyInternetGateways",
        "DescribeNatGateways" => "NatGateways",
        "DescribeVpcEndpoints" => "VpcEndpoints",
        "DescribeSecurityGroups" => "SecurityGroups",
        "DescribeNetworkAcls" => "NetworkAcls",
        "DescribePrefixLists" | "DescribeManagedPrefixLists" | "GetManagedPrefixListEntries" => {
            "PrefixLists"
        }
        "DescribeNetworkInterfaces" => "NetworkInterfaces",
        "DescribeVpcPeeringConnections" => "VpcPeeringConnections",
        "DescribeTransitGateways" => "TransitGateways",
        "ListNotebookInstances" | "DescribeNotebookInstance" => "NotebookInstances",
        "ListDomains" | "DescribeDomain" => "Domains",
        "ListUserProfiles" | "DescribeUserProfile" => "UserProfiles",
        "ListSpaces" | "DescribeSpace" => "Spaces",
        _ => unreachable!("{op} is not an operation of the collector"),
    }
}

/// Every snapshot key a scan fills.
const KEYS: &[&str] = &[
    "Vpcs",
    "VpcAttributes",
    "DhcpOptions",
    "Subnets",
    "RouteTables",
    "InternetGateways",
    "EgressOnlyInternetGateways",
    "NatGateways",
    "VpcEndpoints",
    "SecurityGroups",
    "NetworkAcls",
    "PrefixLists",
    "NetworkInterfaces",
    "VpcPeeringConnections",
    "TransitGateways",
    "NotebookInstances",
    "Domains",
    "UserProfiles",
    "Spaces",
];

/// Default number of API calls in flight at once, across all regions and accounts.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// What to scan and how.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Regions to scan (empty: the one the default chain resolves, as the AWS CLI would).
    pub regions: Vec<String>,
    /// A named profile of the shared AWS config files (else `AWS_PROFILE`, else `default`).
    pub aws_profile: Option<String>,
    /// One endpoint for every service (else `AWS_ENDPOINT_URL`…, else AWS's own).
    pub endpoint_url: Option<String>,
    /// Only these VPCs (empty: all).
    pub vpcs: Vec<String>,
    /// Scan each of these accounts through STS AssumeRole (empty: the caller's own account).
    pub assume_roles: Vec<String>,
    /// Calls in flight at once (at least 1).
    pub concurrency: usize,
    /// Draw progress bars on stderr.
    pub progress: bool,
}

/// The snapshot of one region (every scanned account merged).
#[derive(Debug, Clone)]
pub struct RegionSnapshot {
    pub region: String,
    pub snapshot: Snapshot,
}

/// Why a scan could not start. Failures of individual calls are not errors: they are recorded in
/// the snapshot.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(
        "no AWS credentials found ({detail}).\nProvide them as for the AWS CLI: `aws configure` or `aws sso login`, a profile (AWS_PROFILE or --aws-profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Without an account, analyse a saved snapshot instead: `vpcreach analyze SNAPSHOT`."
    )]
    NoCredentials { detail: String },
    #[error(
        "no AWS region: pass --region REGION (repeatable), set AWS_REGION, or set `region` in the AWS profile"
    )]
    NoRegion,
    #[error("--assume-role {arn}: not an IAM role ARN (expected arn:aws:iam::ACCOUNT:role/NAME)")]
    BadRoleArn { arn: String },
    #[error("--region {region:?}: not a region name (expected e.g. us-east-1)")]
    BadRegion { region: String },
    #[error(
        "every API call of the scan failed, so nothing was collected: {calls}. The first error: {first}. Check that the credentials are allowed the actions of docs/iam-policy.json, and the region and endpoint."
    )]
    NothingCollected {
        /// The operations that failed and where, e.g. `DescribeVpcs, … in us-east-1`.
        calls: String,
        /// The first failure, `OPERATION in REGION: CODE: message`.
        first: String,
    },
}

/// One account to scan: its label in diagnostics, and its configuration or why there is none.
struct Account {
    id: Option<String>,
    config: Result<SdkConfig, String>,
}

/// Scan every region (and account) and return one snapshot per region, in the order given.
pub async fn scan(opts: &ScanOptions) -> Result<Vec<RegionSnapshot>, ScanError> {
    for r in &opts.regions {
        if r.is_empty()
            || !r
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(ScanError::BadRegion { region: r.clone() });
        }
    }
    for arn in &opts.assume_roles {
        if vpcreach_aws::arn::role_account(arn).is_none() {
            return Err(ScanError::BadRoleArn { arn: arn.clone() });
        }
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .operation_attempt_timeout(std::time::Duration::from_secs(60))
            .operation_timeout(std::time::Duration::from_secs(300))
            .build(),
    );
    if let Some(p) = &opts.aws_profile {
        loader = loader.profile_name(p);
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    if let Some(r) = opts.regions.first() {
        loader = loader.region(AwsRegion::new(r.clone()));
    }
    let base = loader.load().await;
    let regions: Vec<String> = if opts.regions.is_empty() {
        vec![base.region().ok_or(ScanError::NoRegion)?.to_string()]
    } else {
        let mut seen = BTreeSet::new();
        opts.regions
            .iter()
            .filter(|r| seen.insert(r.as_str()))
            .cloned()
            .collect()
    };
    let Some(creds) = base.credentials_provider() else {
        return Err(ScanError::NoCredentials {
            detail: "no credential provider is configured".into(),
        });
    };
    if let Err(e) = creds.provide_credentials().await {
        return Err(ScanError::NoCredentials {
            detail: first_sentence(&e),
        });
    }

    let monitor = Arc::new(Monitor::new(opts.progress));
    let mut accounts = Vec::new();
    if opts.assume_roles.is_empty() {
        accounts.push(Account {
            id: None,
            config: Ok(base.clone()),
        });
    }
    for arn in &opts.assume_roles {
        let id = vpcreach_aws::arn::role_account(arn).map(str::to_string);
        let provider = AssumeRoleProvider::builder(arn.clone())
            .session_name("vpcreach-scan")
            .configure(&base)
            .build()
            .await;
        let config = match provider.provide_credentials().await {
            Ok(_) => Ok(base
                .to_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build()),
            Err(e) => {
                let why = format!("AssumeRole {arn} failed: {e}");
                monitor.warn(&format!(
                    "warning: {why}; account {} is not scanned and every verdict there is unknown",
                    id.as_deref().unwrap_or("?")
                ));
                Err(why)
            }
        };
        accounts.push(Account { id, config });
    }

    let limit = Arc::new(Semaphore::new(opts.concurrency.max(1)));
    let succeeded = Arc::new(AtomicUsize::new(0));
    let first_calls = (OPERATIONS.len() - PER_RESOURCE.len()) as u64;
    let mut jobs = Vec::new();
    for r in &regions {
        for a in &accounts {
            let label = match &a.id {
                Some(id) => format!("{r} {id}"),
                None => r.clone(),
            };
            let job = match &a.config {
                Ok(c) => {
                    let c = c.to_builder().region(AwsRegion::new(r.clone())).build();
                    let region = Region {
                        ec2: aws_sdk_ec2::Client::new(&c),
                        sm: aws_sdk_sagemaker::Client::new(&c),
                        vpcs: opts.vpcs.clone(),
                        limit: limit.clone(),
                        bar: monitor.bar(&label, first_calls),
                        succeeded: succeeded.clone(),
                    };
                    Ok(tokio::spawn(async move {
                        let out = region.collect().await;
                        region.bar.finish();
                        out
                    }))
                }
                Err(why) => Err(why.clone()),
            };
            jobs.push((r.clone(), a.id.clone(), job));
        }
    }

    let mut results = Vec::new();
    for (r, account, job) in jobs {
        let done = match job {
            Ok(handle) => handle
                .await
                // A panic in a collection task is a bug; never let it pass for an empty region.
                .map_err(|e| format!("internal error while collecting: {e}")),
            Err(why) => Err(why),
        };
        results.push((r, account, done));
    }
    // Fail closed: nothing at all was collected (every call denied, the endpoint unreachable,
    // every role unassumable). A report of "no notebook" would be a lie.
    if succeeded.load(Ordering::SeqCst) == 0 {
        return Err(nothing_collected(&results));
    }

    let mut per_region: BTreeMap<String, Merged> = BTreeMap::new();
    for (r, account, done) in results {
        let (snap, failed) = match done {
            Ok(out) => out,
            Err(why) => {
                let m = per_region.entry(r.clone()).or_default();
                for key in KEYS {
                    m.incomplete.push(Incomplete {
                        key: key.to_string(),
                        reason: format!("{}: {why}", place(&r, account.as_deref())),
                    });
                }
                continue;
            }
        };
        let m = per_region.entry(r.clone()).or_default();
        for inc in incomplete_entries(&r, account.as_deref(), &failed) {
            monitor.warn(&format!(
                "warning: {}; {} is incomplete, so the verdicts that depend on it are unknown",
                inc.reason, inc.key
            ));
            m.incomplete.push(inc);
        }
        m.add(snap, &r, account.as_deref());
    }

    Ok(regions
        .into_iter()
        .map(|r| {
            let mut snapshot = per_region.remove(&r).unwrap_or_default().finish();
            snapshot.region = Some(r.clone());
            RegionSnapshot {
                region: r,
                snapshot,
            }
        })
        .collect())
}

/// The outcome of one (region, account): its snapshot and failed calls, or why it was not
/// collected at all.
type Outcome = Result<(Snapshot, Vec<Failed>), String>;

/// The error of a scan in which no call succeeded: the operations that failed (in the order they
/// are made), where, and the first error.
fn nothing_collected(results: &[(String, Option<String>, Outcome)]) -> ScanError {
    let mut ops: Vec<&str> = Vec::new();
    let mut places: Vec<String> = Vec::new();
    let mut first = None;
    for (r, account, done) in results {
        let at = place(r, account.as_deref());
        if !places.contains(&at) {
            places.push(at.clone());
        }
        match done {
            Ok((_, failed)) => {
                for f in failed {
                    if !ops.contains(&f.op) {
                        ops.push(f.op);
                    }
                    if first.is_none() {
                        first = Some(match &f.resource {
                            None => format!("{} in {at}: {}", f.op, f.error),
                            Some(id) => format!("{} {id} in {at}: {}", f.op, f.error),
                        });
                    }
                }
            }
            Err(why) => {
                let op = if why.starts_with("AssumeRole") {
                    "AssumeRole"
                } else {
                    "the collection"
                };
                if !ops.contains(&op) {
                    ops.push(op);
                }
                if first.is_none() {
                    first = Some(format!("{at}: {why}"));
                }
            }
        }
    }
    ScanError::NothingCollected {
        calls: format!("{} in {}", ops.join(", "), places.join(", ")),
        first: first
            .as_deref()
            .unwrap_or("none recorded")
            .trim_end_matches('.')
            .to_string(),
    }
}

/// The most specific one-line reason of an error: its innermost cause's first sentence (the
/// credential chain's error lists every provider it tried, with debug output, after it).
fn first_sentence(e: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = e;
    while let Some(s) = inner.source() {
        inner = s;
    }
    let text = inner.to_string();
    let end = text.find(['.', '\n']).unwrap_or(text.len());
    text[..end].trim().to_string()
}

/// `us-east-1` or `us-east-1 (account 123456789012)`, for diagnostics.
fn place(region: &str, account: Option<&str>) -> String {
    match account {
        Some(a) => format!("{region} (account {a})"),
        None => region.to_string(),
    }
}

/// One `Incomplete` entry per failed operation (per-resource failures of one operation and error
/// grouped), worded as "OPERATION in REGION: ERROR".
fn incomplete_entries(region: &str, account: Option<&str>, failed: &[Failed]) -> Vec<Incomplete> {
    let mut groups: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    let mut out = Vec::new();
    for f in failed {
        match &f.resource {
            None => out.push(Incomplete {
                key: snapshot_key(f.op).to_string(),
                reason: format!("{} in {}: {}", f.op, place(region, account), f.error),
            }),
            Some(r) => groups.entry((f.op, &f.error)).or_default().push(r),
        }
    }
    for ((op, error), mut resources) in groups {
        resources.sort();
        let n = resources.len();
        let shown: Vec<&str> = resources.iter().take(5).copied().collect();
        out.push(Incomplete {
            key: snapshot_key(op).to_string(),
            reason: format!(
                "{op} in {} failed for {} ({}{}): {error}",
                place(region, account),
                if n == 1 {
                    "1 resource".to_string()
                } else {
                    format!("{n} resources")
                },
                shown.join(", "),
                if n > shown.len() { ", …" } else { "" }
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_read_only_and_has_a_key() {
        for op in OPERATIONS {
            let (service, action) = op.split_once(':').unwrap();
            assert!(matches!(service, "ec2" | "sagemaker"), "{op}");
            assert!(
                ["Describe", "List", "Get"]
                    .iter()
                    .any(|p| action.starts_with(p)),
                "{op} is not read-only"
            );
            assert!(KEYS.contains(&snapshot_key(action)), "{op}");
        }
        for p in PER_RESOURCE {
            assert!(OPERATIONS.contains(p), "{p}");
        }
    }

    #[test]
    fn failures_are_grouped_and_name_operation_and_region() {
        let f = |op, resource: Option<&str>, error: &str| Failed {
            op,
            resource: resource.map(str::to_string),
            error: error.to_string(),
        };
        let e = incomplete_entries(
            "eu-west-1",
            Some("111122223333"),
            &[
                f("DescribeVpcEndpoints", None, "AccessDenied: no"),
                f("DescribeVpcAttribute", Some("vpc-2"), "Throttling: slow"),
                f("DescribeVpcAttribute", Some("vpc-1"), "Throttling: slow"),
            ],
        );
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].key, "VpcEndpoints");
        assert_eq!(
            e[0].reason,
            "DescribeVpcEndpoints in eu-west-1 (account 111122223333): AccessDenied: no"
        );
        assert_eq!(e[1].key, "VpcAttributes");
        assert!(
            e[1].reason.contains("2 resources (vpc-1, vpc-2)"),
            "{}",
            e[1].reason
        );
    }
}
