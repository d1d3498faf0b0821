//! Property tests of the packet-set algebra in `vpcreach::space`.
//!
//! The analysis relies on these sets being exact, so the set laws are checked on random sets built
//! from random cubes. Bounds come from small pools (a few addresses near each end of both families,
//! a few ports around 0, 443 and 65535, a few protocols with and without ports) so cubes overlap
//! often and the edge cases (0, `u32::MAX`, `u128::MAX`, port 65535, protocols 0 and 255) come up
//! in most cases. Besides the laws, every result is checked for the representation invariant
//! (disjoint, non-empty cubes inside the universe, sorted by address) and against a membership
//! oracle on random packets drawn from the same pools and their neighbours.

use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use vpcreach::space::{
    AddrRange, AddrSet, Cube, Family, ICMP, ICMPV6, Packet, PacketSet, PortRange, ProtoSet, TCP,
    UDP,
};

const PROTOS: [u8; 8] = [TCP, UDP, ICMP, ICMPV6, 0, 47, 50, 255];
const V4_POINTS: [u128; 8] = [0, 1, 2, 5, 8, 9, u32::MAX as u128 - 1, u32::MAX as u128];
const V6_POINTS: [u128; 7] = [0, 1, 2, 5, 0x1_0000, u128::MAX - 1, u128::MAX];
const PORTS: [u16; 8] = [0, 1, 2, 80, 443, 444, 65534, 65535];

fn arb_protos() -> impl Strategy<Value = ProtoSet> {
    prop_oneof![
        1 => Just(ProtoSet::all()),
        6 => any::<u8>().prop_map(|mask| {
            PROTOS.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, p)| *p).collect()
        }),
    ]
}

fn arb_range() -> impl Strategy<Value = AddrRange> {
    prop_oneof![
        (0..V4_POINTS.len(), 0..V4_POINTS.len()).prop_map(|(a, b)| AddrRange::new(
            Family::V4,
            V4_POINTS[a],
            V4_POINTS[b]
        )),
        (0..V6_POINTS.len(), 0..V6_POINTS.len()).prop_map(|(a, b)| AddrRange::new(
            Family::V6,
            V6_POINTS[a],
            V6_POINTS[b]
        )),
    ]
}

fn arb_ports() -> impl Strategy<Value = PortRange> {
    prop_oneof![
        1 => Just(PortRange::ALL),
        5 => (0..PORTS.len(), 0..PORTS.len()).prop_map(|(a, b)| PortRange::new(PORTS[a], PORTS[b])),
    ]
}

fn arb_cube() -> impl Strategy<Value = Cube> {
    (arb_protos(), arb_range(), arb_ports()).prop_map(|(p, a, r)| Cube::new(p, a, r))
}

fn arb_set() -> impl Strategy<Value = PacketSet> {
    prop_oneof![
        1 => Just(PacketSet::empty()),
        1 => Just(PacketSet::universe()),
        12 => prop::collection::vec(arb_cube(), 1..6).prop_map(PacketSet::from_cubes),
    ]
}

/// A value near a pool point (the point, or one off it), clamped to the family.
fn near(points: &[u128], i: usize, delta: i8, max: u128) -> u128 {
    let v = points[i % points.len()];
    match delta {
        d if d < 0 => v.saturating_sub(1),
        0 => v,
        _ => v.saturating_add(1).min(max),
    }
}

fn arb_packet() -> impl Strategy<Value = Packet> {
    let proto = prop_oneof![
        6 => (0..PROTOS.len()).prop_map(|i| PROTOS[i]),
        1 => any::<u8>(),
    ];
    let addr = (any::<bool>(), any::<usize>(), -1i8..=1).prop_map(|(v4, i, d)| {
        if v4 {
            let v = near(&V4_POINTS, i, d, u32::MAX as u128);
            IpAddr::V4(Ipv4Addr::from(u32::try_from(v).unwrap_or(u32::MAX)))
        } else {
            IpAddr::V6(Ipv6Addr::from(near(&V6_POINTS, i, d, u128::MAX)))
        }
    });
    let port = prop_oneof![
        4 => (any::<usize>(), -1i8..=1).prop_map(|(i, d)| {
            let v = PORTS[i % PORTS.len()];
            match d {
                d if d < 0 => v.saturating_sub(1),
                0 => v,
                _ => v.saturating_add(1),
            }
        }),
        1 => Just(0u16),
        1 => any::<u16>(),
    ];
    (proto, addr, port).prop_map(|(p, a, r)| Packet::new(p, a, r))
}

