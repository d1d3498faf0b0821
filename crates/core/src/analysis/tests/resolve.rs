//! Name resolution (`analysis/resolve.rs`): what a service's name resolves to for a notebook —
//! nothing when the VPC answers no DNS query, unknown when its DNS attributes or resolver are not
//! known, a usable interface endpoint's interface addresses, otherwise the public addresses (S3 by
//! its AWS-managed prefix list; any other service by the public IPv4 space outside every
//! AWS-managed list).

use crate::model::{RecordIpType, Resolver, ResourceState};
use crate::space::AddrSet;

use super::super::Block;
use super::super::Code;
use super::super::evidence::{Cause, Component, Missing};
use super::super::resolve::{Resolution, Resolved, public_addrs, resolve};
use super::{ENI_NB, EP, EP_IP, TestNet, VPC, addrs, dual_stack, ip, isolated, svc, with_endpoint};

fn api() -> String {
    svc("sagemaker.api")
}

fn resolve_api(t: &TestNet) -> Resolution {
    resolve(&t.net, &t.nb(), &api(), false)
}

/// Every public IPv4 address but S3's list (the baseline's only AWS-managed list).
fn public_but_s3() -> AddrSet {
    AddrSet::public_v4().difference(&addrs(&["52.216.0.0/15"]))
}

#[track_caller]
fn addrs_of(r: &Resolution) -> &AddrSet {
    match &r.outcome {
        Resolved::Addrs(a) => a,
        other => panic!("addresses expected, got {other:?}"),
    }
}

#[track_caller]
fn unknown_of(r: &Resolution) -> &Block {
    match &r.outcome {
        Resolved::Unknown(b) => b,
        other => panic!("unknown expected, got {other:?}"),
    }
}

#[test]
fn an_available_interface_endpoint_with_private_dns_resolves_to_its_interface_addresses() {
    let t = with_endpoint();
    let r = resolve_api(&t);
    assert_eq!(*addrs_of(&r), addrs(&[EP_IP]));
    assert!(r.notes.is_empty() && r.caveat.is_none());
}

#[test]
fn a_vpc_with_dns_support_off_resolves_no_name_and_notes_the_endpoints_it_passes_over() {
    let mut t = with_endpoint();
    t.vpc_mut().dns_support = Some(false);
    let r = resolve_api(&t);
    let Resolved::Nothing(b) = &r.outcome else {
        panic!("nothing expected, got {:?}", r.outcome)
    };
    assert_eq!(
        *b,
        Block::new(
            Code::DnsResolutionDisabled,
            Component::Vpc(VPC.into()),
            Cause::DnsDisabled { service: api() }
        )
    );
    assert_eq!(
        r.notes,
        vec![Block::new(
            Code::VpcDnsDisabled,
            Component::Vpc(VPC.into()),
            Cause::VpcDnsSupportOff {
                endpoint: EP.into()
            }
        )]
    );

    // Assuming the resolver answered, the endpoint is still unusable (enableDnsSupport must be
    // true for private DNS): the public addresses, with the reason as a note.
    let r = resolve(&t.net, &t.nb(), &api(), true);
    assert_eq!(*addrs_of(&r), public_but_s3());
    assert_eq!(
        r.notes,
        vec![Block::new(
            Code::VpcDnsDisabled,
            Component::Vpc(VPC.into()),
            Cause::VpcDnsOff {
                endpoint: EP.into(),
                support: Some(false),
                hostnames: Some(true)
            }
        )]
    );
}

#[test]
fn missing_vpc_dns_attributes_or_custom_dns_servers_leave_the_resolution_unknown() {
    let mut t = with_endpoint();
    t.vpc_mut().dns_support = None;
    let b = unknown_of(&resolve_api(&t)).clone();
    assert_eq!(b.code, Code::MissingVpcAttributes);
    assert_eq!(
        b.cause,
        Cause::Missing(Missing::DnsSupport {
            vpc: VPC.into(),
            service: api()
        })
    );

    let mut t = with_endpoint();
    t.vpc_mut().dns_hostnames = None;
    let b = unknown_of(&resolve_api(&t)).clone();
    assert_eq!(b.code, Code::MissingVpcAttributes);
    assert_eq!(
        b.cause,
        Cause::Missing(Missing::DnsHostnames {
            vpc: VPC.into(),
            endpoint: EP.into()
        })
    );

    let mut t = with_endpoint();
    t.vpc_mut().resolver = Resolver::Custom(vec!["10.0.0.53".into()]);
    let b = unknown_of(&resolve_api(&t)).clone();
    assert_eq!(b.code, Code::CustomDnsServers);
    assert_eq!(b.at, Component::Vpc(VPC.into()));
}

