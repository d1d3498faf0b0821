//! Real AWS snapshots from Batfish's test suite (tests/fixtures/batfish/, Apache-2.0, all 20 of
//! them), each with one notebook placed on every EC2 instance's primary ENI (`notebooks.json`, ours).
//! The verdicts asserted here are those that follow, by DESIGN.md §3 and issue 7, from the outcomes
//! Batfish's own tests state for these networks (tests/fixtures/batfish/README.md has one section per
//! snapshot, with the Java test each outcome comes from). Rules the expectations rest on:
//!
//! - Traffic that reaches a transit gateway, peering connection, virtual private gateway, … leaves the
//!   modelled scope: `unknown`, naming the component (never `unreachable`).
//! - Service checks need the VPC's DNS attributes (DESIGN §3 "DNS decides the address set"): where
//!   the snapshot has no `VpcAttributes` for the notebook's VPC, EVERY service check is `unknown`
//!   (`MISSING_VPC_ATTRIBUTES`), S3 through a gateway endpoint included. Where a Terraform file beside
//!   the snapshot states the VPC's DNS settings, our `vpc_attributes.json` records them.
//! - No `DhcpOptions` in a snapshot → AmazonProvidedDNS is assumed (an info diagnostic, not unknown).
//! - S3 addresses come from the AWS-managed prefix list in `PrefixLists`; without it S3 is `unknown`.
//! - A tree with several regions gives one JSON report per region (a stream, sorted by region);
//!   copies of one resource in several accounts' files that differ only in tags/owner views merge.
//!
//! Batfish test files are under `projects/batfish/src/test/java/org/batfish/representation/aws/`
//! (github.com/batfish/batfish, commit cba1873); comments below name them by file name.
//!
//! The reports are produced in-process and read as typed data (tests/cli.rs proves they equal the
//! binary's output); the expectation types and the checker live in tests/common/expect.rs (shared
//! with tests/samples.rs and tests/scenarios.rs). Snapshots without a notebook are also run through
//! the binary, whose exit status 2 and message are the command line's behaviour.

mod common;
use common::expect::*;
use common::report;

use std::path::Path;

const FIXTURES: &str = "tests/fixtures/batfish";

/// The default required services (every check but `internet`).
const SERVICES: &[&str] = &["s3", "sagemaker.api", "sagemaker.runtime", "sts", "logs"];

/// The snapshot has no `VpcAttributes` for any VPC: every service check of every notebook is
/// `unknown` with this code (issue 7 item 3, DESIGN §3).
const DNS_ATTRIBUTES_MISSING: &[Because] = &[Because {
    notebook: "*",
    checks: SERVICES,
    codes: &["MISSING_VPC_ATTRIBUTES"],
}];

/// `internet` as given; every default service check `unknown` (the VPC's DNS attributes are missing).
macro_rules! services_unknown {
    ($internet:expr) => {
        &[
            $internet,
            unknown("s3", Via::Any),
            unknown("sagemaker.api", Via::Any),
            unknown("sagemaker.runtime", Via::Any),
            unknown("sts", Via::Any),
            unknown("logs", Via::Any),
        ]
    };
}

/// Every check `reachable` through the internet gateway (public IP on the ENI, 0.0.0.0/0 → IGW, no
/// endpoints); S3's witness must lie in the region's S3 prefix list.
macro_rules! all_via_igw {
    ($s3_cidrs:expr) => {
        &[
            reachable("internet", "internet-gateway", false),
            reachable("s3", "internet-gateway", false).dst($s3_cidrs),
            reachable("sagemaker.api", "internet-gateway", false),
            reachable("sagemaker.runtime", "internet-gateway", false),
            reachable("sts", "internet-gateway", false),
            reachable("logs", "internet-gateway", false),
        ]
    };
}

/// Every check `unreachable`, blocked by the given code@component.
macro_rules! all_blocked {
    ($b:expr) => {
        &[
            unreachable("internet", $b),
            unreachable("s3", $b),
            unreachable("sagemaker.api", $b),
            unreachable("sagemaker.runtime", $b),
            unreachable("sts", $b),
            unreachable("logs", $b),
        ]
    };
}

const US_EAST_2_S3: &[&str] = &[
    "52.219.80.0/20",
    "3.5.128.0/22",
    "3.5.132.0/23",
    "52.219.96.0/20",
    "52.92.76.0/22",
];
const US_WEST_1_S3: &[&str] = &[
    "52.219.20.0/22",
    "54.231.232.0/21",
    "52.219.120.0/22",
    "52.219.24.0/21",
    "52.219.112.0/21",
    "52.92.48.0/22",
];

/// A notebook in `subnet`, without findings, not compliant (no Batfish network is isolated).
const fn nb(name: &'static str, subnet: &'static str, checks: &'static [Check]) -> Nb {
    common::expect::nb(name, Some(subnet), checks, &[], false)
}

/// One report, in `region`, no `unknown_because` beyond the generic rule (see `check_because`).
const fn region_report(region: &'static str, notebooks: &'static [Nb]) -> RegionReport {
    RegionReport {
        region,
        diagnostics: Diag::Any,
        prefix_lists: false,
        notebooks,
        because: &[],
    }
}

