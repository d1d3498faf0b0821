//! SageMaker Studio domains, user profiles and spaces, and EC2 instances, as sources judged like
//! notebooks.
//!
//! A Studio domain places its apps' network interfaces in the domain's subnets; which subnet an
//! app lands in is SageMaker's choice, so each (user profile or space) is judged once per subnet of
//! the domain (`VpcOnly`). The rules, from AWS's documentation:
//!
//! - `AppNetworkAccessType` — "`PublicInternetOnly` - Non-EFS traffic is through a VPC managed by
//!   Amazon SageMaker AI, which allows direct internet access; `VpcOnly` - All traffic is through
//!   the specified VPC and subnets" (API_CreateDomain). With `PublicInternetOnly`, "traffic to AWS
//!   services like Amazon S3 and CloudWatch goes through an internet gateway, as does traffic that
//!   accesses the SageMaker AI API and SageMaker AI runtime" ("Connect Amazon SageMaker Studio in a
//!   VPC to External Resources"): such a source is judged like a notebook without a subnet — all of
//!   it through the SageMaker service network, whatever the domain's VPC holds (its interface
//!   endpoints are not used: the names resolve in SageMaker's VPC). `PublicInternetOnly` is the
//!   default, so a description without the field is assumed to be it (a warning says so).
//! - Security groups — "SecurityGroups is aggregated when specified in both calls"
//!   (API_UserSettings: `DefaultUserSettings` of the domain and `UserSettings` of the profile), so a
//!   profile's groups are the domain's default groups plus its own. `DefaultSpaceSettings` —
//!   "SageMaker applies these settings only to shared spaces"; a private space runs with its
//!   owner's user settings ("SageMaker applies these settings only to private spaces that the
//!   user creates"). SageMaker also adds a group of its own for NFS traffic to the domain's EFS
//!   volume (TCP 2049 to the EFS mount targets' group); it allows nothing the checks ask about and
//!   is not in the snapshot.
//! - A domain without profiles or spaces is still judged once per subnet with its default user
//!   settings: that is what any profile created without settings of its own will get, so a gate
//!   on a fresh domain is not an empty pass.
//!
//! What cannot be known is never guessed: a `list-domains` / `list-user-profiles` / `list-spaces`
//! summary, a private space whose owner is not described, a domain subnet of another VPC — each
//! such source's verdicts are `unknown`, with a diagnostic.

use std::collections::BTreeSet;

use vpcreach_core::codes::Code;
use vpcreach_core::model::*;

use super::{ConvertError, Diags};
use crate::snapshot::{self as aws, Snapshot};

/// The settings' security groups (`None` when they name none).
fn groups(s: &Option<aws::StudioSettings>) -> Option<&[String]> {
    s.as_ref()
        .and_then(|s| s.security_groups.as_deref())
        .filter(|g| !g.is_empty())
}

/// The union of several lists of security groups, in first-seen order.
fn union(lists: &[Option<&[String]>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in lists.iter().flatten().flat_map(|l| l.iter()) {
        if !out.contains(g) {
            out.push(g.clone());
        }
    }
    out
}

/// One member of a domain to judge: its kind, name, ARN, status, security groups, and why its
/// placement is not known (if it is not).
struct Member {
    kind: SourceKind,
    label: String,
    user_profile: Option<String>,
    space: Option<String>,
    arn: Option<String>,
    status: Option<String>,
    groups: Vec<String>,
    unknown: Option<String>,
    /// A shared space (judged with `DefaultSpaceSettings`).
    shared: bool,
}

fn access_of(dom: &aws::Domain, d: &mut Diags) -> AppNetworkAccess {
    if dom.is_summary() {
        return AppNetworkAccess::Unknown(None);
    }
    match dom.app_network_access_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("VpcOnly") => AppNetworkAccess::VpcOnly,
        Some(t) if t.eq_ignore_ascii_case("PublicInternetOnly") => {
            AppNetworkAccess::PublicInternetOnly
        }
        None => {
            d.push(
                Severity::Warning,
                Code::MissingField,
                &dom.domain_id,
                "AppNetworkAccessType is not reported; assumed PublicInternetOnly, AWS's default (describe-domain always reports it: check the snapshot)".into(),
            );
            AppNetworkAccess::PublicInternetOnly
        }
        Some(other) => AppNetworkAccess::Unknown(Some(other.to_string())),
    }
}

