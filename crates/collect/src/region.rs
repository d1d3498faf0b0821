//! Collecting one (account, region): every call DESIGN §2 needs, run concurrently under the
//! scan's shared limit of calls in flight, each paginated call read to its end.
//!
//! A call that fails (after the SDK's retries) never aborts the scan: its data is dropped whole —
//! a partial list could make the engine pick a wrong default (a subnet whose explicit route table
//! was on a missing page would fall back to the main table) — and it becomes a [`Failed`] that the
//! caller turns into an `Incomplete` entry and a diagnostic. What an *earlier* call already
//! proved is kept, though, marked unknown where the failed call would have filled it in: a
//! prefix list whose entries could not be read stays, `Cidrs` absent (entries unknown, never
//! empty); a notebook that could not be described stays as its `ListNotebookInstances` summary
//! (placement unknown, never "no VPC").
//!
//! Every SDK call in this file is one of [`super::OPERATIONS`] (a test checks the source).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::types::{Filter, VpcAttributeName};
use aws_sdk_sagemaker::types::NotebookInstanceSummary;
use futures_util::future::join_all;
use tokio::sync::Semaphore;

use super::map;
use super::progress::Bar;

/// Every page of a paginated call, as one `call` (bounded, counted, failures become `Failed`):
/// `all_pages!(self, "DescribeSubnets", self.ec2.describe_subnets().set_filters(…))`.
macro_rules! all_pages {
    ($self:ident, $op:literal, $request:expr) => {
        $self
            .call(
                $op,
                None,
                $request
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .await
    };
}

use vpcreach_aws::snapshot::{self as s, Snapshot};

/// One call (or, for per-resource calls, one resource's call) that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Failed {
    /// The API operation, e.g. `DescribeVpcEndpoints`.
    pub op: &'static str,
    /// The resource the call was about (`vpc-…`, a notebook name, `pl-…`), for per-resource calls.
    pub resource: Option<String>,
    /// The error code and message (`AccessDenied: …`), or what went wrong on the way.
    pub error: String,
}

/// What one (account, region) needs to make its calls.
pub(super) struct Region {
    pub ec2: aws_sdk_ec2::Client,
    pub sm: aws_sdk_sagemaker::Client,
    /// `--vpc` filter (empty: every VPC).
    pub vpcs: Vec<String>,
    /// Calls in flight at once across the whole scan (`--max-concurrency`).
    pub limit: Arc<Semaphore>,
    /// Calls in flight at once in this region's account, across its regions
    /// (`--account-concurrency`): one account's API rate limits are its own.
    pub account_limit: Arc<Semaphore>,
    pub bar: Bar,
    /// Calls that succeeded, counted across the whole scan (every region and account): a scan
    /// in which none did collected nothing and must not pass for an empty account.
    pub succeeded: Arc<AtomicUsize>,
    /// Calls of this account that succeeded (every region): an account in which none did could
    /// not be read at all.
    pub account_succeeded: Arc<AtomicUsize>,
}

type Listed<T> = Result<Vec<T>, Failed>;

/// What the VPC calls give: the VPCs, their DNS attributes, the DHCP option sets they use, and
/// the per-VPC calls that failed.
struct VpcPart {
    vpcs: Listed<s::Vpc>,
    attributes: Vec<s::VpcAttribute>,
    dhcp_options: Listed<s::DhcpOptions>,
    failed: Vec<Failed>,
}

