//! The JSON report of DESIGN.md §4 as typed data, and the in-process run that produces it.
//!
//! The structs mirror `crates/render/src/json.rs` field for field, with `deny_unknown_fields`
//! everywhere and nullable fields required to be present: a field added, removed, renamed or
//! retyped in the output fails every test that reads a report, so the contract is pinned here and
//! not re-spelt as string keys in each test. Only the fields the renderer omits when empty
//! (`account_id`, `source_port`, `rule`, `resource_to_change`) may be absent.
//!
//! [`analyze`] runs `vpcreach analyze <paths> --format json <args>` without spawning the binary:
//! the library calls `src/main.rs` makes (load → convert → assess → render JSON), then the JSON is
//! parsed back into [`Report`]s. tests/cli.rs proves, for every sample and fixture, that its text
//! and exit status equal the binary's byte for byte, so the other suites may use it instead of the
//! binary.

#![allow(dead_code)]

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::IpAddr;
use std::path::Path;

use vpcreach::analysis::DEFAULT_SERVICES;
use vpcreach::assess::{self, AssessError, Options};
use vpcreach::aws::JudgeError;
use vpcreach::report::{Judgement, Profile as LibProfile};

// ---------------------------------------------------------------------------------------------
// The report (one per region)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// null when the snapshot names no region
    #[serde(deserialize_with = "nullable")]
    pub region: Option<String>,
    pub profile: Profile,
    pub notebooks: Vec<Notebook>,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

impl Report {
    pub fn notebook(&self, name: &str) -> Option<&Notebook> {
        self.notebooks.iter().find(|n| n.name == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    Isolated,
    NatEgress,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub notebooks: usize,
    pub compliant: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: String,
    pub resource: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notebook {
    pub name: String,
    /// absent for a notebook instance; `studio-user-profile`, `studio-space`,
    /// `studio-domain-defaults`, `network-interface`, `ec2-instance` otherwise
    #[serde(default)]
    pub kind: Option<String>,
    /// only for a Studio source
    #[serde(default)]
    pub studio: Option<Studio>,
    /// absent when the snapshot does not say
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub subnet_id: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub vpc_id: Option<String>,
    pub security_group_ids: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    pub direct_internet_access: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub root_access: Option<String>,
    pub checks: Checks,
    pub findings: Vec<Finding>,
    pub compliant: bool,
    pub reasons: Vec<String>,
}

/// A Studio source's domain and profile or space.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Studio {
    pub domain_id: String,
    #[serde(deserialize_with = "nullable")]
    pub domain_name: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub app_network_access_type: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub domain_vpc_id: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub user_profile: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub space: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// `SageMaker.1` …
    pub code: String,
    pub severity: String,
    pub detail: String,
}

/// `checks`: `internet` first, then the services in the order asked. A JSON object whose key
/// order is part of the contract, so it is kept as a list (a repeated key is an error).
#[derive(Debug)]
pub struct Checks(pub Vec<(String, Check)>);

impl Checks {
    pub fn get(&self, name: &str) -> Option<&Check> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }
    pub fn names(&self) -> Vec<&str> {
        self.0.iter().map(|(n, _)| n.as_str()).collect()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Check)> {
        self.0.iter().map(|(n, c)| (n.as_str(), c))
    }
}

impl<'de> Deserialize<'de> for Checks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Checks;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of checks")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Checks, A::Error> {
                let mut out: Vec<(String, Check)> = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, Check>()? {
                    if out.iter().any(|(n, _)| *n == k) {
                        return Err(serde::de::Error::custom(format!("check {k:?} twice")));
                    }
                    out.push((k, v));
                }
                Ok(Checks(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub status: Status,
    pub private: bool,
    #[serde(deserialize_with = "nullable")]
    pub via: Option<Via>,
    #[serde(deserialize_with = "nullable")]
    pub witness: Option<Witness>,
    pub path: Vec<Hop>,
    pub blocked_by: Vec<Evidence>,
    pub unknown_because: Vec<Evidence>,
    /// every kind a working part of the set leaves through
    pub vias: Vec<Via>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Reachable,
    Unreachable,
    Unknown,
    Partial,
}

/// `via`: DESIGN §4's kinds, plus every route-target kind an `unknown` may leave through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    InterfaceEndpoint,
    ServiceNetwork,
    Local,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    GatewayEndpoint,
    VpcEndpoint,
    GatewayLoadBalancerEndpoint,
    TransitGateway,
    VpcPeering,
    VirtualPrivateGateway,
    NetworkInterface,
    Instance,
    LocalGateway,
    CarrierGateway,
    CoreNetwork,
    Other,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Witness {
    /// `tcp`, `udp`, `icmp`, … or a protocol number
    pub protocol: String,
    pub destination: IpAddr,
    pub port: u16,
    /// the client's source port, for service checks
    #[serde(default)]
    pub source_port: Option<u16>,
}

/// One hop of a proven path.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hop {
    pub component: String,
    pub kind: String,
    pub detail: String,
    #[serde(default)]
    pub rule: Option<Rule>,
}

/// An entry of `blocked_by` or `unknown_because`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub code: String,
    pub component: String,
    pub detail: String,
    #[serde(default)]
    pub rule: Option<Rule>,
    #[serde(default)]
    pub resource_to_change: Option<String>,
}