// ================================================================================================
// The six first snapshots
// ================================================================================================

// ---- test-vpc-endpoint-gateway (us-east-1; our vpc_attributes.json from setup.tf) ----------------
// AwsConfigurationVpcEndpointGatewayTest: private instance → 52.216.237.77 tcp/443 (S3 prefix list)
// delivered via vpce-0b7357542bb7b83ec both ways; public instance → the same via the endpoint too;
// private instance → 54.222.57.1 tcp/443 NO_ROUTE in the private subnet; public instance → 54.222.57.1
// out through igw-0c8afe4471084ccba and back. setup.tf: enable_dns_support/hostnames = true.

const GW_PRIVATE_RTB: &str = "NO_ROUTE_TO_DESTINATION@rtb-04f71fc2caa8d94cf";

const VPC_ENDPOINT_GATEWAY: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-vpc-endpoint-gateway"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-1",
        diagnostics: Diag::Any,
        prefix_lists: true,
        notebooks: &[
            nb(
                "nb-private-web01",
                "subnet-01e5f0945f6d6f47c",
                &[
                    unreachable("internet", &[GW_PRIVATE_RTB]),
                    reachable("s3", "gateway-endpoint", true),
                    unreachable("sagemaker.api", &[GW_PRIVATE_RTB]),
                    unreachable("sagemaker.runtime", &[GW_PRIVATE_RTB]),
                    unreachable("sts", &[GW_PRIVATE_RTB]),
                    unreachable("logs", &[GW_PRIVATE_RTB]),
                ],
            ),
            nb(
                "nb-public-web01",
                "subnet-04391f04b912d0a73",
                &[
                    reachable("internet", "internet-gateway", false),
                    reachable("s3", "gateway-endpoint", true),
                    reachable("sagemaker.api", "internet-gateway", false),
                    reachable("sagemaker.runtime", "internet-gateway", false),
                    reachable("sts", "internet-gateway", false),
                    reachable("logs", "internet-gateway", false),
                ],
            ),
        ],
        because: &[],
    }],
};

/// The same snapshot without our vpc_attributes.json: whether any AWS name resolves depends on the
/// missing enableDnsSupport → every service `unknown`, S3 through the gateway endpoint included
/// (issue 7: "missing DNS attributes now make gateway-endpoint S3 unknown too").
const VPC_ENDPOINT_GATEWAY_NO_DNS_ATTRIBUTES: StreamCase = StreamCase {
    paths: &[
        "tests/fixtures/batfish/test-vpc-endpoint-gateway/aws_configs",
        "tests/fixtures/batfish/test-vpc-endpoint-gateway/notebooks.json",
    ],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-1",
        diagnostics: Diag::NonEmpty,
        prefix_lists: true,
        notebooks: &[
            nb(
                "nb-private-web01",
                "subnet-01e5f0945f6d6f47c",
                services_unknown!(unreachable("internet", &[GW_PRIVATE_RTB])),
            ),
            nb(
                "nb-public-web01",
                "subnet-04391f04b912d0a73",
                services_unknown!(reachable("internet", "internet-gateway", false)),
            ),
        ],
        because: DNS_ATTRIBUTES_MISSING,
    }],
};

// ---- test-vpc-endpoint-interface (us-east-1; our vpc_attributes.json from setup.tf) --------------
// AwsConfigurationVpcEndpointInterfaceTest: both instances reach the cloudtrail endpoint ENI
// 10.1.101.97 on tcp/443, both directions (one from the endpoint's own subnet, one through the VPC).

const CLOUDTRAIL_ENI: &[&str] = &["10.1.101.97/32"];

const VPC_ENDPOINT_INTERFACE: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-vpc-endpoint-interface"],
    args: &["--require", "cloudtrail,s3,sts"],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-1",
        diagnostics: Diag::Any,
        prefix_lists: true,
        notebooks: &[
            nb(
                "nb-private-web01",
                "subnet-0bb8615d8368ece31",
                &[
                    unreachable("internet", &[NO_PUBLIC_IP]),
                    reachable("cloudtrail", "interface-endpoint", true).dst(CLOUDTRAIL_ENI),
                    unreachable("s3", &[NO_PUBLIC_IP]),
                    unreachable("sts", &[NO_PUBLIC_IP]),
                ],
            ),
            nb(
                "nb-public-web01",
                "subnet-0611b848137c513d1",
                &[
                    reachable("internet", "internet-gateway", false),
                    reachable("cloudtrail", "interface-endpoint", true).dst(CLOUDTRAIL_ENI),
                    reachable("s3", "internet-gateway", false),
                    reachable("sts", "internet-gateway", false),
                ],
            ),
        ],
        because: &[],
    }],
};

