//! The sample snapshots under `samples/`: every verdict their READMEs promise, checked against the
//! typed JSON report (`vpcreach analyze samples/<name> --format json`, DESIGN.md §4), produced
//! in-process (tests/cli.rs proves it equals the binary's output).
//!
//! Data-driven: one table of expectations per sample (`Case`), one checker (`check_case`). Every
//! expectation was derived by hand from DESIGN.md §3; the derivation is in each sample's README.md.
//! A failing case lists every mismatch it found, not just the first. The expectation types and the
//! checker live in tests/common/expect.rs. The command line itself (table output, exit status 2,
//! deterministic bytes) is run as the real binary.

mod common;
use common::expect::*;
use common::report;

// ---- (a) isolated -----------------------------------------------------------------------------

const ISOLATED_SERVICES_OK: [Check; 5] = [
    reachable("s3", "gateway-endpoint", true),
    reachable("sagemaker.api", "interface-endpoint", true)
        .dst(&["10.20.10.21/32", "10.20.11.23/32"]),
    reachable("sagemaker.runtime", "interface-endpoint", true)
        .dst(&["10.20.10.31/32", "10.20.11.33/32"]),
    reachable("sts", "interface-endpoint", true).dst(&["10.20.10.41/32", "10.20.11.43/32"]),
    reachable("logs", "interface-endpoint", true).dst(&["10.20.10.51/32", "10.20.11.53/32"]),
];

const ISOLATED: Case = Case {
    paths: &["samples/isolated"],
    args: &[],
    profile: "isolated",
    region: "us-east-1",
    exit: 0,
    diagnostics: Diag::Empty,
    prefix_lists: true,
    notebooks: &[
        Nb {
            name: "nb-isolated",
            subnet: Some("subnet-00dc4578058d31b14"),
            checks: &[
                unreachable(
                    "internet",
                    &["NO_ROUTE_TO_DESTINATION@rtb-011680e8fbd635d73"],
                ),
                ISOLATED_SERVICES_OK[0],
                ISOLATED_SERVICES_OK[1],
                ISOLATED_SERVICES_OK[2],
                ISOLATED_SERVICES_OK[3],
                ISOLATED_SERVICES_OK[4],
            ],
            findings: &[],
            compliant: true,
        },
        Nb {
            name: "nb-isolated-hardened",
            subnet: Some("subnet-0ca678254bbfc795f"),
            checks: &[
                unreachable("internet", &["ENI_SG_RULES_MISMATCH"]),
                ISOLATED_SERVICES_OK[0],
                ISOLATED_SERVICES_OK[1],
                ISOLATED_SERVICES_OK[2],
                ISOLATED_SERVICES_OK[3],
                ISOLATED_SERVICES_OK[4],
            ],
            findings: &[],
            compliant: true,
        },
    ],
};

// ---- (b) nat-egress ---------------------------------------------------------------------------

const ALL_VIA_NAT: &[Check] = &[
    reachable("internet", "nat-gateway", false),
    reachable("s3", "nat-gateway", false),
    reachable("sagemaker.api", "nat-gateway", false),
    reachable("sagemaker.runtime", "nat-gateway", false),
    reachable("sts", "nat-gateway", false),
    reachable("logs", "nat-gateway", false),
];

const NAT_EGRESS_DEFAULT: Case = Case {
    paths: &["samples/nat-egress"],
    args: &[],
    profile: "isolated",
    region: "us-east-1",
    exit: 1,
    diagnostics: Diag::Empty,
    prefix_lists: true,
    notebooks: &[Nb {
        name: "nb-nat-egress",
        subnet: Some("subnet-043aa3fb15f7c1677"),
        checks: ALL_VIA_NAT,
        findings: &["SageMaker.3"],
        compliant: false,
    }],
};

const NAT_EGRESS_PROFILE: Case = Case {
    paths: &["samples/nat-egress"],
    args: &["--profile", "nat-egress"],
    profile: "nat-egress",
    region: "us-east-1",
    exit: 0,
    diagnostics: Diag::Empty,
    prefix_lists: true,
    notebooks: &[Nb {
        name: "nb-nat-egress",
        subnet: Some("subnet-043aa3fb15f7c1677"),
        checks: ALL_VIA_NAT,
        findings: &["SageMaker.3"],
        compliant: true,
    }],
};

// ---- (c) public-subnet ------------------------------------------------------------------------

