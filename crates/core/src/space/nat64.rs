//! NAT64 address and protocol translation on packet sets (RFC 6052 well-known prefix, RFC 7915).
//!
//! A NAT gateway translates IPv6 packets addressed to `64:ff9b::/96` into IPv4 packets addressed to
//! the embedded IPv4 address (the low 32 bits). TCP and UDP keep their ports; ICMPv6 echo request
//! and reply become ICMP echo request and reply (the "port" of ICMP is `type << 8 | code`, codes
//! kept). Other ICMPv6 messages and other protocols have no image here: the caller decides their
//! fate. [`to_v4`] and [`to_v6`] are inverse on what they translate, so a set walked after the
//! translation can be mapped back to the packets the notebook sent (for witnesses).

use super::addr::{AddrRange, AddrSet, Family};
use super::packet::{Cube, PacketSet};
use super::port::PortRange;
use super::proto::{ICMP, ICMPV6, ProtoSet, TCP, UDP};

/// `64:ff9b::` as a number.
const PREFIX: u128 = 0x0064_ff9b_u128 << 96;
/// The last address of `64:ff9b::/96`.
const PREFIX_END: u128 = PREFIX | 0xffff_ffff;

/// ICMPv6 → ICMP type pairs that NAT64 translates (echo request, echo reply).
const ICMP_TYPES: [(u16, u16); 2] = [(128, 8), (129, 0)];

/// The NAT64 well-known prefix `64:ff9b::/96`.
pub fn prefix() -> AddrSet {
    AddrSet::from_ranges([AddrRange::new(Family::V6, PREFIX, PREFIX_END)])
}

/// `64:ff9b::/96` restricted to the embedded IPv4 addresses in `v4` (e.g. the public IPv4 space).
pub fn embed(v4: &AddrSet) -> AddrSet {
    AddrSet::from_ranges(
        v4.ranges()
            .iter()
            .filter(|r| r.family == Family::V4)
            .map(|r| AddrRange::new(Family::V6, PREFIX | r.lo, PREFIX | r.hi)),
    )
}

/// The IPv4 addresses embedded in the `64:ff9b::/96` part of `a`.
pub fn unembed(a: &AddrSet) -> AddrSet {
    AddrSet::from_ranges(
        a.intersect(&prefix())
            .ranges()
            .iter()
            .map(|r| AddrRange::new(Family::V4, r.lo - PREFIX, r.hi - PREFIX)),
    )
}

/// The packets of `set` that NAT64 translates as modelled: TCP, UDP and ICMPv6 echo to
/// `64:ff9b::/96`.
pub fn translatable(set: &PacketSet) -> PacketSet {
    let set = set.restrict_addrs(&prefix());
    let ported = set.restrict_protos(ProtoSet::of(&[TCP, UDP]));
    ICMP_TYPES.iter().fold(ported, |acc, (t6, _)| {
        acc.union(
            &set.restrict_protos(ProtoSet::single(ICMPV6))
                .restrict_ports(PortRange::new(t6 << 8, (t6 << 8) | 0xff)),
        )
    })
}

/// The IPv4 packets that the translatable part of `set` becomes.
pub fn to_v4(set: &PacketSet) -> PacketSet {
    map(
        &translatable(set),
        |r| AddrRange::new(Family::V4, r.lo - PREFIX, r.hi - PREFIX),
        ICMPV6,
        ICMP,
        |t| ICMP_TYPES.iter().find(|(a, _)| *a == t).map(|(_, b)| *b),
    )
}

/// The IPv6 packets (the notebook's) whose translation is the IPv4 set `set`.
pub fn to_v6(set: &PacketSet) -> PacketSet {
    let set = set.restrict_addrs(&AddrSet::all_of(Family::V4));
    map(
        &set,
        |r| AddrRange::new(Family::V6, PREFIX | r.lo, PREFIX | r.hi),
        ICMP,
        ICMPV6,
        |t| ICMP_TYPES.iter().find(|(_, b)| *b == t).map(|(a, _)| *a),
    )
}

/// Map every cube: addresses by `addr`, protocol `from_icmp` to `to_icmp` with ICMP types mapped
/// by `icmp_type` (types without an image are dropped); TCP and UDP unchanged; others dropped.
fn map(
    set: &PacketSet,
    addr: impl Fn(&AddrRange) -> AddrRange,
    from_icmp: u8,
    to_icmp: u8,
    icmp_type: impl Fn(u16) -> Option<u16>,
) -> PacketSet {
    let mut cubes = Vec::new();
    for c in set.cubes() {
        let addrs = addr(&c.addrs);
        let ported = c.protos.intersect(&ProtoSet::of(&[TCP, UDP]));
        if !ported.is_empty() {
            cubes.push(Cube::new(ported, addrs, c.ports));
        }
        if c.protos.contains(from_icmp) {
            for t in (c.ports.lo >> 8)..=(c.ports.hi >> 8) {
                let Some(to) = icmp_type(t) else { continue };
                let lo = c.ports.lo.max(t << 8) & 0xff;
                let hi = c.ports.hi.min((t << 8) | 0xff) & 0xff;
                cubes.push(Cube::new(
                    ProtoSet::single(to_icmp),
                    addrs,
                    PortRange::new((to << 8) | lo, (to << 8) | hi),
                ));
            }
        }
    }
    PacketSet::from_cubes(cubes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::Packet;

    fn ip(s: &str) -> std::net::IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn tcp_and_echo_translate_both_ways() {
        let six = PacketSet::matching(
            ProtoSet::of(&[TCP, ICMPV6, 47]),
            &embed(&AddrSet::public_v4()),
            PortRange::ALL,
        );
        let four = to_v4(&six);
        assert!(four.contains(&Packet::new(TCP, ip("8.8.8.8"), 443)));
        assert!(four.contains(&Packet::new(ICMP, ip("8.8.8.8"), 8 << 8)));
        assert!(!four.contains(&Packet::new(ICMP, ip("8.8.8.8"), 3 << 8)));
        assert!(!four.contains(&Packet::new(TCP, ip("10.0.0.1"), 443)));
        assert!(!four.protocols().contains(47));
        let back = to_v6(&four);
        assert!(back.contains(&Packet::new(TCP, ip("64:ff9b::808:808"), 443)));
        assert!(back.contains(&Packet::new(ICMPV6, ip("64:ff9b::808:808"), 128 << 8)));
        assert!(back.is_subset(&six));
        assert!(translatable(&six).is_subset(&back) && back.is_subset(&translatable(&six)));
    }

    #[test]
    fn only_the_prefix_is_translatable() {
        let other = PacketSet::matching(
            ProtoSet::single(TCP),
            &AddrSet::public_v6(),
            PortRange::single(443),
        );
        assert!(to_v4(&other).is_empty());
        assert!(prefix().contains(ip("64:ff9b::1.2.3.4")));
        assert!(!prefix().contains(ip("64:ff9b:1::1.2.3.4")));
    }
}
