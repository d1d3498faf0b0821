//! A deterministic, seeded generator of realistic AWS organisations for vpcreach: hundreds to tens
//! of thousands of VPCs with SageMaker notebooks, written as a snapshot directory in exactly the
//! shapes the AWS CLI prints (`vpcs.json`, `subnets.json`, … `notebook-instances.json`, DESIGN §2).
//!
//! Every VPC is one of four kinds — [`VpcKind::Isolated`] (private subnets, interface endpoints
//! for the SageMaker API and runtime, STS and CloudWatch Logs with private DNS, an S3 gateway
//! endpoint), [`VpcKind::NatEgress`] (private subnets behind NAT gateways in public subnets),
//! [`VpcKind::Public`] (an internet gateway, notebooks with direct internet access) and
//! [`VpcKind::TransitGateway`] (the isolated layout plus a default route to a transit gateway) —
//! and some isolated VPCs carry one [`Mistake`]. Rule counts vary per VPC around the
//! [`Spec`]'s targets; notebooks mostly share a few placements (subnet, security groups, direct
//! internet access), some have their own. Each notebook records what the generator *intends* its
//! verdict to be ([`Intent`]), so a test can check the engine against it.
//!
//! The same [`Spec`] always gives the same bytes: all randomness comes from one SplitMix64 seed
//! ([`rng`]), each VPC drawing from its own stream, and every ID is a counter (`vpc-0…`).
//!
//! ```
//! let org = vpcreach_orggen::generate(&vpcreach_orggen::Spec { vpcs: 3, ..Default::default() }).unwrap();
//! let files = org.render_files().unwrap();
//! assert!(files.keys().any(|f| f == "vpcs.json"));
//! assert_eq!(org.notebooks.len(), 3 * 10 + org.spec.no_vpc_notebooks());
//! ```

pub mod expand;
pub mod rng;
pub mod shapes;
pub mod write;

use rng::Rng;

pub use write::{FileWritten, Written};

/// What to generate. `Default` is the reference shape of issue 11: per VPC 20 subnets, 10
/// notebooks, about 85 security-group permission entries and 48 ACL entries (≈ 122 kB of JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub seed: u64,
    pub vpcs: usize,
    /// Accounts the VPCs are spread over (round robin). 1: a flat folder with `region.json`;
    /// more: Batfish's layout `aws_configs/accounts/<id>/<region>/`.
    pub accounts: usize,
    pub region: String,
    pub subnets_per_vpc: usize,
    pub notebooks_per_vpc: usize,
    /// Target of `IpPermissions` + `IpPermissionsEgress` entries per VPC (each VPC varies ±25 %).
    pub sg_rules_per_vpc: usize,
    /// Target of network ACL entries per VPC, defaults' included (each VPC varies ±25 %).
    pub acl_entries_per_vpc: usize,
    /// Relative weights of the VPC kinds: isolated, NAT egress, public, transit gateway.
    pub mix: [u32; 4],
    /// Percentage of isolated VPCs that carry one [`Mistake`].
    pub mistake_percent: u32,
    /// Percentage of notebooks that take one of their VPC's shared placements.
    pub shared_placement_percent: u32,
    /// Notebooks in no VPC (the SageMaker service VPC), per 100 VPCs (at least one when > 0).
    pub no_vpc_notebooks_per_100_vpcs: usize,
    /// At most this many elements per file (`subnets-0001.json`, …), as people save paginated
    /// output; 0: one file per key.
    pub split: usize,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            seed: 1,
            vpcs: 100,
            accounts: 1,
            region: "us-east-1".into(),
            subnets_per_vpc: 20,
            notebooks_per_vpc: 10,
            sg_rules_per_vpc: 85,
            acl_entries_per_vpc: 48,
            mix: [40, 30, 10, 20],
            mistake_percent: 25,
            shared_placement_percent: 70,
            no_vpc_notebooks_per_100_vpcs: 1,
            split: 0,
        }
    }
}

impl Spec {
    /// How many notebooks live in no VPC.
    pub fn no_vpc_notebooks(&self) -> usize {
        if self.no_vpc_notebooks_per_100_vpcs == 0 || self.vpcs == 0 {
            0
        } else {
            (self.vpcs * self.no_vpc_notebooks_per_100_vpcs / 100).max(1)
        }
    }