/// The same snapshot without our vpc_attributes.json: every service check `unknown`
/// (MISSING_VPC_ATTRIBUTES), not a guess (DESIGN §3).
const VPC_ENDPOINT_INTERFACE_NO_DNS_ATTRIBUTES: StreamCase = StreamCase {
    paths: &[
        "tests/fixtures/batfish/test-vpc-endpoint-interface/aws_configs",
        "tests/fixtures/batfish/test-vpc-endpoint-interface/notebooks.json",
    ],
    args: &["--require", "cloudtrail,s3,sts"],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-1",
        diagnostics: Diag::NonEmpty,
        prefix_lists: true,
        notebooks: &[
            nb(
                "nb-private-web01",
                "subnet-0bb8615d8368ece31",
                &[
                    unreachable("internet", &[NO_PUBLIC_IP]),
                    unknown("cloudtrail", Via::Any),
                    unknown("s3", Via::Any),
                    unknown("sts", Via::Any),
                ],
            ),
            nb(
                "nb-public-web01",
                "subnet-0611b848137c513d1",
                &[
                    reachable("internet", "internet-gateway", false),
                    unknown("cloudtrail", Via::Any),
                    unknown("s3", Via::Any),
                    unknown("sts", Via::Any),
                ],
            ),
        ],
        because: &[Because {
            notebook: "*",
            checks: &["cloudtrail", "s3", "sts"],
            codes: &["MISSING_VPC_ATTRIBUTES"],
        }],
    }],
};

// ---- test-nat-gateway (us-east-2, no PrefixLists; our vpc_attributes.json from the .tf) -----------
// AwsConfigurationNatGatewayTest: test1 → 8.8.8.8 tcp/80 out through nat-07ab4846da51f4612, its
// subnet, then igw-071753b9c23d8a9b2, and back (testInstanceToInternet_bidirectional). The jump host
// and test20 are not traced by Batfish; their verdicts follow from their route tables (public subnet
// 0.0.0.0/0 → IGW with a public IP; main table `local` only). nat-gateway-test.tf: DNS support and
// hostnames true.

const NAT_MAIN_RTB: &str = "NO_ROUTE_TO_DESTINATION@rtb-0e169c4a1e0b27b55";

const NAT_GATEWAY: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-nat-gateway"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-2",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &[
            nb(
                "nb-test1",
                "subnet-06f469bcee42e408e",
                &[
                    reachable("internet", "nat-gateway", false),
                    unknown("s3", Via::Any),
                    reachable("sagemaker.api", "nat-gateway", false),
                    reachable("sagemaker.runtime", "nat-gateway", false),
                    reachable("sts", "nat-gateway", false),
                    reachable("logs", "nat-gateway", false),
                ],
            ),
            nb(
                "nb-jump-host",
                "subnet-0428892a357fa1f94",
                &[
                    reachable("internet", "internet-gateway", false),
                    unknown("s3", Via::Any),
                    reachable("sagemaker.api", "internet-gateway", false),
                    reachable("sagemaker.runtime", "internet-gateway", false),
                    reachable("sts", "internet-gateway", false),
                    reachable("logs", "internet-gateway", false),
                ],
            ),
            nb(
                "nb-test20",
                "subnet-02ff259e663e9613e",
                &[
                    unreachable("internet", &[NAT_MAIN_RTB]),
                    unknown("s3", Via::Any),
                    unreachable("sagemaker.api", &[NAT_MAIN_RTB]),
                    unreachable("sagemaker.runtime", &[NAT_MAIN_RTB]),
                    unreachable("sts", &[NAT_MAIN_RTB]),
                    unreachable("logs", &[NAT_MAIN_RTB]),
                ],
            ),
        ],
        because: &[],
    }],
};

// ---- test-public-private-subnet (AWS "VPC scenario 3", us-east-2, no PrefixLists, no DNS attrs) ---
// AwsConfigurationPublicPrivateSubnetTest.testToInternet: public instance → 8.8.8.8 EXITS_NETWORK via
// igw-0eac198308206c358; private instance → 8.8.8.8 goes to vgw-070087240d6fa2989 (NO_ROUTE there):
// it leaves the modelled scope through a VGW → unknown naming it.

const VGW: Via = Via::Is("virtual-private-gateway");

const PUBLIC_PRIVATE_NOTEBOOKS: [Nb; 2] = [
    nb(
        "nb-public",
        "subnet-0cf7a93fbd779f3a3",
        services_unknown!(reachable("internet", "internet-gateway", false)),
    ),
    nb(
        "nb-private",
        "subnet-0f263105946ad1a1d",
        services_unknown!(unknown("internet", VGW)),
    ),
];

const PUBLIC_PRIVATE_BECAUSE: &[Because] = &[
    DNS_ATTRIBUTES_MISSING[0],
    Because {
        notebook: "nb-private",
        checks: &["internet"],
        codes: &["LEAVES_MODELLED_SCOPE@vgw-070087240d6fa2989"],
    },
];

const PUBLIC_PRIVATE_SUBNET: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-public-private-subnet"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-2",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &PUBLIC_PRIVATE_NOTEBOOKS,
        because: PUBLIC_PRIVATE_BECAUSE,
    }],
};