const PUBLIC_SUBNET: Case = Case {
    paths: &["samples/public-subnet"],
    args: &[],
    profile: "isolated",
    region: "us-east-1",
    exit: 1,
    diagnostics: Diag::Empty,
    prefix_lists: true,
    notebooks: &[
        Nb {
            name: "nb-public-no-ip",
            subnet: Some("subnet-0bbdffcd3fd760e2e"),
            checks: &[
                unreachable("internet", &[NO_PUBLIC_IP]),
                unreachable("s3", &[NO_PUBLIC_IP]),
                unreachable("sagemaker.api", &[NO_PUBLIC_IP]),
                unreachable("sagemaker.runtime", &[NO_PUBLIC_IP]),
                unreachable("sts", &[NO_PUBLIC_IP]),
                unreachable("logs", &[NO_PUBLIC_IP]),
            ],
            findings: &[],
            compliant: false,
        },
        Nb {
            name: "nb-public-eip",
            subnet: Some("subnet-0bbdffcd3fd760e2e"),
            checks: &[
                reachable("internet", "internet-gateway", false),
                reachable("s3", "internet-gateway", false),
                reachable("sagemaker.api", "internet-gateway", false),
                reachable("sagemaker.runtime", "internet-gateway", false),
                reachable("sts", "internet-gateway", false),
                reachable("logs", "internet-gateway", false),
            ],
            findings: &[],
            compliant: false,
        },
    ],
};

// ---- (d) direct-internet ----------------------------------------------------------------------

const DIRECT_INTERNET: Case = Case {
    paths: &["samples/direct-internet"],
    args: &[],
    profile: "isolated",
    region: "us-east-1",
    exit: 1,
    diagnostics: Diag::Empty,
    prefix_lists: true,
    notebooks: &[
        Nb {
            name: "nb-direct-internet",
            subnet: Some("subnet-0466703907f438cf7"),
            checks: &[
                reachable("internet", "service-network", false),
                // the gateway endpoint is not used: S3's public addresses leave through the service network
                reachable("s3", "service-network", false),
                reachable("sagemaker.api", "interface-endpoint", true)
                    .dst(&["10.50.10.44/32", "10.50.11.61/32"]),
                reachable("sagemaker.runtime", "interface-endpoint", true)
                    .dst(&["10.50.10.51/32", "10.50.11.68/32"]),
                reachable("sts", "service-network", false),
                reachable("logs", "service-network", false),
            ],
            findings: &["SageMaker.1"],
            compliant: false,
        },
        Nb {
            name: "nb-no-vpc",
            subnet: None,
            checks: &[
                reachable("internet", "service-network", false),
                reachable("s3", "service-network", false),
                reachable("sagemaker.api", "service-network", false),
                reachable("sagemaker.runtime", "service-network", false),
                reachable("sts", "service-network", false),
                reachable("logs", "service-network", false),
            ],
            findings: &["SageMaker.1", "SageMaker.2", "SageMaker.3"],
            compliant: false,
        },
    ],
};

// ---- (e) endpoint-mistakes --------------------------------------------------------------------

const SG_MISMATCH: &str = "ENDPOINT_SG_INGRESS_MISMATCH";