/// The rule that decided, as structured data.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Rule {
    AclEntry {
        network_acl: String,
        direction: Direction,
        /// null: the implicit deny
        #[serde(deserialize_with = "nullable")]
        rule_number: Option<i64>,
    },
    #[serde(rename = "security-group-rule")]
    SecurityGroup {
        security_group: String,
        direction: Direction,
        index: usize,
    },
    Route {
        route_table: String,
        destination: String,
        target: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ingress,
    Egress,
}

/// `Display` as the JSON spells the value (`nat-gateway`): the serde attributes are the one
/// source for reading and for printing.
macro_rules! display_as_json {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
                let v = serde_json::to_value(self).map_err(|_| fmt::Error)?;
                f.write_str(v.as_str().ok_or(fmt::Error)?)
            }
        }
    )*};
}
display_as_json!(Profile, Status, Via);

/// A field that is always present but may be `null` (serde would let a missing `Option` pass).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

/// Parses what `analyze --format json` prints: one report per region, one after another.
pub fn parse_stream(json: &str) -> Result<Vec<Report>, String> {
    serde_json::Deserializer::from_str(json)
        .into_iter::<Report>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("not a stream of JSON reports: {e}"))
}

// ---------------------------------------------------------------------------------------------
// The in-process run
// ---------------------------------------------------------------------------------------------

/// What `vpcreach analyze … --format json` gives when it does not fail (exit 0 or 1).
#[derive(Debug)]
pub struct Analysis {
    /// exactly the text the binary prints on stdout
    pub json: String,
    /// 0 every notebook compliant, 1 some not
    pub exit: i32,
    /// `json` parsed back, one report per region
    pub reports: Vec<Report>,
}

/// Runs `vpcreach analyze <paths> --format json <args>` in-process, the way `src/main.rs` does.
/// Relative paths are relative to the crate root (where cargo runs tests, and `run_binary` runs
/// the binary). `args` may hold `--profile P`, `--require A,B`,
/// `--notebook N`, `--region R`, `--allow-unknown` and `--format json`; anything else is a bug in
/// the calling test (panic). `Err` is what the binary reports with exit status 2.
pub fn analyze<P: AsRef<Path>>(paths: &[P], args: &[&str]) -> Result<Analysis, String> {
    let (options, regions_wanted) = options(args)?;
    assess::validate_services(&options).map_err(|e| format!("--require: {e}"))?;
    // Relative paths as the binary gets them: cargo runs tests in the crate root. From here on
    // the same functions as `src/main.rs`: region selection, conversion, `assess`, rendering.
    let regions = vpcreach::aws::load_regions(paths).map_err(|e| e.to_string())?;
    let regions = vpcreach::aws::select_regions(regions, &regions_wanted)
        .map_err(|e| format!("--region {e}"))?;
    let judged = vpcreach::aws::judge(&regions, &options).map_err(|e| match e {
        JudgeError::Assess(e @ AssessError::Notebook { .. }) => format!("--notebook: {e}"),
        JudgeError::Assess(e @ AssessError::NoNotebooks { .. }) => e.to_string(),
        JudgeError::Assess(e) => format!("--require: {e}"),
        e => e.to_string(),
    })?;
    let mut json = String::new();
    let mut exit = 0;
    for (_, report) in &judged.reports {
        if !json.is_empty() {
            json.push('\n');
        }
        json.push_str(&vpcreach::render::json::render(report));
        exit = exit.max(report.exit_code());
    }
    let reports = parse_stream(&json)?;
    Ok(Analysis {
        json,
        exit,
        reports,
    })
}

/// The engine options (and `--region`s) of the command-line flags `analyze` understands.
fn options(args: &[&str]) -> Result<(Options, Vec<String>), String> {
    let mut services: Option<Vec<String>> = None;
    let mut notebooks = Vec::new();
    let mut regions = Vec::new();
    let mut profile = LibProfile::Isolated;
    let mut allow_unknown = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .map(|v| v.to_string())
                .ok_or_else(|| format!("{a} needs a value"))
        };
        match *a {
            "--format" => {
                let f = value()?;
                assert_eq!(f, "json", "analyze() produces JSON only");
            }
            "--profile" => {
                profile = match value()?.as_str() {
                    "isolated" => LibProfile::Isolated,
                    "nat-egress" => LibProfile::NatEgress,
                    p => return Err(format!("invalid value '{p}' for '--profile'")),
                }
            }
            "--require" => services
                .get_or_insert_with(Vec::new)
                .extend(value()?.split(',').map(str::to_string)),
            "--notebook" => notebooks.push(value()?),
            "--region" => regions.extend(value()?.split(',').map(str::to_string)),
            "--allow-unknown" => allow_unknown = true,
            other => panic!("analyze(): unsupported argument {other:?}"),
        }
    }
    let options = Options {
        services: services
            .unwrap_or_else(|| DEFAULT_SERVICES.iter().map(|s| s.to_string()).collect()),
        notebooks,
        judgement: Judgement {
            profile,
            allow_unknown,
        },
    };
    Ok((options, regions))
}

/// `vpcreach analyze <paths> <args>` as the user would type it (for messages).
pub fn cmdline<P: AsRef<Path>>(paths: &[P], args: &[&str]) -> String {
    let paths: Vec<String> = paths
        .iter()
        .map(|p| p.as_ref().display().to_string())
        .collect();
    format!(
        "vpcreach analyze {} --format json {}",
        paths.join(" "),
        args.join(" ")
    )
    .trim_end()
    .to_string()
}

/// Runs the real binary (for the tests whose subject is the command line itself).
pub fn run_binary<P: AsRef<Path>>(paths: &[P], args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("analyze")
        .args(paths.iter().map(AsRef::as_ref))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run vpcreach")
}
