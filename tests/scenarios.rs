//! Scenario suite: small single-file snapshots (`tests/fixtures/scenarios/<name>.json`), each the
//! isolated baseline mutated in one respect, run through the real binary
//! (`vpcreach analyze <file> --format json [args]`) and checked against verdicts derived by hand from
//! DESIGN.md §3, plus the engine decisions taken beyond it: service addresses on the public path are
//! public IPv4 only; IPv6 enters the internet check only with an IPv6 address on the notebook's ENI
//! (or an undescribed ENI in a subnet with an IPv6 block); client source ports 32768–60999, NAT ports
//! 1024–65535; a routing loop drops; a private NAT never gives internet; under `nat-egress` an
//! unreachable internet is compliant too.
//!
//! It is the kind of suite an external reviewer runs: every `status` and `private` must match, and
//! `via`, `blocked_by` codes, findings, `compliant` and the exit status are checked where DESIGN fixes
//! them. Data-driven: one table (`CASES`), one checker (`check`). A case whose mismatch is an engine bug
//! (DESIGN is right, the engine is not) carries `known_engine_bug: Some("…")`: it still runs, but a
//! mismatch is reported loudly on stderr instead of failing the test.
//!
//! The fixtures are written by `tests/fixtures/scenarios/generate.py`; the expectations below are not.

use serde_json::Value;
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::process::{Command, Output};

// ---------------------------------------------------------------------------------------------
// Resource IDs of the fixtures (see generate.py)
// ---------------------------------------------------------------------------------------------

const SUB_NB: &str = "subnet-0a1a1a1a1a1a1a1a1";
const SUB_NB2: &str = "subnet-0a2a2a2a2a2a2a2a2";

const S3_CIDRS: &[&str] = &[
    "54.231.0.0/17",
    "52.216.0.0/15",
    "3.5.16.0/21",
    "3.5.0.0/20",
];
const S3_CIDRS_BUT_52_216: &[&str] = &["54.231.0.0/17", "3.5.16.0/21", "3.5.0.0/20"];
const DDB_CIDRS: &[&str] = &["52.94.0.0/22", "52.119.224.0/20"];
const ANY_V6: &[&str] = &["::/0"];

// blocked_by expectations: "CODE" or "CODE@component"
const NO_ROUTE_PRIV: &str = "NO_ROUTE_TO_DESTINATION@rtb-0b1b1b1b1b1b1b1b1";
const NO_ROUTE_PUB: &str = "NO_ROUTE_TO_DESTINATION@rtb-0c1c1c1c1c1c1c1c1";
const SG_EGRESS: &str = "ENI_SG_RULES_MISMATCH";
const NO_PUBLIC_IP: &str = "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS";
const IGW_NOT_ATTACHED: &str = "IGW_NOT_ATTACHED@igw-0f0f0f0f0f0f0f0f0";
const ACL_NB_FWD: &str = "SUBNET_ACL_RESTRICTION@acl-0d1d1d1d1d1d1d1d1";
const ACL_NB_RET: &str = "ACL_RETURN_TRAFFIC@acl-0d1d1d1d1d1d1d1d1";
const ACL_EPA_FWD: &str = "SUBNET_ACL_RESTRICTION@acl-0d2d2d2d2d2d2d2d2";
const ACL_PUB_FWD: &str = "SUBNET_ACL_RESTRICTION@acl-0d3d3d3d3d3d3d3d3";
const ACL_PUB_RET: &str = "ACL_RETURN_TRAFFIC@acl-0d3d3d3d3d3d3d3d3";
const BLACKHOLE: &str = "BAD_STATE_ROUTE@rtb-0b1b1b1b1b1b1b1b1";
const NAT_BAD_STATE: &str = "BAD_STATE@nat-0f1f1f1f1f1f1f1f1";
const EP_SG: &str = "ENDPOINT_SG_INGRESS_MISMATCH";
const VPC_DNS: &str = "VPC_DNS_DISABLED";
/// Codes that explain why an interface endpoint is not used rather than a drop; the engine also lists
/// them in `blocked_by` of a service that is reachable on the public path.
const NOT_USED: &[&str] = &[
    "PRIVATE_DNS_DISABLED",
    VPC_DNS,
    "ENDPOINT_NOT_AVAILABLE",
    "MISSING_VPC_ATTRIBUTES",
];

// ---------------------------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------------------------

/// Expected `via` of a check.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Via {
    /// `"via": null`
    Null,
    /// `"via": "<kind>"`
    Is(&'static str),
    /// not asserted (DESIGN §4 does not fix it, e.g. `unknown` for missing data)
    Any,
}

#[derive(Clone, Copy, Debug)]
struct Check {
    /// `internet` or a service name as given on the command line
    name: &'static str,
    /// `reachable` | `unreachable` | `unknown` | `partial`
    status: &'static str,
    private: bool,
    via: Via,
    /// codes that must all occur in `blocked_by`; `CODE@component` also fixes the component
    blocked: &'static [&'static str],
    /// if non-empty, the witness destination lies in one of these CIDRs
    dst: &'static [&'static str],
    /// the witness destination lies in none of these CIDRs
    not_dst: &'static [&'static str],
}

impl Check {
    const fn dst(self, dst: &'static [&'static str]) -> Check {
        Check { dst, ..self }
    }
    const fn not_dst(self, not_dst: &'static [&'static str]) -> Check {
        Check { not_dst, ..self }
    }
}

const fn verdict(name: &'static str, status: &'static str, private: bool, via: Via) -> Check {
    Check {
        name,
        status,
        private,
        via,
        blocked: &[],
        dst: &[],
        not_dst: &[],
    }
}
const fn reachable(name: &'static str, via: &'static str, private: bool) -> Check {
    verdict(name, "reachable", private, Via::Is(via))
}
const fn unreachable(name: &'static str, blocked: &'static [&'static str]) -> Check {
    Check {
        blocked,
        ..verdict(name, "unreachable", false, Via::Null)
    }
}
const fn partial(
    name: &'static str,
    via: &'static str,
    private: bool,
    blocked: &'static [&'static str],
) -> Check {
    Check {
        blocked,
        ..verdict(name, "partial", private, Via::Is(via))
    }
}
const fn unknown(name: &'static str, via: Via) -> Check {
    verdict(name, "unknown", false, via)
}

struct Nb {
    name: &'static str,
    /// `subnet_id` (None = JSON null)
    subnet: Option<&'static str>,
    /// exactly the keys of `checks`
    checks: &'static [Check],
    /// exactly the set of finding codes
    findings: &'static [&'static str],
    compliant: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Diag {
    Empty,
    NonEmpty,
    Any,
}