fn arb_packets() -> impl Strategy<Value = Vec<Packet>> {
    prop::collection::vec(arb_packet(), 24)
}

/// The representation invariant: non-empty, pairwise-disjoint cubes inside the universe, sorted by
/// address range.
fn check_invariant(s: &PacketSet) -> Result<(), TestCaseError> {
    let cubes = s.cubes();
    for (i, a) in cubes.iter().enumerate() {
        prop_assert!(!a.is_empty(), "empty cube {:?}", a);
        prop_assert!(a.in_universe(), "cube outside the universe {:?}", a);
        prop_assert!(a.addrs.is_valid(), "invalid range {:?}", a);
        for b in &cubes[i + 1..] {
            prop_assert!(!a.overlaps(b), "overlapping cubes {:?} and {:?}", a, b);
        }
    }
    prop_assert!(
        cubes.windows(2).all(|w| w[0].addrs <= w[1].addrs),
        "cubes not sorted by address"
    );
    prop_assert!(s.is_subset(&PacketSet::universe()));
    Ok(())
}

fn in_universe(p: &Packet) -> bool {
    PacketSet::universe().contains(p)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn membership_agrees_with_boolean_algebra(a in arb_set(), b in arb_set(), ps in arb_packets()) {
        let (u, i, d) = (a.union(&b), a.intersect(&b), a.difference(&b));
        let c = a.complement();
        for s in [&a, &b, &u, &i, &d, &c] {
            check_invariant(s)?;
        }
        for p in &ps {
            let (x, y) = (a.contains(p), b.contains(p));
            prop_assert_eq!(u.contains(p), x || y, "union at {}", p);
            prop_assert_eq!(i.contains(p), x && y, "intersection at {}", p);
            prop_assert_eq!(d.contains(p), x && !y, "difference at {}", p);
            prop_assert_eq!(c.contains(p), in_universe(p) && !x, "complement at {}", p);
            if x || y {
                prop_assert!(in_universe(p));
            }
        }
    }

    #[test]
    fn difference_laws(a in arb_set(), b in arb_set()) {
        let d = a.difference(&b);
        prop_assert!(d.intersect(&b).is_empty());
        prop_assert!(d.union(&a.intersect(&b)).same_as(&a));
        prop_assert!(d.is_subset(&a));
        prop_assert!(a.difference(&a).is_empty());
        prop_assert!(a.difference(&PacketSet::empty()).same_as(&a));
        prop_assert!(PacketSet::empty().difference(&a).is_empty());
        prop_assert_eq!(d.is_empty(), a.is_subset(&b));
    }

    #[test]
    fn representative_is_a_member(a in arb_set()) {
        match a.representative() {
            None => prop_assert!(a.is_empty()),
            Some(p) => {
                prop_assert!(!a.is_empty());
                prop_assert!(a.contains(&p), "representative {} not in the set", p);
            }
        }
    }

    #[test]
    fn membership_and_projections(a in arb_cube(), ps in arb_packets()) {
        // A set built from one cube holds exactly the cube's packets that lie in the universe.
        let s = PacketSet::from_cube(a);
        check_invariant(&s)?;
        for p in &ps {
            prop_assert_eq!(s.contains(p), a.contains(p) && in_universe(p), "at {}", p);
        }
        prop_assert!(s.addresses().is_subset(&AddrSet::from_ranges([a.addrs])));
        prop_assert!(s.protocols().is_subset(&a.protos));
    }
}