impl Region {
    /// Run one call under the shared limit, count it, and turn an SDK error into a [`Failed`].
    pub(super) async fn call<T, E, R>(
        &self,
        op: &'static str,
        resource: Option<&str>,
        fut: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<T, Failed>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: Debug + Send + Sync + 'static,
    {
        debug_assert!(
            super::OPERATIONS
                .iter()
                .any(|o| o.split_once(':').map(|(_, a)| a) == Some(op)),
            "{op} is not in OPERATIONS"
        );
        // Always the account's permit first, then the global one: a call waiting for its
        // account never holds a global permit another account could use.
        let account = self.account_limit.acquire().await;
        let permit = self.limit.acquire().await;
        let r = fut.await;
        drop(permit);
        drop(account);
        self.bar.inc();
        if r.is_ok() {
            self.succeeded.fetch_add(1, Ordering::Relaxed);
            self.account_succeeded.fetch_add(1, Ordering::Relaxed);
        }
        r.map_err(|e| Failed {
            op,
            resource: resource.map(str::to_string),
            error: describe(&e),
        })
    }

    /// A server-side `vpc-id`-style filter for `--vpc`, or none.
    fn vpc_filter(&self, name: &str) -> Option<Vec<Filter>> {
        (!self.vpcs.is_empty()).then(|| {
            vec![
                Filter::builder()
                    .name(name)
                    .set_values(Some(self.vpcs.clone()))
                    .build(),
            ]
        })
    }

    fn wanted(&self, vpc: Option<&str>) -> bool {
        self.vpcs.is_empty() || vpc.is_some_and(|v| self.vpcs.iter().any(|w| w == v))
    }

    /// Collect everything. The snapshot's `Incomplete` is left empty: the failures come back
    /// separately so the caller can word the diagnostics and entries once.
    pub async fn collect(&self) -> (Snapshot, Vec<Failed>) {
        let (vpcs, subnets, route_tables, igws, eigws, nats, endpoints, sgs, acls) = tokio::join!(
            self.vpcs(),
            self.subnets(),
            self.route_tables(),
            self.internet_gateways(),
            self.egress_only_internet_gateways(),
            self.nat_gateways(),
            self.vpc_endpoints(),
            self.security_groups(),
            self.network_acls(),
        );
        let (prefix_lists, enis, peerings, tgws, notebooks, studio) = tokio::join!(
            self.prefix_lists(),
            self.network_interfaces(),
            self.vpc_peering_connections(),
            self.transit_gateways(),
            self.notebooks(),
            self.studio(),
        );
        let mut failed = Vec::new();
        let mut snap = Snapshot::default();
        let VpcPart {
            vpcs,
            attributes,
            dhcp_options,
            failed: mut f,
        } = vpcs;
        take(vpcs, &mut snap.vpcs, &mut failed);
        failed.append(&mut f);
        snap.vpc_attributes = attributes;
        // Always `Some`: a scan gives the key, so the engine never assumes AmazonProvidedDNS
        // for want of it. When the call failed the `Incomplete` entry (key `DhcpOptions`) makes
        // every VPC's resolver unknown, whatever the list holds.
        snap.dhcp_options = Some(match dhcp_options {
            Ok(d) => d,
            Err(f) => {
                failed.push(f);
                Vec::new()
            }
        });
        let subnets_known = subnets.is_ok();
        take(subnets, &mut snap.subnets, &mut failed);
        take(route_tables, &mut snap.route_tables, &mut failed);
        take(igws, &mut snap.internet_gateways, &mut failed);
        take(eigws, &mut snap.egress_only_internet_gateways, &mut failed);
        take(nats, &mut snap.nat_gateways, &mut failed);
        take(endpoints, &mut snap.vpc_endpoints, &mut failed);
        take(sgs, &mut snap.security_groups, &mut failed);
        take(acls, &mut snap.network_acls, &mut failed);
        take(enis, &mut snap.network_interfaces, &mut failed);
        take(peerings, &mut snap.vpc_peering_connections, &mut failed);
        take(tgws, &mut snap.transit_gateways, &mut failed);
        let (pls, mut f) = prefix_lists;
        snap.prefix_lists = pls;
        failed.append(&mut f);
        let (nbs, mut f) = notebooks;
        failed.append(&mut f);
        // `--vpc`: only notebooks in a subnet of the chosen VPCs. When the subnets could not be
        // listed, keep every notebook that has a subnet, and keep every notebook whose placement
        // could not be read (a summary): their verdicts become unknown, which is honest, while
        // dropping them would hide them.
        let subnet_ids: BTreeSet<&str> =
            snap.subnets.iter().map(|s| s.subnet_id.as_str()).collect();
        snap.notebook_instances = nbs
            .into_iter()
            .filter(|n| {
                self.vpcs.is_empty()
                    || n.is_summary()
                    || n.subnet_id
                        .as_deref()
                        .is_some_and(|s| !subnets_known || subnet_ids.contains(s))
            })
            .collect();
        // SageMaker Studio (crates/collect/src/studio.rs).
        let mut studio = studio;
        failed.append(&mut studio.failed);
        snap.domains = studio.domains;
        snap.user_profiles = studio.user_profiles;
        snap.spaces = studio.spaces;
        (snap, failed)
    }

    /// `DescribeVpcs`, then both DNS attributes of each VPC (`DescribeVpcAttribute`), and the
    /// DHCP option sets (`DescribeDhcpOptions`): every set of the region, at once; with `--vpc`
    /// only those the chosen VPCs use, once they are known.
    async fn vpcs(&self) -> VpcPart {
        let every_set = self.vpcs.is_empty();
        let (listed, all_sets) = tokio::join!(
            async {
                all_pages!(
                    self,
                    "DescribeVpcs",
                    self.ec2
                        .describe_vpcs()
                        .set_filters(self.vpc_filter("vpc-id"))
                )
            },
            async {
                if every_set {
                    Some(self.dhcp_options(None).await)
                } else {
                    None
                }
            },
        );
        let vpcs = match listed {
            Ok(v) => v.into_iter().map(map::vpc).collect::<Vec<_>>(),
            Err(f) => {
                // The chosen VPCs' option sets are not known: read them all.
                let dhcp_options = match all_sets {
                    Some(d) => d,
                    None => self.dhcp_options(None).await,
                };
                return VpcPart {
                    vpcs: Err(f),
                    attributes: Vec::new(),
                    dhcp_options,
                    failed: Vec::new(),
                };
            }
        };
        self.bar.add(2 * vpcs.len());
        let referenced: BTreeSet<String> = vpcs
            .iter()
            .filter_map(|v| v.dhcp_options_id.clone())
            // `default`: no option set (AmazonProvidedDNS); nothing to describe.
            .filter(|id| id != "default")
            .collect();
        let attribute = |id: String, name: VpcAttributeName| async move {
            self.call(
                "DescribeVpcAttribute",
                Some(&id),
                self.ec2
                    .describe_vpc_attribute()
                    .vpc_id(&id)
                    .attribute(name)
                    .send(),
            )
            .await
        };
        let (answers, dhcp_options) = tokio::join!(
            join_all(vpcs.iter().map(|v| async {
                tokio::join!(
                    attribute(v.vpc_id.clone(), VpcAttributeName::EnableDnsSupport),
                    attribute(v.vpc_id.clone(), VpcAttributeName::EnableDnsHostnames),
                )
            })),
            async {
                match all_sets {
                    Some(d) => d,
                    None => {
                        self.dhcp_options(Some(referenced.into_iter().collect()))
                            .await
                    }
                }
            },
        );
        let mut failed = Vec::new();
        let mut attributes = Vec::new();
        for (v, (support, hostnames)) in vpcs.iter().zip(answers) {
            let support = support
                .map_err(|f| failed.push(f))
                .ok()
                .map(|o| o.enable_dns_support);
            let hostnames = hostnames
                .map_err(|f| failed.push(f))
                .ok()
                .map(|o| o.enable_dns_hostnames);
            attributes.push(map::vpc_attribute(&v.vpc_id, support, hostnames));
        }
        VpcPart {
            vpcs: Ok(vpcs),
            attributes,
            dhcp_options,
            failed,
        }
    }

    /// `DescribeDhcpOptions`, every page: all option sets (`only: None`), or those with these
    /// IDs (a server-side `dhcp-options-id` filter). No ID at all needs no call.
    async fn dhcp_options(&self, only: Option<Vec<String>>) -> Listed<s::DhcpOptions> {
        let filters = match only {
            None => None,
            Some(ids) if ids.is_empty() => {
                // Counted as done, so the bar's total stays the same whatever `--vpc` says.
                self.bar.inc();
                return Ok(Vec::new());
            }
            Some(ids) => Some(vec![
                Filter::builder()
                    .name("dhcp-options-id")
                    .set_values(Some(ids))
                    .build(),
            ]),
        };
        let v = all_pages!(
            self,
            "DescribeDhcpOptions",
            self.ec2.describe_dhcp_options().set_filters(filters)
        )?;
        Ok(v.into_iter().map(map::dhcp_options).collect())
    }

    async fn subnets(&self) -> Listed<s::Subnet> {
        let v = all_pages!(
            self,
            "DescribeSubnets",
            self.ec2
                .describe_subnets()
                .set_filters(self.vpc_filter("vpc-id"))
        )?;
        Ok(v.into_iter().map(map::subnet).collect())
    }

    async fn route_tables(&self) -> Listed<s::RouteTable> {
        let v = all_pages!(
            self,
            "DescribeRouteTables",
            self.ec2
                .describe_route_tables()
                .set_filters(self.vpc_filter("vpc-id"))
        )?;
        Ok(v.into_iter().map(map::route_table).collect())
    }

    async fn internet_gateways(&self) -> Listed<s::InternetGateway> {
        let v = all_pages!(
            self,
            "DescribeInternetGateways",
            self.ec2
                .describe_internet_gateways()
                .set_filters(self.vpc_filter("attachment.vpc-id"))
        )?;
        Ok(v.into_iter().map(map::internet_gateway).collect())
    }

    /// No server-side VPC filter exists for egress-only gateways: filtered here by attachment.
    async fn egress_only_internet_gateways(&self) -> Listed<s::EgressOnlyInternetGateway> {
        let v = all_pages!(
            self,
            "DescribeEgressOnlyInternetGateways",
            self.ec2.describe_egress_only_internet_gateways()
        )?;
        Ok(v.into_iter()
            .map(map::egress_only_internet_gateway)
            .filter(|g| {
                self.vpcs.is_empty() || g.attachments.iter().any(|a| self.wanted(Some(&a.vpc_id)))
            })
            .collect())
    }

    async fn nat_gateways(&self) -> Listed<s::NatGateway> {
        let v = all_pages!(
            self,
            "DescribeNatGateways",
            self.ec2
                .describe_nat_gateways()
                .set_filter(self.vpc_filter("vpc-id"))
        )?;
        Ok(v.into_iter().map(map::nat_gateway).collect())
    }

    async fn vpc_endpoints(&self) -> Listed<s::VpcEndpoint> {
        let v = all_pages!(
            self,
            "DescribeVpcEndpoints",
            self.ec2
                .describe_vpc_endpoints()
                .set_filters(self.vpc_filter("vpc-id"))
        )?;
        Ok(v.into_iter().map(map::vpc_endpoint).collect())
    }

    async fn security_groups(&self) -> Listed<s::SecurityGroup> {
        let v = all_pages!(
            self,
            "DescribeSecurityGroups",
            self.ec2
                .describe_security_groups()
                .set_filters(self.vpc_filter("vpc-id"))
        )?;
        Ok(v.into_iter().map(map::security_group).collect())
    }

    async fn network_acls(&self) -> Listed<s::NetworkAcl> {
        let v = all_pages!(
            self,
            "DescribeNetworkAcls",
            self.ec2
                .describe_network_acls()
                .set_filters(self.vpc_filter("vpc-id"))
        )?;
        Ok(v.into_iter().map(map::network_acl).collect())
    }

    async fn network_interfaces(&self) -> Listed<s::NetworkInterface> {
        let v = all_pages!(
            self,
            "DescribeNetworkInterfaces",
            self.ec2
                .describe_network_interfaces()
                .set_filters(self.vpc_filter("vpc-id"))
        )?;
        Ok(v.into_iter().map(map::network_interface).collect())
    }

    /// Filtered here: a peering matches when either side is a chosen VPC.
    async fn vpc_peering_connections(&self) -> Listed<s::VpcPeeringConnection> {
        let v = all_pages!(
            self,
            "DescribeVpcPeeringConnections",
            self.ec2.describe_vpc_peering_connections()
        )?;
        Ok(v.into_iter()
            .map(map::vpc_peering_connection)
            .filter(|p| {
                let side = |i: &Option<s::PeeringVpcInfo>| {
                    self.wanted(i.as_ref().and_then(|i| i.vpc_id.as_deref()))
                };
                side(&p.requester_vpc_info) || side(&p.accepter_vpc_info)
            })
            .collect())
    }

    /// Transit gateways are regional, not per VPC: all of them, whatever `--vpc` says.
    async fn transit_gateways(&self) -> Listed<s::TransitGateway> {
        let v = all_pages!(
            self,
            "DescribeTransitGateways",
            self.ec2.describe_transit_gateways()
        )?;
        Ok(v.into_iter().map(map::transit_gateway).collect())
    }

    /// `DescribePrefixLists` gives the AWS-managed lists with their `Cidrs`; customer-managed
    /// lists (and any list printed without `Cidrs`) come from `DescribeManagedPrefixLists` +
    /// `GetManagedPrefixListEntries`, folded into the same shape. A list whose entries could not
    /// be read is kept with `Cidrs` absent — it exists, its entries are unknown (so the rules and
    /// routes that need them are undecided) — never with an empty list, and the failure is
    /// recorded.
    async fn prefix_lists(&self) -> (Vec<s::PrefixList>, Vec<Failed>) {
        let (aws_lists, managed) = tokio::join!(
            self.call(
                "DescribePrefixLists",
                None,
                self.ec2
                    .describe_prefix_lists()
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            ),
            self.call(
                "DescribeManagedPrefixLists",
                None,
                self.ec2
                    .describe_managed_prefix_lists()
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            ),
        );
        let mut failed = Vec::new();
        let mut lists: BTreeMap<String, s::PrefixList> = BTreeMap::new();
        // Printed without Cidrs (or with none): the entries are still to be read.
        let mut unread: BTreeMap<String, s::PrefixList> = BTreeMap::new();
        match aws_lists {
            Ok(v) => {
                for p in v.into_iter().map(map::prefix_list) {
                    if p.cidrs.as_ref().is_none_or(|c| c.is_empty()) {
                        let p = s::PrefixList { cidrs: None, ..p };
                        unread.insert(p.prefix_list_id.clone(), p);
                    } else {
                        lists.insert(p.prefix_list_id.clone(), p);
                    }
                }
            }
            Err(f) => failed.push(f),
        }
        let managed = match managed {
            Ok(v) => v,
            Err(f) => {
                failed.push(f);
                Vec::new()
            }
        };
        let todo: Vec<_> = managed
            .iter()
            .filter(|m| {
                m.prefix_list_id
                    .as_deref()
                    .is_some_and(|id| !lists.contains_key(id))
            })
            .collect();
        self.bar.add(todo.len());
        let entries = join_all(todo.iter().map(|m| async {
            let id = m.prefix_list_id.as_deref().unwrap_or_default();
            self.call(
                "GetManagedPrefixListEntries",
                Some(id),
                self.ec2
                    .get_managed_prefix_list_entries()
                    .prefix_list_id(id)
                    .into_paginator()
                    .items()
                    .send()
                    .collect::<Result<Vec<_>, _>>(),
            )
            .await
        }))
        .await;
        for (m, e) in todo.into_iter().zip(entries) {
            let e = e.map_err(|f| failed.push(f)).ok();
            let p = map::managed_prefix_list(m, e);
            unread.remove(&p.prefix_list_id);
            lists.insert(p.prefix_list_id.clone(), p);
        }
        // Printed without Cidrs and not readable as a managed prefix list either: kept, its
        // entries unknown. (Real AWS always prints Cidrs for the lists DescribePrefixLists
        // returns.)
        for (id, p) in unread {
            if !failed.iter().any(|f| f.resource.as_ref() == Some(&id)) {
                failed.push(Failed {
                    op: "GetManagedPrefixListEntries",
                    resource: Some(id.clone()),
                    error: "listed without Cidrs and not readable as a managed prefix list".into(),
                });
            }
            lists.insert(id, p);
        }
        (lists.into_values().collect(), failed)
    }

    /// `ListNotebookInstances`, then `DescribeNotebookInstance` for each. A notebook that
    /// could not be described keeps its summary (name, ARN, status, instance type): it exists,
    /// its placement is unknown, so are its verdicts — it is never dropped.
    async fn notebooks(&self) -> (Vec<s::NotebookInstance>, Vec<Failed>) {
        let summaries: Vec<NotebookInstanceSummary> = match all_pages!(
            self,
            "ListNotebookInstances",
            self.sm.list_notebook_instances()
        ) {
            Ok(v) => v
                .into_iter()
                .filter(|n| n.notebook_instance_name.is_some())
                .collect(),
            Err(f) => return (Vec::new(), vec![f]),
        };
        self.bar.add(summaries.len());
        let answers = join_all(summaries.iter().map(|n| {
            let name = n.notebook_instance_name.as_deref().unwrap_or_default();
            self.call(
                "DescribeNotebookInstance",
                Some(name),
                self.sm
                    .describe_notebook_instance()
                    .notebook_instance_name(name)
                    .send(),
            )
        }))
        .await;
        let mut failed = Vec::new();
        let mut out = Vec::new();
        for (summary, a) in summaries.into_iter().zip(answers) {
            match a {
                Ok(o) => out.push(map::notebook_instance(o)),
                Err(f) => {
                    failed.push(f);
                    out.push(map::notebook_summary(summary));
                }
            }
        }
        (out, failed)
    }
}

fn take<T>(r: Listed<T>, out: &mut Vec<T>, failed: &mut Vec<Failed>) {
    match r {
        Ok(v) => *out = v,
        Err(f) => failed.push(f),
    }
}

/// An SDK error in one line: the service's code and message when it answered, else what failed
/// on the way (timeout, connection, credentials). Never includes credentials: the SDK's errors
/// carry none.
pub(super) fn describe<E, R>(e: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: Debug + Send + Sync + 'static,
{
    if let SdkError::ServiceError(se) = e {
        let err = se.err();
        match (err.code(), err.message()) {
            (Some(c), Some(m)) => return format!("{c}: {m}"),
            (Some(c), None) => return c.to_string(),
            _ => {}
        }
    }
    match e {
        SdkError::TimeoutError(_) => "timed out".to_string(),
        SdkError::DispatchFailure(d) if d.is_timeout() => "timed out".to_string(),
        _ => causes(e),
    }
}

/// An error and its causes on one line, `outer: inner: innermost` (what `DisplayErrorContext`
/// prints, without the debug dump it appends), each cause once.
pub(super) fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut next = e.source();
    while let Some(c) = next {
        let text = c.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = c.source();
    }
    parts.join(": ")
}