struct Case {
    /// fixture stem: `tests/fixtures/scenarios/<file>.json`
    file: &'static str,
    /// extra arguments after `--format json`
    args: &'static [&'static str],
    /// the DESIGN rule the scenario pins down
    rule: &'static str,
    exit: i32,
    diagnostics: Diag,
    notebooks: &'static [Nb],
    /// Some(why): the engine disagrees with DESIGN here; report instead of failing
    known_engine_bug: Option<&'static str>,
}

// ---- reusable verdicts --------------------------------------------------------------------------

const S3_GW: Check = reachable("s3", "gateway-endpoint", true).dst(S3_CIDRS);
const API_IF: Check =
    reachable("sagemaker.api", "interface-endpoint", true).dst(&["10.0.10.21/32", "10.0.11.21/32"]);
const RUNTIME_IF: Check = reachable("sagemaker.runtime", "interface-endpoint", true)
    .dst(&["10.0.10.31/32", "10.0.11.31/32"]);
const STS_IF: Check =
    reachable("sts", "interface-endpoint", true).dst(&["10.0.10.41/32", "10.0.11.41/32"]);
const LOGS_IF: Check =
    reachable("logs", "interface-endpoint", true).dst(&["10.0.10.51/32", "10.0.11.51/32"]);

const INET_NO_ROUTE: Check = unreachable("internet", &[NO_ROUTE_PRIV]);
const INET_UNREACHABLE: Check = unreachable("internet", &[]);
const INET_NAT: Check = reachable("internet", "nat-gateway", false).not_dst(S3_CIDRS);
const INET_SN: Check = reachable("internet", "service-network", false);

/// The baseline: internet unreachable (only local + S3 prefix-list routes), every service private.
const BASELINE_CHECKS: &[Check] = &[INET_NO_ROUTE, S3_GW, API_IF, RUNTIME_IF, STS_IF, LOGS_IF];

const fn services_private(internet: Check) -> [Check; 6] {
    [internet, S3_GW, API_IF, RUNTIME_IF, STS_IF, LOGS_IF]
}

const ALL_SN: &[Check] = &[
    INET_SN,
    reachable("s3", "service-network", false).dst(S3_CIDRS),
    reachable("sagemaker.api", "service-network", false),
    reachable("sagemaker.runtime", "service-network", false),
    reachable("sts", "service-network", false),
    reachable("logs", "service-network", false),
];
const DIA_WITH_ENDPOINTS: &[Check] = &[
    INET_SN,
    reachable("s3", "service-network", false).dst(S3_CIDRS),
    API_IF,
    RUNTIME_IF,
    STS_IF,
    LOGS_IF,
];
const ALL_NAT: &[Check] = &[
    INET_NAT,
    reachable("s3", "nat-gateway", false).dst(S3_CIDRS),
    reachable("sagemaker.api", "nat-gateway", false),
    reachable("sagemaker.runtime", "nat-gateway", false),
    reachable("sts", "nat-gateway", false),
    reachable("logs", "nat-gateway", false),
];
const fn all_services_unreachable(internet: Check, blocked: &'static [&'static str]) -> [Check; 6] {
    [
        internet,
        unreachable("s3", blocked),
        unreachable("sagemaker.api", blocked),
        unreachable("sagemaker.runtime", blocked),
        unreachable("sts", blocked),
        unreachable("logs", blocked),
    ]
}

const fn nb(
    name: &'static str,
    subnet: Option<&'static str>,
    checks: &'static [Check],
    findings: &'static [&'static str],
    compliant: bool,
) -> Nb {
    Nb {
        name,
        subnet,
        checks,
        findings,
        compliant,
    }
}
/// The notebook `nb-a` in the notebook subnet, no findings.
const fn nb_a(checks: &'static [Check], compliant: bool) -> Nb {
    nb("nb-a", Some(SUB_NB), checks, &[], compliant)
}
const fn case(file: &'static str, rule: &'static str, exit: i32, notebooks: &'static [Nb]) -> Case {
    Case {
        file,
        args: &[],
        rule,
        exit,
        diagnostics: Diag::Any,
        notebooks,
        known_engine_bug: None,
    }
}