    /// Why this spec cannot be generated, if it cannot.
    pub fn validate(&self) -> Result<(), SpecError> {
        let bad = |field: &'static str, why: String| Err(SpecError { field, why });
        if self.vpcs == 0 || self.vpcs > 1 << 24 {
            return bad("vpcs", format!("{} is not in 1..=16777216", self.vpcs));
        }
        if self.accounts == 0 || self.accounts > 10_000 {
            return bad("accounts", format!("{} is not in 1..=10000", self.accounts));
        }
        if !(4..=256).contains(&self.subnets_per_vpc) {
            return bad(
                "subnets_per_vpc",
                format!("{} is not in 4..=256", self.subnets_per_vpc),
            );
        }
        if self.notebooks_per_vpc > 2000 {
            return bad(
                "notebooks_per_vpc",
                format!("{} is more than 2000", self.notebooks_per_vpc),
            );
        }
        if self.mix.iter().all(|w| *w == 0) {
            return bad("mix", "every weight is 0".into());
        }
        if self.mistake_percent > 100 || self.shared_placement_percent > 100 {
            return bad(
                "mistake_percent/shared_placement_percent",
                "a percentage is above 100".into(),
            );
        }
        let r = &self.region;
        let ok = r.len() >= 9
            && r.split('-').count() >= 3
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && r.ends_with(|c: char| c.is_ascii_digit());
        if !ok {
            return bad("region", format!("{r:?} does not look like an AWS region"));
        }
        Ok(())
    }
}

/// A [`Spec`] field with an impossible value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub field: &'static str,
    pub why: String,
}

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.why)
    }
}

impl std::error::Error for SpecError {}

/// The four shapes of VPC an organisation is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VpcKind {
    /// Private subnets only; interface endpoints (private DNS on) for `sagemaker.api`,
    /// `sagemaker.runtime`, `sts`, `logs`, and an S3 gateway endpoint. No route out.
    Isolated,
    /// Private subnets whose default route leads to a NAT gateway in a public subnet, whose
    /// default route leads to an internet gateway. Some have an S3 gateway endpoint, some the
    /// interface endpoints too.
    NatEgress,
    /// Public subnets (default route to an internet gateway) where notebooks run, most with
    /// direct internet access Enabled; no endpoints.
    Public,
    /// The isolated layout plus a default route (and `10.0.0.0/8`, `172.16.0.0/12`) to a transit
    /// gateway: where the internet is reached is outside the modelled scope.
    TransitGateway,
}

impl VpcKind {
    pub const ALL: [VpcKind; 4] = [
        VpcKind::Isolated,
        VpcKind::NatEgress,
        VpcKind::Public,
        VpcKind::TransitGateway,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VpcKind::Isolated => "isolated",
            VpcKind::NatEgress => "nat",
            VpcKind::Public => "public",
            VpcKind::TransitGateway => "tgw",
        }
    }
}

/// The services an organisation's notebooks need (DESIGN §3's defaults), as short names.
pub const SERVICES: [&str; 5] = ["s3", "sagemaker.api", "sagemaker.runtime", "sts", "logs"];
/// The services reached through interface endpoints (all of [`SERVICES`] but S3).
pub const INTERFACE_SERVICES: [&str; 4] = ["sagemaker.api", "sagemaker.runtime", "sts", "logs"];

/// One misconfiguration an isolated VPC may carry; each breaks some service checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mistake {
    /// No endpoint for this service (index into [`SERVICES`]; S3: no gateway endpoint and no
    /// route to it): its public name resolves to public addresses, and there is no route out.
    MissingEndpoint(usize),
    /// The notebooks' security groups allow no TCP 443 out (only other ports, other places).
    SgWithout443,
    /// The notebook subnets' ACL denies outbound TCP 443 (rule 90) before its allow-all rule; the
    /// endpoints live in other subnets, so the ACL is crossed.
    AclDeny443,
    /// The interface endpoint of this service (index into [`SERVICES`], never S3) has private DNS
    /// off: clients resolve the public name.
    PrivateDnsOff(usize),
    /// The VPC's `enableDnsSupport` is false: no AWS name resolves.
    DnsSupportOff,
}

