//! What Terraform and CloudFormation readers share: the [`Builder`] that holds the planned state
//! as a snapshot, the synthetic-ID scheme, and what AWS itself creates with every new VPC (main
//! route table, default network ACL, default security group, DNS attributes) and every route
//! table (the `local` routes).
//!
//! AWS behaviour modelled here, with its documentation:
//! - A new VPC comes with a main route table, a default network ACL that allows all inbound and
//!   outbound IPv4 traffic (and IPv6 once the VPC has an IPv6 block), and a default security group
//!   that allows all inbound traffic from its own members and all outbound traffic
//!   (<https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html>,
//!   <https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html>,
//!   <https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html#RouteTables>).
//! - Every route table holds a `local` route for each of its VPC's CIDR blocks
//!   (<https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html#route-table-routes>).
//! - `enableDnsSupport` defaults to true and `enableDnsHostnames` to false for a VPC created
//!   through the API, Terraform or CloudFormation
//!   (<https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support>).
//! - A new VPC uses the region's default DHCP option set, whose resolver is AmazonProvidedDNS.

use std::path::Path;

use vpcreach_aws::Snapshot;
use vpcreach_aws::snapshot::{
    AttrBool, AttributeValue, DhcpConfiguration, DhcpOptions, IpPermission, IpRange, Ipv6Range,
    NetworkAcl, NetworkAclEntry, PlannedResource, Route, RouteTable, RouteTableAssociation,
    SecurityGroup, Unresolved, UserIdGroupPair, Vpc, VpcAttribute,
};

/// The IDs of what AWS creates with a new VPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcDefaults {
    pub main_route_table: String,
    pub default_acl: String,
    pub default_sg: String,
}

/// The planned state under construction: a copy of the base snapshot (if any) to which the
/// plan's resources are added, in which they replace what they update, and from which what the
/// plan destroys is removed.
#[derive(Debug, Clone)]
pub struct Builder {
    pub snap: Snapshot,
    /// `tf` or `cfn`: the origin part of synthetic IDs.
    tag: &'static str,
    /// The plan or template file, as `PlannedResources.File` names it.
    file: String,
    has_base: bool,
    /// The stack a synthetic ID belongs to when one deployment holds several CloudFormation
    /// stacks (`subnet-cfn:network/PrivateSubnet`); empty for a single template or a plan.
    scope: String,
    /// Route tables and VPCs (besides the planned ones) whose tables are rebuilt from the input:
    /// `finish` gives them their `local` routes too.
    pub rebuilt: std::collections::BTreeSet<String>,
}

impl Builder {
    /// Start from `base` (or nothing). `tag` is `tf` or `cfn`.
    pub fn new(base: Option<&Snapshot>, tag: &'static str, file: &Path) -> Builder {
        Builder {
            snap: base.cloned().unwrap_or_default(),
            tag,
            file: file.display().to_string(),
            has_base: base.is_some(),
            scope: String::new(),
            rebuilt: Default::default(),
        }
    }

    /// Build what follows as part of another file and stack: `PlannedResources.File` names
    /// `file`, and synthetic IDs carry `scope` (see [`Builder::id`]).
    pub fn set_origin(&mut self, file: &Path, scope: &str) {
        self.file = file.display().to_string();
        self.scope = scope.to_string();
    }

    /// Whether a base snapshot was given (literal IDs and data sources can be looked up in it).
    pub fn has_base(&self) -> bool {
        self.has_base
    }

    /// The synthetic ID of a planned resource: AWS's prefix, the origin, the address
    /// (`subnet-tf:module.vpc.aws_subnet.private[0]`); in a deployment of several stacks, the
    /// stack's scope before the logical ID (`subnet-cfn:network/PrivateSubnet`).
    pub fn id(&self, prefix: &str, address: &str) -> String {
        if self.scope.is_empty() {
            format!("{prefix}-{}:{address}", self.tag)
        } else {
            format!("{prefix}-{}:{}/{address}", self.tag, self.scope)
        }
    }

    /// An ID that exists nowhere, for a reference that cannot be resolved: whatever holds it
    /// dangles, so conversion reports it and the verdicts that need it are `unknown`.
    pub fn unresolved_id(prefix: &str, what: &str) -> String {
        format!("{prefix}-unresolved:{what}")
    }