impl Case {
    const fn args(self, args: &'static [&'static str]) -> Case {
        Case { args, ..self }
    }
    const fn diag(self, diagnostics: Diag) -> Case {
        Case {
            diagnostics,
            ..self
        }
    }
    /// Marks a case whose expectation follows DESIGN but the engine does not meet yet (none now).
    #[allow(dead_code)]
    const fn bug(self, why: &'static str) -> Case {
        Case {
            known_engine_bug: Some(why),
            ..self
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const NAT_EGRESS: &[&str] = &["--profile", "nat-egress"];
const ALLOW_UNKNOWN: &[&str] = &["--allow-unknown"];

const CASES: &[Case] = &[
    // ---- baseline and notebook placement --------------------------------------------------------
    case(
        "baseline_isolated",
        "isolated baseline: local + S3 prefix-list route only; interface endpoints with private DNS",
        0,
        &[nb_a(BASELINE_CHECKS, true)],
    )
    .diag(Diag::Empty),
    case(
        "no_subnet",
        "§3 no SubnetId: service VPC, everything via the service network; SageMaker.2 (+ .1: DIA Enabled)",
        1,
        &[nb("nb-a", None, ALL_SN, &["SageMaker.1", "SageMaker.2"], false)],
    ),
    case(
        "dia_enabled_with_endpoints",
        "§3 DIA Enabled: non-VPC traffic via service network; interface endpoints still via the VPC; S3 not via the gateway endpoint",
        1,
        &[nb("nb-a", Some(SUB_NB), DIA_WITH_ENDPOINTS, &["SageMaker.1"], false)],
    ),
    case(
        "dia_enabled_no_endpoints",
        "§3 DIA Enabled without endpoints: every service via the service network, not private",
        1,
        &[nb("nb-a", Some(SUB_NB), ALL_SN, &["SageMaker.1"], false)],
    ),
    case(
        "dia_enabled_sg_denies_all",
        "§3 edge: the service network is not filtered by the customer's SGs; VPC destinations are",
        1,
        &[nb(
            "nb-a",
            Some(SUB_NB),
            &[
                INET_SN,
                reachable("s3", "service-network", false).dst(S3_CIDRS),
                unreachable("sagemaker.api", &[SG_EGRESS]),
                unreachable("sagemaker.runtime", &[SG_EGRESS]),
                unreachable("sts", &[SG_EGRESS]),
                unreachable("logs", &[SG_EGRESS]),
            ],
            &["SageMaker.1"],
            false,
        )],
    ),
    case(
        "root_access_enabled",
        "§3/§4 RootAccess Enabled: finding SageMaker.3, which does not decide compliance",
        0,
        &[nb("nb-a", Some(SUB_NB), BASELINE_CHECKS, &["SageMaker.3"], true)],
    ),
    case(
        "two_notebooks_same_subnet",
        "two notebooks in one subnet; DirectInternetAccess is per notebook",
        1,
        &[
            nb_a(BASELINE_CHECKS, true),
            nb("nb-b", Some(SUB_NB), DIA_WITH_ENDPOINTS, &["SageMaker.1"], false),
        ],
    ),
    // ---- internet gateways ----------------------------------------------------------------------
    case(
        "igw_route_no_public_ip",
        "§3 a route to an IGW gives no IPv4 internet without a public IP on the ENI",
        0,
        &[nb_a(&services_private(unreachable("internet", &[NO_PUBLIC_IP])), true)],
    ),
    case(
        "igw_route_public_ip",
        "§3 IGW route + public IP on the ENI: internet via internet-gateway; S3 still takes the more specific gateway-endpoint route",
        1,
        &[nb_a(
            &services_private(reachable("internet", "internet-gateway", false).not_dst(S3_CIDRS)),
            false,
        )],
    ),
    case(
        "igw_route_public_ip",
        "§4 nat-egress: internet only through a NAT gateway — an IGW path fails it",
        1,
        &[nb_a(
            &services_private(reachable("internet", "internet-gateway", false).not_dst(S3_CIDRS)),
            false,
        )],
    )
    .args(NAT_EGRESS),
    case(
        "igw_not_attached",
        "§3 targets: IGW (attached, …) — a detached IGW drops",
        0,
        &[nb_a(&services_private(unreachable("internet", &[IGW_NOT_ATTACHED])), true)],
    ),
    case(
        "igw_route_eni_undescribed",
        "§3 no public IPv4 unless NetworkInterfaces shows one: an undescribed ENI has none",
        0,
        &[nb_a(&services_private(unreachable("internet", &[NO_PUBLIC_IP])), true)],
    ),
    case(
        "igw_ipv6_route",
        "::/0 → IGW with an IPv6 address on the ENI (a public source): IPv6 internet via internet-gateway",
        1,
        &[nb_a(
            &services_private(reachable("internet", "internet-gateway", false).dst(ANY_V6)),
            false,
        )],
    )
    ,
    // ---- security groups ------------------------------------------------------------------------
    case(
        "sg_egress_vpc_cidr_only",
        "§3 SG: destination by CIDR — tcp/443 to the VPC CIDR only; S3 addresses are outside it",
        1,
        &[nb_a(
            &[
                unreachable("internet", &[SG_EGRESS]),
                unreachable("s3", &[SG_EGRESS]),
                API_IF,
                RUNTIME_IF,
                STS_IF,
                LOGS_IF,
            ],
            false,
        )],
    ),
    case(
        "sg_egress_prefix_list",
        "§3 SG: destination by prefix-list ID; a NAT route exists but the SG lets nothing public out except S3",
        0,
        &[nb_a(&services_private(unreachable("internet", &[SG_EGRESS])), true)],
    ),
    case(
        "sg_egress_sg_reference",
        "§3 SG reference matches only private addresses of member ENIs — never S3's public addresses",
        1,
        &[nb_a(
            &[
                unreachable("internet", &[SG_EGRESS]),
                unreachable("s3", &[SG_EGRESS]),
                API_IF,
                RUNTIME_IF,
                STS_IF,
                LOGS_IF,
            ],
            false,
        )],
    ),
    case(
        "sg_multiple_union",
        "§3 SG: the union of all SGs on the ENI (VPC CIDR from one, S3 prefix list from the other)",
        0,
        &[nb_a(&services_private(unreachable("internet", &[SG_EGRESS])), true)],
    ),
    case(
        "sg_egress_port80_nat",
        "§3 SG: port range — tcp/80 anywhere gets out through the NAT; no service gets tcp/443",
        1,
        &[nb_a(
            &all_services_unreachable(reachable("internet", "nat-gateway", false), &[SG_EGRESS]),
            false,
        )],
    ),
    case(
        "sg_egress_missing_prefix_list",
        "§3 an SG rule naming a prefix list the snapshot lacks: S3 unknown; the VPC-CIDR rule still serves the endpoints",
        1,
        &[nb_a(
            &[
                INET_UNREACHABLE,
                unknown("s3", Via::Any),
                API_IF,
                RUNTIME_IF,
                STS_IF,
                LOGS_IF,
            ],
            false,
        )],
    )
    .diag(Diag::NonEmpty)
    ,
    case(
        "sg_ref_endpoint_enis_missing",
        "§3 SG reference to the endpoint SG, endpoint ENIs undescribed: members are the endpoint's ENIs (subnet CIDRs stand in)",
        1,
        &[nb_a(
            &[
                unreachable("internet", &[SG_EGRESS]),
                unreachable("s3", &[SG_EGRESS]),
                API_IF.dst(&["10.0.10.0/24", "10.0.11.0/24"]),
                RUNTIME_IF.dst(&["10.0.10.0/24", "10.0.11.0/24"]),
                STS_IF.dst(&["10.0.10.0/24", "10.0.11.0/24"]),
                LOGS_IF.dst(&["10.0.10.0/24", "10.0.11.0/24"]),
            ],
            false,
        )],
    ),
    // ---- network ACLs ---------------------------------------------------------------------------
    case(
        "acl_deny_before_allow",
        "§3 ACL: ascending RuleNumber, first match — deny 100 (tcp/443 to endpoint subnet a) before allow 200",
        1,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                S3_GW,
                partial("sagemaker.api", "interface-endpoint", true, &[ACL_NB_FWD])
                    .dst(&["10.0.11.21/32"]),
                partial("sagemaker.runtime", "interface-endpoint", true, &[ACL_NB_FWD])
                    .dst(&["10.0.11.31/32"]),
                partial("sts", "interface-endpoint", true, &[ACL_NB_FWD]).dst(&["10.0.11.41/32"]),
                partial("logs", "interface-endpoint", true, &[ACL_NB_FWD]).dst(&["10.0.11.51/32"]),
            ],
            false,
        )],
    ),
    case(
        "acl_allow_before_deny",
        "§3 ACL: first match — allow 100 (tcp/443 to the VPC) wins over a later deny 200",
        0,
        &[nb_a(BASELINE_CHECKS, true)],
    ),
    case(
        "acl_implicit_deny",
        "§3 ACL: implicit deny after the last entry (no 32767 entry present)",
        1,
        &[nb_a(
            &[
                INET_UNREACHABLE,
                unreachable("s3", &[ACL_NB_FWD]),
                API_IF,
                RUNTIME_IF,
                STS_IF,
                LOGS_IF,
            ],
            false,
        )],
    ),
    case(
        "acl_same_subnet_bypass",
        "§3 edge: two ENIs in one subnet bypass its ACL; the gateway endpoint does not",
        1,
        &[nb_a(
            &[
                INET_UNREACHABLE,
                unreachable("s3", &[ACL_NB_FWD]),
                reachable("sagemaker.api", "interface-endpoint", true).dst(&["10.0.1.21/32"]),
                reachable("sagemaker.runtime", "interface-endpoint", true).dst(&["10.0.1.31/32"]),
                reachable("sts", "interface-endpoint", true).dst(&["10.0.1.41/32"]),
                reachable("logs", "interface-endpoint", true).dst(&["10.0.1.51/32"]),
            ],
            false,
        )],
    ),
    case(
        "acl_gateway_endpoint_forward_partial",
        "§3 edge: the ACL applies to gateway-endpoint traffic — deny tcp/443 to one S3 CIDR → partial",
        1,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                partial("s3", "gateway-endpoint", true, &[ACL_NB_FWD]).dst(S3_CIDRS_BUT_52_216),
                API_IF,
                RUNTIME_IF,
                STS_IF,
                LOGS_IF,
            ],
            false,
        )],
    ),
    case(
        "acl_gateway_endpoint_return",
        "§3 service check: replies through every stateless ACL — inbound admits only the VPC, not S3",
        1,
        &[nb_a(
            &[
                INET_UNREACHABLE,
                unreachable("s3", &[ACL_NB_RET]),
                API_IF,
                RUNTIME_IF,
                STS_IF,
                LOGS_IF,
            ],
            false,
        )],
    ),
    case(
        "acl_return_ephemeral_partial",
        "§3 client ports 32768–60999; inbound ACL admits 1024–49151 only → every service partial",
        1,
        &[nb_a(
            &[
                INET_UNREACHABLE,
                partial("s3", "gateway-endpoint", true, &[ACL_NB_RET]).dst(S3_CIDRS),
                partial("sagemaker.api", "interface-endpoint", true, &[ACL_NB_RET]),
                partial("sagemaker.runtime", "interface-endpoint", true, &[ACL_NB_RET]),
                partial("sts", "interface-endpoint", true, &[ACL_NB_RET]),
                partial("logs", "interface-endpoint", true, &[ACL_NB_RET]),
            ],
            false,
        )],
    ),
    case(
        "acl_endpoint_subnet_deny",
        "§3 ACL where traffic enters the endpoint's subnet: subnet a denies all, subnet b allows → partial",
        1,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                S3_GW,
                partial("sagemaker.api", "interface-endpoint", true, &[ACL_EPA_FWD])
                    .dst(&["10.0.11.21/32"]),
                partial("sagemaker.runtime", "interface-endpoint", true, &[ACL_EPA_FWD])
                    .dst(&["10.0.11.31/32"]),
                partial("sts", "interface-endpoint", true, &[ACL_EPA_FWD]).dst(&["10.0.11.41/32"]),
                partial("logs", "interface-endpoint", true, &[ACL_EPA_FWD])
                    .dst(&["10.0.11.51/32"]),
            ],
            false,
        )],
    ),
    // ---- route tables ---------------------------------------------------------------------------
    case(
        "rt_explicit_vs_main",
        "§3 route table: explicit association (nb-a, private) vs the VPC's main table (nb-b, 0/0 → NAT)",
        1,
        &[
            nb_a(BASELINE_CHECKS, true),
            nb(
                "nb-b",
                Some(SUB_NB2),
                &[
                    INET_NAT,
                    reachable("s3", "nat-gateway", false).dst(S3_CIDRS),
                    API_IF,
                    RUNTIME_IF,
                    STS_IF,
                    LOGS_IF,
                ],
                &[],
                false,
            ),
        ],
    ),
    case(
        "lpm_blackhole_inside_default_nat",
        "§3 longest prefix match: /32 and /24 blackholes inside 0/0 → NAT leave the internet reachable",
        1,
        &[nb_a(
            &services_private(INET_NAT.not_dst(&[
                "8.8.8.8/32",
                "1.1.1.0/24",
                "54.231.0.0/17",
                "52.216.0.0/15",
                "3.5.16.0/21",
                "3.5.0.0/20",
            ])),
            false,
        )],
    ),
    case(
        "lpm_blackhole_inside_default_nat",
        "§4 nat-egress: internet through a NAT and every service reachable → compliant",
        0,
        &[nb_a(&services_private(INET_NAT), true)],
    )
    .args(NAT_EGRESS),
    case(
        "lpm_blackhole_covers_service",
        "§3 LPM + blackhole: every S3 CIDR hits a static blackhole inside 0/0 → NAT: S3 unreachable, no fallback",
        1,
        &[nb_a(
            &[
                INET_NAT,
                unreachable("s3", &[BLACKHOLE]),
                API_IF,
                RUNTIME_IF,
                STS_IF,
                LOGS_IF,
            ],
            false,
        )],
    ),
    case(
        "lpm_static_beats_prefix_list",
        "§3 equal length: a static /15 blackhole beats the prefix-list entry 52.216.0.0/15 → S3 partial",
        1,
        &[nb_a(
            &[
                INET_UNREACHABLE,
                partial("s3", "gateway-endpoint", true, &[BLACKHOLE]).dst(S3_CIDRS_BUT_52_216),
                API_IF,
                RUNTIME_IF,
                STS_IF,
                LOGS_IF,
            ],
            false,
        )],
    ),
    case(
        "static_beats_propagated",
        "§3 equal length: a static 0/0 blackhole beats a propagated 0/0 → VGW (dropped, not unknown)",
        0,
        &[nb_a(&services_private(unreachable("internet", &[BLACKHOLE])), true)],
    ),
    case(
        "blackhole_missing_target",
        "§3 edge: State blackhole drops even when its target is missing from the snapshot",
        0,
        &[nb_a(&services_private(unreachable("internet", &[BLACKHOLE])), true)],
    ),
    case(
        "active_route_missing_nat",
        "§3 edge: an active route to a NAT missing from the snapshot is a dangling reference → unknown",
        1,
        &[nb_a(&services_private(unknown("internet", Via::Any)), false)],
    )
    .diag(Diag::NonEmpty),
    case(
        "active_route_missing_nat",
        "§4 --allow-unknown lets unknown pass",
        0,
        &[nb_a(&services_private(unknown("internet", Via::Any)), true)],
    )
    .args(ALLOW_UNKNOWN)
    .diag(Diag::NonEmpty),
    // ---- NAT gateways ---------------------------------------------------------------------------
    case(
        "gateway_endpoint_with_nat",
        "§3 0/0 → NAT → IGW: internet reachable; S3 addresses still take the gateway endpoint",
        1,
        &[nb_a(&services_private(INET_NAT), false)],
    ),
    case(
        "nat_pending",
        "§3 public NAT needs State available (pending drops)",
        0,
        &[nb_a(&services_private(unreachable("internet", &[NAT_BAD_STATE])), true)],
    ),
    case(
        "nat_failed",
        "§3 public NAT needs State available (failed drops)",
        0,
        &[nb_a(&services_private(unreachable("internet", &[NAT_BAD_STATE])), true)],
    ),
    case(
        "nat_private",
        "§3 private NAT: no internet",
        0,
        &[nb_a(&services_private(INET_UNREACHABLE), true)],
    ),
    case(
        "nat_subnet_igw_not_attached",
        "§3 the NAT's subnet must route to an attached IGW",
        0,
        &[nb_a(&services_private(unreachable("internet", &[IGW_NOT_ATTACHED])), true)],
    ),
    case(
        "nat_subnet_no_igw_route",
        "§3 the NAT's own route table must lead to an IGW (here: local only)",
        0,
        &[nb_a(&services_private(unreachable("internet", &[NO_ROUTE_PUB])), true)],
    ),
    case(
        "nat_egress",
        "§4 isolated: internet through a NAT fails the profile",
        1,
        &[nb_a(ALL_NAT, false)],
    ),
    case(
        "nat_egress",
        "§4 nat-egress: internet only through a NAT, every service reachable → compliant",
        0,
        &[nb_a(ALL_NAT, true)],
    )
    .args(NAT_EGRESS),
    case(
        "nat_subnet_acl_blocks_return",
        "§3 NAT subnet ACL both ways: replies to NAT ports never come back; internet is forward-only",
        1,
        &[nb_a(
            &all_services_unreachable(INET_NAT, &[ACL_PUB_RET]),
            false,
        )],
    )
    .args(NAT_EGRESS),
    case(
        "nat_subnet_acl_blocks_forward",
        "§3 edge: ACLs apply to traffic to a NAT in another subnet (its inbound denies the notebook subnet)",
        1,
        &[nb_a(
            &all_services_unreachable(unreachable("internet", &[ACL_PUB_FWD]), &[ACL_PUB_FWD]),
            false,
        )],
    )
    .args(NAT_EGRESS),
    case(
        "nat_return_partial",
        "§3 NAT ports 1024–65535; NAT subnet inbound admits 1024–32767 only → every service partial",
        1,
        &[nb_a(
            &[
                INET_NAT,
                partial("s3", "nat-gateway", false, &[ACL_PUB_RET]).dst(S3_CIDRS),
                partial("sagemaker.api", "nat-gateway", false, &[ACL_PUB_RET]),
                partial("sagemaker.runtime", "nat-gateway", false, &[ACL_PUB_RET]),
                partial("sts", "nat-gateway", false, &[ACL_PUB_RET]),
                partial("logs", "nat-gateway", false, &[ACL_PUB_RET]),
            ],
            false,
        )],
    )
    .args(NAT_EGRESS),
    case(
        "nat_route_loop",
        "§3 a loop (NAT 1's subnet → NAT 2, NAT 2's subnet → NAT 1) is detected and drops",
        0,
        &[nb_a(&services_private(unreachable("internet", &["ROUTING_LOOP"])), true)],
    ),
    case(
        "nat_subnet_acl_egress_deny",
        "§3 the NAT's subnet ACL both ways: its outbound admits only the VPC, so NAT → IGW is denied",
        0,
        &[nb_a(&services_private(unreachable("internet", &[ACL_PUB_FWD])), true)],
    ),
    case(
        "nat_subnet_main_table",
        "§3 the NAT's subnet without an explicit association uses the main table (0/0 → IGW)",
        0,
        &[nb_a(&services_private(INET_NAT), true)],
    )
    .args(NAT_EGRESS),
    // ---- gateway endpoints ----------------------------------------------------------------------
    case(
        "gateway_endpoint_udp_no_fallthrough",
        "§3 gateway endpoint is TCP only: UDP to S3 is dropped there and does not fall through to 0/0 → NAT",
        0,
        &[nb_a(
            &services_private(unreachable(
                "internet",
                &["VPCE_GATEWAY_PROTOCOL_RESTRICTION"],
            )),
            true,
        )],
    ),
    case(
        "gateway_endpoint_pending",
        "§3 S3 via a gateway endpoint needs an available endpoint (no other route to S3)",
        1,
        &[nb_a(
            &[
                INET_UNREACHABLE,
                unreachable("s3", &[]),
                API_IF,
                RUNTIME_IF,
                STS_IF,
                LOGS_IF,
            ],
            false,
        )],
    ),
    case(
        "require_dynamodb_gateway",
        "§3 DynamoDB gateway endpoint: its prefix list is the address set; each endpoint carries its own service",
        0,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                S3_GW,
                reachable("dynamodb", "gateway-endpoint", true).dst(DDB_CIDRS),
            ],
            true,
        )],
    )
    .args(&["--require", "s3,dynamodb"]),
    case(
        "s3_prefix_list_missing",
        "§3 a check that needs a prefix list the snapshot lacks is unknown, with a diagnostic",
        1,
        &[nb_a(
            &[
                INET_UNREACHABLE,
                unknown("s3", Via::Any),
                API_IF,
                RUNTIME_IF,
                STS_IF,
                LOGS_IF,
            ],
            false,
        )],
    )
    .diag(Diag::NonEmpty)
    ,
    // ---- egress-only IGW / IPv6 -----------------------------------------------------------------
    case(
        "eigw_ipv6_eni",
        "§3 egress-only IGW (IPv6): the ENI has an IPv6 address → internet via egress-only-internet-gateway",
        1,
        &[nb_a(
            &services_private(
                reachable("internet", "egress-only-internet-gateway", false).dst(ANY_V6),
            ),
            false,
        )],
    )
    ,
    case(
        "eigw_no_ipv6_on_eni",
        "IPv6 only with an IPv6 address on the ENI: none → the ::/0 → EIGW route is irrelevant",
        0,
        &[nb_a(BASELINE_CHECKS, true)],
    ),
    case(
        "eigw_eni_undescribed",
        "IPv6 counts when the ENI is undescribed and its subnet has an IPv6 block",
        1,
        &[nb_a(
            &services_private(
                reachable("internet", "egress-only-internet-gateway", false).dst(ANY_V6),
            ),
            false,
        )],
    )
    ,
    // ---- leaving the modelled scope -------------------------------------------------------------
    case(
        "tgw_default_route",
        "§3 transit gateway leaves the modelled scope → unknown, via transit-gateway",
        1,
        &[nb_a(
            &services_private(unknown("internet", Via::Is("transit-gateway"))),
            false,
        )],
    ),
    case(
        "tgw_default_route",
        "§4 --allow-unknown lets unknown pass",
        0,
        &[nb_a(
            &services_private(unknown("internet", Via::Is("transit-gateway"))),
            true,
        )],
    )
    .args(ALLOW_UNKNOWN),
    case(
        "peering_default_route",
        "§3 peering leaves the modelled scope → unknown, via vpc-peering",
        1,
        &[nb_a(
            &services_private(unknown("internet", Via::Is("vpc-peering"))),
            false,
        )],
    ),
    case(
        "vgw_default_route",
        "§3 VGW leaves the modelled scope → unknown, via virtual-private-gateway",
        1,
        &[nb_a(
            &services_private(unknown("internet", Via::Is("virtual-private-gateway"))),
            false,
        )],
    ),
    case(
        "eni_target_default_route",
        "§3 an ENI target leaves the modelled scope → unknown, via network-interface",
        1,
        &[nb_a(
            &services_private(unknown("internet", Via::Is("network-interface"))),
            false,
        )],
    ),
    case(
        "gwlb_endpoint_default_route",
        "§3 a GWLB endpoint (vpce- in a route, but not a gateway endpoint) leaves the scope → unknown",
        1,
        &[nb_a(&services_private(unknown("internet", Via::Any)), false)],
    ),
    // ---- interface endpoints --------------------------------------------------------------------
    case(
        "endpoint_pending_acceptance",
        "§3 an interface endpoint not available is not used: the public path (no route) is judged",
        1,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                S3_GW,
                API_IF,
                RUNTIME_IF,
                unreachable("sts", &["ENDPOINT_NOT_AVAILABLE", NO_ROUTE_PRIV]),
                LOGS_IF,
            ],
            false,
        )],
    ),
    case(
        "endpoint_private_dns_off",
        "§3 private DNS off: endpoint not used, public path (no route) judged",
        1,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                S3_GW,
                API_IF,
                RUNTIME_IF,
                unreachable("sts", &["PRIVATE_DNS_DISABLED", NO_ROUTE_PRIV]),
                LOGS_IF,
            ],
            false,
        )],
    ),
    case(
        "endpoint_private_dns_off_nat",
        "§3 private DNS off with 0/0 → NAT: sts resolves publicly and goes out the NAT (not private)",
        1,
        &[nb_a(
            &[
                INET_NAT,
                S3_GW,
                API_IF,
                RUNTIME_IF,
                reachable("sts", "nat-gateway", false),
                LOGS_IF,
            ],
            false,
        )],
    ),
    case(
        "endpoint_private_dns_off_nat",
        "§4 nat-egress: every service reachable (one via NAT) and internet via NAT → compliant",
        0,
        &[nb_a(
            &[
                INET_NAT,
                S3_GW,
                API_IF,
                RUNTIME_IF,
                reachable("sts", "nat-gateway", false),
                LOGS_IF,
            ],
            true,
        )],
    )
    .args(NAT_EGRESS),
    case(
        "endpoint_in_other_vpc",
        "§3 only an endpoint in the notebook's VPC is used; the other VPC's sts endpoint is not",
        1,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                S3_GW,
                API_IF,
                RUNTIME_IF,
                unreachable("sts", &[NO_ROUTE_PRIV]),
                LOGS_IF,
            ],
            false,
        )],
    ),
    case(
        "dia_enabled_dns_off",
        "§3 DIA Enabled + enableDnsHostnames false: endpoints unusable, public names leave via the service network",
        1,
        &[nb("nb-a", Some(SUB_NB), ALL_SN, &["SageMaker.1"], false)],
    ),
    case(
        "vpc_dns_hostnames_false",
        "§3 enableDnsHostnames false: no interface endpoint used; the gateway endpoint needs no DNS",
        1,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                S3_GW,
                unreachable("sagemaker.api", &[VPC_DNS, NO_ROUTE_PRIV]),
                unreachable("sagemaker.runtime", &[VPC_DNS, NO_ROUTE_PRIV]),
                unreachable("sts", &[VPC_DNS, NO_ROUTE_PRIV]),
                unreachable("logs", &[VPC_DNS, NO_ROUTE_PRIV]),
            ],
            false,
        )],
    ),
    case(
        "vpc_dns_support_false",
        "§3 enableDnsSupport false: no AWS name resolves, so every service is unreachable, the gateway endpoint's too (DNS_RESOLUTION_DISABLED); the endpoints' private DNS is off and the public path has no route either",
        1,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                unreachable("s3", &["DNS_RESOLUTION_DISABLED"]),
                unreachable("sagemaker.api", &[VPC_DNS, NO_ROUTE_PRIV]),
                unreachable("sagemaker.runtime", &[VPC_DNS, NO_ROUTE_PRIV]),
                unreachable("sts", &[VPC_DNS, NO_ROUTE_PRIV]),
                unreachable("logs", &[VPC_DNS, NO_ROUTE_PRIV]),
            ],
            false,
        )],
    ),
    case(
        "vpc_attributes_missing",
        "§3 missing DNS attributes → unknown, not a guess (the gateway endpoint too: whether S3's name resolves depends on enableDnsSupport)",
        1,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                unknown("s3", Via::Any),
                unknown("sagemaker.api", Via::Any),
                unknown("sagemaker.runtime", Via::Any),
                unknown("sts", Via::Any),
                unknown("logs", Via::Any),
            ],
            false,
        )],
    ),
    case(
        "vpc_attribute_hostnames_missing",
        "§3 one DNS attribute missing → unknown",
        1,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                S3_GW,
                unknown("sagemaker.api", Via::Any),
                unknown("sagemaker.runtime", Via::Any),
                unknown("sts", Via::Any),
                unknown("logs", Via::Any),
            ],
            false,
        )],
    ),
    case(
        "endpoint_sg_other_cidr",
        "§3 the endpoint's SGs must allow TCP 443 in from the notebook (here only from 192.168.0.0/16)",
        1,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                S3_GW,
                unreachable("sagemaker.api", &[EP_SG]),
                unreachable("sagemaker.runtime", &[EP_SG]),
                unreachable("sts", &[EP_SG]),
                unreachable("logs", &[EP_SG]),
            ],
            false,
        )],
    ),
    case(
        "endpoint_sg_notebook_cidr",
        "§3 endpoint SG ingress by CIDR covering the notebook ENI's address",
        0,
        &[nb_a(BASELINE_CHECKS, true)],
    ),
    case(
        "endpoint_sg_cidr_eni_undescribed",
        "§3 needs missing data → unknown: the endpoint SG admits 10.0.1.0/28, the notebook's address is not given",
        1,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                S3_GW,
                unknown("sagemaker.api", Via::Any),
                unknown("sagemaker.runtime", Via::Any),
                unknown("sts", Via::Any),
                unknown("logs", Via::Any),
            ],
            false,
        )],
    ),
    case(
        "endpoint_enis_missing",
        "§3 endpoint ENIs absent from NetworkInterfaces: its subnets' CIDRs stand in",
        0,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                S3_GW,
                API_IF.dst(&["10.0.10.0/24", "10.0.11.0/24"]),
                RUNTIME_IF.dst(&["10.0.10.0/24", "10.0.11.0/24"]),
                STS_IF.dst(&["10.0.10.0/24", "10.0.11.0/24"]),
                LOGS_IF.dst(&["10.0.10.0/24", "10.0.11.0/24"]),
            ],
            true,
        )],
    ),
    case(
        "require_ecr_api",
        "§3 any com.amazonaws.<region>.X can be required (--require replaces the default list)",
        0,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                S3_GW,
                reachable("ecr.api", "interface-endpoint", true)
                    .dst(&["10.0.10.61/32", "10.0.11.61/32"]),
            ],
            true,
        )],
    )
    .args(&["--require", "s3,ecr.api"]),
    case(
        "baseline_isolated",
        "§4 checks are named as given; a required service without an endpoint is judged on the public path",
        1,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                unreachable("com.amazonaws.us-east-1.ecr.dkr", &[NO_ROUTE_PRIV]),
            ],
            false,
        )],
    )
    .args(&["--require", "com.amazonaws.us-east-1.ecr.dkr"]),
];

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/// Every case of the table, run in parallel; known engine bugs are reported, not failed.
#[test]
fn scenarios() {
    let results: Vec<(&Case, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = CASES
            .iter()
            .map(|c| s.spawn(move || (c, check(c))))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("checker thread"))
            .collect()
    });
    let mut failed = Vec::new();
    for (c, errs) in results {
        let cmd = cmdline(c);
        match (c.known_engine_bug, errs.is_empty()) {
            (None, true) => {}
            (None, false) => failed.push(format!(
                "`{cmd}` ({}):\n    {}",
                c.rule,
                errs.join("\n    ")
            )),
            (Some(bug), false) => eprintln!(
                "\n!!! KNOWN ENGINE BUG (skipped) `{cmd}`: {bug}\n!!!   {}",
                errs.join("\n!!!   ")
            ),
            (Some(bug), true) => eprintln!(
                "\n!!! `{cmd}` now matches DESIGN; remove its known_engine_bug marker ({bug})"
            ),
        }
    }
    if !failed.is_empty() {
        panic!(
            "{} scenario(s) disagree with DESIGN:\n  {}",
            failed.len(),
            failed.join("\n  ")
        );
    }
}