#[test]
fn an_interface_endpoint_that_is_not_usable_is_passed_over_for_the_public_addresses_with_a_note() {
    type Spoil = fn(&mut crate::model::Endpoint);
    let cases: [(Spoil, Code, Cause); 3] = [
        (
            |e| e.state = ResourceState::Pending,
            Code::EndpointNotAvailable,
            Cause::EndpointNotAvailable {
                service: api(),
                state: ResourceState::Pending,
            },
        ),
        (
            |e| e.private_dns = false,
            Code::PrivateDnsDisabled,
            Cause::PrivateDnsDisabled { service: api() },
        ),
        (
            |e| e.private_dns_inbound_only = true,
            Code::PrivateDnsInboundResolverOnly,
            Cause::PrivateDnsInboundOnly {
                service: api(),
                vpc: VPC.into(),
            },
        ),
    ];
    for (spoil, code, cause) in cases {
        let mut t = with_endpoint();
        spoil(t.net.endpoints.get_mut(EP).unwrap());
        let r = resolve_api(&t);
        assert_eq!(*addrs_of(&r), public_but_s3(), "{code}");
        assert_eq!(
            r.notes,
            vec![Block::new(
                code,
                Component::InterfaceEndpoint(EP.into()),
                cause
            )]
        );
    }
}

#[test]
fn ipv6_only_endpoint_records_give_an_ipv4_only_notebook_no_address() {
    let mut t = with_endpoint();
    t.net.interfaces.get_mut("eni-vpce-api").unwrap().ipv6 = vec![ip("2600:1f18:0:2::5")];
    t.net.endpoints.get_mut(EP).unwrap().record_ip_type = RecordIpType::Ipv6;
    let r = resolve_api(&t);
    let Resolved::Nothing(b) = &r.outcome else {
        panic!("nothing expected, got {:?}", r.outcome)
    };
    assert_eq!(b.code, Code::DnsRecordIpTypeMismatch);
    assert_eq!(
        b.cause,
        Cause::RecordTypeMismatch {
            service: api(),
            v6: true
        }
    );
}

#[test]
fn s3_resolves_to_the_entries_of_its_aws_managed_prefix_list() {
    let t = isolated();
    let r = resolve(&t.net, &t.nb(), &svc("s3"), false);
    assert_eq!(*addrs_of(&r), addrs(&["52.216.0.0/15"]));
    assert!(r.notes.is_empty() && r.caveat.is_none());
}

#[test]
fn s3_is_unknown_when_its_prefix_list_lacks_entries_or_is_missing() {
    let mut t = isolated();
    t.net.prefix_lists.get_mut("pl-s3").unwrap().cidrs = None;
    let b = unknown_of(&resolve(&t.net, &t.nb(), &svc("s3"), false)).clone();
    assert_eq!(
        b,
        Block::new(
            Code::PrefixListEntriesUnknown,
            Component::PrefixList("pl-s3".into()),
            Cause::Missing(Missing::ServicePrefixList {
                service: svc("s3"),
                listed: Some("pl-s3".into())
            })
        )
    );

    t.net.prefix_lists.clear();
    let b = unknown_of(&resolve(&t.net, &t.nb(), &svc("s3"), false)).clone();
    assert_eq!(
        b,
        Block::new(
            Code::MissingData,
            Component::Service(svc("s3")),
            Cause::Missing(Missing::ServicePrefixList {
                service: svc("s3"),
                listed: None
            })
        )
    );
}