/// With `--allow-unknown`, the private notebook (only unknowns, no findings) passes `isolated`.
const PUBLIC_PRIVATE_SUBNET_ALLOW_UNKNOWN: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-public-private-subnet"],
    args: &["--allow-unknown"],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-2",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &[
            Nb {
                compliant: false,
                ..PUBLIC_PRIVATE_NOTEBOOKS[0]
            },
            Nb {
                compliant: true,
                ..PUBLIC_PRIVATE_NOTEBOOKS[1]
            },
        ],
        because: PUBLIC_PRIVATE_BECAUSE,
    }],
};

// ---- test-public-subnet (AWS "VPC scenario 1", us-east-2, no PrefixLists, no DNS attrs) -----------
// AwsConfigurationPublicSubnetTest.testToInternet: the instance → 8.8.8.8 EXITS_NETWORK through
// igw-0a409e562d251f766, source NAT 10.0.0.91 → 18.216.80.133 (its public IP).

const PUBLIC_SUBNET: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-public-subnet"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-2",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &[nb(
            "nb-public",
            "subnet-0bb82ae8b3ea5dc78",
            services_unknown!(reachable("internet", "internet-gateway", false)),
        )],
        because: DNS_ATTRIBUTES_MISSING,
    }],
};

// ---- test-subnet (a bare subnet: main route table with `local` only, us-east-2, no DNS attrs) -----
// AwsConfigurationSubnetTest.testInstanceToOutsideSubnet: instance 1 → 10.10.0.1 is NULL_ROUTED at
// the VPC router (nothing beyond the VPC); instance → instance is direct, denied by the SG.

const BARE_RTB: &str = "NO_ROUTE_TO_DESTINATION@rtb-07243bb4843d61c35";

const SUBNET: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-subnet"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-2",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &[
            nb(
                "nb-host-228",
                "subnet-06c8307e34ffadb04",
                services_unknown!(unreachable("internet", &[BARE_RTB])),
            ),
            nb(
                "nb-host-44",
                "subnet-06c8307e34ffadb04",
                services_unknown!(unreachable("internet", &[BARE_RTB])),
            ),
        ],
        because: DNS_ATTRIBUTES_MISSING,
    }],
};

// ================================================================================================
// The fourteen further snapshots
// ================================================================================================

// ---- test (us-west-2; no RouteTables, no InternetGateways, no DNS attrs) ---------------------------
// RdsInstanceTest / ElasticsearchDomainTest load it and assert topology and security-group ACL
// contents only (no flow). The snapshot has no route tables at all, and test-instance's SG
// sg-331ad04e is not in SecurityGroups: which way anything leaves is missing data → every check
// `unknown` (DESIGN §1: missing data makes the affected verdicts unknown).

const TEST: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-west-2",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &[
            nb(
                "nb-test-instance",
                "subnet-073b8061",
                services_unknown!(unknown("internet", Via::Any)),
            ),
            nb(
                "nb-test-host",
                "subnet-b26c24fa",
                services_unknown!(unknown("internet", Via::Any)),
            ),
        ],
        because: DNS_ATTRIBUTES_MISSING,
    }],
};

// ---- test-direct-connect-gateway (us-east-1; no PrefixLists, no DNS attrs) -------------------------
// AwsConfigurationDirectConnectTest.testFromInstanceToOnPrem: i-dx01 → 10.10.0.1 goes subnet-dx01,
// vpc-dx01, tgw-dx01, the DX gateway, the on-prem router: ACCEPTED. The subnet's only way out
// (0.0.0.0/0) is the transit gateway → internet `unknown` via transit-gateway, naming tgw-dx01.

const DIRECT_CONNECT_NOTEBOOKS: [Nb; 1] = [nb(
    "nb-dx-test-instance",
    "subnet-dx01",
    services_unknown!(unknown("internet", Via::Is("transit-gateway"))),
)];

const DIRECT_CONNECT_BECAUSE: &[Because] = &[
    DNS_ATTRIBUTES_MISSING[0],
    Because {
        notebook: "nb-dx-test-instance",
        checks: &["internet"],
        codes: &["LEAVES_MODELLED_SCOPE@tgw-dx01"],
    },
];

const DIRECT_CONNECT_GATEWAY: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-direct-connect-gateway"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-1",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &DIRECT_CONNECT_NOTEBOOKS,
        because: DIRECT_CONNECT_BECAUSE,
    }],
};

/// With `--allow-unknown` the notebook (only unknowns, no findings) passes `isolated`: exit 0.
const DIRECT_CONNECT_GATEWAY_ALLOW_UNKNOWN: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-direct-connect-gateway"],
    args: &["--allow-unknown"],
    profile: "isolated",
    exit: 0,
    reports: &[RegionReport {
        region: "us-east-1",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &[Nb {
            compliant: true,
            ..DIRECT_CONNECT_NOTEBOOKS[0]
        }],
        because: DIRECT_CONNECT_BECAUSE,
    }],
};

// ---- test-direct-connect-private-vif (us-east-1; no PrefixLists, no DNS attrs) ---------------------
// AwsConfigurationDirectConnectPrivateVifTest.testInstanceToOnPremPrefersHighDxCommunity: i-priv01 →
// 10.20.0.1 goes subnet-priv01, vpc-priv01, vgw-priv01, onprem-high: ACCEPTED. 0.0.0.0/0 → the VGW
// → internet `unknown` via virtual-private-gateway, naming vgw-priv01.

