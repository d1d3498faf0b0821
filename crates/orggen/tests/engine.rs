//! The generator against the engine: a small generated organisation is written to disk, loaded
//! by `vpcreach_aws`, converted and judged by `vpcreach_core::assess::assess` under both profiles,
//! and every notebook's verdicts must be what the generator intended for its placement
//! ([`Intent`], DESIGN §3). Also: the same spec gives the same bytes, and the multi-account and
//! split layouts load to the same organisation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vpcreach_core::assess::Options;
use vpcreach_core::model::Severity;
use vpcreach_core::report::{Judgement, NotebookReport, Profile, Report};
use vpcreach_orggen::{Intent, Mistake, SERVICES, Spec, VpcKind, generate};

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("vpcreach-orggen-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        Scratch(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small organisation in which every kind and every mistake occurs (asserted below, so the
/// test cannot pass vacuously when the mix changes).
fn spec() -> Spec {
    Spec {
        seed: 11,
        vpcs: 24,
        mistake_percent: 100,
        mix: [50, 20, 15, 15],
        ..Spec::default()
    }
}

fn judge(dir: &Path, profile: Profile, allow_unknown: bool) -> Report {
    let regions = vpcreach_aws::load_regions(&[dir]).expect("the generated snapshot loads");
    assert_eq!(regions.len(), 1, "one region");
    let opts = Options {
        judgement: Judgement {
            profile,
            allow_unknown,
        },
        ..Options::default()
    };
    let mut judged =
        vpcreach_aws::judge(&regions, &opts).expect("the generated snapshot is judged");
    assert_eq!(judged.reports.len(), 1);
    judged.reports.pop().unwrap().1
}

fn check<'a>(n: &'a NotebookReport, name: &str) -> &'a vpcreach_core::report::CheckReport {
    n.checks
        .0
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("{}: no check {name}", n.name))
}

fn status(n: &NotebookReport, name: &str) -> &'static str {
    check(n, name).verdict.status.as_str()
}

fn via(n: &NotebookReport, name: &str) -> Option<&'static str> {
    check(n, name).verdict.via.map(|v| v.as_str())
}