/// The user profiles and spaces of `dom` (or its defaults when it has none).
fn members(snap: &Snapshot, dom: &aws::Domain) -> Vec<Member> {
    let default_user = groups(&dom.default_user_settings);
    let default_space = groups(&dom.default_space_settings);
    let mut out = Vec::new();
    let mut profiles: Vec<&aws::UserProfile> = snap
        .user_profiles
        .iter()
        .filter(|p| p.domain_id == dom.domain_id)
        .collect();
    profiles.sort_by(|a, b| a.user_profile_name.cmp(&b.user_profile_name));
    let profile_groups = |p: &aws::UserProfile| union(&[default_user, groups(&p.user_settings)]);
    for p in &profiles {
        out.push(Member {
            kind: SourceKind::StudioUserProfile,
            label: format!("user/{}", p.user_profile_name),
            user_profile: Some(p.user_profile_name.clone()),
            space: None,
            arn: p.user_profile_arn.clone(),
            status: p.status.clone(),
            groups: profile_groups(p),
            shared: false,
            unknown: p.is_summary().then(|| {
                "only a list-user-profiles summary describes this user profile (its own security groups are not known): save `aws sagemaker describe-user-profile` output for it".to_string()
            }),
        });
    }
    let mut spaces: Vec<&aws::Space> = snap
        .spaces
        .iter()
        .filter(|s| s.domain_id == dom.domain_id)
        .collect();
    spaces.sort_by(|a, b| a.space_name.cmp(&b.space_name));
    for s in spaces {
        let own = groups(&s.space_settings);
        let sharing = s
            .space_sharing_settings
            .as_ref()
            .and_then(|x| x.sharing_type.as_deref());
        let owner = s
            .ownership_settings
            .as_ref()
            .and_then(|o| o.owner_user_profile_name.as_deref());
        let (groups, unknown) = match sharing {
            _ if s.is_summary() => (
                union(&[own]),
                Some("only a list-spaces summary describes this space (whether it is shared or private, and so its security groups, is not known): save `aws sagemaker describe-space` output for it".to_string()),
            ),
            Some(t) if t.eq_ignore_ascii_case("Private") => {
                match owner.and_then(|o| profiles.iter().find(|p| p.user_profile_name == o)) {
                    Some(p) if !p.is_summary() => {
                        let theirs = profile_groups(p);
                        (union(&[Some(theirs.as_slice()), own]), None)
                    }
                    _ => (
                        union(&[default_user, own]),
                        Some(format!(
                            "this private space runs with its owner's user settings, and the owner ({}) is not described by describe-user-profile output in the snapshot",
                            owner.unwrap_or("not named")
                        )),
                    ),
                }
            }
            Some(t) if t.eq_ignore_ascii_case("Shared") => {
                // Without DefaultSpaceSettings groups, the domain's default user settings stand
                // in (a warning says so).
                (union(&[default_space.or(default_user), own]), None)
            }
            other => (
                union(&[own]),
                Some(format!(
                    "the space's sharing type is {}: which settings apply is not known",
                    other.map_or("not reported".to_string(), |t| format!("\"{t}\""))
                )),
            ),
        };
        out.push(Member {
            kind: SourceKind::StudioSpace,
            label: format!("space/{}", s.space_name),
            user_profile: owner.map(str::to_string),
            space: Some(s.space_name.clone()),
            arn: s.space_arn.clone(),
            status: s.status.clone(),
            groups,
            shared: unknown.is_none() && sharing.is_some_and(|t| t.eq_ignore_ascii_case("Shared")),
            unknown,
        });
    }
    if out.is_empty() {
        out.push(Member {
            kind: SourceKind::StudioDomainDefaults,
            label: "defaults".into(),
            user_profile: None,
            space: None,
            arn: dom.domain_arn.clone(),
            status: dom.status.clone(),
            groups: union(&[default_user]),
            shared: false,
            unknown: None,
        });
    }
    out
}

