//! Scenario suite: small single-file snapshots (`tests/fixtures/scenarios/<name>.json`), each the
//! isolated baseline mutated in one respect, analysed in-process
//! (`vpcreach analyze <file> --format json [args]`, read back as a typed report; tests/cli.rs proves
//! it equals the binary's output) and checked against verdicts derived by hand from DESIGN.md §3,
//! plus the engine decisions taken beyond it: service addresses on the public path are public IPv4
//! only; IPv6 enters the internet check only with an IPv6 address on the notebook's ENI (or an
//! undescribed ENI in a subnet with an IPv6 block); client source ports 32768–60999, NAT ports
//! 1024–65535; a routing loop drops; a private NAT never gives internet; under `nat-egress` an
//! unreachable internet is compliant too.
//!
//! It is the kind of suite an external reviewer runs: every `status` and `private` must match, and
//! `via`, `blocked_by` codes, findings, `compliant` and the exit status are checked where DESIGN fixes
//! them. Data-driven: one table (`CASES`) of the shared expectation types, checked by the shared
//! checker (tests/common/expect.rs). A case whose mismatch is an engine bug (DESIGN is right, the
//! engine is not) carries `known_engine_bug: Some("…")`: it still runs, but a mismatch is reported
//! loudly on stderr instead of failing the test.
//!
//! The fixtures are written by `tests/fixtures/scenarios/generate.py`; the expectations below are not.

mod common;
use common::expect::*;
use common::report;
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------------
// Resource IDs of the fixtures (see generate.py)
// ---------------------------------------------------------------------------------------------

const SUB_NB: &str = "subnet-0a1a1a1a1a1a1a1a1";
const SUB_NB2: &str = "subnet-0a2a2a2a2a2a2a2a2";

const S3_CIDRS_BUT_52_216: &[&str] = &["54.231.0.0/17", "3.5.16.0/21", "3.5.0.0/20"];
const ANY_V6: &[&str] = &["::/0"];

// blocked_by expectations: "CODE" or "CODE@component"
const NO_ROUTE_PRIV: &str = "NO_ROUTE_TO_DESTINATION@rtb-0b1b1b1b1b1b1b1b1";
const NO_ROUTE_PUB: &str = "NO_ROUTE_TO_DESTINATION@rtb-0c1c1c1c1c1c1c1c1";
const SG_EGRESS: &str = "ENI_SG_RULES_MISMATCH";
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
/// them in `blocked_by` of a service that is reachable on the public path (a check that may carry
/// them says so with `.tolerate(NOT_USED)`).
const NOT_USED: &[&str] = &[
    "PRIVATE_DNS_DISABLED",
    VPC_DNS,
    "ENDPOINT_NOT_AVAILABLE",
    "MISSING_VPC_ATTRIBUTES",
];

// ---------------------------------------------------------------------------------------------
// The table's shape: the shared `Case`, plus what a scenario pins down and whether the engine is
// known to miss it
// ---------------------------------------------------------------------------------------------

struct Scenario {
    case: Case,
    /// the DESIGN rule the scenario pins down
    rule: &'static str,
    /// Some(why): the engine disagrees with DESIGN here; report instead of failing
    known_engine_bug: Option<&'static str>,
}