/// Every fixture has a case and every case has a fixture.
#[test]
fn every_fixture_has_a_case() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenarios");
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .expect("read tests/fixtures/scenarios")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".json").map(str::to_string)
        })
        .collect();
    let in_table: BTreeSet<String> = CASES.iter().map(|c| c.file.to_string()).collect();
    let no_case: Vec<_> = on_disk.difference(&in_table).collect();
    let no_file: Vec<_> = in_table.difference(&on_disk).collect();
    assert!(
        no_case.is_empty() && no_file.is_empty(),
        "fixtures without a case: {no_case:?}; cases without a fixture: {no_file:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The checker
// ---------------------------------------------------------------------------------------------

fn path(c: &Case) -> String {
    format!("tests/fixtures/scenarios/{}.json", c.file)
}

fn cmdline(c: &Case) -> String {
    format!(
        "vpcreach analyze {} --format json {}",
        path(c),
        c.args.join(" ")
    )
    .trim_end()
    .to_string()
}

fn run(c: &Case) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("analyze")
        .arg(path(c))
        .args(["--format", "json"])
        .args(c.args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run vpcreach")
}

/// Runs one case and returns every mismatch (empty = the output matches DESIGN).
fn check(c: &Case) -> Vec<String> {
    let out = run(c);
    let mut errs = Vec::new();
    let v: Value = match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        Err(e) => {
            return vec![format!(
                "stdout is not JSON ({e}); exit {:?}; stderr: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).trim()
            )];
        }
    };
    if out.status.code() != Some(c.exit) {
        errs.push(format!(
            "exit status {:?}, expected {}",
            out.status.code(),
            c.exit
        ));
    }
    if v["region"] != "us-east-1" {
        errs.push(format!("region {}, expected \"us-east-1\"", v["region"]));
    }
    let profile = if c.args.contains(&"nat-egress") {
        "nat-egress"
    } else {
        "isolated"
    };
    if v["profile"] != profile {
        errs.push(format!("profile {}, expected {profile:?}", v["profile"]));
    }
    // Info diagnostics (e.g. AmazonProvidedDNS assumed when the snapshot has no DhcpOptions) say
    // what was assumed, not that something is missing.
    let diags = v["diagnostics"]
        .as_array()
        .map_or(0, |d| d.iter().filter(|x| x["severity"] != "info").count());
    match c.diagnostics {
        Diag::Empty if diags != 0 => {
            errs.push(format!("expected no diagnostics, got {}", v["diagnostics"]))
        }
        Diag::NonEmpty if diags == 0 => errs.push("expected a diagnostic, got none".into()),
        _ => {}
    }

    let nbs: &[Value] = v["notebooks"].as_array().map_or(&[], Vec::as_slice);
    let got: BTreeSet<&str> = nbs.iter().filter_map(|n| n["name"].as_str()).collect();
    let want: BTreeSet<&str> = c.notebooks.iter().map(|n| n.name).collect();
    if got != want {
        errs.push(format!("notebooks {got:?}, expected {want:?}"));
    }
    let compliant = c.notebooks.iter().filter(|n| n.compliant).count();
    if v["summary"]["notebooks"] != c.notebooks.len() || v["summary"]["compliant"] != compliant {
        errs.push(format!(
            "summary {}, expected {{notebooks: {}, compliant: {compliant}}}",
            v["summary"],
            c.notebooks.len()
        ));
    }
    for exp in c.notebooks {
        if let Some(nb) = nbs.iter().find(|n| n["name"] == exp.name) {
            check_notebook(exp, nb, &mut errs);
        }
    }
    errs
}

