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

mod accounts;
mod map;
mod merge;
mod progress;
mod region;
mod studio;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region as AwsRegion, SdkConfig};
use aws_sdk_ec2::config::{ProvideCredentials, SharedCredentialsProvider};
use futures_util::future::join_all;
use tokio::sync::Semaphore;

use self::accounts::Entry;
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

/// The calls made in the caller's own account to choose the accounts of `--organization` /
/// `--accounts` (`GetCallerIdentity` needs no permission; `ListAccounts` only with
/// `--organization`). With `sts:AssumeRole` on the scan roles they are the actions of
/// `docs/iam-policy-organization.json`, the caller's policy (a test checks both and the source).
pub const ORGANIZATION_OPERATIONS: &[&str] =
    &["organizations:ListAccounts", "sts:GetCallerIdentity"];

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

/// Default number of API calls in flight at once, across all regions and accounts
/// (`--max-concurrency`).
pub const DEFAULT_CONCURRENCY: usize = 16;

/// Default number of API calls in flight at once in one account, across its regions
/// (`--account-concurrency`): EC2 and SageMaker throttle per account and region, so one account
/// never takes the whole global budget.
pub const DEFAULT_ACCOUNT_CONCURRENCY: usize = 8;

/// Default attempts per call (the first one included) under the adaptive retry mode: the SDK's own
/// default.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

pub use self::accounts::{
    DEFAULT_ROLE_NAME, SkippedAccount, role_arn, valid_account_id, valid_role_name,
};

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
    /// Scan the ACTIVE accounts of the caller's AWS Organization (`organizations:ListAccounts`).
    pub organization: bool,
    /// Only these accounts (12-digit IDs): with `organization`, a subset of its accounts; without
    /// it, exactly these, entered through `role_name` (no Organizations call at all).
    pub accounts: Vec<String>,
    /// The role assumed in each account of `organization` / `accounts` (default
    /// [`DEFAULT_ROLE_NAME`]); the caller's own account is read with the caller's credentials.
    pub role_name: Option<String>,
    /// Calls in flight at once, across every region and account (at least 1).
    pub concurrency: usize,
    /// Calls in flight at once in one account, across its regions (at least 1; 0: the default).
    pub account_concurrency: usize,
    /// Attempts per call under the adaptive retry mode (0: [`DEFAULT_MAX_ATTEMPTS`]).
    pub max_attempts: u32,
    /// Draw progress bars on stderr.
    pub progress: bool,
}

impl ScanOptions {
    /// The accounts are chosen by `--organization` or `--accounts` (and saved one tree each).
    pub fn per_account(&self) -> bool {
        self.organization || !self.accounts.is_empty()
    }
}

/// The snapshot of one region (every scanned account merged).
#[derive(Debug, Clone)]
pub struct RegionSnapshot {
    pub region: String,
    pub snapshot: Snapshot,
}

/// The snapshot of one account in one region, as `--save` writes it to
/// `accounts/<account>/<region>/`. An account that could not be read holds only its `Incomplete`
/// entries, so that `analyze` of the saved tree fails the same way the scan did.
#[derive(Debug, Clone)]
pub struct AccountSnapshot {
    pub account: String,
    pub region: String,
    pub snapshot: Snapshot,
}

/// Everything a scan returns.
#[derive(Debug, Clone, Default)]
pub struct Scanned {
    /// One snapshot per region, every account merged, in the order the regions were given.
    pub regions: Vec<RegionSnapshot>,
    /// With `--organization` / `--accounts`: one snapshot per (account, region), accounts in
    /// ID order, regions in the order given. Empty otherwise.
    pub accounts: Vec<AccountSnapshot>,
    /// Accounts of the organisation that were not scanned because they are not ACTIVE.
    pub skipped: Vec<SkippedAccount>,
    /// Accounts that could not be read at all (the role could not be assumed, or no call
    /// succeeded there), with why. Their notebooks are unread: every region's report says so.
    pub unreadable: Vec<(String, String)>,
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
    #[error("--accounts {id:?}: not an AWS account ID (expected 12 digits)")]
    BadAccount { id: String },
    #[error(
        "--role-name {name:?}: not an IAM role name (letters, digits and +=,.@_- , at most 64, optionally after a path such as audit/)"
    )]
    BadRoleName { name: String },
    #[error(
        "--assume-role cannot be combined with --organization or --accounts (those build each account's role ARN from --role-name)"
    )]
    AssumeRoleWithAccounts,
    #[error(
        "cannot tell which account the credentials belong to (sts:GetCallerIdentity: {detail})"
    )]
    CallerIdentity { detail: String },
    #[error(
        "--organization: cannot list the organisation's accounts (organizations:ListAccounts: {detail}). Run it with credentials of the management account or of a delegated administrator, or list the accounts yourself with --accounts A,B,…"
    )]
    Organization { detail: String },
    #[error("{detail}")]
    NotInOrganization { detail: String },
    #[error(
        "no account to scan: the organisation lists no ACTIVE account{}",
        if .skipped.is_empty() { String::new() } else { format!(" (skipped: {})", .skipped) }
    )]
    NoAccounts { skipped: String },
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
    /// Calls in flight in this account (every region).
    limit: Arc<Semaphore>,
    /// Calls of this account that succeeded (every region).
    succeeded: Arc<AtomicUsize>,
}