proptest! {
    #[test]
    fn union_and_intersection_commute(a in arb_set(), b in arb_set()) {
        prop_assert!(a.union(&b).same_as(&b.union(&a)));
        prop_assert!(a.intersect(&b).same_as(&b.intersect(&a)));
    }

    #[test]
    fn union_and_intersection_associate(a in arb_set(), b in arb_set(), c in arb_set()) {
        let l = a.union(&b).union(&c);
        let r = a.union(&b.union(&c));
        check_invariant(&l)?;
        prop_assert!(l.same_as(&r));
        let l = a.intersect(&b).intersect(&c);
        let r = a.intersect(&b.intersect(&c));
        check_invariant(&l)?;
        prop_assert!(l.same_as(&r));
    }

    #[test]
    fn distributivity(a in arb_set(), b in arb_set(), c in arb_set()) {
        let l = a.intersect(&b.union(&c));
        let r = a.intersect(&b).union(&a.intersect(&c));
        prop_assert!(l.same_as(&r));
        let l = a.union(&b.intersect(&c));
        let r = a.union(&b).intersect(&a.union(&c));
        prop_assert!(l.same_as(&r));
        // Difference distributes too.
        let l = a.difference(&b.union(&c));
        let r = a.difference(&b).difference(&c);
        prop_assert!(l.same_as(&r));
    }

    #[test]
    fn de_morgan(a in arb_set(), b in arb_set()) {
        let u = PacketSet::universe();
        let l = u.difference(&a.union(&b));
        let r = u.difference(&a).intersect(&u.difference(&b));
        prop_assert!(l.same_as(&r));
        let l = u.difference(&a.intersect(&b));
        let r = u.difference(&a).union(&u.difference(&b));
        prop_assert!(l.same_as(&r));
        prop_assert!(a.complement().complement().same_as(&a));
        prop_assert!(a.union(&a.complement()).same_as(&u));
        prop_assert!(a.intersect(&a.complement()).is_empty());
    }

    #[test]
    fn idempotence_and_identities(a in arb_set()) {
        prop_assert!(a.union(&a).same_as(&a));
        prop_assert!(a.intersect(&a).same_as(&a));
        prop_assert!(a.union(&PacketSet::empty()).same_as(&a));
        prop_assert!(a.intersect(&PacketSet::universe()).same_as(&a));
        prop_assert!(a.intersect(&PacketSet::empty()).is_empty());
        prop_assert!(a.union(&PacketSet::universe()).same_as(&PacketSet::universe()));
        // Normalisation is a fixed point: redoing an identity operation keeps the same cubes.
        let again = a.union(&a);
        prop_assert_eq!(again.cubes(), a.cubes());
    }

    #[test]
    fn subset_consistency(a in arb_set(), b in arb_set()) {
        let i = a.intersect(&b);
        let u = a.union(&b);
        prop_assert!(i.is_subset(&a) && i.is_subset(&b));
        prop_assert!(a.is_subset(&u) && b.is_subset(&u));
        prop_assert_eq!(a.is_subset(&b), a.intersect(&b).same_as(&a));
        prop_assert_eq!(a.is_subset(&b), a.union(&b).same_as(&b));
        prop_assert_eq!(a.same_as(&b), a.is_subset(&b) && b.is_subset(&a));
        prop_assert_eq!(a.overlaps(&b), !i.is_empty());
        prop_assert!(PacketSet::empty().is_subset(&a));
        prop_assert!(a.is_subset(&PacketSet::universe()));
    }

    #[test]
    fn representative_depends_only_on_the_set(a in arb_set(), b in arb_set()) {
        // Same set, built two ways (different cube decompositions in general).
        let rebuilt = a.difference(&b).union(&a.intersect(&b));
        prop_assert!(rebuilt.same_as(&a));
        prop_assert_eq!(rebuilt.representative(), a.representative());
        let rebuilt = b.union(&a).difference(&b.difference(&a));
        prop_assert_eq!(rebuilt.representative(), a.representative());
    }

    /// Restricting to an address set of several ranges (one cube may be cut into several pieces,
    /// pieces of different cubes may end up with equal ranges): the same set as the intersection,
    /// and — checked inside `restrict_addrs` in debug builds — the same cube list as the full
    /// merge passes would give (its fast path skips them when no run of equal ranges can merge).
    #[test]
    fn restricting_to_several_ranges(a in arb_set(), cs in proptest::collection::vec(arb_cube(), 1..5), ps in arb_packets()) {
        let addrs = AddrSet::from_ranges(cs.iter().map(|c| c.addrs));
        let by_addr = a.restrict_addrs(&addrs);
        check_invariant(&by_addr)?;
        prop_assert!(by_addr.same_as(&a.intersect(&PacketSet::matching(ProtoSet::all(), &addrs, PortRange::ALL))));
        for p in &ps {
            prop_assert_eq!(by_addr.contains(p), a.contains(p) && addrs.contains(p.destination));
        }
    }

    /// `within` is exactly "a subset of the rule's set", and `intersect_matching` gives the
    /// intersection's own cube list (debug builds also check that inside), for rules drawn from
    /// the set's own cubes (so that the set often lies within) and at random.
    #[test]
    fn within_is_subset_of_matching(a in arb_set(), c in arb_cube(), cs in proptest::collection::vec(arb_cube(), 1..4), own in 0u8..8) {
        // Each dimension of the rule is the set's own span (bit set) or drawn at random, so that
        // each of the three checks decides the answer in some cases.
        let span_protos = a.cubes().iter().fold(ProtoSet::EMPTY, |p, x| p.union(&x.protos));
        let span_ports = a.cubes().iter().fold(None, |r: Option<PortRange>, x| Some(match r {
            None => x.ports,
            Some(r) => PortRange { lo: r.lo.min(x.ports.lo), hi: r.hi.max(x.ports.hi) },
        }));
        let protos = if own & 1 != 0 { span_protos } else { c.protos };
        let addrs = if own & 2 != 0 {
            AddrSet::from_ranges(a.cubes().iter().map(|x| x.addrs))
        } else {
            AddrSet::from_ranges(cs.iter().map(|x| x.addrs))
        };
        let ports = match span_ports {
            Some(p) if own & 4 != 0 => p,
            _ => c.ports,
        };
        let m = PacketSet::matching(protos, &addrs, ports);
        prop_assert_eq!(a.within(protos, &addrs, ports), a.is_subset(&m));
        let fast = a.intersect_matching(protos, &addrs, ports);
        check_invariant(&fast)?;
        let slow = a.intersect(&m);
        prop_assert_eq!(fast.cubes(), slow.cubes());
    }

    /// `of_family` is the restriction to the whole family, cube for cube.
    #[test]
    fn of_family_is_the_family_restriction(a in arb_set()) {
        for f in [Family::V4, Family::V6] {
            let fast = a.of_family(f);
            let slow = a.restrict_addrs(&AddrSet::all_of(f));
            prop_assert_eq!(fast.cubes(), slow.cubes());
        }
    }

    #[test]
    fn restrictions_are_intersections(a in arb_set(), c in arb_cube(), ps in arb_packets()) {
        let addrs = AddrSet::from_ranges([c.addrs]);
        let by_addr = a.restrict_addrs(&addrs);
        check_invariant(&by_addr)?;
        prop_assert!(by_addr.same_as(&a.intersect(&PacketSet::matching(ProtoSet::all(), &addrs, PortRange::ALL))));
        let by_proto = a.restrict_protos(c.protos);
        check_invariant(&by_proto)?;
        prop_assert!(by_proto.same_as(&a.intersect(&PacketSet::matching(c.protos, &AddrSet::all(), PortRange::ALL))));
        let by_port = a.restrict_ports(c.ports);
        check_invariant(&by_port)?;
        prop_assert!(by_port.same_as(&a.intersect(&PacketSet::matching(ProtoSet::all(), &AddrSet::all(), c.ports))));
        for p in &ps {
            prop_assert_eq!(by_addr.contains(p), a.contains(p) && c.addrs.contains(p.destination));
            prop_assert_eq!(by_proto.contains(p), a.contains(p) && c.protos.contains(p.protocol));
            prop_assert_eq!(by_port.contains(p), a.contains(p) && c.ports.contains(p.port));
            if a.contains(p) {
                prop_assert!(a.addresses().contains(p.destination));
                prop_assert!(a.protocols().contains(p.protocol));
            }
        }
    }

    #[test]
    fn address_set_laws(xs in prop::collection::vec(arb_range(), 0..5), ys in prop::collection::vec(arb_range(), 0..5), ps in arb_packets()) {
        let (a, b) = (AddrSet::from_ranges(xs), AddrSet::from_ranges(ys));
        let (u, i, d) = (a.union(&b), a.intersect(&b), a.difference(&b));
        for s in [&a, &b, &u, &i, &d] {
            // Canonical: sorted, valid, and no two ranges touch or overlap.
            for w in s.ranges().windows(2) {
                prop_assert!(w[0].family < w[1].family || w[0].hi.checked_add(1).is_some_and(|n| n < w[1].lo));
            }
            prop_assert!(s.ranges().iter().all(AddrRange::is_valid));
        }
        for p in &ps {
            let ip = p.destination;
            let (x, y) = (a.contains(ip), b.contains(ip));
            prop_assert_eq!(u.contains(ip), x || y);
            prop_assert_eq!(i.contains(ip), x && y);
            prop_assert_eq!(d.contains(ip), x && !y);
        }
        prop_assert_eq!(a.is_subset(&b), d.is_empty());
        prop_assert_eq!(a.overlaps(&b), !i.is_empty());
        prop_assert_eq!(&d.union(&i), &a);
        prop_assert_eq!(&a.complement().complement(), &a);
        prop_assert_eq!(AddrSet::from_nets(&a.to_nets()), a);
    }
}