const ENDPOINT_MISTAKES: Case = Case {
    paths: &["samples/endpoint-mistakes"],
    args: &[],
    profile: "isolated",
    region: "us-east-1",
    exit: 1,
    diagnostics: Diag::Empty,
    prefix_lists: true,
    notebooks: &[
        Nb {
            // (1) the S3 gateway endpoint is on team 2's route table only
            name: "nb-s3-wrong-route-table",
            subnet: Some("subnet-0192c748ee59481f4"),
            checks: &[
                unreachable(
                    "internet",
                    &["NO_ROUTE_TO_DESTINATION@rtb-05b6271c7100bafb0"],
                ),
                unreachable("s3", &["NO_ROUTE_TO_DESTINATION@rtb-05b6271c7100bafb0"]),
                reachable("sagemaker.api", "interface-endpoint", true),
                reachable("sagemaker.runtime", "interface-endpoint", true),
                reachable("sts", "interface-endpoint", true),
                reachable("logs", "interface-endpoint", true),
            ],
            findings: &[],
            compliant: false,
        },
        Nb {
            // (2) the endpoint security group admits HTTPS only from team 1's group
            name: "nb-endpoint-sg-no-ingress",
            subnet: Some("subnet-02bd73a8cc7e0dd09"),
            checks: &[
                unreachable(
                    "internet",
                    &["NO_ROUTE_TO_DESTINATION@rtb-07c537adf54ae2eaa"],
                ),
                reachable("s3", "gateway-endpoint", true),
                unreachable("sagemaker.api", &[SG_MISMATCH]),
                unreachable("sagemaker.runtime", &[SG_MISMATCH]),
                unreachable("sts", &[SG_MISMATCH]),
                unreachable("logs", &[SG_MISMATCH]),
            ],
            findings: &[],
            compliant: false,
        },
        Nb {
            // (3) the sts endpoint has private DNS off: sts resolves to public addresses, no route there
            name: "nb-sts-private-dns-off",
            subnet: Some("subnet-0556f7606416528b6"),
            checks: &[
                unreachable(
                    "internet",
                    &["NO_ROUTE_TO_DESTINATION@rtb-0bc0d5e3343901aba"],
                ),
                reachable("s3", "gateway-endpoint", true),
                reachable("sagemaker.api", "interface-endpoint", true),
                reachable("sagemaker.runtime", "interface-endpoint", true),
                unreachable(
                    "sts",
                    &[
                        "PRIVATE_DNS_DISABLED",
                        "NO_ROUTE_TO_DESTINATION@rtb-0bc0d5e3343901aba",
                    ],
                ),
                reachable("logs", "interface-endpoint", true),
            ],
            findings: &[],
            compliant: false,
        },
        Nb {
            // (4) enableDnsHostnames false: no interface endpoint is usable; the gateway endpoint still is
            name: "nb-vpc-dns-hostnames-off",
            subnet: Some("subnet-0a11aa1fea5f80f48"),
            checks: &[
                unreachable(
                    "internet",
                    &["NO_ROUTE_TO_DESTINATION@rtb-036097061c535192e"],
                ),
                reachable("s3", "gateway-endpoint", true),
                unreachable("sagemaker.api", &["VPC_DNS_DISABLED", NO_ROUTE]),
                unreachable("sagemaker.runtime", &["VPC_DNS_DISABLED", NO_ROUTE]),
                unreachable("sts", &["VPC_DNS_DISABLED", NO_ROUTE]),
                unreachable("logs", &["VPC_DNS_DISABLED", NO_ROUTE]),
            ],
            findings: &[],
            compliant: false,
        },
    ],
};

// ---- (f) acl-traps ----------------------------------------------------------------------------

const RETURN_A: &str = "ACL_RETURN_TRAFFIC@acl-08de8a1b293efa1bf";
const RETURN_B: &str = "ACL_RETURN_TRAFFIC@acl-08a51663651b0eb67";

const ACL_TRAPS: Case = Case {
    paths: &["samples/acl-traps"],
    args: &[],
    profile: "isolated",
    region: "us-east-1",
    exit: 1,
    diagnostics: Diag::Empty,
    prefix_lists: true,
    notebooks: &[
        Nb {
            // deny-all NACL on the notebook's subnet; the endpoint ENIs share the subnet (no NACL between
            // them), the S3 gateway endpoint does not
            name: "nb-same-subnet-endpoints",
            subnet: Some("subnet-02900d61aba37e853"),
            checks: &[
                unreachable("internet", &[]),
                unreachable("s3", &["SUBNET_ACL_RESTRICTION@acl-093ab90ae34f5cd31"]),
                reachable("sagemaker.api", "interface-endpoint", true).dst(&["10.71.1.100/32"]),
                reachable("sagemaker.runtime", "interface-endpoint", true).dst(&["10.71.1.101/32"]),
                reachable("sts", "interface-endpoint", true).dst(&["10.71.1.102/32"]),
                reachable("logs", "interface-endpoint", true).dst(&["10.71.1.103/32"]),
            ],
            findings: &[],
            compliant: false,
        },
        Nb {
            // NAT subnet a admits inbound only tcp/443 and the notebook subnet: no reply (to NAT ports
            // 1024-65535) ever comes back in; the internet check is forward only
            name: "nb-nat-return-blocked",
            subnet: Some("subnet-01a9a1d6284809243"),
            checks: &[
                reachable("internet", "nat-gateway", false),
                unreachable("s3", &[RETURN_A]),
                unreachable("sagemaker.api", &[RETURN_A]),
                unreachable("sagemaker.runtime", &[RETURN_A]),
                unreachable("sts", &[RETURN_A]),
                unreachable("logs", &[RETURN_A]),
            ],
            findings: &[],
            compliant: false,
        },
        Nb {
            // NAT subnet b admits replies to tcp 32768-65535 only; NAT ports 1024-32767 fail
            name: "nb-nat-return-partial",
            subnet: Some("subnet-0346ad9aa7f21ac45"),
            checks: &[
                reachable("internet", "nat-gateway", false),
                partial("s3", "nat-gateway", false, &[RETURN_B]),
                partial("sagemaker.api", "nat-gateway", false, &[RETURN_B]),
                partial("sagemaker.runtime", "nat-gateway", false, &[RETURN_B]),
                partial("sts", "nat-gateway", false, &[RETURN_B]),
                partial("logs", "nat-gateway", false, &[RETURN_B]),
            ],
            findings: &[],
            compliant: false,
        },
    ],
};