impl Mistake {
    /// The service checks this mistake breaks (short names).
    pub fn broken_services(self) -> Vec<&'static str> {
        match self {
            Mistake::MissingEndpoint(s) | Mistake::PrivateDnsOff(s) => vec![SERVICES[s]],
            Mistake::SgWithout443 | Mistake::AclDeny443 | Mistake::DnsSupportOff => {
                SERVICES.to_vec()
            }
        }
    }

    pub fn describe(self) -> String {
        match self {
            Mistake::MissingEndpoint(s) => format!("missing {} endpoint", SERVICES[s]),
            Mistake::SgWithout443 => "notebook SGs without TCP 443 egress".into(),
            Mistake::AclDeny443 => "notebook subnet ACL denies TCP 443 out".into(),
            Mistake::PrivateDnsOff(s) => format!("{} endpoint private DNS off", SERVICES[s]),
            Mistake::DnsSupportOff => "enableDnsSupport false".into(),
        }
    }
}

/// What the generator means a notebook's verdicts to be (DESIGN §3 applied to its placement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Isolated VPC without mistakes: internet unreachable, every service reachable privately;
    /// compliant under `isolated`.
    Compliant,
    /// Isolated VPC with a mistake: internet unreachable, the mistake's services unreachable, the
    /// others reachable privately; not compliant.
    Broken(Mistake),
    /// NAT egress: internet reachable via `nat-gateway`, every service reachable; not compliant
    /// under `isolated`, compliant under `nat-egress`.
    NatEgress,
    /// Direct internet access Enabled: internet reachable via `service-network` (SageMaker.1);
    /// not compliant under any profile.
    DirectInternet,
    /// A public subnet but direct internet access Disabled and no public IP on the ENI: internet
    /// unreachable (no public address), every service unreachable; not compliant.
    NoPublicIp,
    /// Default route to a transit gateway: internet `unknown` via `transit-gateway`, every service
    /// reachable privately; compliant under `isolated` only with `--allow-unknown`.
    TransitGateway,
    /// No subnet (SageMaker.2): internet reachable via `service-network`; not compliant.
    NoVpc,
}

/// Where the notebooks of a VPC sit: the subnet (index into the VPC's subnets), security groups
/// and direct internet access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub subnet: usize,
    pub sgs: Vec<SgRole>,
    pub direct_internet: bool,
}

/// The security groups a notebook may carry. Every notebook has `NotebooksA` or `NotebooksB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SgRole {
    NotebooksA,
    NotebooksB,
    Team(usize),
}

/// A subnet's role in its VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubnetRole {
    /// Interface endpoints' ENIs (isolated, transit-gateway kinds).
    Endpoints,
    /// Default route to the internet gateway (NAT gateways live here; public kind's notebooks).
    Public,
    /// Private workload subnets (notebooks in the isolated, NAT and transit-gateway kinds).
    Workload,
}

/// One VPC as decided by [`generate`]; [`expand::expand`] turns it into AWS resources.
#[derive(Debug, Clone)]
pub struct VpcPlan {
    pub index: usize,
    pub account: usize,
    pub kind: VpcKind,
    pub mistake: Option<Mistake>,
    pub subnets: Vec<SubnetRole>,
    /// Indices into [`Org::notebooks`].
    pub notebooks: Vec<usize>,
}

/// One notebook, with where it is and what it is meant to be judged.
#[derive(Debug, Clone)]
pub struct NotebookPlan {
    pub name: String,
    pub account: usize,
    /// `(vpc index, placement)`; `None`: no VPC.
    pub placement: Option<(usize, Placement)>,
    pub root_access: bool,
    pub intent: Intent,
}

/// A generated organisation: the decisions, small enough to keep for 10⁴ VPCs; the resources
/// themselves are expanded VPC by VPC while writing.
#[derive(Debug, Clone)]
pub struct Org {
    pub spec: Spec,
    /// 12-digit account IDs.
    pub accounts: Vec<String>,
    pub vpcs: Vec<VpcPlan>,
    pub notebooks: Vec<NotebookPlan>,
}

const TEAMS: [&str; 12] = [
    "analytics",
    "fraud",
    "risk",
    "search",
    "ads",
    "vision",
    "nlp",
    "forecast",
    "pricing",
    "growth",
    "health",
    "platform",
];