/// Every Studio domain's sources, added to `net.notebooks` (sorted by name with the notebooks).
pub(super) fn studio(snap: &Snapshot, net: &mut Network, d: &mut Diags) {
    let mut domains: Vec<&aws::Domain> = snap.domains.iter().collect();
    domains.sort_by(|a, b| a.domain_id.cmp(&b.domain_id));
    let known: BTreeSet<&str> = domains.iter().map(|x| x.domain_id.as_str()).collect();
    for p in &snap.user_profiles {
        if !known.contains(p.domain_id.as_str()) {
            d.push(
                Severity::Error,
                Code::DanglingReference,
                &format!("{}/{}", p.domain_id, p.user_profile_name),
                format!(
                    "the user profile's domain {} is not in Domains (describe-domain output): the profile is not judged",
                    p.domain_id
                ),
            );
        }
    }
    for s in &snap.spaces {
        if !known.contains(s.domain_id.as_str()) {
            d.push(
                Severity::Error,
                Code::DanglingReference,
                &format!("{}/{}", s.domain_id, s.space_name),
                format!(
                    "the space's domain {} is not in Domains (describe-domain output): the space is not judged",
                    s.domain_id
                ),
            );
        }
    }
    for dom in domains {
        let access = access_of(dom, d);
        let account_id = dom
            .domain_arn
            .as_deref()
            .and_then(crate::arn::account_of)
            .map(str::to_string);
        let id = &dom.domain_id;
        let mut domain_unknown = match &access {
            AppNetworkAccess::Unknown(None) => Some(
                "only a list-domains summary describes this Studio domain (no network access type, VPC, subnets or security groups): save `aws sagemaker describe-domain` output for it".to_string(),
            ),
            AppNetworkAccess::Unknown(Some(v)) => Some(format!(
                "the domain's AppNetworkAccessType \"{v}\" is neither VpcOnly nor PublicInternetOnly"
            )),
            _ => None,
        };
        if access == AppNetworkAccess::VpcOnly && dom.subnet_ids.is_empty() {
            domain_unknown = Some(
                "the VpcOnly domain lists no SubnetIds: where its apps run is not known".into(),
            );
        }
        if let Some(why) = &domain_unknown {
            d.push(
                Severity::Error,
                Code::NotebookPlacementUnknown,
                id,
                format!("{why}; the verdicts of its user profiles and spaces are unknown"),
            );
        }
        // Where the sources are placed: each subnet (VpcOnly), or nowhere in the customer's VPC.
        let placements: Vec<Option<&String>> = match access {
            AppNetworkAccess::VpcOnly if !dom.subnet_ids.is_empty() => {
                dom.subnet_ids.iter().map(Some).collect()
            }
            _ => vec![None],
        };
        let mut bad_subnets: BTreeSet<&str> = BTreeSet::new();
        for s in placements.iter().flatten() {
            match net.subnets.get(s.as_str()) {
                None => d.push(
                    Severity::Error,
                    Code::DanglingReference,
                    id,
                    format!("the domain's subnet {s} is not in the snapshot"),
                ),
                Some(sub) if dom.vpc_id.as_ref().is_some_and(|v| *v != sub.vpc_id) => {
                    bad_subnets.insert(s.as_str());
                    d.push(
                        Severity::Error,
                        Code::NotebookPlacementUnknown,
                        id,
                        format!(
                            "the domain's subnet {s} is in {}, not in the domain's VPC {}: the snapshot contradicts itself, and the verdicts of the domain's sources in that subnet are unknown",
                            sub.vpc_id,
                            dom.vpc_id.as_deref().unwrap_or_default()
                        ),
                    );
                }
                Some(_) => {}
            }
        }
        for m in members(snap, dom) {
            if let Some(why) = &m.unknown
                && domain_unknown.is_none()
            {
                d.push(
                    Severity::Error,
                    Code::NotebookPlacementUnknown,
                    &format!("{id}/{}", m.label),
                    format!("{why}; its verdicts are unknown"),
                );
            }
            if m.shared && groups(&dom.default_space_settings).is_none() {
                d.push(
                    Severity::Warning,
                    Code::MissingField,
                    &format!("{id}/{}", m.label),
                    "the domain has no DefaultSpaceSettings security groups (the settings of shared spaces); its DefaultUserSettings groups are assumed for this shared space".into(),
                );
            }
            if access == AppNetworkAccess::VpcOnly && m.groups.is_empty() && m.unknown.is_none() {
                d.push(
                    Severity::Warning,
                    Code::MissingField,
                    &format!("{id}/{}", m.label),
                    "no security group is named for this source (neither the domain's defaults nor its own settings): judged with none, so nothing leaves its interface".into(),
                );
            }
            for g in &m.groups {
                if !net.security_groups.contains_key(g) {
                    d.push(
                        Severity::Error,
                        Code::DanglingReference,
                        &format!("{id}/{}", m.label),
                        format!("the source's security group {g} is not in the snapshot"),
                    );
                }
            }
            for subnet in &placements {
                let name = match subnet {
                    Some(s) => format!("{id}/{}@{s}", m.label),
                    None => format!("{id}/{}", m.label),
                };
                let vpc_id = subnet
                    .and_then(|s| net.subnets.get(s.as_str()))
                    .map(|s| s.vpc_id.clone());
                let known = domain_unknown.is_none()
                    && m.unknown.is_none()
                    && !subnet.is_some_and(|s| bad_subnets.contains(s.as_str()));
                net.notebooks.push(Notebook {
                    name,
                    arn: m.arn.clone(),
                    account_id: account_id.clone(),
                    status: m.status.clone(),
                    subnet_id: subnet.cloned(),
                    vpc_id,
                    security_groups: m.groups.clone(),
                    interface_id: None,
                    direct_internet_access: match access {
                        AppNetworkAccess::VpcOnly => Toggle::Disabled,
                        AppNetworkAccess::PublicInternetOnly => Toggle::Enabled,
                        AppNetworkAccess::Unknown(_) => Toggle::Missing,
                    },
                    root_access: Toggle::Missing,
                    placement_known: known,
                    kind: m.kind,
                    studio: Some(StudioSource {
                        domain_id: id.clone(),
                        domain_name: dom.domain_name.clone(),
                        access: access.clone(),
                        domain_vpc_id: dom.vpc_id.clone(),
                        user_profile: m.user_profile.clone(),
                        space: m.space.clone(),
                    }),
                });
            }
        }
    }
    net.notebooks.sort_by(|a, b| a.name.cmp(&b.name));
}