/// Every sample run, for the table-output test.
const ALL: &[&Case] = &[
    &ISOLATED,
    &NAT_EGRESS_DEFAULT,
    &NAT_EGRESS_PROFILE,
    &PUBLIC_SUBNET,
    &DIRECT_INTERNET,
    &ENDPOINT_MISTAKES,
    &ACL_TRAPS,
];

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn sample_a_isolated() {
    check_case(&ISOLATED);
}

#[test]
fn sample_b_nat_egress_default_profile() {
    check_case(&NAT_EGRESS_DEFAULT);
}

#[test]
fn sample_b_nat_egress_profile() {
    check_case(&NAT_EGRESS_PROFILE);
}

#[test]
fn sample_c_public_subnet() {
    check_case(&PUBLIC_SUBNET);
}

#[test]
fn sample_d_direct_internet() {
    check_case(&DIRECT_INTERNET);
}

#[test]
fn sample_e_endpoint_mistakes() {
    check_case(&ENDPOINT_MISTAKES);
}

#[test]
fn sample_f_acl_traps() {
    check_case(&ACL_TRAPS);
}

/// The default (table) output of the binary: same exit status as the JSON run, one row per
/// notebook, and no colour when stdout is not a terminal.
#[test]
fn table_output_for_every_sample() {
    let mut errs = Vec::new();
    for case in ALL {
        let out = run(case.paths, case.args);
        let cmd = table_cmdline(case.paths, case.args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        if out.status.code() != Some(case.exit) {
            errs.push(format!(
                "{cmd}: exit {:?}, expected {}",
                out.status.code(),
                case.exit
            ));
        }
        if stdout.trim().is_empty() {
            errs.push(format!(
                "{cmd}: empty stdout (stderr: {})",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        if stdout.contains('\u{1b}') {
            errs.push(format!(
                "{cmd}: ANSI escape in stdout although it is not a terminal"
            ));
        }
        for nb in case.notebooks {
            if !stdout.contains(nb.name) {
                errs.push(format!(
                    "{cmd}: notebook {} missing from the table",
                    nb.name
                ));
            }
        }
    }
    let explicit = run(&["samples/endpoint-mistakes"], &["--format", "table"]);
    let default = run(&["samples/endpoint-mistakes"], &[]);
    if explicit.stdout != default.stdout {
        errs.push("`--format table` differs from the default output".into());
    }
    report(errs);
}

/// Same input, same bytes out (the binary).
#[test]
fn json_output_is_deterministic() {
    let args = ["--format", "json"];
    let a = run(&["samples/endpoint-mistakes"], &args);
    let b = run(&["samples/endpoint-mistakes"], &args);
    assert!(!a.stdout.is_empty());
    assert_eq!(
        a.stdout, b.stdout,
        "two runs on the same snapshot printed different JSON"
    );
}

/// `--notebook NAME` restricts the report (and the exit status) to that notebook.
#[test]
fn notebook_filter() {
    let a = report::analyze(
        &["samples/endpoint-mistakes"],
        &["--notebook", "nb-sts-private-dns-off"],
    )
    .expect("--notebook nb-sts-private-dns-off");
    let names: Vec<Vec<&str>> = a
        .reports
        .iter()
        .map(|r| r.notebooks.iter().map(|n| n.name.as_str()).collect())
        .collect();
    assert_eq!(names, [["nb-sts-private-dns-off"]]);
    assert_eq!(a.exit, 1);

    // a compliant notebook picked out of a sample that is otherwise all compliant: exit 0
    let a = report::analyze(&["samples/isolated"], &["--notebook", "nb-isolated"])
        .expect("--notebook nb-isolated");
    assert_eq!(a.reports.len(), 1);
    assert_eq!(a.reports[0].notebooks.len(), 1);
    assert_eq!(a.exit, 0);
}

/// Exit status 2: input or usage error (DESIGN §4), from the binary.
#[test]
fn usage_and_input_errors_exit_2() {
    let out = run(&["samples/no-such-sample"], &["--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "missing snapshot path");
    let out = run(&["samples/isolated"], &["--profile", "no-such-profile"]);
    assert_eq!(out.status.code(), Some(2), "unknown profile");
}

/// The real binary: `vpcreach analyze <paths> <args>`.
fn run(paths: &[&str], args: &[&str]) -> std::process::Output {
    report::run_binary(paths, args)
}

fn table_cmdline(paths: &[&str], args: &[&str]) -> String {
    format!("vpcreach analyze {} {}", paths.join(" "), args.join(" "))
        .trim_end()
        .to_string()
}