/// Decide an organisation from `spec` (no I/O). The same spec gives the same organisation.
pub fn generate(spec: &Spec) -> Result<Org, SpecError> {
    spec.validate()?;
    let accounts: Vec<String> = (0..spec.accounts)
        .map(|a| {
            // Distinct for distinct `a` (< 10⁶ sits in the low digits), varied by the seed.
            let high = rng::mix(spec.seed ^ a as u64) % 899_999 * 1_000_000;
            format!("{:012}", 100_000_000_000 + high + a as u64)
        })
        .collect();
    let total: u32 = spec.mix.iter().sum();
    let mut vpcs = Vec::with_capacity(spec.vpcs);
    let mut notebooks =
        Vec::with_capacity(spec.vpcs * spec.notebooks_per_vpc + spec.no_vpc_notebooks());
    for index in 0..spec.vpcs {
        let mut r = Rng::derive(spec.seed, 1, index as u64);
        let mut w = r.below(u64::from(total)) as u32;
        let mut kind = VpcKind::Isolated;
        for (k, weight) in VpcKind::ALL.iter().zip(spec.mix) {
            if w < weight {
                kind = *k;
                break;
            }
            w -= weight;
        }
        let mistake =
            (kind == VpcKind::Isolated && r.chance(spec.mistake_percent)).then(|| {
                match r.below(5) {
                    0 => Mistake::MissingEndpoint(r.below(SERVICES.len() as u64) as usize),
                    1 => Mistake::SgWithout443,
                    2 => Mistake::AclDeny443,
                    3 => Mistake::PrivateDnsOff(
                        1 + r.below(INTERFACE_SERVICES.len() as u64) as usize,
                    ),
                    _ => Mistake::DnsSupportOff,
                }
            });
        let n = spec.subnets_per_vpc;
        let subnets: Vec<SubnetRole> = (0..n)
            .map(|j| match kind {
                VpcKind::Isolated | VpcKind::TransitGateway if j < 2 => SubnetRole::Endpoints,
                VpcKind::NatEgress if j < 2 => SubnetRole::Public,
                VpcKind::Public if j < n / 2 => SubnetRole::Public,
                _ => SubnetRole::Workload,
            })
            .collect();
        let homes: Vec<usize> = (0..n)
            .filter(|&j| {
                subnets[j]
                    == if kind == VpcKind::Public {
                        SubnetRole::Public
                    } else {
                        SubnetRole::Workload
                    }
            })
            .collect();
        let default_dia = kind == VpcKind::Public;
        let shared: Vec<Placement> = (0..r.range(1, 2))
            .map(|i| Placement {
                subnet: *r.pick(&homes),
                sgs: vec![if i == 0 {
                    SgRole::NotebooksA
                } else {
                    SgRole::NotebooksB
                }],
                direct_internet: default_dia,
            })
            .collect();
        let account = index % spec.accounts;
        let team = TEAMS[index % TEAMS.len()];
        let mut mine = Vec::with_capacity(spec.notebooks_per_vpc);
        for k in 0..spec.notebooks_per_vpc {
            let placement = if r.chance(spec.shared_placement_percent) {
                r.pick(&shared).clone()
            } else {
                let mut sgs = vec![if r.chance(50) {
                    SgRole::NotebooksA
                } else {
                    SgRole::NotebooksB
                }];
                if r.chance(50) {
                    sgs.push(SgRole::Team(r.below(2) as usize));
                }
                Placement {
                    subnet: *r.pick(&homes),
                    sgs,
                    direct_internet: if kind == VpcKind::Public {
                        r.chance(50)
                    } else {
                        false
                    },
                }
            };
            let intent = match (kind, mistake) {
                (VpcKind::Isolated, None) => Intent::Compliant,
                (VpcKind::Isolated, Some(m)) => Intent::Broken(m),
                (VpcKind::NatEgress, _) => Intent::NatEgress,
                (VpcKind::Public, _) if placement.direct_internet => Intent::DirectInternet,
                (VpcKind::Public, _) => Intent::NoPublicIp,
                (VpcKind::TransitGateway, _) => Intent::TransitGateway,
            };
            mine.push(notebooks.len());
            notebooks.push(NotebookPlan {
                name: format!("nb-{team}-{index:05}-{k:02}"),
                account,
                placement: Some((index, placement)),
                root_access: r.chance(30),
                intent,
            });
        }
        vpcs.push(VpcPlan {
            index,
            account,
            kind,
            mistake,
            subnets,
            notebooks: mine,
        });
    }
    for i in 0..spec.no_vpc_notebooks() {
        let mut r = Rng::derive(spec.seed, 2, i as u64);
        notebooks.push(NotebookPlan {
            name: format!("nb-sandbox-{i:05}"),
            account: i % spec.accounts,
            placement: None,
            root_access: r.chance(50),
            intent: Intent::NoVpc,
        });
    }
    Ok(Org {
        spec: spec.clone(),
        accounts,
        vpcs,
        notebooks,
    })
}