const DIRECT_CONNECT_PRIVATE_VIF: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-direct-connect-private-vif"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-1",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &[nb(
            "nb-priv-instance",
            "subnet-priv01",
            services_unknown!(unknown("internet", VGW)),
        )],
        because: &[
            DNS_ATTRIBUTES_MISSING[0],
            Because {
                notebook: "nb-priv-instance",
                checks: &["internet"],
                codes: &["LEAVES_MODELLED_SCOPE@vgw-priv01"],
            },
        ],
    }],
};

// ---- test-load-balancer (us-east-2, us-east-2 PrefixLists; our vpc_attributes.json from the .tf) ---
// AwsConfigurationLoadBalancerTest: the jump host (client, public subnet) reaches both NLB IPs on
// tcp/80 and the servers behind them, both directions, all inside vpc-015b20578b48c1349 (`local`);
// a non-listened port is DENIED_IN at the NLB. No flow leaves the VPC in Batfish's tests; the
// verdicts follow from the route tables: the public subnet 0.0.0.0/0 → igw-009e7cccf82ddbc66 (jump
// host has public IP 3.17.39.193), the servers' subnets use the main table (`local` only).
// load-balancer-test.tf: DNS support and hostnames true.

const LB_MAIN_RTB: &[&str] = &["NO_ROUTE_TO_DESTINATION@rtb-08a3882c161001ceb"];

const LOAD_BALANCER: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-load-balancer"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[region_report(
        "us-east-2",
        &[
            nb(
                "nb-jump-host",
                "subnet-065a3676df7fa9fd9",
                all_via_igw!(US_EAST_2_S3),
            ),
            nb(
                "nb-test1",
                "subnet-090fe152cd18ced20",
                all_blocked!(LB_MAIN_RTB),
            ),
            nb(
                "nb-test20",
                "subnet-0873d71031a560a88",
                all_blocked!(LB_MAIN_RTB),
            ),
        ],
    )],
};

// ---- test-transit-gateway (us-east-2; no PrefixLists, no DNS attrs) --------------------------------
// AwsConfigurationTransitGatewayTest: A → B and B → A cross tgw-044be4464fcc69aff (DENIED_IN at the
// far instance's SG); A2 → B is NULL_ROUTED at subnet A2 (no TGW attachment in its AZ); B → A2
// reaches A2. VPC A's main table routes only 192.168.0.0/16 (private) to the TGW and has no default
// route → internet unreachable (no route) for A and A2; VPC B's main table 0.0.0.0/0 → IGW and B has
// public IP 3.136.41.161 → internet reachable. The TGW route carries no internet-set address.

const TGW_A_RTB: &[&str] = &["NO_ROUTE_TO_DESTINATION@rtb-0891861fffaea6d52"];

const TGW_NOTEBOOKS: [Nb; 3] = [
    nb(
        "nb-a",
        "subnet-006a19c846f047bd7",
        services_unknown!(unreachable("internet", TGW_A_RTB)),
    ),
    nb(
        "nb-a2",
        "subnet-0b5b8ddd5a69fcfcd",
        services_unknown!(unreachable("internet", TGW_A_RTB)),
    ),
    nb(
        "nb-b",
        "subnet-0ebf6378a79a3e534",
        services_unknown!(reachable("internet", "internet-gateway", false)),
    ),
];

const TRANSIT_GATEWAY: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-transit-gateway"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-2",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &TGW_NOTEBOOKS,
        because: DNS_ATTRIBUTES_MISSING,
    }],
};

// ---- test-transit-gateway-multi-table (us-east-2; no PrefixLists, no DNS attrs) --------------------
// AwsConfigurationTransitGatewayMultiTableTest: A → B and B → A cross tgw-044be4464fcc69aff with two
// TGW route tables (DENIED_IN at the far SG). The VPC route tables, SGs and ACLs the notebooks see
// are those of test-transit-gateway → the same verdicts.

const TRANSIT_GATEWAY_MULTI_TABLE: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-transit-gateway-multi-table"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-2",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &TGW_NOTEBOOKS,
        because: DNS_ATTRIBUTES_MISSING,
    }],
};

// ---- test-transit-gateway-asymmetric-paths (us-east-1 PrefixLists; vpc_attributes.json from setup.tf)
// AwsConfigurationTransitGatewayAsymmetricPathsTest: bat → fish crosses tgw-01e19888e3ba041ac, fish →
// bat crosses tgw-0a33c739a4f8978a8 (DENIED_IN at the far SG). Both subnets route 0.0.0.0/0 to their
// IGW and both instances have public IPs; the TGW routes cover only 10.1/16 and 10.2/16 (private) →
// every check reachable through the IGW, nothing undecided.

const TRANSIT_GATEWAY_ASYMMETRIC_PATHS: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-transit-gateway-asymmetric-paths"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-1",
        diagnostics: Diag::Any,
        prefix_lists: true,
        notebooks: &[
            nb(
                "nb-bat-web01",
                "subnet-0156c57e17070dd17",
                all_via_igw!(S3_CIDRS),
            ),
            nb(
                "nb-fish-web01",
                "subnet-0b7957a706be58c47",
                all_via_igw!(S3_CIDRS),
            ),
        ],
        because: &[],
    }],
};