    /// Record that `id` is planned (declared at `address`, of type `kind`; `action` is `create`,
    /// `update` or `replace`).
    pub fn mark_planned(
        &mut self,
        id: &str,
        address: &str,
        kind: &str,
        action: &str,
        line: Option<u32>,
    ) {
        let p = PlannedResource {
            id: id.to_string(),
            address: address.to_string(),
            kind: kind.to_string(),
            action: action.to_string(),
            file: Some(self.file.clone()),
            line,
        };
        if let Some(old) = self
            .snap
            .planned_resources
            .iter_mut()
            .find(|o| o.id == p.id)
        {
            *old = p;
        } else {
            self.snap.planned_resources.push(p);
        }
    }

    /// Record a value the input leaves open.
    pub fn unresolved(&mut self, address: &str, field: &str, reason: impl Into<String>) {
        let u = Unresolved {
            address: address.to_string(),
            field: field.to_string(),
            reason: reason.into(),
        };
        if !self.snap.unresolved.contains(&u) {
            self.snap.unresolved.push(u);
        }
    }

    /// Add (or replace) a VPC together with what AWS creates with it: DNS attributes, a main
    /// route table, a default network ACL and a default security group (synthetic IDs
    /// `<vpc id>#main`, `#default`). Returns their IDs. `vpc.vpc_id` must be set.
    pub fn add_vpc(&mut self, vpc: Vpc, dns_support: bool, dns_hostnames: bool) -> VpcDefaults {
        let vpc_id = vpc.vpc_id.clone();
        let suffix = vpc_id.split_once('-').map(|(_, s)| s).unwrap_or(&vpc_id);
        let defaults = VpcDefaults {
            main_route_table: format!("rtb-{suffix}#main"),
            default_acl: format!("acl-{suffix}#default"),
            default_sg: format!("sg-{suffix}#default"),
        };
        let mut vpc = vpc;
        if vpc.state.is_none() {
            vpc.state = Some("available".into());
        }
        if vpc.dhcp_options_id.is_none() && (self.snap.dhcp_options.is_some() || !self.has_base) {
            let dopt = "dopt-default#AmazonProvidedDNS".to_string();
            let sets = self.snap.dhcp_options.get_or_insert_with(Vec::new);
            if !sets.iter().any(|d| d.dhcp_options_id == dopt) {
                sets.push(DhcpOptions {
                    dhcp_options_id: dopt.clone(),
                    dhcp_configurations: vec![DhcpConfiguration {
                        key: "domain-name-servers".into(),
                        values: vec![AttributeValue {
                            value: "AmazonProvidedDNS".into(),
                        }],
                    }],
                    ..DhcpOptions::default()
                });
            }
            vpc.dhcp_options_id = Some(dopt);
        }
        upsert(&mut self.snap.vpcs, vpc, |v| &v.vpc_id);
        self.set_dns(&vpc_id, Some(dns_support), Some(dns_hostnames));
        upsert(
            &mut self.snap.route_tables,
            RouteTable {
                route_table_id: defaults.main_route_table.clone(),
                vpc_id: vpc_id.clone(),
                associations: vec![RouteTableAssociation {
                    main: Some(true),
                    route_table_id: Some(defaults.main_route_table.clone()),
                    ..RouteTableAssociation::default()
                }],
                ..RouteTable::default()
            },
            |r| &r.route_table_id,
        );
        let all = |egress: bool, n: i64, v4: bool| NetworkAclEntry {
            rule_number: n,
            egress,
            protocol: "-1".into(),
            rule_action: "allow".into(),
            cidr_block: v4.then(|| "0.0.0.0/0".into()),
            ipv6_cidr_block: (!v4).then(|| "::/0".into()),
            ..NetworkAclEntry::default()
        };
        upsert(
            &mut self.snap.network_acls,
            NetworkAcl {
                network_acl_id: defaults.default_acl.clone(),
                vpc_id: Some(vpc_id.clone()),
                is_default: Some(true),
                entries: vec![all(false, 100, true), all(true, 100, true)],
                ..NetworkAcl::default()
            },
            |a| &a.network_acl_id,
        );
        upsert(
            &mut self.snap.security_groups,
            SecurityGroup {
                group_id: defaults.default_sg.clone(),
                group_name: Some("default".into()),
                vpc_id: Some(vpc_id.clone()),
                ip_permissions: vec![IpPermission {
                    ip_protocol: "-1".into(),
                    user_id_group_pairs: vec![UserIdGroupPair {
                        group_id: Some(defaults.default_sg.clone()),
                        ..UserIdGroupPair::default()
                    }],
                    ..IpPermission::default()
                }],
                ip_permissions_egress: vec![IpPermission {
                    ip_protocol: "-1".into(),
                    ip_ranges: vec![IpRange {
                        cidr_ip: "0.0.0.0/0".into(),
                        description: None,
                    }],
                    ..IpPermission::default()
                }],
                ..SecurityGroup::default()
            },
            |g| &g.group_id,
        );
        defaults
    }