#[test]
fn other_services_public_addresses_exclude_every_aws_managed_list_and_an_entryless_one_is_a_caveat()
{
    let mut t = isolated();
    t.prefix_list("pl-ddb", &svc("dynamodb"), Some(&["52.94.0.0/22"]), true);
    // A customer-managed list is not a service's: its addresses stay in.
    t.prefix_list("pl-mine", "mine", Some(&["8.8.8.0/24"]), false);
    let (a, caveat) = public_addrs(&t.net, &svc("sts"));
    assert_eq!(
        a.unwrap(),
        AddrSet::public_v4().difference(&addrs(&["52.216.0.0/15", "52.94.0.0/22"]))
    );
    assert!(caveat.is_none());

    t.prefix_list("pl-x", "com.amazonaws.us-east-1.x", None, true);
    let (a, caveat) = public_addrs(&t.net, &svc("sts"));
    assert_eq!(
        a.unwrap(),
        AddrSet::public_v4().difference(&addrs(&["52.216.0.0/15", "52.94.0.0/22"]))
    );
    let c = caveat.expect("an entryless managed list is a caveat");
    assert_eq!(
        (c.code, c.at),
        (
            Code::PrefixListEntriesUnknown,
            Component::PrefixList("pl-x".into())
        )
    );
}

#[test]
fn a_notebook_without_a_subnet_resolves_the_public_addresses_through_the_service_network() {
    let mut t = with_endpoint();
    t.nb_mut().subnet_id = None;
    t.nb_mut().vpc_id = None;
    let r = resolve_api(&t);
    assert_eq!(*addrs_of(&r), public_but_s3());
    assert!(r.notes.is_empty());
}

/// Inside one analysis run, resolutions are memoised by VPC, name, DNS assumption and whether the
/// source has IPv6 (`analysis/cache.rs`), and each notebook's origin once per task. The trap: an
/// endpoint whose DNS records are IPv6 only, asked for by an IPv4-only notebook (no address: the
/// service is not reachable privately) and by an IPv6 notebook in the same VPC (the endpoint's
/// address). A memo keyed without the source's IPv6, or an origin memo keyed without the
/// interface, would hand one notebook the other's answer: a private path it does not have, or
/// none where it has one.
#[test]
fn the_run_memo_keeps_apart_sources_with_and_without_ipv6() {
    use super::super::cache;
    let mut t = with_endpoint();
    dual_stack(&mut t, false);
    t.net.interfaces.get_mut("eni-vpce-api").unwrap().ipv6 = vec![ip("2600:1f18:0:1::5")];
    t.net.endpoints.get_mut(EP).unwrap().record_ip_type = RecordIpType::Ipv6;
    let mut eni6 = t.net.interfaces[ENI_NB].clone();
    eni6.id = "eni-nb6".into();
    eni6.private_ips = vec![ip("10.0.1.11")];
    eni6.ipv6 = vec![ip("2600:1f18:0:1::11")];
    t.net.interfaces.insert(eni6.id.clone(), eni6);
    let v4_only = t.nb();
    let mut v6 = t.nb();
    v6.name = "nb-v6".into();
    v6.interface_id = Some("eni-nb6".into());
    let asks = [
        (&v4_only, false),
        (&v6, false),
        (&v4_only, true),
        (&v6, true),
        (&v4_only, false),
    ];
    let plain: Vec<String> = asks
        .iter()
        .map(|(nb, dns)| format!("{:?}", resolve(&t.net, nb, &api(), *dns)))
        .collect();
    // One run, one task per notebook (as `analyze_selected` runs them), each asked twice.
    let run = cache::new_run();
    let memoised: Vec<String> = asks
        .iter()
        .map(|(nb, dns)| {
            cache::run(run, || {
                let first = format!("{:?}", resolve(&t.net, nb, &api(), *dns));
                assert_eq!(first, format!("{:?}", resolve(&t.net, nb, &api(), *dns)));
                first
            })
        })
        .collect();
    // Both notebooks inside one task: the origin memo (one slot per task) must not answer the
    // second with the first's interface.
    let together: Vec<String> = cache::run(run, || {
        asks.iter()
            .map(|(nb, dns)| format!("{:?}", resolve(&t.net, nb, &api(), *dns)))
            .collect()
    });
    cache::clear();
    assert_eq!(memoised, plain);
    assert_eq!(together, plain);
    // The trap is real: the two notebooks' answers differ.
    assert!(matches!(
        resolve(&t.net, &v4_only, &api(), false).outcome,
        Resolved::Nothing(_)
    ));
    assert_eq!(
        *addrs_of(&resolve(&t.net, &v6, &api(), false)),
        addrs(&["2600:1f18:0:1::5"])
    );
}