/// `&["tests/fixtures/scenarios/<stem>.json"]`
macro_rules! fixture {
    ($stem:literal) => {
        &[concat!("tests/fixtures/scenarios/", $stem, ".json")]
    };
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
/// `ALL_SN` where the interface endpoints are unusable (VPC DNS off): each service that has one
/// says why in `blocked_by`.
const ALL_SN_ENDPOINTS_UNUSED: &[Check] = &[
    INET_SN,
    reachable("s3", "service-network", false).dst(S3_CIDRS),
    reachable("sagemaker.api", "service-network", false).tolerate(NOT_USED),
    reachable("sagemaker.runtime", "service-network", false).tolerate(NOT_USED),
    reachable("sts", "service-network", false).tolerate(NOT_USED),
    reachable("logs", "service-network", false).tolerate(NOT_USED),
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

/// The notebook `nb-a` in the notebook subnet, no findings.
const fn nb_a(checks: &'static [Check], compliant: bool) -> Nb {
    nb("nb-a", Some(SUB_NB), checks, &[], compliant)
}
const fn case(
    paths: &'static [&'static str],
    rule: &'static str,
    exit: i32,
    notebooks: &'static [Nb],
) -> Scenario {
    Scenario {
        case: Case {
            paths,
            args: &[],
            profile: "isolated",
            region: "us-east-1",
            exit,
            diagnostics: Diag::Any,
            prefix_lists: true,
            notebooks,
        },
        rule,
        known_engine_bug: None,
    }
}

impl Scenario {
    const fn args(self, args: &'static [&'static str]) -> Scenario {
        Scenario {
            case: self.case.args(args),
            ..self
        }
    }
    /// `--profile nat-egress` (and the report's `profile` says so)
    const fn nat_egress(self) -> Scenario {
        Scenario {
            case: self.case.nat_egress(),
            ..self
        }
    }
    const fn diag(self, diagnostics: Diag) -> Scenario {
        Scenario {
            case: self.case.diag(diagnostics),
            ..self
        }
    }
    /// Marks a case whose expectation follows DESIGN but the engine does not meet yet (none now).
    #[allow(dead_code)]
    const fn bug(self, why: &'static str) -> Scenario {
        Scenario {
            known_engine_bug: Some(why),
            ..self
        }
    }
    fn stem(&self) -> &'static str {
        self.case.paths[0]
            .strip_prefix("tests/fixtures/scenarios/")
            .and_then(|p| p.strip_suffix(".json"))
            .expect("a scenario fixture path")
    }
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const ALLOW_UNKNOWN: &[&str] = &["--allow-unknown"];