    /// Set a VPC's DNS attributes (`None` leaves one as it is).
    pub fn set_dns(&mut self, vpc_id: &str, support: Option<bool>, hostnames: Option<bool>) {
        let attrs = &mut self.snap.vpc_attributes;
        let a = match attrs.iter_mut().position(|a| a.vpc_id == vpc_id) {
            Some(i) => &mut attrs[i],
            None => {
                attrs.push(VpcAttribute {
                    vpc_id: vpc_id.to_string(),
                    ..VpcAttribute::default()
                });
                attrs.last_mut().expect("just pushed")
            }
        };
        if let Some(v) = support {
            a.enable_dns_support = Some(AttrBool { value: v });
        }
        if let Some(v) = hostnames {
            a.enable_dns_hostnames = Some(AttrBool { value: v });
        }
    }

    /// Remove every resource with this ID (a resource the plan destroys), and the planned marks
    /// for it.
    pub fn remove(&mut self, id: &str) {
        let s = &mut self.snap;
        s.vpcs.retain(|x| x.vpc_id != id);
        s.vpc_attributes.retain(|x| x.vpc_id != id);
        s.subnets.retain(|x| x.subnet_id != id);
        s.route_tables.retain(|x| x.route_table_id != id);
        s.internet_gateways.retain(|x| x.internet_gateway_id != id);
        s.egress_only_internet_gateways
            .retain(|x| x.egress_only_internet_gateway_id != id);
        s.nat_gateways.retain(|x| x.nat_gateway_id != id);
        s.vpc_endpoints.retain(|x| x.vpc_endpoint_id != id);
        s.security_groups.retain(|x| x.group_id != id);
        s.network_acls.retain(|x| x.network_acl_id != id);
        s.prefix_lists.retain(|x| x.prefix_list_id != id);
        if let Some(d) = &mut s.dhcp_options {
            d.retain(|x| x.dhcp_options_id != id);
        }
        s.network_interfaces
            .retain(|x| x.network_interface_id != id);
        s.notebook_instances
            .retain(|x| x.notebook_instance_name != id);
        s.planned_resources.retain(|x| x.id != id);
    }