// ---- test-transit-gateway-multi-account (us-east-1, two accounts; no ACLs, no IGWs, no DNS attrs) --
// AwsConfigurationTransitGatewayMultiAccountTest: A → B and B → A tcp/22 ACCEPTED across the shared
// tgw-0efdeab79e9a8e490. Its copies in the two accounts' TransitGateways.json differ only in Tags →
// one resource, the tree loads. The subnets' 0.0.0.0/0 routes name IGWs absent from the snapshot
// (no InternetGateways.json): an active route to a missing target is a dangling reference →
// internet `unknown` naming the IGW (the TGW route covers only private space).

const TRANSIT_GATEWAY_MULTI_ACCOUNT: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-transit-gateway-multi-account"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-1",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &[
            nb(
                "nb-bat-web01",
                "subnet-0a68915f31d3ca69f",
                services_unknown!(unknown("internet", Via::Any)),
            ),
            nb(
                "nb-fish-web01",
                "subnet-0c2cb08833b3c9921",
                services_unknown!(unknown("internet", Via::Any)),
            ),
        ],
        because: &[
            DNS_ATTRIBUTES_MISSING[0],
            Because {
                notebook: "nb-bat-web01",
                checks: &["internet"],
                codes: &["DANGLING_REFERENCE@igw-06754039f5006fdfe"],
            },
            Because {
                notebook: "nb-fish-web01",
                checks: &["internet"],
                codes: &["DANGLING_REFERENCE@igw-01cc5d1eeebd9a80f"],
            },
        ],
    }],
};

// ---- test-transit-gateway-peering (two accounts, two regions; vpc_attributes.json from setup.tf) ---
// AwsConfigurationTransitGatewayPeeringTest: bat → fish NO_ROUTE at tgw-bat (missing static route);
// bat2 → fish crosses both TGWs over the peering attachment (DENIED_IN at fish); fish → bat NO_ROUTE
// at tgw-fish; fish → bat2 NO_ROUTE at tgw-bat. All of that is private space via TGWs; each subnet
// routes 0.0.0.0/0 to its own IGW and each instance has a public IP → everything reachable through
// the IGW. The tree spans us-east-1 and us-west-1 → two reports, each judged with its own region's
// service names and S3 prefix list.

const TRANSIT_GATEWAY_PEERING: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-transit-gateway-peering"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[
        RegionReport {
            region: "us-east-1",
            diagnostics: Diag::Any,
            prefix_lists: true,
            notebooks: &[
                nb("nb-bat", "subnet-06818d8a511df9b3d", all_via_igw!(S3_CIDRS)),
                nb(
                    "nb-bat2",
                    "subnet-0934a46c6eb5542d9",
                    all_via_igw!(S3_CIDRS),
                ),
            ],
            because: &[],
        },
        region_report(
            "us-west-1",
            &[nb(
                "nb-fish",
                "subnet-0080bd39fe3626e89",
                all_via_igw!(US_WEST_1_S3),
            )],
        ),
    ],
};

// ---- test-vpc-peering (us-east-2; no PrefixLists, no IGWs, no DNS attrs) ---------------------------
// AwsConfigurationVpcPeeringTest: A → B and B → A cross the peering (DENIED_IN at the far SG); A →
// 192.168.100.1 NO_ROUTE at subnet A; B → 10.10.100.1 NULL_ROUTED in VPC A. Peering routes cover only
// private space. A and C have no default route → internet unreachable (no route); B's 0.0.0.0/0 →
// igw-0a2c9ae201b441bff is a `blackhole` (authoritative even though the IGW is absent) → unreachable.

const VPC_PEERING: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-vpc-peering"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-2",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &[
            nb(
                "nb-a",
                "subnet-006a19c846f047bd7",
                services_unknown!(unreachable(
                    "internet",
                    &["NO_ROUTE_TO_DESTINATION@rtb-0891861fffaea6d52"]
                )),
            ),
            nb(
                "nb-b",
                "subnet-0ebf6378a79a3e534",
                services_unknown!(unreachable(
                    "internet",
                    &["BAD_STATE_ROUTE@rtb-017c36290c9baf017"]
                )),
            ),
            nb(
                "nb-c",
                "subnet-0af94b59d214ff20a",
                services_unknown!(unreachable(
                    "internet",
                    &["NO_ROUTE_TO_DESTINATION@rtb-0890ea815555d4457"]
                )),
            ),
        ],
        because: DNS_ATTRIBUTES_MISSING,
    }],
};

// ---- test-vpc-peering-multi-account (us-east-1, two accounts; no ACLs, no IGWs, no DNS attrs) ------
// AwsConfigurationVpcPeeringCrossAccountTest: A → B and B → A tcp/22 ACCEPTED across
// pcx-0040f7640e10191f4. Its copies in the two accounts differ only in Tags and in which side carries
// PeeringOptions (owner view) → one resource, the tree loads. 0.0.0.0/0 → IGWs absent from the
// snapshot → internet `unknown`, naming the IGW (dangling reference).

