//! `vpcreach scan` against moto in server mode, a real implementation of the EC2 and SageMaker
//! APIs on 127.0.0.1: topologies like samples (a) isolated, (b) nat-egress and (e)
//! endpoint-mistakes are built through the API (`tests/support_moto/`), scanned by the real
//! binary, and their verdicts asserted structurally. Every assertion must hold on real AWS too;
//! each moto deviation is worked around in the setup, next to where it bites, never in the
//! collector.
//!
//! Skips loudly without moto, unless `VPCREACH_FULL_TESTS=1` (CI), when it fails.
#![cfg(feature = "aws")]

mod support_moto;

use serde_json::Value;
use support_moto::{Builder, INTERFACE_SERVICES, Moto, moto_server, runtime};

fn report(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn notebook<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["notebooks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not in the report: {r}"))
}

fn blocked_codes(check: &Value) -> Vec<&str> {
    check["blocked_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect()
}

/// moto starts with a default VPC (and its subnets) in every region; `--vpc` keeps the scan to
/// the topology under test, which also exercises the server-side `vpc-id` filters.
fn only(vpcs: &[String]) -> Vec<&str> {
    vpcs.iter().flat_map(|v| ["--vpc", v.as_str()]).collect()
}

#[test]
fn a_isolated_notebook_reaches_every_service_privately_and_not_the_internet() {
    let Some(server) = moto_server("scan_moto::a_isolated") else {
        return;
    };
    let moto = Moto::start(&server);
    let b = Builder::new(&moto);
    let vpc = runtime().block_on(async {
        let vpc = b.vpc("10.20.0.0/16", true, true).await;
        let nb_subnet = b.subnet(&vpc, "10.20.1.0/24", "us-east-1a").await;
        let ep_subnet = b.subnet(&vpc, "10.20.11.0/24", "us-east-1a").await;
        let nb_sg = b.security_group(&vpc, "nb-isolated").await;
        let ep_sg = b.security_group(&vpc, "endpoints").await;
        b.allow_https_from(&ep_sg, &nb_sg).await;
        for svc in INTERFACE_SERVICES {
            b.interface_endpoint(&vpc, svc, &ep_subnet, &ep_sg, true)
                .await;
        }
        let main = b.main_route_table(&vpc).await;
        b.s3_gateway_endpoint(&vpc, &[&main]).await;
        b.notebook("nb-isolated", &nb_subnet, &[&nb_sg]).await;
        vpc
    });
    let dir = std::env::temp_dir().join(format!("vpcreach-moto-a-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let save = dir.join("snap");
    let save_arg = save.to_str().unwrap();
    let o = moto.scan(&[&["--format", "json", "--save", save_arg][..], &only(&[vpc])].concat());
    let r = report(&o);
    // The VPC's DHCP option set was collected (through the `dhcp-options-id` filter `--vpc`
    // asks for), as describe-dhcp-options prints it, and the VPC refers to it.
    let saved = |f: &str| -> Value {
        serde_json::from_slice(&std::fs::read(save.join(f)).unwrap()).unwrap()
    };
    let vpcs = saved("vpcs.json");
    let dopt = &vpcs["Vpcs"][0]["DhcpOptionsId"];
    assert!(dopt.as_str().unwrap().starts_with("dopt-"), "{vpcs}");
    let sets = saved("dhcp-options.json");
    let sets = sets["DhcpOptions"].as_array().unwrap();
    assert_eq!(sets.len(), 1, "only the chosen VPC's set: {sets:?}");
    assert_eq!(&sets[0]["DhcpOptionsId"], dopt);
    let servers = sets[0]["DhcpConfigurations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Key"] == "domain-name-servers")
        .unwrap_or_else(|| panic!("{sets:?}"));
    assert_eq!(
        servers["Values"],
        serde_json::json!([{"Value": "AmazonProvidedDNS"}])
    );
    assert!(
        !r["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "DHCP_OPTIONS_ASSUMED" || d["code"] == "INCOMPLETE_DATA"),
        "{}",
        r["diagnostics"]
    );
    let nb = notebook(&r, "nb-isolated");
    let c = &nb["checks"];
    assert_eq!(c["internet"]["status"], "unreachable", "{}", c["internet"]);
    assert!(blocked_codes(&c["internet"]).contains(&"NO_ROUTE_TO_DESTINATION"));
    assert_eq!(c["s3"]["status"], "reachable", "{}", c["s3"]);
    assert_eq!(c["s3"]["private"], true);
    assert_eq!(c["s3"]["via"], "gateway-endpoint");
    for svc in INTERFACE_SERVICES {
        assert_eq!(c[*svc]["status"], "reachable", "{svc}: {}", c[*svc]);
        assert_eq!(c[*svc]["private"], true, "{svc}");
        assert_eq!(c[*svc]["via"], "interface-endpoint", "{svc}");
    }
    assert_eq!(nb["root_access"], "Disabled");
    assert_eq!(nb["compliant"], true, "{}", nb["reasons"]);
    assert_eq!(r["summary"]["notebooks"], 1);
    assert_eq!(o.status.code(), Some(0));
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args(["analyze", save_arg, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        String::from_utf8_lossy(&o.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn f_custom_dns_servers_make_every_service_unknown_and_leave_the_internet_verdict() {
    let Some(server) = moto_server("scan_moto::f_custom_dns") else {
        return;
    };
    let moto = Moto::start(&server);
    let b = Builder::new(&moto);
    let vpc = runtime().block_on(async {
        // Sample (a)'s topology, but the VPC's DHCP options name a DNS server of its own: what
        // service names resolve to is then beyond the model.
        let vpc = b.bare_vpc("10.50.0.0/16", true, true).await;
        b.dhcp_options(&vpc, &["10.50.0.53"]).await;
        let nb_subnet = b.subnet(&vpc, "10.50.1.0/24", "us-east-1a").await;
        let ep_subnet = b.subnet(&vpc, "10.50.11.0/24", "us-east-1a").await;
        let nb_sg = b.security_group(&vpc, "nb-isolated").await;
        let ep_sg = b.security_group(&vpc, "endpoints").await;
        b.allow_https_from(&ep_sg, &nb_sg).await;
        for svc in INTERFACE_SERVICES {
            b.interface_endpoint(&vpc, svc, &ep_subnet, &ep_sg, true)
                .await;
        }
        let main = b.main_route_table(&vpc).await;
        b.s3_gateway_endpoint(&vpc, &[&main]).await;
        b.notebook("nb-custom-dns", &nb_subnet, &[&nb_sg]).await;
        vpc
    });
    let o = moto.scan(&[&["--format", "json"][..], &only(&[vpc])].concat());
    let r = report(&o);
    let c = &notebook(&r, "nb-custom-dns")["checks"];
    assert_eq!(c["internet"]["status"], "unreachable", "{}", c["internet"]);
    for svc in ["s3", "sagemaker.api", "sagemaker.runtime", "sts", "logs"] {
        assert_eq!(c[svc]["status"], "unknown", "{svc}: {}", c[svc]);
    }
    assert_eq!(o.status.code(), Some(1), "unknown is not compliant");
}

#[test]
fn b_nat_egress_reaches_the_internet_and_services_only_through_the_nat_gateway() {
    let Some(server) = moto_server("scan_moto::b_nat_egress") else {
        return;
    };
    let moto = Moto::start(&server);
    let b = Builder::new(&moto);
    let vpc = runtime().block_on(async {
        let vpc = b.vpc("10.30.0.0/16", true, true).await;
        let public = b.subnet(&vpc, "10.30.0.0/24", "us-east-1a").await;
        let private = b.subnet(&vpc, "10.30.1.0/24", "us-east-1a").await;
        b.internet_gateway(&vpc, &public).await;
        let nat = b.nat_gateway(&public).await;
        let rt = b.route_table(&vpc, &[&private]).await;
        b.route_to_nat(&rt, &nat).await;
        let sg = b.security_group(&vpc, "nb-nat").await;
        b.notebook("nb-nat-egress", &private, &[&sg]).await;
        vpc
    });
    let vpcs = [vpc];
    let args = only(&vpcs);
    let o = moto.scan(&[&["--format", "json", "--profile", "nat-egress"][..], &args].concat());
    let r = report(&o);
    let c = &notebook(&r, "nb-nat-egress")["checks"];
    assert_eq!(c["internet"]["status"], "reachable", "{}", c["internet"]);
    assert_eq!(c["internet"]["via"], "nat-gateway");
    assert_eq!(c["internet"]["vias"], serde_json::json!(["nat-gateway"]));
    for svc in ["s3", "sagemaker.api", "sagemaker.runtime", "sts", "logs"] {
        assert_eq!(c[svc]["status"], "reachable", "{svc}: {}", c[svc]);
        assert_eq!(c[svc]["private"], false, "{svc}");
        assert_eq!(c[svc]["via"], "nat-gateway", "{svc}");
    }
    assert_eq!(o.status.code(), Some(0), "compliant with nat-egress");
    // The same network fails the default profile.
    let o = moto.scan(&[&["--format", "json"][..], &args].concat());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(notebook(&report(&o), "nb-nat-egress")["compliant"], false);
}

#[test]
fn e_endpoint_mistakes_are_each_found_and_a_saved_scan_analyses_the_same() {
    let Some(server) = moto_server("scan_moto::e_endpoint_mistakes") else {
        return;
    };
    let moto = Moto::start(&server);
    let b = Builder::new(&moto);
    let vpcs = runtime().block_on(async {
        // VPC 1: the S3 gateway endpoint on the wrong route table; an STS endpoint with private
        // DNS off.
        let v1 = b.vpc("10.40.0.0/16", true, true).await;
        let s_wrong = b.subnet(&v1, "10.40.1.0/24", "us-east-1a").await;
        let s_right = b.subnet(&v1, "10.40.2.0/24", "us-east-1a").await;
        let s_ep = b.subnet(&v1, "10.40.11.0/24", "us-east-1b").await;
        b.route_table(&v1, &[&s_wrong]).await;
        let rt_right = b.route_table(&v1, &[&s_right]).await;
        b.s3_gateway_endpoint(&v1, &[&rt_right]).await;
        let nb1 = b.security_group(&v1, "nb").await;
        let ep1 = b.security_group(&v1, "endpoints").await;
        b.allow_https_from(&ep1, &nb1).await;
        for svc in INTERFACE_SERVICES {
            b.interface_endpoint(&v1, svc, &s_ep, &ep1, *svc != "sts")
                .await;
        }
        b.notebook("nb-s3-wrong-route-table", &s_wrong, &[&nb1])
            .await;
        b.notebook("nb-sts-private-dns-off", &s_right, &[&nb1])
            .await;
        // VPC 2: enableDnsHostnames off, so private DNS of every endpoint is void.
        let v2 = b.vpc("10.41.0.0/16", true, false).await;
        let s2 = b.subnet(&v2, "10.41.1.0/24", "us-east-1a").await;
        let s2_ep = b.subnet(&v2, "10.41.11.0/24", "us-east-1a").await;
        let nb2 = b.security_group(&v2, "nb").await;
        let ep2 = b.security_group(&v2, "endpoints").await;
        b.allow_https_from(&ep2, &nb2).await;
        for svc in INTERFACE_SERVICES {
            b.interface_endpoint(&v2, svc, &s2_ep, &ep2, true).await;
        }
        b.notebook("nb-vpc-dns-hostnames-off", &s2, &[&nb2]).await;
        // VPC 3: the endpoints' security group admits nothing.
        let v3 = b.vpc("10.42.0.0/16", true, true).await;
        let s3 = b.subnet(&v3, "10.42.1.0/24", "us-east-1a").await;
        let s3_ep = b.subnet(&v3, "10.42.11.0/24", "us-east-1a").await;
        let nb3 = b.security_group(&v3, "nb").await;
        let ep3 = b.security_group(&v3, "endpoints-no-ingress").await;
        for svc in INTERFACE_SERVICES {
            b.interface_endpoint(&v3, svc, &s3_ep, &ep3, true).await;
        }
        b.notebook("nb-endpoint-sg-no-ingress", &s3, &[&nb3]).await;
        vec![v1, v2, v3]
    });
    let dir = std::env::temp_dir().join(format!("vpcreach-moto-e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let save = dir.join("snap");
    let save_arg = save.to_str().unwrap();
    let o = moto.scan(&[&["--format", "json", "--save", save_arg][..], &only(&vpcs)].concat());
    let r = report(&o);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(r["summary"]["notebooks"], 4);

    let c = &notebook(&r, "nb-s3-wrong-route-table")["checks"];
    assert_eq!(c["s3"]["status"], "unreachable", "{}", c["s3"]);
    assert!(blocked_codes(&c["s3"]).contains(&"NO_ROUTE_TO_DESTINATION"));
    assert_eq!(c["sagemaker.api"]["status"], "reachable");
    assert_eq!(c["sagemaker.api"]["private"], true);

    let c = &notebook(&r, "nb-sts-private-dns-off")["checks"];
    assert_eq!(c["s3"]["status"], "reachable");
    assert_eq!(c["s3"]["via"], "gateway-endpoint");
    assert_eq!(c["sts"]["status"], "unreachable", "{}", c["sts"]);
    assert!(
        blocked_codes(&c["sts"]).contains(&"PRIVATE_DNS_DISABLED"),
        "{}",
        c["sts"]
    );
    assert_eq!(c["logs"]["status"], "reachable");

    let c = &notebook(&r, "nb-vpc-dns-hostnames-off")["checks"];
    for svc in INTERFACE_SERVICES {
        assert_eq!(c[*svc]["status"], "unreachable", "{svc}: {}", c[*svc]);
        assert!(
            blocked_codes(&c[*svc]).contains(&"VPC_DNS_DISABLED"),
            "{svc}: {}",
            c[*svc]
        );
    }

    let c = &notebook(&r, "nb-endpoint-sg-no-ingress")["checks"];
    for svc in INTERFACE_SERVICES {
        assert_eq!(c[*svc]["status"], "unreachable", "{svc}: {}", c[*svc]);
        assert!(
            blocked_codes(&c[*svc]).contains(&"ENDPOINT_SG_INGRESS_MISMATCH"),
            "{svc}: {}",
            c[*svc]
        );
    }
    for nb in r["notebooks"].as_array().unwrap() {
        assert_eq!(
            nb["checks"]["internet"]["status"], "unreachable",
            "{}",
            nb["name"]
        );
    }

    // The saved snapshot gives the very same report.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args(["analyze", save_arg, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(again.status.code(), o.status.code());
    let _ = std::fs::remove_dir_all(&dir);
}