    /// The finished planned state: every planned (or rebuilt) route table holds its VPC's `local` routes
    /// (first, as AWS lists them), and the default ACL and security group of every planned VPC
    /// with an IPv6 block also allow IPv6.
    pub fn finish(mut self) -> Snapshot {
        self.unknown_group_peers();
        let mut planned: std::collections::BTreeSet<String> = self
            .snap
            .planned_resources
            .iter()
            .map(|p| p.id.clone())
            .collect();
        let ipv6_defaults = planned.clone();
        planned.extend(self.rebuilt.iter().cloned());
        let vpcs = self.snap.vpcs.clone();
        let cidrs_of = |vpc_id: &str| -> (Vec<String>, Vec<String>) {
            let Some(v) = vpcs.iter().find(|v| v.vpc_id == vpc_id) else {
                return (Vec::new(), Vec::new());
            };
            let mut v4: Vec<String> = v.cidr_block.iter().cloned().collect();
            for a in &v.cidr_block_association_set {
                if !v4.contains(&a.cidr_block) {
                    v4.push(a.cidr_block.clone());
                }
            }
            let v6 = v
                .ipv6_cidr_block_association_set
                .iter()
                .map(|a| a.ipv6_cidr_block.clone())
                .collect();
            (v4, v6)
        };
        for rt in &mut self.snap.route_tables {
            if !planned.contains(&rt.route_table_id) && !planned.contains(&rt.vpc_id) {
                continue;
            }
            let (v4, v6) = cidrs_of(&rt.vpc_id);
            let mut local = Vec::new();
            for c in v4 {
                if !rt
                    .routes
                    .iter()
                    .any(|r| r.destination_cidr_block.as_deref() == Some(&c))
                {
                    local.push(Route {
                        destination_cidr_block: Some(c),
                        gateway_id: Some("local".into()),
                        origin: Some("CreateRouteTable".into()),
                        state: Some("active".into()),
                        ..Route::default()
                    });
                }
            }
            for c in v6 {
                if !rt
                    .routes
                    .iter()
                    .any(|r| r.destination_ipv6_cidr_block.as_deref() == Some(&c))
                {
                    local.push(Route {
                        destination_ipv6_cidr_block: Some(c),
                        gateway_id: Some("local".into()),
                        origin: Some("CreateRouteTable".into()),
                        state: Some("active".into()),
                        ..Route::default()
                    });
                }
            }
            local.append(&mut rt.routes);
            rt.routes = local;
        }
        for v in &vpcs {
            if !ipv6_defaults.contains(&v.vpc_id) || v.ipv6_cidr_block_association_set.is_empty() {
                continue;
            }
            let suffix = v
                .vpc_id
                .split_once('-')
                .map(|(_, s)| s)
                .unwrap_or(&v.vpc_id);
            let (acl, sg) = (
                format!("acl-{suffix}#default"),
                format!("sg-{suffix}#default"),
            );
            if let Some(a) = self
                .snap
                .network_acls
                .iter_mut()
                .find(|a| a.network_acl_id == acl)
            {
                for egress in [false, true] {
                    if !a
                        .entries
                        .iter()
                        .any(|e| e.egress == egress && e.ipv6_cidr_block.is_some())
                    {
                        a.entries.push(NetworkAclEntry {
                            rule_number: 101,
                            egress,
                            protocol: "-1".into(),
                            rule_action: "allow".into(),
                            ipv6_cidr_block: Some("::/0".into()),
                            ..NetworkAclEntry::default()
                        });
                    }
                }
            }
            if let Some(g) = self
                .snap
                .security_groups
                .iter_mut()
                .find(|g| g.group_id == sg)
                && let Some(p) = g
                    .ip_permissions_egress
                    .iter_mut()
                    .find(|p| p.ip_protocol == "-1" && !p.ip_ranges.is_empty())
                && p.ipv6_ranges.is_empty()
            {
                p.ipv6_ranges.push(Ipv6Range {
                    cidr_ipv6: "::/0".into(),
                    description: None,
                });
            }
        }
        self.snap
    }
}

impl Builder {
    /// A security-group rule whose peer is a group the planned state does not hold (an open
    /// value, or a literal ID without `--base`) stands for addresses nobody knows. The engine
    /// reads a group peer as "the members of that group", which for an absent group is nobody:
    /// that would be a guess (the group may be the notebook's own). So such a peer becomes a
    /// prefix list that exists nowhere, which the engine judges `unknown`.
    fn unknown_group_peers(&mut self) {
        let known: std::collections::BTreeSet<String> = self
            .snap
            .security_groups
            .iter()
            .map(|g| g.group_id.clone())
            .collect();
        let mut open = Vec::new();
        for g in &mut self.snap.security_groups {
            for p in g
                .ip_permissions
                .iter_mut()
                .chain(g.ip_permissions_egress.iter_mut())
            {
                let (gone, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut p.user_id_group_pairs)
                    .into_iter()
                    .partition(|u| {
                        u.group_id.as_ref().is_some_and(|id| !known.contains(id))
                            && u.vpc_peering_connection_id.is_none()
                    });
                p.user_id_group_pairs = keep;
                for u in gone {
                    let id = u.group_id.unwrap_or_default();
                    let what = id.strip_prefix("sg-unresolved:").unwrap_or(&id).to_string();
                    p.prefix_list_ids
                        .push(vpcreach_aws::snapshot::PrefixListIdRef {
                            prefix_list_id: format!("pl-unresolved:peer {what}"),
                            description: u.description,
                        });
                    open.push((g.group_id.clone(), id));
                }
            }
        }
        for (group, peer) in open {
            if !peer.contains("-unresolved:") {
                self.unresolved(
                    &group,
                    "rule peer",
                    format!(
                        "security group {peer} is neither planned nor in --base: the addresses a rule naming it stands for are not known"
                    ),
                );
            }
        }
    }
}