const VPC_PEERING_MULTI_ACCOUNT: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-vpc-peering-multi-account"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-1",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &[
            nb(
                "nb-bat-web01",
                "subnet-03a80d08017ee39ef",
                services_unknown!(unknown("internet", Via::Any)),
            ),
            nb(
                "nb-fish-web01",
                "subnet-088d6408a3a6129fa",
                services_unknown!(unknown("internet", Via::Any)),
            ),
        ],
        because: &[
            DNS_ATTRIBUTES_MISSING[0],
            Because {
                notebook: "nb-bat-web01",
                checks: &["internet"],
                codes: &["DANGLING_REFERENCE@igw-0ccac11864b23b189"],
            },
            Because {
                notebook: "nb-fish-web01",
                checks: &["internet"],
                codes: &["DANGLING_REFERENCE@igw-040de946422fc9672"],
            },
        ],
    }],
};

// ---- test-vpn-gateway (us-east-2; no PrefixLists, no DNS attrs) ------------------------------------
// AwsConfigurationVpnGatewayTest.testToOnPrem: the instance → 8.8.8.8 goes subnet, VPC,
// vgw-0c09bd7fadac961bf, the on-prem router (which announces a default; NO_ROUTE there). The VGW is
// the subnet's only way out → internet `unknown` via virtual-private-gateway, naming it.

const VPN_GATEWAY: StreamCase = StreamCase {
    paths: &["tests/fixtures/batfish/test-vpn-gateway"],
    args: &[],
    profile: "isolated",
    exit: 1,
    reports: &[RegionReport {
        region: "us-east-2",
        diagnostics: Diag::NonEmpty,
        prefix_lists: false,
        notebooks: &[nb(
            "nb-private",
            "subnet-0f263105946ad1a1d",
            services_unknown!(unknown("internet", VGW)),
        )],
        because: &[
            DNS_ATTRIBUTES_MISSING[0],
            Because {
                notebook: "nb-private",
                checks: &["internet"],
                codes: &["LEAVES_MODELLED_SCOPE@vgw-0c09bd7fadac961bf"],
            },
        ],
    }],
};

// ---- Snapshots without EC2 instances: no notebook can be placed --------------------------------
// AwcConfigurationMultiAccountTest (test-multi-account): both VPCs (accounts 111/us-west-1 and
// 222/us-west-2) are loaded. AwsConfigurationDirectConnectMultiRegionTest
// (test-direct-connect-gateway-multi-region): the DX gateway is wired to both regions' TGWs. Neither
// has an instance, so neither gets a notebook: `analyze` must fail closed (exit 2, naming keys found).

/// (snapshot, a key the exit-2 message must name)
const NO_NOTEBOOK: &[(&str, &str)] = &[
    ("test-multi-account", "Vpcs"),
    (
        "test-direct-connect-gateway-multi-region",
        "TransitGateways",
    ),
];

/// Every snapshot directory of tests/fixtures/batfish (Batfish's 20).
const ALL_SNAPSHOTS: &[&str] = &[
    "test",
    "test-direct-connect-gateway",
    "test-direct-connect-gateway-multi-region",
    "test-direct-connect-private-vif",
    "test-load-balancer",
    "test-multi-account",
    "test-nat-gateway",
    "test-public-private-subnet",
    "test-public-subnet",
    "test-subnet",
    "test-transit-gateway",
    "test-transit-gateway-asymmetric-paths",
    "test-transit-gateway-multi-account",
    "test-transit-gateway-multi-table",
    "test-transit-gateway-peering",
    "test-vpc-endpoint-gateway",
    "test-vpc-endpoint-interface",
    "test-vpc-peering",
    "test-vpc-peering-multi-account",
    "test-vpn-gateway",
];

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn batfish_vpc_endpoint_gateway() {
    check_stream(&VPC_ENDPOINT_GATEWAY);
}

#[test]
fn batfish_vpc_endpoint_gateway_without_dns_attributes_is_unknown() {
    check_stream(&VPC_ENDPOINT_GATEWAY_NO_DNS_ATTRIBUTES);
}

#[test]
fn batfish_vpc_endpoint_interface() {
    check_stream(&VPC_ENDPOINT_INTERFACE);
}

#[test]
fn batfish_vpc_endpoint_interface_without_dns_attributes_is_unknown() {
    check_stream(&VPC_ENDPOINT_INTERFACE_NO_DNS_ATTRIBUTES);
}

#[test]
fn batfish_nat_gateway() {
    check_stream(&NAT_GATEWAY);
}

#[test]
fn batfish_public_private_subnet() {
    check_stream(&PUBLIC_PRIVATE_SUBNET);
}

#[test]
fn batfish_public_private_subnet_allow_unknown() {
    check_stream(&PUBLIC_PRIVATE_SUBNET_ALLOW_UNKNOWN);
}

#[test]
fn batfish_public_subnet() {
    check_stream(&PUBLIC_SUBNET);
}

