//! SageMaker Studio: `ListDomains` then `DescribeDomain` for each domain, and per domain
//! `ListUserProfiles` / `DescribeUserProfile` and `ListSpaces` / `DescribeSpace`, mapped to the
//! snapshot's `Domains`, `UserProfiles` and `Spaces` (the shapes `aws sagemaker describe-*`
//! prints).
//!
//! Like notebooks, a resource that cannot be described keeps its list summary (the engine judges
//! its sources `unknown`); it is never dropped. A failed list call drops that list whole and is
//! reported like every other failed call (an `Incomplete` entry for its key).

use futures_util::future::join_all;

use aws_sdk_sagemaker::operation::describe_domain::DescribeDomainOutput;
use aws_sdk_sagemaker::operation::describe_space::DescribeSpaceOutput;
use aws_sdk_sagemaker::operation::describe_user_profile::DescribeUserProfileOutput;
use aws_sdk_sagemaker::types::{DomainDetails, SpaceDetails, UserProfileDetails};
use vpcreach_aws::snapshot as s;

use super::region::{Failed, Region};

/// What the Studio calls give.
#[derive(Default)]
pub(super) struct Studio {
    pub domains: Vec<s::Domain>,
    pub user_profiles: Vec<s::UserProfile>,
    pub spaces: Vec<s::Space>,
    pub failed: Vec<Failed>,
}

