//! Every bundled sample: the fixes offered for its failing checks are proofs — applied
//! independently here to the snapshot and judged again, each makes its target pass and no verdict
//! of any notebook worse — and every failing check of every sample gets at least one.

use std::path::Path;

use vpcreach_core::analysis::DEFAULT_SERVICES;
use vpcreach_core::assess::{self, Options};
use vpcreach_core::diff::{self, Verdicts};
use vpcreach_core::report::{Judgement, Profile, Report};
use vpcreach_fix::{Target, fixes};

fn options(profile: Profile) -> Options {
    Options {
        services: DEFAULT_SERVICES.iter().map(|s| s.to_string()).collect(),
        notebooks: Vec::new(),
        judgement: Judgement {
            profile,
            allow_unknown: false,
        },
    }
}

fn judge(snap: &vpcreach_aws::Snapshot, o: &Options) -> Report {
    let net = vpcreach_aws::convert(snap).unwrap();
    assess::assess(&[net], o).unwrap().pop().unwrap().1
}

const SAMPLES: &[&str] = &[
    "isolated",
    "nat-egress",
    "public-subnet",
    "direct-internet",
    "endpoint-mistakes",
    "acl-traps",
    "large",
];

#[test]
fn every_fix_offered_is_a_proof() {
    for sample in SAMPLES {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../samples")
            .join(sample);
        let snap = vpcreach_aws::load_paths(&[dir]).unwrap().snapshot;
        let o = options(Profile::Isolated);
        let before = judge(&snap, &o);
        let found = fixes(&snap, &o, &[]).unwrap();
        for f in &found {
            let after = judge(&vpcreach_fix::apply(&snap, &[f]), &o);
            let d = diff::diff(&Verdicts::from(&before), &Verdicts::from(&after));
            assert!(!d.has_regression(), "{sample}: {f:?} makes a verdict worse");
            let n = after
                .notebooks
                .iter()
                .find(|n| n.name == f.notebook)
                .unwrap();
            match &f.target {
                Target::Check(c) => assert!(
                    n.checks.0.iter().any(|x| &x.name == c && x.passes),
                    "{sample}: {f:?} does not repair {c}"
                ),
                Target::DirectInternetAccess => {
                    assert_eq!(n.direct_internet_access.as_deref(), Some("Disabled"))
                }
                Target::NoVpc => assert!(n.subnet_id.is_some()),
            }
        }
        for n in &before.notebooks {
            for c in n.checks.0.iter().filter(|c| !c.passes) {
                let have = found
                    .iter()
                    .filter(|f| f.notebook == n.name && f.target.name() == c.name)
                    .count();
                assert!(
                    have > 0,
                    "{sample} {} {}: {} ({:?}) — {have} fix(es): {:?}",
                    n.name,
                    c.name,
                    c.verdict.status.as_str(),
                    c.verdict.blocked_by.first().map(|b| b.code.as_str()),
                    found
                        .iter()
                        .filter(|f| f.notebook == n.name && f.target.name() == c.name)
                        .map(|f| f.edits.iter().map(|e| e.describe()).collect::<Vec<_>>())
                        .collect::<Vec<_>>()
                );
            }
        }
    }
}
