//! Merging the snapshots of several accounts into one per region: exact duplicates (an AWS-managed
//! prefix list, a shared subnet seen from two accounts) are kept once; two *different* objects with
//! one ID keep the first account's copy and mark the key `Incomplete`, because picking one silently
//! could hide a misconfiguration. Two copies that differ only in what one account could not read
//! are one: a prefix list whose entries one account read and another could not (`Cidrs` absent)
//! takes the entries; a notebook one account described and another only listed takes the
//! description. Lists end sorted by ID, so a scan's snapshot does not depend on the order the API
//! answered in.

use vpcreach_aws::snapshot::{self as s, Incomplete, Snapshot};

use super::place;

/// A resource with an ID, so that the snapshots of several accounts merge without duplicates.
trait Id {
    fn id(&self) -> &str;

    /// Fold `other`, a different copy of the same resource, into `self` when the two differ only
    /// in what one of them lacks; `false` (and `self` unchanged) for a real conflict.
    fn complete_with(&mut self, _other: &Self) -> bool {
        false
    }
}

macro_rules! id {
    ($($t:ty => $f:ident),* $(,)?) => {$(
        impl Id for $t {
            fn id(&self) -> &str {
                &self.$f
            }
        }
    )*};
}

impl Id for s::PrefixList {
    fn id(&self) -> &str {
        &self.prefix_list_id
    }

    /// Entries (and name, address family, owner) from whichever copy has them; two different
    /// values of one field are a conflict.
    fn complete_with(&mut self, other: &Self) -> bool {
        fn fill<T: Clone + PartialEq>(a: &mut Option<T>, b: &Option<T>) -> bool {
            match (a.as_ref(), b) {
                (Some(x), Some(y)) => x == y,
                (None, b) => {
                    *a = b.clone();
                    true
                }
                (Some(_), None) => true,
            }
        }
        let mut merged = self.clone();
        let ok = fill(&mut merged.cidrs, &other.cidrs)
            && fill(&mut merged.prefix_list_name, &other.prefix_list_name)
            && fill(&mut merged.address_family, &other.address_family)
            && fill(&mut merged.owner_id, &other.owner_id);
        if ok {
            *self = merged;
        }
        ok
    }
}

impl Id for s::NotebookInstance {
    fn id(&self) -> &str {
        &self.notebook_instance_name
    }

    /// A summary (`DescribeNotebookInstance` failed in one account) and a description of the
    /// same notebook: the description wins.
    fn complete_with(&mut self, other: &Self) -> bool {
        if other.is_summary() && !self.is_summary() {
            return true;
        }
        if self.is_summary() && !other.is_summary() {
            *self = other.clone();
            return true;
        }
        false
    }
}

id!(
    s::Vpc => vpc_id,
    s::VpcAttribute => vpc_id,
    s::Subnet => subnet_id,
    s::RouteTable => route_table_id,
    s::InternetGateway => internet_gateway_id,
    s::EgressOnlyInternetGateway => egress_only_internet_gateway_id,
    s::NatGateway => nat_gateway_id,
    s::VpcEndpoint => vpc_endpoint_id,
    s::SecurityGroup => group_id,
    s::NetworkAcl => network_acl_id,
    s::DhcpOptions => dhcp_options_id,
    s::NetworkInterface => network_interface_id,
    s::VpcPeeringConnection => vpc_peering_connection_id,
    s::TransitGateway => transit_gateway_id,
);

/// The snapshots of one region's accounts, merged.
#[derive(Default)]
pub(super) struct Merged {
    pub snap: Snapshot,
    pub incomplete: Vec<Incomplete>,
}