#[test]
fn batfish_subnet() {
    check_stream(&SUBNET);
}

#[test]
fn batfish_test() {
    check_stream(&TEST);
}

#[test]
fn batfish_direct_connect_gateway() {
    check_stream(&DIRECT_CONNECT_GATEWAY);
}

#[test]
fn batfish_direct_connect_gateway_allow_unknown() {
    check_stream(&DIRECT_CONNECT_GATEWAY_ALLOW_UNKNOWN);
}

#[test]
fn batfish_direct_connect_private_vif() {
    check_stream(&DIRECT_CONNECT_PRIVATE_VIF);
}

#[test]
fn batfish_load_balancer() {
    check_stream(&LOAD_BALANCER);
}

#[test]
fn batfish_transit_gateway() {
    check_stream(&TRANSIT_GATEWAY);
}

#[test]
fn batfish_transit_gateway_multi_table() {
    check_stream(&TRANSIT_GATEWAY_MULTI_TABLE);
}

#[test]
fn batfish_transit_gateway_asymmetric_paths() {
    check_stream(&TRANSIT_GATEWAY_ASYMMETRIC_PATHS);
}

#[test]
fn batfish_transit_gateway_multi_account() {
    check_stream(&TRANSIT_GATEWAY_MULTI_ACCOUNT);
}

#[test]
fn batfish_transit_gateway_peering_one_report_per_region() {
    check_stream(&TRANSIT_GATEWAY_PEERING);
}

#[test]
fn batfish_vpc_peering() {
    check_stream(&VPC_PEERING);
}

#[test]
fn batfish_vpc_peering_multi_account() {
    check_stream(&VPC_PEERING_MULTI_ACCOUNT);
}

#[test]
fn batfish_vpn_gateway() {
    check_stream(&VPN_GATEWAY);
}

/// Snapshots without instances have no notebook: the binary exits 2, and the message names the keys
/// it found (DESIGN §2 "Fail closed"), for the JSON and the default output alike.
#[test]
fn batfish_snapshots_without_instances_fail_closed() {
    let mut errs = Vec::new();
    for (snap, key) in NO_NOTEBOOK {
        let path = format!("{FIXTURES}/{snap}");
        for args in [&["--format", "json"][..], &[][..]] {
            let out = report::run_binary(&[&path], args);
            let cmd = format!("vpcreach analyze {path} {}", args.join(" "));
            let stderr = String::from_utf8_lossy(&out.stderr);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let msg = format!("{stderr}{stdout}");
            if out.status.code() != Some(2) {
                errs.push(format!(
                    "`{cmd}`: exit {:?}, expected 2 (no notebook)\n    stderr: {}",
                    out.status.code(),
                    stderr.trim()
                ));
            }
            if !msg.contains(key) {
                errs.push(format!(
                    "`{cmd}`: the message does not name the key found ({key}): {}",
                    msg.trim()
                ));
            }
            if !msg.to_lowercase().contains("notebook") {
                errs.push(format!(
                    "`{cmd}`: the message does not say that no notebook was found: {}",
                    msg.trim()
                ));
            }
        }
    }
    report(errs);
}

/// All 20 Batfish snapshots load: each gives typed reports (one per region, exit 0 or 1, every
/// report with at least one notebook), or — the two without instances only — the "no notebook"
/// error (exit 2); never a parse, type or conflict error.
#[test]
fn batfish_all_twenty_snapshots_load() {
    let on_disk: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES))
            .expect("read tests/fixtures/batfish")
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
    let mut on_disk_sorted = on_disk.clone();
    on_disk_sorted.sort();
    assert_eq!(
        on_disk_sorted, ALL_SNAPSHOTS,
        "tests/fixtures/batfish must hold exactly Batfish's 20 snapshots"
    );

    let mut errs = Vec::new();
    for snap in ALL_SNAPSHOTS {
        let path = format!("{FIXTURES}/{snap}");
        let cmd = report::cmdline(&[&path], &[]);
        let no_notebook = NO_NOTEBOOK.iter().any(|(s, _)| s == snap);
        match report::analyze(&[&path], &[]) {
            Err(e) if no_notebook => {
                if !e.to_lowercase().contains("notebook") {
                    errs.push(format!(
                        "`{cmd}`: exit 2 but not for want of a notebook: {e}"
                    ));
                }
            }
            Ok(a) if !no_notebook && matches!(a.exit, 0 | 1) => {
                if a.reports.is_empty() {
                    errs.push(format!("`{cmd}`: no report"));
                }
                for r in &a.reports {
                    if r.notebooks.is_empty() {
                        errs.push(format!(
                            "`{cmd}`: the report for region {:?} has no notebook",
                            r.region
                        ));
                    }
                }
            }
            got => errs.push(format!(
                "`{cmd}`: {} ({}) — a load error?",
                match got {
                    Ok(a) => format!("exit {}", a.exit),
                    Err(e) => format!("exit 2: {e}"),
                },
                if no_notebook {
                    "expected 2: no instance, no notebook"
                } else {
                    "expected 0 or 1: reports"
                }
            )),
        }
    }
    report(errs);
}