/// Replace the element with the same ID, or append.
pub fn upsert<T>(list: &mut Vec<T>, item: T, id: impl Fn(&T) -> &str) {
    let key = id(&item).to_string();
    match list.iter().position(|x| id(x) == key) {
        Some(i) => list[i] = item,
        None => list.push(item),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_vpc_brings_its_defaults_and_local_routes() {
        let mut b = Builder::new(None, "tf", Path::new("plan.json"));
        let id = b.id("vpc", "aws_vpc.main");
        assert_eq!(id, "vpc-tf:aws_vpc.main");
        b.mark_planned(&id, "aws_vpc.main", "aws_vpc", "create", None);
        let d = b.add_vpc(
            Vpc {
                vpc_id: id.clone(),
                cidr_block: Some("10.0.0.0/16".into()),
                ..Vpc::default()
            },
            true,
            false,
        );
        assert_eq!(d.main_route_table, "rtb-tf:aws_vpc.main#main");
        let s = b.finish();
        let rt = &s.route_tables[0];
        assert_eq!(rt.routes.len(), 1);
        assert_eq!(rt.routes[0].gateway_id.as_deref(), Some("local"));
        assert_eq!(
            rt.routes[0].destination_cidr_block.as_deref(),
            Some("10.0.0.0/16")
        );
        assert_eq!(s.network_acls[0].entries.len(), 2);
        assert_eq!(
            s.vpc_attributes[0].enable_dns_hostnames,
            Some(AttrBool { value: false })
        );
        assert_eq!(
            s.vpcs[0].dhcp_options_id.as_deref(),
            Some("dopt-default#AmazonProvidedDNS")
        );
    }

    #[test]
    fn a_rule_naming_an_unknown_group_stands_for_unknown_addresses() {
        let mut b = Builder::new(None, "cfn", Path::new("t.yaml"));
        b.add_vpc(
            Vpc {
                vpc_id: "vpc-cfn:V".into(),
                cidr_block: Some("10.0.0.0/16".into()),
                ..Vpc::default()
            },
            true,
            true,
        );
        let g = &mut b.snap.security_groups[0];
        g.ip_permissions.push(IpPermission {
            ip_protocol: "tcp".into(),
            user_id_group_pairs: vec![
                UserIdGroupPair {
                    group_id: Some("sg-unresolved:Ep.SourceSecurityGroupId".into()),
                    ..UserIdGroupPair::default()
                },
                UserIdGroupPair {
                    group_id: Some("sg-0literal".into()),
                    ..UserIdGroupPair::default()
                },
            ],
            ..IpPermission::default()
        });
        let s = b.finish();
        let p = &s.security_groups[0].ip_permissions[1];
        assert!(p.user_id_group_pairs.is_empty());
        let pls: Vec<&str> = p
            .prefix_list_ids
            .iter()
            .map(|x| x.prefix_list_id.as_str())
            .collect();
        assert_eq!(
            pls,
            [
                "pl-unresolved:peer Ep.SourceSecurityGroupId",
                "pl-unresolved:peer sg-0literal"
            ]
        );
        // The group's own self-reference (the default rule) is kept.
        assert_eq!(
            s.security_groups[0].ip_permissions[0]
                .user_id_group_pairs
                .len(),
            1
        );
        assert!(
            s.unresolved
                .iter()
                .any(|u| u.reason.contains("sg-0literal"))
        );
    }

    #[test]
    fn remove_drops_a_destroyed_resource_everywhere() {
        let mut b = Builder::new(None, "tf", Path::new("plan.json"));
        b.add_vpc(
            Vpc {
                vpc_id: "vpc-1".into(),
                ..Vpc::default()
            },
            true,
            true,
        );
        b.remove("sg-1#default");
        assert!(b.snap.security_groups.is_empty());
        assert_eq!(b.snap.network_acls.len(), 1);
    }
}