impl Merged {
    pub fn add(&mut self, from: Snapshot, region: &str, account: Option<&str>) {
        let at = place(region, account);
        let inc = &mut self.incomplete;
        let d = &mut self.snap;
        merge(&mut d.vpcs, from.vpcs, "Vpcs", &at, inc);
        merge(
            &mut d.vpc_attributes,
            from.vpc_attributes,
            "VpcAttributes",
            &at,
            inc,
        );
        merge(&mut d.subnets, from.subnets, "Subnets", &at, inc);
        merge(
            &mut d.route_tables,
            from.route_tables,
            "RouteTables",
            &at,
            inc,
        );
        merge(
            &mut d.internet_gateways,
            from.internet_gateways,
            "InternetGateways",
            &at,
            inc,
        );
        merge(
            &mut d.egress_only_internet_gateways,
            from.egress_only_internet_gateways,
            "EgressOnlyInternetGateways",
            &at,
            inc,
        );
        merge(
            &mut d.nat_gateways,
            from.nat_gateways,
            "NatGateways",
            &at,
            inc,
        );
        merge(
            &mut d.vpc_endpoints,
            from.vpc_endpoints,
            "VpcEndpoints",
            &at,
            inc,
        );
        merge(
            &mut d.security_groups,
            from.security_groups,
            "SecurityGroups",
            &at,
            inc,
        );
        merge(
            &mut d.network_acls,
            from.network_acls,
            "NetworkAcls",
            &at,
            inc,
        );
        merge(
            &mut d.prefix_lists,
            from.prefix_lists,
            "PrefixLists",
            &at,
            inc,
        );
        if let Some(sets) = from.dhcp_options {
            let mut into = d.dhcp_options.take().unwrap_or_default();
            merge(&mut into, sets, "DhcpOptions", &at, inc);
            d.dhcp_options = Some(into);
        }
        merge(
            &mut d.network_interfaces,
            from.network_interfaces,
            "NetworkInterfaces",
            &at,
            inc,
        );
        merge(
            &mut d.vpc_peering_connections,
            from.vpc_peering_connections,
            "VpcPeeringConnections",
            &at,
            inc,
        );
        merge(
            &mut d.transit_gateways,
            from.transit_gateways,
            "TransitGateways",
            &at,
            inc,
        );
        merge(
            &mut d.notebook_instances,
            from.notebook_instances,
            "NotebookInstances",
            &at,
            inc,
        );
        crate::studio::merge(d, from.domains, from.user_profiles, from.spaces);
    }

    /// Sorted by ID: a scan's snapshot does not depend on the order the API answered in.
    pub fn finish(self) -> Snapshot {
        let mut s = self.snap;
        sort(&mut s.vpcs);
        sort(&mut s.vpc_attributes);
        sort(&mut s.subnets);
        sort(&mut s.route_tables);
        sort(&mut s.internet_gateways);
        sort(&mut s.egress_only_internet_gateways);
        sort(&mut s.nat_gateways);
        sort(&mut s.vpc_endpoints);
        sort(&mut s.security_groups);
        sort(&mut s.network_acls);
        sort(&mut s.prefix_lists);
        // A scan always gives the key (empty when it could not be read, with an `Incomplete`
        // entry): never the "no DhcpOptions at all" of a hand-made snapshot.
        let mut sets = s.dhcp_options.take().unwrap_or_default();
        sort(&mut sets);
        s.dhcp_options = Some(sets);
        sort(&mut s.network_interfaces);
        sort(&mut s.vpc_peering_connections);
        sort(&mut s.transit_gateways);
        sort(&mut s.notebook_instances);
        crate::studio::sort(&mut s);
        let mut inc = self.incomplete;
        inc.sort();
        inc.dedup();
        s.incomplete = inc;
        s
    }
}

fn sort<T: Id>(v: &mut [T]) {
    v.sort_by(|a, b| a.id().cmp(b.id()));
}