fn check_notebook(exp: &Nb, nb: &Value, errs: &mut Vec<String>) {
    let n = exp.name;
    let subnet_ok = match exp.subnet {
        Some(s) => nb["subnet_id"] == s,
        None => nb["subnet_id"].is_null(),
    };
    if !subnet_ok {
        errs.push(format!(
            "{n}: subnet_id {}, expected {:?}",
            nb["subnet_id"], exp.subnet
        ));
    }
    let findings: BTreeSet<&str> = nb["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["code"].as_str()).collect())
        .unwrap_or_default();
    let want: BTreeSet<&str> = exp.findings.iter().copied().collect();
    if findings != want {
        errs.push(format!("{n}: findings {findings:?}, expected {want:?}"));
    }
    if nb["compliant"].as_bool() != Some(exp.compliant) {
        errs.push(format!(
            "{n}: compliant {}, expected {}",
            nb["compliant"], exp.compliant
        ));
    }
    let Some(checks) = nb["checks"].as_object() else {
        errs.push(format!("{n}: no `checks` object"));
        return;
    };
    let got: BTreeSet<&str> = checks.keys().map(String::as_str).collect();
    let want: BTreeSet<&str> = exp.checks.iter().map(|c| c.name).collect();
    if got != want {
        errs.push(format!("{n}: check keys {got:?}, expected {want:?}"));
    }
    for c in exp.checks {
        if let Some(v) = checks.get(c.name) {
            check_one(&format!("{n}.{}", c.name), c, v, errs);
        }
    }
}

fn check_one(at: &str, c: &Check, v: &Value, errs: &mut Vec<String>) {
    if v["status"] != c.status {
        errs.push(format!(
            "{at}: status {}, expected {:?} (via {}, blocked_by {}, unknown_because {})",
            v["status"], c.status, v["via"], v["blocked_by"], v["unknown_because"]
        ));
    }
    if v["private"].as_bool() != Some(c.private) {
        errs.push(format!(
            "{at}: private {}, expected {}",
            v["private"], c.private
        ));
    }
    match c.via {
        Via::Null if !v["via"].is_null() => {
            errs.push(format!("{at}: via {}, expected null", v["via"]))
        }
        Via::Is(k) if v["via"] != k => errs.push(format!("{at}: via {}, expected {k:?}", v["via"])),
        _ => {}
    }
    let blocked: Vec<(&str, &str)> = v["blocked_by"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|b| {
                    (
                        b["code"].as_str().unwrap_or(""),
                        b["component"].as_str().unwrap_or(""),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    for want in c.blocked {
        let (code, component) = match want.split_once('@') {
            Some((code, comp)) => (code, Some(comp)),
            None => (*want, None),
        };
        if !blocked
            .iter()
            .any(|(k, comp)| *k == code && component.is_none_or(|w| w == *comp))
        {
            errs.push(format!(
                "{at}: blocked_by lacks {want}; got {}",
                v["blocked_by"]
            ));
        }
    }
    // a service is reachable only when every part works, so nothing is dropped; the one kind of entry
    // tolerated is the explanation why an interface endpoint was not used (see the report)
    let dropped = blocked.iter().any(|(k, _)| !NOT_USED.contains(k));
    if c.status == "reachable" && c.name != "internet" && dropped {
        errs.push(format!(
            "{at}: reachable but blocked_by {}",
            v["blocked_by"]
        ));
    }
    if v["status"] != c.status {
        return;
    }
    let witness = &v["witness"];
    match c.status {
        "partial" if blocked.is_empty() => errs.push(format!("{at}: partial without blocked_by")),
        "unreachable" if blocked.is_empty() => {
            errs.push(format!("{at}: unreachable without blocked_by"))
        }
        "unreachable" if !witness.is_null() => {
            errs.push(format!("{at}: unreachable but witness {witness}"))
        }
        _ => {}
    }
    if matches!(c.status, "reachable" | "partial") {
        if v["path"].as_array().is_none_or(Vec::is_empty) {
            errs.push(format!("{at}: {} without a path", c.status));
        }
        check_witness(at, c, witness, errs);
    }
}

/// The witness is a packet of the check's set that works: TCP 443 for a service; an endpoint ENI
/// address through an interface endpoint; S3's prefix list for S3; a public address otherwise.
fn check_witness(at: &str, c: &Check, w: &Value, errs: &mut Vec<String>) {
    let Some(dst) = w["destination"].as_str() else {
        errs.push(format!("{at}: witness without destination: {w}"));
        return;
    };
    let Ok(ip) = dst.parse::<IpAddr>() else {
        errs.push(format!(
            "{at}: witness destination {dst:?} is not an address"
        ));
        return;
    };
    if c.name != "internet" {
        let tcp = w["protocol"]
            .as_str()
            .is_some_and(|p| p.eq_ignore_ascii_case("tcp") || p == "6");
        if !tcp {
            errs.push(format!(
                "{at}: witness protocol {}, expected tcp",
                w["protocol"]
            ));
        }
        if w["port"] != 443 {
            errs.push(format!("{at}: witness port {}, expected 443", w["port"]));
        }
    }
    if !c.dst.is_empty() && !in_any(ip, c.dst) {
        errs.push(format!("{at}: witness destination {ip} not in {:?}", c.dst));
    }
    if in_any(ip, c.not_dst) {
        errs.push(format!(
            "{at}: witness destination {ip} lies in {:?}",
            c.not_dst
        ));
    }
    match c.via {
        Via::Is("interface-endpoint") => {
            if is_public(ip) {
                errs.push(format!(
                    "{at}: interface-endpoint witness {ip} is a public address"
                ));
            }
        }
        _ if c.name == "s3" => {
            if !in_any(ip, S3_CIDRS) {
                errs.push(format!("{at}: s3 witness {ip} outside the S3 prefix list"));
            }
        }
        _ if c.name == "dynamodb" => {}
        _ => {
            if !is_public(ip) {
                errs.push(format!("{at}: witness {ip} is not a public address"));
            }
            if c.name != "internet" && in_any(ip, &[S3_CIDRS, DDB_CIDRS].concat()) {
                errs.push(format!(
                    "{at}: witness {ip} lies in an AWS-managed prefix list"
                ));
            }
            if c.name != "internet" && !ip.is_ipv4() {
                errs.push(format!("{at}: service witness {ip} is not IPv4"));
            }
        }
    }
}

fn in_cidr(ip: IpAddr, cidr: &str) -> bool {
    let (net, len) = cidr.split_once('/').expect("CIDR");
    let len: u32 = len.parse().expect("CIDR length");
    match (ip, net.parse::<IpAddr>().expect("CIDR address")) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

fn in_any(ip: IpAddr, cidrs: &[&str]) -> bool {
    cidrs.iter().any(|c| in_cidr(ip, c))
}

/// DESIGN §3: public = not RFC 1918, RFC 6598, loopback, link-local, multicast, reserved (nor, for
/// IPv6, unique-local, documentation or IPv4-mapped).
fn is_public(ip: IpAddr) -> bool {
    let special: &[&str] = match ip {
        IpAddr::V4(_) => &[
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "224.0.0.0/4",
            "240.0.0.0/4",
        ],
        IpAddr::V6(_) => &[
            "::/127",
            "::ffff:0:0/96",
            "fc00::/7",
            "fe80::/10",
            "ff00::/8",
            "2001:db8::/32",
        ],
    };
    !in_any(ip, special)
}