/// Every check of `n` as `name=status/via/private`, for failure messages.
fn show(n: &NotebookReport) -> String {
    n.checks
        .0
        .iter()
        .map(|c| {
            format!(
                "{}={}/{}/{}",
                c.name,
                c.verdict.status.as_str(),
                c.verdict.via.map(|v| v.as_str()).unwrap_or("-"),
                c.verdict.private
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn verdicts_are_what_the_generator_intends() {
    let org = generate(&spec()).unwrap();
    // Not vacuous: every kind, every mistake kind and the no-VPC case occur.
    for k in VpcKind::ALL {
        assert!(
            org.vpcs.iter().any(|v| v.kind == k),
            "no {k:?} VPC; change the seed"
        );
    }
    let mistakes: Vec<Mistake> = org.vpcs.iter().filter_map(|v| v.mistake).collect();
    for (label, present) in [
        (
            "missing endpoint",
            mistakes
                .iter()
                .any(|m| matches!(m, Mistake::MissingEndpoint(_))),
        ),
        ("SG without 443", mistakes.contains(&Mistake::SgWithout443)),
        ("ACL deny", mistakes.contains(&Mistake::AclDeny443)),
        (
            "private DNS off",
            mistakes
                .iter()
                .any(|m| matches!(m, Mistake::PrivateDnsOff(_))),
        ),
        (
            "DNS support off",
            mistakes.contains(&Mistake::DnsSupportOff),
        ),
    ] {
        assert!(present, "no VPC with {label}; change the seed");
    }
    assert!(org.notebooks.iter().any(|n| n.intent == Intent::NoVpc));
    assert!(org.notebooks.iter().any(|n| n.intent == Intent::NoPublicIp));
    assert!(
        org.notebooks
            .iter()
            .any(|n| n.intent == Intent::DirectInternet)
    );
    // Some notebooks share a placement, some do not.
    let mut placements: BTreeMap<String, usize> = BTreeMap::new();
    for n in &org.notebooks {
        if let Some((v, p)) = &n.placement {
            *placements.entry(format!("{v}/{p:?}")).or_default() += 1;
        }
    }
    assert!(placements.values().any(|&c| c >= 3), "no shared placement");
    assert!(placements.values().any(|&c| c == 1), "no unique placement");

    let dir = Scratch::new("verdicts");
    org.write_dir(&dir.0).unwrap();
    let isolated = judge(&dir.0, Profile::Isolated, false);
    let lenient = judge(&dir.0, Profile::Isolated, true);
    let nat = judge(&dir.0, Profile::NatEgress, false);

    // The generated snapshot is clean input: no warning or error diagnostics.
    let bad: Vec<String> = isolated
        .diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .map(|d| format!("{} {}: {}", d.code.as_str(), d.resource, d.message))
        .collect();
    assert!(bad.is_empty(), "diagnostics: {bad:#?}");

    assert_eq!(isolated.notebooks.len(), org.notebooks.len());
    let intents: BTreeMap<&str, Intent> = org
        .notebooks
        .iter()
        .map(|n| (n.name.as_str(), n.intent))
        .collect();
    let by_name = |r: &Report| -> BTreeMap<String, NotebookReport> {
        r.notebooks
            .iter()
            .map(|n| (n.name.clone(), n.clone()))
            .collect()
    };
    let lenient = by_name(&lenient);
    let nat = by_name(&nat);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for n in &isolated.notebooks {
        let intent = intents[n.name.as_str()];
        let l = &lenient[&n.name];
        let ne = &nat[&n.name];
        let ctx = format!("{} ({intent:?}): {}", n.name, show(n));
        *seen.entry(format!("{intent:?}")).or_default() += 1;
        let all_private = |n: &NotebookReport| {
            SERVICES.iter().all(|s| {
                let c = check(n, s);
                c.verdict.status.as_str() == "reachable" && c.verdict.private
            })
        };
        match intent {
            Intent::Compliant => {
                assert_eq!(status(n, "internet"), "unreachable", "{ctx}");
                assert!(all_private(n), "{ctx}");
                assert!(n.compliant, "{ctx}");
                assert!(ne.compliant, "{ctx}: nat-egress allows no internet at all");
            }
            Intent::Broken(m) => {
                assert_eq!(status(n, "internet"), "unreachable", "{ctx}");
                let broken = m.broken_services();
                for s in SERVICES {
                    if broken.contains(&s) {
                        assert_eq!(
                            status(n, s),
                            "unreachable",
                            "{ctx}: {s} should be broken by {}",
                            m.describe()
                        );
                    } else {
                        assert_eq!(status(n, s), "reachable", "{ctx}: {s}");
                        assert!(check(n, s).verdict.private, "{ctx}: {s}");
                    }
                }
                assert!(!n.compliant && !l.compliant && !ne.compliant, "{ctx}");
            }
            Intent::NatEgress => {
                assert_eq!(status(n, "internet"), "reachable", "{ctx}");
                assert_eq!(via(n, "internet"), Some("nat-gateway"), "{ctx}");
                for s in SERVICES {
                    assert_eq!(status(n, s), "reachable", "{ctx}: {s}");
                }
                assert!(!n.compliant, "{ctx}");
                assert!(ne.compliant, "{ctx}: nat-egress profile");
            }
            Intent::DirectInternet | Intent::NoVpc => {
                assert_eq!(status(n, "internet"), "reachable", "{ctx}");
                assert_eq!(via(n, "internet"), Some("service-network"), "{ctx}");
                assert!(!n.compliant && !l.compliant && !ne.compliant, "{ctx}");
            }
            Intent::NoPublicIp => {
                assert_eq!(status(n, "internet"), "unreachable", "{ctx}");
                for s in SERVICES {
                    assert_eq!(status(n, s), "unreachable", "{ctx}: {s}");
                }
                assert!(!n.compliant && !l.compliant && !ne.compliant, "{ctx}");
            }
            Intent::TransitGateway => {
                assert_eq!(status(n, "internet"), "unknown", "{ctx}");
                assert_eq!(via(n, "internet"), Some("transit-gateway"), "{ctx}");
                assert!(all_private(n), "{ctx}");
                assert!(!n.compliant, "{ctx}: unknown fails without --allow-unknown");
                assert!(l.compliant, "{ctx}: passes with --allow-unknown");
            }
        }
    }
    assert!(seen.len() >= 7, "intents judged: {seen:?}");
    let meant = org
        .notebooks
        .iter()
        .filter(|n| n.intent == Intent::Compliant)
        .count();
    assert_eq!(isolated.summary.compliant, meant);
}

#[test]
fn same_spec_same_bytes_other_seed_other_bytes() {
    let a = generate(&spec()).unwrap().render_files().unwrap();
    let b = generate(&spec()).unwrap().render_files().unwrap();
    assert_eq!(a, b);
    let c = generate(&Spec { seed: 12, ..spec() })
        .unwrap()
        .render_files()
        .unwrap();
    assert_ne!(a, c);
    // Written to disk: the same bytes as in memory.
    let dir = Scratch::new("bytes");
    let written = generate(&spec()).unwrap().write_dir(&dir.0).unwrap();
    assert_eq!(written.files.len(), a.len());
    for f in &written.files {
        let on_disk = std::fs::read(dir.0.join(&f.path)).unwrap();
        assert_eq!(on_disk.len() as u64, f.bytes, "{}", f.path);
        assert_eq!(&on_disk, &a[&f.path], "{}", f.path);
    }
    // Every file is JSON with one list key (region.json: one string).
    for (path, bytes) in &a {
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        let obj = v.as_object().unwrap();
        assert_eq!(obj.len(), 1, "{path}");
    }
}

#[test]
fn ids_are_unique_and_subnets_do_not_overlap_within_a_vpc() {
    let files = generate(&spec()).unwrap().render_files().unwrap();
    let json = |f: &str| -> serde_json::Value { serde_json::from_slice(&files[f]).unwrap() };
    for (file, key, id) in [
        ("vpcs.json", "Vpcs", "VpcId"),
        ("subnets.json", "Subnets", "SubnetId"),
        ("security-groups.json", "SecurityGroups", "GroupId"),
        (
            "network-interfaces.json",
            "NetworkInterfaces",
            "NetworkInterfaceId",
        ),
        ("route-tables.json", "RouteTables", "RouteTableId"),
        ("network-acls.json", "NetworkAcls", "NetworkAclId"),
        ("vpc-endpoints.json", "VpcEndpoints", "VpcEndpointId"),
        (
            "notebook-instances.json",
            "NotebookInstances",
            "NotebookInstanceName",
        ),
    ] {
        let v = json(file);
        let items = v[key].as_array().unwrap();
        let ids: std::collections::BTreeSet<&str> =
            items.iter().map(|i| i[id].as_str().unwrap()).collect();
        assert_eq!(ids.len(), items.len(), "{file}: duplicate {id}");
    }
    let subnets = json("subnets.json");
    let mut by_vpc: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in subnets["Subnets"].as_array().unwrap() {
        by_vpc
            .entry(s["VpcId"].as_str().unwrap())
            .or_default()
            .push(s["CidrBlock"].as_str().unwrap());
    }
    for (vpc, cidrs) in by_vpc {
        let set: std::collections::BTreeSet<_> = cidrs.iter().collect();
        // All are /24s, so distinct means non-overlapping.
        assert!(cidrs.iter().all(|c| c.ends_with("/24")));
        assert_eq!(set.len(), cidrs.len(), "{vpc}: overlapping subnets");
    }
    // The reference shape per VPC (issue 11): 20 subnets, 10 notebooks, ≈85 SG permission
    // entries, ≈48 ACL entries (each VPC varies ±25 %).
    let org = generate(&Spec {
        vpcs: 200,
        ..Spec::default()
    })
    .unwrap();
    let dir = Scratch::new("shape");
    let w = org.write_dir(&dir.0).unwrap();
    assert_eq!(w.subnets, 200 * 20);
    assert_eq!(w.notebooks, 200 * 10 + 2);
    let per = |n: usize| n as f64 / 200.0;
    assert!(
        (75.0..95.0).contains(&per(w.sg_permissions)),
        "{}",
        per(w.sg_permissions)
    );
    assert!(
        (40.0..56.0).contains(&per(w.acl_entries)),
        "{}",
        per(w.acl_entries)
    );
}

#[test]
fn accounts_and_split_layouts_load_to_the_same_verdicts() {
    let flat = Scratch::new("flat");
    let accounts = Scratch::new("accounts");
    let base = Spec { vpcs: 9, ..spec() };
    generate(&base).unwrap().write_dir(&flat.0).unwrap();
    let org = generate(&Spec {
        accounts: 3,
        split: 7,
        ..base.clone()
    })
    .unwrap();
    let w = org.write_dir(&accounts.0).unwrap();
    assert!(
        w.files
            .iter()
            .any(|f| f.path.ends_with("subnets-0002.json")),
        "split"
    );
    assert!(
        w.files
            .iter()
            .all(|f| f.path.starts_with("aws_configs/accounts/") && f.path.contains("/us-east-1/")),
        "Batfish layout"
    );
    let a = judge(&flat.0, Profile::Isolated, false);
    let b = judge(&accounts.0, Profile::Isolated, false);
    let key = |r: &Report| -> Vec<(String, String, bool)> {
        r.notebooks
            .iter()
            .map(|n| (n.name.clone(), show(n), n.compliant))
            .collect()
    };
    assert_eq!(key(&a), key(&b));
    // The accounts are the notebooks' owners.
    let owners: std::collections::BTreeSet<_> = b
        .notebooks
        .iter()
        .filter_map(|n| n.account_id.clone())
        .collect();
    assert_eq!(owners.len(), 3, "{owners:?}");
}