const CASES: &[Scenario] = &[
    // ---- baseline and notebook placement --------------------------------------------------------
    case(
        fixture!("baseline_isolated"),
        "isolated baseline: local + S3 prefix-list route only; interface endpoints with private DNS",
        0,
        &[nb_a(BASELINE_CHECKS, true)],
    )
    .diag(Diag::NoWarnings),
    case(
        fixture!("no_subnet"),
        "§3 no SubnetId: service VPC, everything via the service network; SageMaker.2 (+ .1: DIA Enabled)",
        1,
        &[nb("nb-a", None, ALL_SN, &["SageMaker.1", "SageMaker.2"], false)],
    ),
    case(
        fixture!("dia_enabled_with_endpoints"),
        "§3 DIA Enabled: non-VPC traffic via service network; interface endpoints still via the VPC; S3 not via the gateway endpoint",
        1,
        &[nb("nb-a", Some(SUB_NB), DIA_WITH_ENDPOINTS, &["SageMaker.1"], false)],
    ),
    case(
        fixture!("dia_enabled_no_endpoints"),
        "§3 DIA Enabled without endpoints: every service via the service network, not private",
        1,
        &[nb("nb-a", Some(SUB_NB), ALL_SN, &["SageMaker.1"], false)],
    ),
    case(
        fixture!("dia_enabled_sg_denies_all"),
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
        fixture!("root_access_enabled"),
        "§3/§4 RootAccess Enabled: finding SageMaker.3, which does not decide compliance",
        0,
        &[nb("nb-a", Some(SUB_NB), BASELINE_CHECKS, &["SageMaker.3"], true)],
    ),
    case(
        fixture!("two_notebooks_same_subnet"),
        "two notebooks in one subnet; DirectInternetAccess is per notebook",
        1,
        &[
            nb_a(BASELINE_CHECKS, true),
            nb("nb-b", Some(SUB_NB), DIA_WITH_ENDPOINTS, &["SageMaker.1"], false),
        ],
    ),
    // ---- internet gateways ----------------------------------------------------------------------
    case(
        fixture!("igw_route_no_public_ip"),
        "§3 a route to an IGW gives no IPv4 internet without a public IP on the ENI",
        0,
        &[nb_a(&services_private(unreachable("internet", &[NO_PUBLIC_IP])), true)],
    ),
    case(
        fixture!("igw_route_public_ip"),
        "§3 IGW route + public IP on the ENI: internet via internet-gateway; S3 still takes the more specific gateway-endpoint route",
        1,
        &[nb_a(
            &services_private(reachable("internet", "internet-gateway", false).not_dst(S3_CIDRS)),
            false,
        )],
    ),
    case(
        fixture!("igw_route_public_ip"),
        "§4 nat-egress: internet only through a NAT gateway — an IGW path fails it",
        1,
        &[nb_a(
            &services_private(reachable("internet", "internet-gateway", false).not_dst(S3_CIDRS)),
            false,
        )],
    )
    .nat_egress(),
    case(
        fixture!("igw_not_attached"),
        "§3 targets: IGW (attached, …) — a detached IGW drops",
        0,
        &[nb_a(&services_private(unreachable("internet", &[IGW_NOT_ATTACHED])), true)],
    ),
    case(
        fixture!("igw_route_eni_undescribed"),
        "§3 no public IPv4 unless NetworkInterfaces shows one: an undescribed ENI has none",
        0,
        &[nb_a(&services_private(unreachable("internet", &[NO_PUBLIC_IP])), true)],
    ),
    case(
        fixture!("igw_ipv6_route"),
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
        fixture!("sg_egress_vpc_cidr_only"),
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
        fixture!("sg_egress_prefix_list"),
        "§3 SG: destination by prefix-list ID; a NAT route exists but the SG lets nothing public out except S3",
        0,
        &[nb_a(&services_private(unreachable("internet", &[SG_EGRESS])), true)],
    ),
    case(
        fixture!("sg_egress_sg_reference"),
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
        fixture!("sg_multiple_union"),
        "§3 SG: the union of all SGs on the ENI (VPC CIDR from one, S3 prefix list from the other)",
        0,
        &[nb_a(&services_private(unreachable("internet", &[SG_EGRESS])), true)],
    ),
    case(
        fixture!("sg_egress_port80_nat"),
        "§3 SG: port range — tcp/80 anywhere gets out through the NAT; no service gets tcp/443",
        1,
        &[nb_a(
            &all_services_unreachable(reachable("internet", "nat-gateway", false), &[SG_EGRESS]),
            false,
        )],
    ),
    case(
        fixture!("sg_egress_missing_prefix_list"),
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
    .diag(Diag::Warnings)
    ,
    case(
        fixture!("sg_ref_endpoint_enis_missing"),
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
        fixture!("acl_deny_before_allow"),
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
        fixture!("acl_allow_before_deny"),
        "§3 ACL: first match — allow 100 (tcp/443 to the VPC) wins over a later deny 200",
        0,
        &[nb_a(BASELINE_CHECKS, true)],
    ),
    case(
        fixture!("acl_implicit_deny"),
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
        fixture!("acl_same_subnet_bypass"),
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
        fixture!("acl_gateway_endpoint_forward_partial"),
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
        fixture!("acl_gateway_endpoint_return"),
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
        fixture!("acl_return_ephemeral_partial"),
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
        fixture!("acl_endpoint_subnet_deny"),
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
        fixture!("rt_explicit_vs_main"),
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
        fixture!("lpm_blackhole_inside_default_nat"),
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
        fixture!("lpm_blackhole_inside_default_nat"),
        "§4 nat-egress: internet through a NAT and every service reachable → compliant",
        0,
        &[nb_a(&services_private(INET_NAT), true)],
    )
    .nat_egress(),
    case(
        fixture!("lpm_blackhole_covers_service"),
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
        fixture!("lpm_static_beats_prefix_list"),
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
        fixture!("static_beats_propagated"),
        "§3 equal length: a static 0/0 blackhole beats a propagated 0/0 → VGW (dropped, not unknown)",
        0,
        &[nb_a(&services_private(unreachable("internet", &[BLACKHOLE])), true)],
    ),
    case(
        fixture!("blackhole_missing_target"),
        "§3 edge: State blackhole drops even when its target is missing from the snapshot",
        0,
        &[nb_a(&services_private(unreachable("internet", &[BLACKHOLE])), true)],
    ),
    case(
        fixture!("active_route_missing_nat"),
        "§3 edge: an active route to a NAT missing from the snapshot is a dangling reference → unknown",
        1,
        &[nb_a(&services_private(unknown("internet", Via::Any)), false)],
    )
    .diag(Diag::Warnings),
    case(
        fixture!("active_route_missing_nat"),
        "§4 --allow-unknown lets unknown pass",
        0,
        &[nb_a(&services_private(unknown("internet", Via::Any)), true)],
    )
    .args(ALLOW_UNKNOWN)
    .diag(Diag::Warnings),
    // ---- NAT gateways ---------------------------------------------------------------------------
    case(
        fixture!("gateway_endpoint_with_nat"),
        "§3 0/0 → NAT → IGW: internet reachable; S3 addresses still take the gateway endpoint",
        1,
        &[nb_a(&services_private(INET_NAT), false)],
    ),
    case(
        fixture!("nat_pending"),
        "§3 public NAT needs State available (pending drops)",
        0,
        &[nb_a(&services_private(unreachable("internet", &[NAT_BAD_STATE])), true)],
    ),
    case(
        fixture!("nat_failed"),
        "§3 public NAT needs State available (failed drops)",
        0,
        &[nb_a(&services_private(unreachable("internet", &[NAT_BAD_STATE])), true)],
    ),
    case(
        fixture!("nat_private"),
        "§3 private NAT: no internet",
        0,
        &[nb_a(&services_private(INET_UNREACHABLE), true)],
    ),
    case(
        fixture!("nat_subnet_igw_not_attached"),
        "§3 the NAT's subnet must route to an attached IGW",
        0,
        &[nb_a(&services_private(unreachable("internet", &[IGW_NOT_ATTACHED])), true)],
    ),
    case(
        fixture!("nat_subnet_no_igw_route"),
        "§3 the NAT's own route table must lead to an IGW (here: local only)",
        0,
        &[nb_a(&services_private(unreachable("internet", &[NO_ROUTE_PUB])), true)],
    ),
    case(
        fixture!("nat_egress"),
        "§4 isolated: internet through a NAT fails the profile",
        1,
        &[nb_a(ALL_NAT, false)],
    ),
    case(
        fixture!("nat_egress"),
        "§4 nat-egress: internet only through a NAT, every service reachable → compliant",
        0,
        &[nb_a(ALL_NAT, true)],
    )
    .nat_egress(),
    case(
        fixture!("nat_subnet_acl_blocks_return"),
        "§3 NAT subnet ACL both ways: replies to NAT ports never come back; internet is forward-only",
        1,
        &[nb_a(
            &all_services_unreachable(INET_NAT, &[ACL_PUB_RET]),
            false,
        )],
    )
    .nat_egress(),
    case(
        fixture!("nat_subnet_acl_blocks_forward"),
        "§3 edge: ACLs apply to traffic to a NAT in another subnet (its inbound denies the notebook subnet)",
        1,
        &[nb_a(
            &all_services_unreachable(unreachable("internet", &[ACL_PUB_FWD]), &[ACL_PUB_FWD]),
            false,
        )],
    )
    .nat_egress(),
    case(
        fixture!("nat_return_partial"),
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
    .nat_egress(),
    case(
        fixture!("nat_route_loop"),
        "§3 a loop (NAT 1's subnet → NAT 2, NAT 2's subnet → NAT 1) is detected and drops",
        0,
        &[nb_a(&services_private(unreachable("internet", &["ROUTING_LOOP"])), true)],
    ),
    case(
        fixture!("nat_subnet_acl_egress_deny"),
        "§3 the NAT's subnet ACL both ways: its outbound admits only the VPC, so NAT → IGW is denied",
        0,
        &[nb_a(&services_private(unreachable("internet", &[ACL_PUB_FWD])), true)],
    ),
    case(
        fixture!("nat_subnet_main_table"),
        "§3 the NAT's subnet without an explicit association uses the main table (0/0 → IGW)",
        0,
        &[nb_a(&services_private(INET_NAT), true)],
    )
    .nat_egress(),
    // ---- gateway endpoints ----------------------------------------------------------------------
    case(
        fixture!("gateway_endpoint_udp_no_fallthrough"),
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
        fixture!("gateway_endpoint_pending"),
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
        fixture!("require_dynamodb_gateway"),
        "§3 DynamoDB gateway endpoint: its prefix list is the address set; each endpoint carries its own service",
        0,
        &[nb_a(
            &[
                INET_NO_ROUTE,
                S3_GW,
                reachable("dynamodb", "gateway-endpoint", true).dst(DYNAMODB_CIDRS),
            ],
            true,
        )],
    )
    .args(&["--require", "s3,dynamodb"]),
    case(
        fixture!("s3_prefix_list_missing"),
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
    .diag(Diag::Warnings)
    ,
    // ---- egress-only IGW / IPv6 -----------------------------------------------------------------
    case(
        fixture!("eigw_ipv6_eni"),
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
        fixture!("eigw_no_ipv6_on_eni"),
        "IPv6 only with an IPv6 address on the ENI: none → the ::/0 → EIGW route is irrelevant",
        0,
        &[nb_a(BASELINE_CHECKS, true)],
    ),
    case(
        fixture!("eigw_eni_undescribed"),
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
        fixture!("tgw_default_route"),
        "§3 transit gateway leaves the modelled scope → unknown, via transit-gateway",
        1,
        &[nb_a(
            &services_private(unknown("internet", Via::Is("transit-gateway"))),
            false,
        )],
    ),
    case(
        fixture!("tgw_default_route"),
        "§4 --allow-unknown lets unknown pass",
        0,
        &[nb_a(
            &services_private(unknown("internet", Via::Is("transit-gateway"))),
            true,
        )],
    )
    .args(ALLOW_UNKNOWN),
    case(
        fixture!("peering_default_route"),
        "§3 peering leaves the modelled scope → unknown, via vpc-peering",
        1,
        &[nb_a(
            &services_private(unknown("internet", Via::Is("vpc-peering"))),
            false,
        )],
    ),
    case(
        fixture!("vgw_default_route"),
        "§3 VGW leaves the modelled scope → unknown, via virtual-private-gateway",
        1,
        &[nb_a(
            &services_private(unknown("internet", Via::Is("virtual-private-gateway"))),
            false,
        )],
    ),
    case(
        fixture!("eni_target_default_route"),
        "§3 an ENI target leaves the modelled scope → unknown, via network-interface",
        1,
        &[nb_a(
            &services_private(unknown("internet", Via::Is("network-interface"))),
            false,
        )],
    ),
    case(
        fixture!("gwlb_endpoint_default_route"),
        "§3 a GWLB endpoint (vpce- in a route, but not a gateway endpoint) leaves the scope → unknown",
        1,
        &[nb_a(&services_private(unknown("internet", Via::Any)), false)],
    ),
    // ---- interface endpoints --------------------------------------------------------------------
    case(
        fixture!("endpoint_pending_acceptance"),
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
        fixture!("endpoint_private_dns_off"),
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
        fixture!("endpoint_private_dns_off_nat"),
        "§3 private DNS off with 0/0 → NAT: sts resolves publicly and goes out the NAT (not private)",
        1,
        &[nb_a(
            &[
                INET_NAT,
                S3_GW,
                API_IF,
                RUNTIME_IF,
                reachable("sts", "nat-gateway", false).tolerate(NOT_USED),
                LOGS_IF,
            ],
            false,
        )],
    ),
    case(
        fixture!("endpoint_private_dns_off_nat"),
        "§4 nat-egress: every service reachable (one via NAT) and internet via NAT → compliant",
        0,
        &[nb_a(
            &[
                INET_NAT,
                S3_GW,
                API_IF,
                RUNTIME_IF,
                reachable("sts", "nat-gateway", false).tolerate(NOT_USED),
                LOGS_IF,
            ],
            true,
        )],
    )
    .nat_egress(),
    case(
        fixture!("endpoint_in_other_vpc"),
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
        fixture!("dia_enabled_dns_off"),
        "§3 DIA Enabled + enableDnsHostnames false: endpoints unusable, public names leave via the service network",
        1,
        &[nb(
            "nb-a",
            Some(SUB_NB),
            ALL_SN_ENDPOINTS_UNUSED,
            &["SageMaker.1"],
            false,
        )],
    ),
    case(
        fixture!("vpc_dns_hostnames_false"),
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
        fixture!("vpc_dns_support_false"),
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
        fixture!("vpc_attributes_missing"),
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
        fixture!("vpc_attribute_hostnames_missing"),
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
        fixture!("endpoint_sg_other_cidr"),
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
        fixture!("endpoint_sg_notebook_cidr"),
        "§3 endpoint SG ingress by CIDR covering the notebook ENI's address",
        0,
        &[nb_a(BASELINE_CHECKS, true)],
    ),
    case(
        fixture!("endpoint_sg_cidr_eni_undescribed"),
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
        fixture!("endpoint_enis_missing"),
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
        fixture!("require_ecr_api"),
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
        fixture!("baseline_isolated"),
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

/// Every case of the table, on two threads; known engine bugs are reported, not failed.
#[test]
fn scenarios() {
    let results = par_map(CASES, |c| case_mismatches(&c.case));
    assert_eq!(results.len(), CASES.len(), "every case ran");
    let mut failed = Vec::new();
    for (c, errs) in CASES.iter().zip(results) {
        let cmd = report::cmdline(c.case.paths, c.case.args);
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
    let in_table: BTreeSet<String> = CASES.iter().map(|c| c.stem().to_string()).collect();
    let no_case: Vec<_> = on_disk.difference(&in_table).collect();
    let no_file: Vec<_> = in_table.difference(&on_disk).collect();
    assert!(
        no_case.is_empty() && no_file.is_empty(),
        "fixtures without a case: {no_case:?}; cases without a fixture: {no_file:?}"
    );
}