/// Scan every region (and account) and return one snapshot per region, in the order given.
pub async fn scan(opts: &ScanOptions) -> Result<Vec<RegionSnapshot>, ScanError> {
    Ok(scan_accounts(opts).await?.regions)
}

/// Check the options that need no call.
fn validate(opts: &ScanOptions) -> Result<(), ScanError> {
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
    if let Some(id) = opts.accounts.iter().find(|a| !valid_account_id(a)) {
        return Err(ScanError::BadAccount { id: id.clone() });
    }
    if let Some(name) = opts.role_name.as_deref().filter(|n| !valid_role_name(n)) {
        return Err(ScanError::BadRoleName {
            name: name.to_string(),
        });
    }
    if opts.per_account() && !opts.assume_roles.is_empty() {
        return Err(ScanError::AssumeRoleWithAccounts);
    }
    Ok(())
}

/// Which accounts to enter and how (`--organization`, `--accounts`, `--assume-role`, or the
/// caller's own account), and the organisation's accounts skipped for not being ACTIVE.
async fn plan_accounts(
    opts: &ScanOptions,
    base: &SdkConfig,
    monitor: &Monitor,
) -> Result<(Vec<(Option<String>, Entry)>, Vec<SkippedAccount>), ScanError> {
    if !opts.per_account() {
        if opts.assume_roles.is_empty() {
            return Ok((vec![(None, Entry::Caller)], Vec::new()));
        }
        let mut seen = BTreeSet::new();
        return Ok((
            opts.assume_roles
                .iter()
                .filter(|a| seen.insert(a.as_str()))
                .map(|arn| {
                    let id = vpcreach_aws::arn::role_account(arn).map(str::to_string);
                    (id, Entry::Role(arn.clone()))
                })
                .collect(),
            Vec::new(),
        ));
    }
    let chooser = accounts::Chooser::new(base);
    let caller = chooser
        .caller()
        .await
        .map_err(|detail| ScanError::CallerIdentity { detail })?;
    let mut only: Vec<String> = Vec::new();
    for a in &opts.accounts {
        if !only.contains(a) {
            only.push(a.clone());
        }
    }
    let (ids, skipped) = if opts.organization {
        let listed = chooser
            .organization()
            .await
            .map_err(|detail| ScanError::Organization { detail })?;
        accounts::choose(listed, &only).map_err(|detail| ScanError::NotInOrganization { detail })?
    } else {
        only.sort();
        (only, Vec::new())
    };
    for s in &skipped {
        monitor.warn(&format!(
            "note: account {}{} is {} in the organisation: skipped, not scanned",
            s.id,
            s.name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default(),
            s.state
        ));
    }
    if ids.is_empty() {
        return Err(ScanError::NoAccounts {
            skipped: skipped
                .iter()
                .map(|s| format!("{} {}", s.id, s.state))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let role = opts.role_name.as_deref().unwrap_or(DEFAULT_ROLE_NAME);
    Ok((
        accounts::entries(&ids, &caller, role)
            .into_iter()
            .map(|(id, e)| (Some(id), e))
            .collect(),
        skipped,
    ))
}

/// Enter one account: its configuration, or why it could not be entered. An assumed role's
/// credentials are fetched once here (under the global limit) so a refusal is known before any
/// region is scanned; the provider refreshes them itself when a long scan outlives them.
async fn enter(
    base: &SdkConfig,
    id: Option<&str>,
    entry: &Entry,
    limit: &Semaphore,
    monitor: &Monitor,
) -> Result<SdkConfig, String> {
    let arn = match entry {
        Entry::Caller => return Ok(base.clone()),
        Entry::Role(arn) => arn,
    };
    let provider = AssumeRoleProvider::builder(arn.clone())
        .session_name("vpcreach-scan")
        .configure(base)
        .build()
        .await;
    let permit = limit.acquire().await;
    let got = provider.provide_credentials().await;
    drop(permit);
    match got {
        Ok(_) => Ok(base
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build()),
        Err(e) => {
            let why = format!("AssumeRole {arn} failed: {}", region::causes(&e));
            monitor.warn(&format!(
                "warning: {why}; account {} is not scanned and its notebooks are not judged",
                id.unwrap_or("?")
            ));
            Err(why)
        }
    }
}

/// Scan every region of every account: one merged snapshot per region, and (with
/// `--organization` / `--accounts`) one per account and region.
pub async fn scan_accounts(opts: &ScanOptions) -> Result<Scanned, ScanError> {
    validate(opts)?;
    let attempts = if opts.max_attempts == 0 {
        DEFAULT_MAX_ATTEMPTS
    } else {
        opts.max_attempts
    };
    // Adaptive retry: standard retries plus a client-side rate limiter that slows down when AWS
    // throttles (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(std::time::Duration::from_secs(10))
                .operation_attempt_timeout(std::time::Duration::from_secs(60))
                .operation_timeout(std::time::Duration::from_secs(300))
                .build(),
        )
        .retry_config(RetryConfig::adaptive().with_max_attempts(attempts));
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
    let limit = Arc::new(Semaphore::new(opts.concurrency.max(1)));
    let per_account = if opts.account_concurrency == 0 {
        DEFAULT_ACCOUNT_CONCURRENCY
    } else {
        opts.account_concurrency
    };
    let (planned, skipped) = plan_accounts(opts, &base, &monitor).await?;
    let entered = join_all(
        planned
            .iter()
            .map(|(id, entry)| enter(&base, id.as_deref(), entry, &limit, &monitor)),
    )
    .await;
    let accounts: Vec<Account> = planned
        .into_iter()
        .zip(entered)
        .map(|((id, _), config)| Account {
            id,
            config,
            limit: Arc::new(Semaphore::new(per_account)),
            succeeded: Arc::new(AtomicUsize::new(0)),
        })
        .collect();

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
                    // AWS throttles per account and region: so does the adaptive retry's rate
                    // limiter (one partition each), so one throttled account never slows another.
                    let part = |service: &str| format!("{service}-{label}");
                    let ec2 = aws_sdk_ec2::config::Builder::from(&c)
                        .retry_partition(aws_sdk_ec2::config::retry::RetryPartition::new(part(
                            "ec2",
                        )))
                        .build();
                    let sm = aws_sdk_sagemaker::config::Builder::from(&c)
                        .retry_partition(aws_sdk_sagemaker::config::retry::RetryPartition::new(
                            part("sagemaker"),
                        ))
                        .build();
                    let region = Region {
                        ec2: aws_sdk_ec2::Client::from_conf(ec2),
                        sm: aws_sdk_sagemaker::Client::from_conf(sm),
                        vpcs: opts.vpcs.clone(),
                        limit: limit.clone(),
                        account_limit: a.limit.clone(),
                        bar: monitor.bar(&label, first_calls),
                        succeeded: succeeded.clone(),
                        account_succeeded: a.succeeded.clone(),
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
    // every role unassumable). A report of "no notebook" would be a lie. With `--organization` /
    // `--accounts` every account is then unreadable, and says so below: the report fails with
    // "no notebook instance could be read", and a shard's save records why, so that the
    // analysis of all shards together fails too.
    if succeeded.load(Ordering::SeqCst) == 0 && !opts.per_account() {
        return Err(nothing_collected(&results));
    }

    // Accounts that could not be read at all: the role could not be assumed, or not one call
    // succeeded there (a role without permissions, credentials the account rejects).
    let mut unreadable: Vec<(String, String)> = Vec::new();
    for a in &accounts {
        let Some(id) = &a.id else { continue };
        let why = match &a.config {
            Err(why) => why.clone(),
            Ok(_) if a.succeeded.load(Ordering::SeqCst) == 0 => {
                let first = results
                    .iter()
                    .filter(|(_, acc, _)| acc.as_ref() == Some(id))
                    .find_map(|(r, _, done)| match done {
                        Ok((_, failed)) => failed
                            .first()
                            .map(|f| format!("{} in {r}: {}", f.op, f.error)),
                        Err(why) => Some(why.clone()),
                    })
                    .unwrap_or_else(|| "no call was made".into());
                let why =
                    format!("no API call succeeded in account {id}; the first error: {first}");
                monitor.warn(&format!("warning: {why}; its notebooks are not judged"));
                why
            }
            Ok(_) => continue,
        };
        unreadable.push((id.clone(), why));
    }
    let is_unreadable = |id: Option<&str>| unreadable.iter().any(|(u, _)| Some(u.as_str()) == id);

    let mut per_region: BTreeMap<String, Merged> = BTreeMap::new();
    let mut by_account: BTreeMap<(String, usize), Snapshot> = BTreeMap::new();
    for (r, account, done) in results {
        let m = per_region.entry(r.clone()).or_default();
        if is_unreadable(account.as_deref()) {
            // Worded once per region below, from what the readable accounts show.
            continue;
        }
        let (snap, failed) = match done {
            Ok(out) => out,
            Err(why) => {
                let entries: Vec<Incomplete> = KEYS
                    .iter()
                    .map(|key| Incomplete {
                        key: key.to_string(),
                        reason: format!("{}: {why}", place(&r, account.as_deref())),
                    })
                    .collect();
                if let (true, Some(id)) = (opts.per_account(), &account) {
                    let at = regions.iter().position(|x| *x == r).unwrap_or(0);
                    let s = Snapshot {
                        region: Some(r.clone()),
                        incomplete: entries.clone(),
                        dhcp_options: Some(Vec::new()),
                        ..Snapshot::default()
                    };
                    by_account.insert((id.clone(), at), s);
                }
                m.incomplete.extend(entries);
                continue;
            }
        };
        let entries = incomplete_entries(&r, account.as_deref(), &failed);
        for inc in &entries {
            monitor.warn(&format!(
                "warning: {}; {} is incomplete, so the verdicts that depend on it are unknown",
                inc.reason, inc.key
            ));
        }
        if let (true, Some(id)) = (opts.per_account(), &account) {
            let mut one = Merged {
                incomplete: entries.clone(),
                ..Merged::default()
            };
            one.add(snap.clone(), &r, Some(id));
            let mut s = one.finish();
            s.region = Some(r.clone());
            let at = regions.iter().position(|x| *x == r).unwrap_or(0);
            by_account.insert((id.clone(), at), s);
        }
        m.incomplete.extend(entries);
        m.add(snap, &r, account.as_deref());
    }
    // An unreadable account: its notebooks are unread in every region (the run fails as for an
    // unknown verdict). Its network matters to other accounts' notebooks only if they share a VPC
    // with it — a VPC or subnet it owns is among what the others collected — and then every key
    // is incomplete. Otherwise its resources live in VPCs no other notebook uses, and the others
    // are judged from their own data, exactly as if the account were not in the scan at all.
    for (at, r) in regions.iter().enumerate() {
        let m = per_region.entry(r.clone()).or_default();
        for (id, why) in &unreadable {
            let owns = |o: &Option<String>| o.as_deref() == Some(id.as_str());
            let shared = m.snap.vpcs.iter().any(|v| owns(&v.owner_id))
                || m.snap.subnets.iter().any(|s| owns(&s.owner_id));
            let keys: &[&str] = if shared { KEYS } else { &["NotebookInstances"] };
            let entries: Vec<Incomplete> = keys
                .iter()
                .map(|k| Incomplete {
                    key: k.to_string(),
                    reason: format!(
                        "{}: the account could not be read: {why}",
                        place(r, Some(id))
                    ),
                })
                .collect();
            if opts.per_account() {
                let s = Snapshot {
                    region: Some(r.clone()),
                    incomplete: entries.clone(),
                    dhcp_options: Some(Vec::new()),
                    ..Snapshot::default()
                };
                by_account.insert((id.clone(), at), s);
            }
            m.incomplete.extend(entries);
        }
    }

    Ok(Scanned {
        regions: regions
            .iter()
            .map(|r| {
                let mut snapshot = per_region.remove(r).unwrap_or_default().finish();
                snapshot.region = Some(r.clone());
                RegionSnapshot {
                    region: r.clone(),
                    snapshot,
                }
            })
            .collect(),
        accounts: by_account
            .into_iter()
            .map(|((account, at), snapshot)| AccountSnapshot {
                account,
                region: regions[at].clone(),
                snapshot,
            })
            .collect(),
        skipped,
        unreadable,
    })
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