/// Append `from` to `into`, skipping exact duplicates (an AWS-managed prefix list, a shared
/// subnet seen from two accounts) and folding copies that only complete each other
/// ([`Id::complete_with`]). Two *different* objects with one ID keep the first account's copy and
/// mark the key incomplete: picking one silently could hide a misconfiguration.
fn merge<T: Id + PartialEq>(
    into: &mut Vec<T>,
    from: Vec<T>,
    key: &str,
    at: &str,
    incomplete: &mut Vec<Incomplete>,
) {
    for item in from {
        match into.iter_mut().find(|x| x.id() == item.id()) {
            None => into.push(item),
            Some(x) => {
                if *x != item && !x.complete_with(&item) {
                    incomplete.push(Incomplete {
                        key: key.to_string(),
                        reason: format!(
                            "{} in {at} differs from the copy another account returned; only the first account's copy is analysed",
                            item.id()
                        ),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_merge_without_duplicates_and_conflicts_are_incomplete() {
        let pl = |cidr: &str| s::PrefixList {
            prefix_list_id: "pl-1".into(),
            prefix_list_name: Some("com.amazonaws.us-east-1.s3".into()),
            cidrs: Some(vec![cidr.into()]),
            ..s::PrefixList::default()
        };
        let mut m = Merged::default();
        let snap = |p| Snapshot {
            prefix_lists: vec![p],
            ..Snapshot::default()
        };
        m.add(snap(pl("52.216.0.0/15")), "us-east-1", Some("111111111111"));
        m.add(snap(pl("52.216.0.0/15")), "us-east-1", Some("222222222222"));
        assert_eq!(m.snap.prefix_lists.len(), 1);
        assert!(m.incomplete.is_empty());
        m.add(snap(pl("3.5.0.0/19")), "us-east-1", Some("333333333333"));
        let s = m.finish();
        assert_eq!(s.prefix_lists, vec![pl("52.216.0.0/15")]);
        assert_eq!(s.incomplete.len(), 1);
        assert_eq!(s.incomplete[0].key, "PrefixLists");
    }

    #[test]
    fn unknown_entries_give_way_to_known_ones_and_two_different_entries_conflict() {
        let pl = |cidrs: Option<&[&str]>| s::PrefixList {
            prefix_list_id: "pl-1".into(),
            prefix_list_name: Some("shared".into()),
            cidrs: cidrs.map(|c| c.iter().map(|c| c.to_string()).collect()),
            address_family: Some("IPv4".into()),
            owner_id: Some("111111111111".into()),
        };
        let snap = |p| Snapshot {
            prefix_lists: vec![p],
            ..Snapshot::default()
        };
        // Unknown first, then known; and known first, then unknown: the entries win both ways.
        for order in [
            [None, Some(&["10.0.0.0/8"][..])],
            [Some(&["10.0.0.0/8"][..]), None],
        ] {
            let mut m = Merged::default();
            m.add(snap(pl(order[0])), "us-east-1", Some("111111111111"));
            m.add(snap(pl(order[1])), "us-east-1", Some("222222222222"));
            let s = m.finish();
            assert_eq!(s.prefix_lists, vec![pl(Some(&["10.0.0.0/8"]))]);
            assert!(s.incomplete.is_empty(), "{:?}", s.incomplete);
        }
        // Two accounts that both could not read the entries: one list, entries unknown.
        let mut m = Merged::default();
        m.add(snap(pl(None)), "us-east-1", Some("111111111111"));
        m.add(snap(pl(None)), "us-east-1", Some("222222222222"));
        assert_eq!(m.finish().prefix_lists, vec![pl(None)]);
        // Two different known entry lists: a conflict, never a union or a pick.
        let mut m = Merged::default();
        m.add(snap(pl(None)), "us-east-1", Some("111111111111"));
        m.add(
            snap(pl(Some(&["10.0.0.0/8"]))),
            "us-east-1",
            Some("222222222222"),
        );
        m.add(
            snap(pl(Some(&["192.168.0.0/16"]))),
            "us-east-1",
            Some("333333333333"),
        );
        let s = m.finish();
        assert_eq!(s.prefix_lists, vec![pl(Some(&["10.0.0.0/8"]))]);
        assert_eq!(s.incomplete.len(), 1);
        assert_eq!(s.incomplete[0].key, "PrefixLists");
    }

    #[test]
    fn a_described_notebook_wins_over_its_summary_and_dhcp_options_are_always_given() {
        let summary = s::NotebookInstance {
            notebook_instance_name: "nb".into(),
            notebook_instance_status: Some("InService".into()),
            ..s::NotebookInstance::default()
        };
        let full = s::NotebookInstance {
            subnet_id: Some("subnet-1".into()),
            security_groups: vec!["sg-1".into()],
            direct_internet_access: Some("Disabled".into()),
            ..summary.clone()
        };
        let snap = |n: &s::NotebookInstance| Snapshot {
            notebook_instances: vec![n.clone()],
            ..Snapshot::default()
        };
        let mut m = Merged::default();
        m.add(snap(&summary), "us-east-1", Some("111111111111"));
        m.add(snap(&full), "us-east-1", Some("222222222222"));
        let s = m.finish();
        assert_eq!(s.notebook_instances, vec![full]);
        assert!(s.incomplete.is_empty());
        assert_eq!(s.dhcp_options, Some(vec![]));
    }
}