impl Region {
    /// Every Studio domain of the region, with its user profiles and spaces.
    pub(super) async fn studio(&self) -> Studio {
        let mut out = Studio::default();
        let summaries: Vec<DomainDetails> = match self
            .call(
                "ListDomains",
                None,
                self.sm
                    .list_domains()
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .await
        {
            Ok(v) => v.into_iter().filter(|d| d.domain_id.is_some()).collect(),
            Err(f) => {
                out.failed.push(f);
                return out;
            }
        };
        self.bar.add(summaries.len() * 3);
        let described = join_all(summaries.iter().map(|d| {
            let id = d.domain_id.as_deref().unwrap_or_default();
            self.call(
                "DescribeDomain",
                Some(id),
                self.sm.describe_domain().domain_id(id).send(),
            )
        }))
        .await;
        for (summary, a) in summaries.iter().zip(described) {
            match a {
                Ok(o) => out.domains.push(domain(o)),
                Err(f) => {
                    out.failed.push(f);
                    out.domains.push(domain_summary(summary));
                }
            }
        }
        let members = join_all(summaries.iter().map(|d| {
            let id = d.domain_id.as_deref().unwrap_or_default();
            async move { tokio::join!(self.user_profiles(id), self.spaces(id)) }
        }))
        .await;
        for ((mut profiles, mut f1), (mut spaces, mut f2)) in members {
            out.user_profiles.append(&mut profiles);
            out.spaces.append(&mut spaces);
            out.failed.append(&mut f1);
            out.failed.append(&mut f2);
        }
        out
    }

    /// `ListUserProfiles` of one domain, then `DescribeUserProfile` for each.
    async fn user_profiles(&self, domain: &str) -> (Vec<s::UserProfile>, Vec<Failed>) {
        let listed: Vec<UserProfileDetails> = match self
            .call(
                "ListUserProfiles",
                Some(domain),
                self.sm
                    .list_user_profiles()
                    .domain_id_equals(domain)
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .await
        {
            Ok(v) => v
                .into_iter()
                .filter(|p| p.user_profile_name.is_some())
                .collect(),
            Err(f) => return (Vec::new(), vec![f]),
        };
        self.bar.add(listed.len());
        let resources: Vec<String> = listed
            .iter()
            .map(|p| {
                format!(
                    "{domain}/{}",
                    p.user_profile_name.as_deref().unwrap_or_default()
                )
            })
            .collect();
        let answers = join_all(listed.iter().zip(&resources).map(|(p, resource)| {
            let name = p.user_profile_name.as_deref().unwrap_or_default();
            self.call(
                "DescribeUserProfile",
                Some(resource.as_str()),
                self.sm
                    .describe_user_profile()
                    .domain_id(domain)
                    .user_profile_name(name)
                    .send(),
            )
        }))
        .await;
        let mut failed = Vec::new();
        let mut out = Vec::new();
        for (summary, a) in listed.into_iter().zip(answers) {
            match a {
                Ok(o) => out.push(user_profile(o)),
                Err(f) => {
                    failed.push(f);
                    out.push(user_profile_summary(summary));
                }
            }
        }
        (out, failed)
    }

    /// `ListSpaces` of one domain, then `DescribeSpace` for each.
    async fn spaces(&self, domain: &str) -> (Vec<s::Space>, Vec<Failed>) {
        let listed: Vec<SpaceDetails> = match self
            .call(
                "ListSpaces",
                Some(domain),
                self.sm
                    .list_spaces()
                    .domain_id_equals(domain)
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .await
        {
            Ok(v) => v.into_iter().filter(|p| p.space_name.is_some()).collect(),
            Err(f) => return (Vec::new(), vec![f]),
        };
        self.bar.add(listed.len());
        let resources: Vec<String> = listed
            .iter()
            .map(|p| format!("{domain}/{}", p.space_name.as_deref().unwrap_or_default()))
            .collect();
        let answers = join_all(listed.iter().zip(&resources).map(|(p, resource)| {
            let name = p.space_name.as_deref().unwrap_or_default();
            self.call(
                "DescribeSpace",
                Some(resource.as_str()),
                self.sm
                    .describe_space()
                    .domain_id(domain)
                    .space_name(name)
                    .send(),
            )
        }))
        .await;
        let mut failed = Vec::new();
        let mut out = Vec::new();
        for (summary, a) in listed.into_iter().zip(answers) {
            match a {
                Ok(o) => out.push(space(o)),
                Err(f) => {
                    failed.push(f);
                    out.push(space_summary(summary));
                }
            }
        }
        (out, failed)
    }
}

/// Add one account's Studio resources to a region's merged snapshot. Domains, profiles and
/// spaces belong to one account each (a domain ID is unique), so identical copies are kept once
/// and everything else is appended.
pub(super) fn merge(
    into: &mut s::Snapshot,
    domains: Vec<s::Domain>,
    user_profiles: Vec<s::UserProfile>,
    spaces: Vec<s::Space>,
) {
    fn add<T: PartialEq>(into: &mut Vec<T>, from: Vec<T>) {
        for x in from {
            if !into.contains(&x) {
                into.push(x);
            }
        }
    }
    add(&mut into.domains, domains);
    add(&mut into.user_profiles, user_profiles);
    add(&mut into.spaces, spaces);
}

/// Sort the Studio lists by ID: a scan does not depend on the order the API answered in.
pub(super) fn sort(snap: &mut s::Snapshot) {
    snap.domains.sort_by(|a, b| a.domain_id.cmp(&b.domain_id));
    snap.user_profiles.sort_by(|a, b| {
        (&a.domain_id, &a.user_profile_name).cmp(&(&b.domain_id, &b.user_profile_name))
    });
    snap.spaces
        .sort_by(|a, b| (&a.domain_id, &a.space_name).cmp(&(&b.domain_id, &b.space_name)));
}

fn settings(groups: &[String]) -> Option<s::StudioSettings> {
    Some(s::StudioSettings {
        security_groups: (!groups.is_empty()).then(|| groups.to_vec()),
    })
}

/// `DescribeDomain` → one `Domains` element, as `aws sagemaker describe-domain` prints it.
pub(super) fn domain(o: DescribeDomainOutput) -> s::Domain {
    s::Domain {
        domain_id: o.domain_id().unwrap_or_default().to_string(),
        domain_arn: o.domain_arn().map(str::to_string),
        domain_name: o.domain_name().map(str::to_string),
        status: o.status().map(|x| x.as_str().to_string()),
        app_network_access_type: o.app_network_access_type().map(|x| x.as_str().to_string()),
        vpc_id: o.vpc_id().map(str::to_string),
        subnet_ids: o.subnet_ids().to_vec(),
        default_user_settings: o
            .default_user_settings()
            .and_then(|u| settings(u.security_groups())),
        default_space_settings: o
            .default_space_settings()
            .and_then(|u| settings(u.security_groups())),
    }
}

/// A `ListDomains` entry: what `list-domains` prints (no network fields: placement unknown).
pub(super) fn domain_summary(d: &DomainDetails) -> s::Domain {
    s::Domain {
        domain_id: d.domain_id().unwrap_or_default().to_string(),
        domain_arn: d.domain_arn().map(str::to_string),
        domain_name: d.domain_name().map(str::to_string),
        status: d.status().map(|x| x.as_str().to_string()),
        ..s::Domain::default()
    }
}

/// `DescribeUserProfile` → one `UserProfiles` element.
pub(super) fn user_profile(o: DescribeUserProfileOutput) -> s::UserProfile {
    s::UserProfile {
        domain_id: o.domain_id().unwrap_or_default().to_string(),
        user_profile_name: o.user_profile_name().unwrap_or_default().to_string(),
        user_profile_arn: o.user_profile_arn().map(str::to_string),
        status: o.status().map(|x| x.as_str().to_string()),
        // Described: its settings are known, even when it names no groups of its own.
        user_settings: Some(
            o.user_settings()
                .and_then(|u| settings(u.security_groups()))
                .unwrap_or_default(),
        ),
    }
}

/// A `ListUserProfiles` entry (its own security groups unknown).
pub(super) fn user_profile_summary(p: UserProfileDetails) -> s::UserProfile {
    s::UserProfile {
        domain_id: p.domain_id.unwrap_or_default(),
        user_profile_name: p.user_profile_name.unwrap_or_default(),
        status: p.status.map(|x| x.as_str().to_string()),
        ..s::UserProfile::default()
    }
}

/// `DescribeSpace` → one `Spaces` element.
pub(super) fn space(o: DescribeSpaceOutput) -> s::Space {
    s::Space {
        domain_id: o.domain_id().unwrap_or_default().to_string(),
        space_name: o.space_name().unwrap_or_default().to_string(),
        space_arn: o.space_arn().map(str::to_string),
        status: o.status().map(|x| x.as_str().to_string()),
        space_settings: None,
        ownership_settings: o.ownership_settings().map(|x| s::SpaceOwnership {
            owner_user_profile_name: x.owner_user_profile_name().map(str::to_string),
        }),
        space_sharing_settings: o.space_sharing_settings().map(|x| s::SpaceSharing {
            sharing_type: x.sharing_type().map(|t| t.as_str().to_string()),
        }),
    }
}

/// A `ListSpaces` entry: its sharing type and owner come with the summary.
pub(super) fn space_summary(p: SpaceDetails) -> s::Space {
    s::Space {
        domain_id: p.domain_id().unwrap_or_default().to_string(),
        space_name: p.space_name().unwrap_or_default().to_string(),
        status: p.status().map(|x| x.as_str().to_string()),
        ownership_settings: p.ownership_settings_summary().map(|x| s::SpaceOwnership {
            owner_user_profile_name: x.owner_user_profile_name().map(str::to_string),
        }),
        space_sharing_settings: p.space_sharing_settings_summary().map(|x| s::SpaceSharing {
            sharing_type: x.sharing_type().map(|t| t.as_str().to_string()),
        }),
        ..s::Space::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sagemaker::types::{
        AppNetworkAccessType, DefaultSpaceSettings, SharingType, SpaceSharingSettings, UserSettings,
    };

    #[test]
    fn describe_outputs_map_to_the_cli_shapes() {
        let d = domain(
            DescribeDomainOutput::builder()
                .domain_id("d-1")
                .domain_arn("arn:aws:sagemaker:us-east-1:111122223333:domain/d-1")
                .app_network_access_type(AppNetworkAccessType::VpcOnly)
                .vpc_id("vpc-1")
                .subnet_ids("subnet-a")
                .default_user_settings(UserSettings::builder().security_groups("sg-1").build())
                .default_space_settings(
                    DefaultSpaceSettings::builder()
                        .security_groups("sg-2")
                        .build(),
                )
                .build(),
        );
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["AppNetworkAccessType"], "VpcOnly");
        assert_eq!(json["SubnetIds"][0], "subnet-a");
        assert_eq!(json["DefaultUserSettings"]["SecurityGroups"][0], "sg-1");
        assert_eq!(json["DefaultSpaceSettings"]["SecurityGroups"][0], "sg-2");
        assert!(!d.is_summary());
        let p = user_profile(
            DescribeUserProfileOutput::builder()
                .domain_id("d-1")
                .user_profile_name("alice")
                .user_profile_arn("arn:x")
                .build(),
        );
        assert!(!p.is_summary());
        let sp = space(
            DescribeSpaceOutput::builder()
                .domain_id("d-1")
                .space_name("team")
                .space_arn("arn:y")
                .space_sharing_settings(
                    SpaceSharingSettings::builder()
                        .sharing_type(SharingType::Shared)
                        .build(),
                )
                .build(),
        );
        assert_eq!(
            sp.space_sharing_settings.unwrap().sharing_type.as_deref(),
            Some("Shared")
        );
        let summary = domain_summary(&DomainDetails::builder().domain_id("d-2").build());
        assert!(summary.is_summary());
    }
}