/// EC2 instances (`describe-instances` `Reservations`): recorded so that `--source i-…` can judge
/// one through its primary interface; an instance interface absent from `NetworkInterfaces` is
/// added from the instance's own description (with its public address, if it has one).
pub(super) fn instances(snap: &Snapshot, net: &mut Network) -> Result<(), ConvertError> {
    let mut extra = Snapshot::default();
    for r in &snap.reservations {
        for i in &r.instances {
            let primary = i
                .network_interfaces
                .iter()
                .find(|n| n.attachment.as_ref().and_then(|a| a.device_index) == Some(0))
                .or_else(|| i.network_interfaces.first());
            for n in &i.network_interfaces {
                let e = &n.interface;
                if !e.network_interface_id.is_empty()
                    && !net.interfaces.contains_key(&e.network_interface_id)
                    && !extra
                        .network_interfaces
                        .iter()
                        .any(|x| x.network_interface_id == e.network_interface_id)
                {
                    extra.network_interfaces.push(e.clone());
                }
            }
            net.instances.insert(
                i.instance_id.clone(),
                Instance {
                    id: i.instance_id.clone(),
                    primary_interface: primary
                        .map(|p| p.interface.network_interface_id.clone())
                        .filter(|p| !p.is_empty()),
                    subnet_id: i.subnet_id.clone(),
                    vpc_id: i.vpc_id.clone(),
                    groups: i
                        .security_groups
                        .iter()
                        .map(|g| g.group_id.clone())
                        .collect(),
                    account_id: r.owner_id.clone(),
                },
            );
        }
    }
    super::resources::interfaces(&extra, net)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(json: &str) -> Snapshot {
        serde_json::from_str(json).unwrap()
    }

    const NET: &str = r#""Region":"us-east-1",
        "Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"},{"VpcId":"vpc-2","CidrBlock":"10.1.0.0/16"}],
        "Subnets":[{"SubnetId":"subnet-a","VpcId":"vpc-1","CidrBlock":"10.0.1.0/24"},
                   {"SubnetId":"subnet-b","VpcId":"vpc-1","CidrBlock":"10.0.2.0/24"},
                   {"SubnetId":"subnet-x","VpcId":"vpc-2","CidrBlock":"10.1.1.0/24"}],
        "SecurityGroups":[{"GroupId":"sg-d","VpcId":"vpc-1"},{"GroupId":"sg-p","VpcId":"vpc-1"},{"GroupId":"sg-s","VpcId":"vpc-1"}]"#;

    fn convert(json: &str) -> Network {
        super::super::convert(&snap(&format!("{{{NET},{json}}}"))).unwrap()
    }

    #[test]
    fn vpc_only_gives_one_source_per_member_and_subnet_with_aggregated_groups() {
        let net = convert(
            r#""Domains":[{"DomainId":"d-1","DomainArn":"arn:aws:sagemaker:us-east-1:111122223333:domain/d-1","AppNetworkAccessType":"VpcOnly","VpcId":"vpc-1","SubnetIds":["subnet-a","subnet-b"],
                 "DefaultUserSettings":{"SecurityGroups":["sg-d"]},"DefaultSpaceSettings":{"SecurityGroups":["sg-s"]}}],
               "UserProfiles":[{"DomainId":"d-1","UserProfileName":"alice","UserProfileArn":"arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-1/alice","UserSettings":{"SecurityGroups":["sg-p"]}}],
               "Spaces":[{"DomainId":"d-1","SpaceName":"team","SpaceArn":"arn:x","SpaceSharingSettings":{"SharingType":"Shared"}},
                         {"DomainId":"d-1","SpaceName":"mine","SpaceArn":"arn:y","SpaceSharingSettings":{"SharingType":"Private"},"OwnershipSettings":{"OwnerUserProfileName":"alice"}}]"#,
        );
        let names: Vec<&str> = net.notebooks.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "d-1/space/mine@subnet-a",
                "d-1/space/mine@subnet-b",
                "d-1/space/team@subnet-a",
                "d-1/space/team@subnet-b",
                "d-1/user/alice@subnet-a",
                "d-1/user/alice@subnet-b"
            ]
        );
        let by = |n: &str| net.notebooks.iter().find(|x| x.name == n).unwrap();
        let alice = by("d-1/user/alice@subnet-b");
        assert_eq!(alice.security_groups, ["sg-d", "sg-p"]);
        assert_eq!(alice.kind, SourceKind::StudioUserProfile);
        assert_eq!(alice.vpc_id.as_deref(), Some("vpc-1"));
        assert_eq!(alice.account_id.as_deref(), Some("111122223333"));
        assert!(alice.placement_known);
        assert_eq!(by("d-1/space/team@subnet-a").security_groups, ["sg-s"]);
        assert_eq!(
            by("d-1/space/mine@subnet-a").security_groups,
            ["sg-d", "sg-p"]
        );
    }

    #[test]
    fn public_internet_only_is_outside_the_vpc_and_a_summary_is_unknown() {
        let net = convert(
            r#""Domains":[{"DomainId":"d-2","AppNetworkAccessType":"PublicInternetOnly","VpcId":"vpc-1","SubnetIds":["subnet-a"]},
                          {"DomainId":"d-3","DomainName":"listed","Status":"InService"}]"#,
        );
        let d2 = &net.notebooks[0];
        assert_eq!(d2.name, "d-2/defaults");
        assert_eq!(d2.subnet_id, None);
        assert_eq!(d2.direct_internet_access, Toggle::Enabled);
        assert!(d2.placement_known);
        let d3 = &net.notebooks[1];
        assert!(!d3.placement_known);
        assert!(
            net.diagnostics
                .iter()
                .any(|x| x.resource == "d-3" && x.code == Code::NotebookPlacementUnknown)
        );
    }

    #[test]
    fn a_subnet_of_another_vpc_and_an_undescribed_owner_are_unknown() {
        let net = convert(
            r#""Domains":[{"DomainId":"d-1","AppNetworkAccessType":"VpcOnly","VpcId":"vpc-1","SubnetIds":["subnet-a","subnet-x"],"DefaultUserSettings":{"SecurityGroups":["sg-d"]}}],
               "Spaces":[{"DomainId":"d-1","SpaceName":"p","SpaceArn":"arn:y","SpaceSharingSettings":{"SharingType":"Private"},"OwnershipSettings":{"OwnerUserProfileName":"ghost"}}]"#,
        );
        assert_eq!(net.notebooks.len(), 2);
        assert!(net.notebooks.iter().all(|n| !n.placement_known));
        assert!(
            net.diagnostics
                .iter()
                .any(|x| x.message.contains("subnet-x is in vpc-2"))
        );
        assert!(net.diagnostics.iter().any(|x| x.message.contains("ghost")));
    }

    #[test]
    fn instances_give_workload_sources_through_their_primary_interface() {
        let net = convert(
            r#""Reservations":[{"ReservationId":"r-1","OwnerId":"111122223333","Instances":[{"InstanceId":"i-1","SubnetId":"subnet-a","VpcId":"vpc-1",
                 "SecurityGroups":[{"GroupId":"sg-d"}],
                 "NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","SubnetId":"subnet-a","VpcId":"vpc-1","PrivateIpAddress":"10.0.1.5",
                    "Association":{"PublicIp":"3.3.3.3"},"Groups":[{"GroupId":"sg-p"}],"Attachment":{"DeviceIndex":0}}]}]}]"#,
        );
        let nb = net.workload_source("i-1").unwrap();
        assert_eq!(nb.kind, SourceKind::Ec2Instance);
        assert_eq!(nb.interface_id.as_deref(), Some("eni-1"));
        assert_eq!(nb.security_groups, ["sg-p"]);
        assert_eq!(nb.subnet_id.as_deref(), Some("subnet-a"));
        assert_eq!(net.interfaces["eni-1"].public_ips.len(), 1);
        let eni = net.workload_source("eni-1").unwrap();
        assert_eq!(eni.kind, SourceKind::NetworkInterface);
        assert!(net.workload_source("i-nope").is_none());
    }
}
