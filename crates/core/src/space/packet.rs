//! Packets and exact packet sets (protocol × destination address × port).
//!
//! A [`PacketSet`] is a list of pairwise-disjoint, non-empty [`Cube`]s. Every operation is exact —
//! the analysis proves verdicts over whole sets, so nothing here samples or approximates. Three
//! things keep it fast:
//! - cube difference splits one dimension at a time, so `a \ b` is at most 5 disjoint pieces;
//! - binary operations only pair cubes whose address ranges overlap, found through a sorted index
//!   ([`AddrIndex`]), so a set against a single cube is linear in the set;
//! - after every operation a normalisation pass coalesces cubes that differ in one dimension only,
//!   keeping lists short (and sorted by address, which the index relies on).
//!
//! The cube decomposition of a set is not unique, so semantic equality is [`PacketSet::same_as`],
//! and [`PacketSet::representative`] picks by properties of the set, never by cube order.

use super::addr::{AddrRange, AddrSet, Family, value_to_ip};
use super::port::PortRange;
use super::proto::{ICMP, ICMPV6, ProtoSet, TCP, UDP, protocol_name};
use std::fmt;
use std::net::IpAddr;
use std::sync::LazyLock;

/// One packet: protocol number, destination address, destination port (for ICMP/ICMPv6 the
/// port is `type << 8 | code`; for protocols without ports it is 0).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Packet {
    pub protocol: u8,
    pub destination: IpAddr,
    pub port: u16,
}

impl Packet {
    /// A packet.
    pub const fn new(protocol: u8, destination: IpAddr, port: u16) -> Self {
        Packet {
            protocol,
            destination,
            port,
        }
    }

    /// `tcp`, `udp`, `icmp`, `icmpv6`, else the protocol number in decimal.
    pub fn protocol_name(&self) -> String {
        protocol_name(self.protocol)
    }

    /// For ICMP/ICMPv6 packets, the message `(type, code)` decoded from the port.
    pub const fn icmp_type_code(&self) -> Option<(u8, u8)> {
        match self.protocol {
            ICMP | ICMPV6 => Some(((self.port >> 8) as u8, (self.port & 0xff) as u8)),
            _ => None,
        }
    }
}

/// `tcp 52.216.0.1:443`, `udp [2600::1]:53`, `icmp 8.8.8.8 type 8 code 0`, `protocol 47 10.0.0.1`
/// (a port on a portless protocol, impossible inside [`PacketSet::universe`], is appended as
/// ` port N`).
impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.protocol_name();
        match (self.protocol, self.icmp_type_code()) {
            (_, Some((t, c))) => write!(f, "{name} {} type {t} code {c}", self.destination),
            (TCP | UDP, None) => match self.destination {
                IpAddr::V4(a) => write!(f, "{name} {a}:{}", self.port),
                IpAddr::V6(a) => write!(f, "{name} [{a}]:{}", self.port),
            },
            (_, None) => {
                write!(f, "protocol {name} {}", self.destination)?;
                if self.port != 0 {
                    write!(f, " port {}", self.port)?;
                }
                Ok(())
            }
        }
    }
}

/// A box of packets: every protocol in `protos` × every address in `addrs` × every port in
/// `ports`. Empty when any dimension is empty (or the address range is invalid).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Cube {
    pub protos: ProtoSet,
    pub addrs: AddrRange,
    pub ports: PortRange,
}

impl Cube {
    /// A cube.
    pub const fn new(protos: ProtoSet, addrs: AddrRange, ports: PortRange) -> Self {
        Cube {
            protos,
            addrs,
            ports,
        }
    }

    /// Whether the cube holds no packet.
    pub const fn is_empty(&self) -> bool {
        self.protos.is_empty() || !self.addrs.is_valid() || self.ports.is_empty()
    }

    /// Whether `p` is in the cube.
    pub fn contains(&self, p: &Packet) -> bool {
        self.protos.contains(p.protocol)
            && self.ports.contains(p.port)
            && self.addrs.contains(p.destination)
    }

    /// Whether the cubes share a packet.
    pub fn overlaps(&self, o: &Self) -> bool {
        self.protos.overlaps(&o.protos)
            && self.addrs.overlaps(&o.addrs)
            && self.ports.overlaps(&o.ports)
    }

    /// The common packets, if any.
    pub fn intersect(&self, o: &Self) -> Option<Self> {
        let protos = self.protos.intersect(&o.protos);
        if protos.is_empty() {
            return None;
        }
        Some(Cube {
            protos,
            addrs: self.addrs.intersect(&o.addrs)?,
            ports: self.ports.intersect(&o.ports)?,
        })
    }

    /// Appends `self \ o` to `out` as at most 5 disjoint non-empty cubes: the protocols `o` lacks;
    /// then, within the shared protocols, the addresses below and above `o`'s; then, within the
    /// shared protocols and addresses, the ports below and above `o`'s.
    pub fn subtract_into(&self, o: &Self, out: &mut Vec<Cube>) {
        let Some(common) = self.intersect(o) else {
            out.push(*self);
            return;
        };
        let rest = self.protos.difference(&o.protos);
        if !rest.is_empty() {
            out.push(Cube {
                protos: rest,
                ..*self
            });
        }
        let (p, a, f) = (common.protos, common.addrs, self.addrs.family);
        // `common` lies within `self`, so each -1/+1 below happens only away from the type's ends.
        if self.addrs.lo < a.lo {
            let addrs = AddrRange {
                family: f,
                lo: self.addrs.lo,
                hi: a.lo - 1,
            };
            out.push(Cube {
                protos: p,
                addrs,
                ports: self.ports,
            });
        }
        if a.hi < self.addrs.hi {
            let addrs = AddrRange {
                family: f,
                lo: a.hi + 1,
                hi: self.addrs.hi,
            };
            out.push(Cube {
                protos: p,
                addrs,
                ports: self.ports,
            });
        }
        if self.ports.lo < common.ports.lo {
            let ports = PortRange {
                lo: self.ports.lo,
                hi: common.ports.lo - 1,
            };
            out.push(Cube {
                protos: p,
                addrs: a,
                ports,
            });
        }
        if common.ports.hi < self.ports.hi {
            let ports = PortRange {
                lo: common.ports.hi + 1,
                hi: self.ports.hi,
            };
            out.push(Cube {
                protos: p,
                addrs: a,
                ports,
            });
        }
    }

    /// `self \ o` as at most 5 disjoint cubes (see [`Cube::subtract_into`]).
    pub fn difference(&self, o: &Self) -> Vec<Cube> {
        let mut out = Vec::with_capacity(5);
        self.subtract_into(o, &mut out);
        out
    }

    /// Whether the cube lies in the universe of [`PacketSet::universe`]: port 0 only, or only
    /// protocols with ports.
    pub fn in_universe(&self) -> bool {
        (self.ports.lo == 0 && self.ports.hi == 0) || self.protos.is_subset(&ProtoSet::WITH_PORTS)
    }
}

/// `tcp 443 to 10.0.0.0/8`.
impl fmt::Display for Cube {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{} to {}",
            self.protos,
            describe_ports(&self.protos, &self.ports),
            self.addrs
        )
    }
}

/// How many normalisation passes at most; each pass that changes anything removes a cube, and in
/// practice two or three reach a fixed point. The bound only caps work; correctness never needs it.
const MAX_NORMALISE_PASSES: usize = 8;

/// Sort key giving the canonical cube order: by address range first (what [`AddrIndex`] needs).
fn addr_key(c: &Cube) -> (AddrRange, PortRange, ProtoSet) {
    (c.addrs, c.ports, c.protos)
}

/// Merges cubes with equal protocols and ports whose address ranges touch.
fn merge_addrs(v: &mut Vec<Cube>) {
    v.sort_unstable_by_key(|c| (c.protos, c.ports, c.addrs));
    v.dedup_by(|cur, prev| {
        let mergeable = cur.protos == prev.protos
            && cur.ports == prev.ports
            && cur.addrs.family == prev.addrs.family
            && prev
                .addrs
                .hi
                .checked_add(1)
                .is_none_or(|next| cur.addrs.lo <= next);
        if mergeable {
            prev.addrs.hi = prev.addrs.hi.max(cur.addrs.hi);
        }
        mergeable
    });
}

/// Merges cubes with equal protocols and addresses whose port ranges touch.
fn merge_ports(v: &mut Vec<Cube>) {
    v.sort_unstable_by_key(|c| (c.protos, c.addrs, c.ports));
    v.dedup_by(|cur, prev| {
        let mergeable = cur.protos == prev.protos
            && cur.addrs == prev.addrs
            && u32::from(cur.ports.lo) <= u32::from(prev.ports.hi) + 1;
        if mergeable {
            prev.ports.hi = prev.ports.hi.max(cur.ports.hi);
        }
        mergeable
    });
}

/// Merges cubes with equal addresses and ports (their protocols are disjoint).
fn merge_protos(v: &mut Vec<Cube>) {
    v.sort_unstable_by_key(addr_key);
    v.dedup_by(|cur, prev| {
        let mergeable = cur.addrs == prev.addrs && cur.ports == prev.ports;
        if mergeable {
            prev.protos = prev.protos.union(&cur.protos);
        }
        mergeable
    });
}

/// Up to this many cubes, [`normalise`] first looks for a pair that one of its passes would merge
/// (quadratic, but no sorting); most lists the walk builds have none.
const SMALL_SET: usize = 16;

/// Whether one of the merge passes would merge `a` and `b` (the exact conditions of
/// [`merge_addrs`], [`merge_ports`] and [`merge_protos`], for the two cubes in their sort order).
fn mergeable(a: &Cube, b: &Cube) -> bool {
    if a.protos == b.protos && a.ports == b.ports && a.addrs.family == b.addrs.family {
        let (lo, hi) = if a.addrs <= b.addrs { (a, b) } else { (b, a) };
        if lo
            .addrs
            .hi
            .checked_add(1)
            .is_none_or(|next| hi.addrs.lo <= next)
        {
            return true;
        }
    }
    if a.protos == b.protos && a.addrs == b.addrs {
        let (lo, hi) = if a.ports <= b.ports { (a, b) } else { (b, a) };
        if u32::from(hi.ports.lo) <= u32::from(lo.ports.hi) + 1 {
            return true;
        }
    }
    a.addrs == b.addrs && a.ports == b.ports
}

/// Whether any two cubes of `v` are [`mergeable`].
fn any_mergeable(v: &[Cube]) -> bool {
    v.iter()
        .enumerate()
        .any(|(i, a)| v[i + 1..].iter().any(|b| mergeable(a, b)))
}

/// Drops empty cubes, coalesces the pairwise-disjoint rest and sorts them canonically.
fn normalise(mut v: Vec<Cube>) -> Vec<Cube> {
    v.retain(|c| !c.is_empty());
    if v.len() > 1 && v.len() <= SMALL_SET && !any_mergeable(&v) {
        // Nothing to coalesce: the passes below would change nothing but the order.
        if !v.is_sorted_by_key(addr_key) {
            v.sort_unstable_by_key(addr_key);
        }
        return v;
    }
    merge_passes(v)
}

/// The cubes of an operation on a canonical list: when `cut` is false, every cube was kept whole
/// or dropped, and a subset of a canonical list in its order is canonical already (no pair of it
/// can merge, since no pair of the whole list could); otherwise [`normalise`].
fn renormalise(mut v: Vec<Cube>, cut: bool) -> Vec<Cube> {
    if cut {
        return normalise(v);
    }
    v.retain(|c| !c.is_empty());
    debug_assert_eq!(v, normalise(v.clone()), "a subset of a canonical list");
    v
}

/// The cubes of a canonical list whose address ranges were cut by a canonical [`AddrSet`]
/// ([`PacketSet::restrict_addrs`]). Only cubes left with *equal* address ranges can have become
/// mergeable: two pieces with equal protocols and ports were either one cube's pieces, cut by
/// ranges that do not touch (an `AddrSet`'s ranges are coalesced), or pieces of two cubes whose
/// ranges did not touch (else the list was not canonical) — so no address merge arises, and port or
/// protocol merges need equal addresses. So: sort canonically, look for a mergeable pair within
/// each run of equal addresses (a few cubes), and run the merge passes only if there is one.
fn renormalise_cut_addrs(mut v: Vec<Cube>) -> Vec<Cube> {
    v.retain(|c| !c.is_empty());
    if !v.is_sorted_by_key(addr_key) {
        v.sort_unstable_by_key(addr_key);
    }
    let mut start = 0;
    while start < v.len() {
        let end = start + v[start..].partition_point(|c| c.addrs == v[start].addrs);
        if end - start > 1 && any_mergeable(&v[start..end]) {
            return merge_passes(v);
        }
        start = end;
    }
    debug_assert_eq!(
        v,
        normalise(v.clone()),
        "cut by addresses, canonical without merging"
    );
    v
}

/// The merge passes of [`normalise`], run to a fixed point (or [`MAX_NORMALISE_PASSES`]), then the
/// canonical order.
fn merge_passes(mut v: Vec<Cube>) -> Vec<Cube> {
    if v.len() > 1 {
        for _ in 0..MAX_NORMALISE_PASSES {
            let before = v.len();
            merge_addrs(&mut v);
            merge_ports(&mut v);
            merge_protos(&mut v);
            if v.len() == before || v.len() == 1 {
                break;
            }
        }
    }
    // merge_protos leaves the list sorted by `addr_key` already.
    if !v.is_sorted_by_key(addr_key) {
        v.sort_unstable_by_key(addr_key);
    }
    v
}

/// Finds the cubes of a list sorted by `(family, lo)` whose address range overlaps a query range:
/// binary search for the last cube starting at or before the query's end, then walk back while
/// the running maximum of `(family, hi)` still reaches the query's start.
struct AddrIndex<'a> {
    cubes: &'a [Cube],
    /// `reach[i]` = max of `(family, hi)` over `cubes[..=i]`.
    reach: Vec<(Family, u128)>,
}

impl<'a> AddrIndex<'a> {
    fn new(cubes: &'a [Cube]) -> Self {
        let mut reach = Vec::with_capacity(cubes.len());
        let mut best = (Family::V4, 0u128);
        for c in cubes {
            best = best.max((c.addrs.family, c.addrs.hi));
            reach.push(best);
        }
        AddrIndex { cubes, reach }
    }

    fn overlapping(&self, r: AddrRange) -> impl Iterator<Item = &'a Cube> + '_ {
        let end = self
            .cubes
            .partition_point(|c| (c.addrs.family, c.addrs.lo) <= (r.family, r.hi));
        let cubes = self.cubes;
        (0..end)
            .rev()
            .take_while(move |&i| self.reach[i] >= (r.family, r.lo))
            .map(move |i| &cubes[i])
            .filter(move |c| c.addrs.overlaps(&r))
    }
}

/// Leaves `a \ (the indexed cubes)` in `pieces` (disjoint cubes), using `scratch` as workspace.
///
/// The indexed cubes come in descending address order; a piece starting above every address the
/// cubes still to come can reach (`reach` of the next index) is final and set aside, so that
/// subtracting n small cubes from one large cube stays linear instead of re-scanning every piece
/// for every cube (a prefix list of 10⁵ entries in a security-group rule, tests/hostile.rs).
fn subtract_indexed(
    a: &Cube,
    idx: &AddrIndex<'_>,
    pieces: &mut Vec<Cube>,
    scratch: &mut Vec<Cube>,
) {
    pieces.clear();
    pieces.push(*a);
    let r = a.addrs;
    let end = idx
        .cubes
        .partition_point(|c| (c.addrs.family, c.addrs.lo) <= (r.family, r.hi));
    let mut done = Vec::new();
    for i in (0..end).rev() {
        if idx.reach[i] < (r.family, r.lo) {
            break;
        }
        let b = &idx.cubes[i];
        if !b.addrs.overlaps(&r) || !a.protos.overlaps(&b.protos) || !a.ports.overlaps(&b.ports) {
            continue;
        }
        scratch.clear();
        for p in pieces.iter() {
            p.subtract_into(b, scratch);
        }
        std::mem::swap(pieces, scratch);
        if i > 0 {
            let bound = idx.reach[i - 1];
            pieces.retain(|p| {
                let beyond = (p.addrs.family, p.addrs.lo) > bound;
                if beyond {
                    done.push(*p);
                }
                !beyond
            });
        }
        if pieces.is_empty() {
            break;
        }
    }
    pieces.append(&mut done);
}

static UNIVERSE: LazyLock<PacketSet> =
    LazyLock::new(|| PacketSet::matching(ProtoSet::ALL, &AddrSet::all(), PortRange::ALL));

/// Set of packets: a list of pairwise-DISJOINT, non-empty cubes (protocols × address range × port
/// range), kept coalesced and sorted by address range.
///
/// Every set is a subset of the universe U = {tcp,udp,icmp,icmpv6} × all addresses × [0,65535]
/// ∪ (every other protocol) × all addresses × {0}: protocols without ports have port 0 only, so
/// "protocol -1, all ports" rules don't multiply meaningless port splits. Constructors intersect
/// with U, and every operation preserves it.
///
/// `Default` is the empty set. There is no `PartialEq`: the cube list is not unique per set; use
/// [`PacketSet::same_as`].
#[derive(Clone, Debug, Default)]
pub struct PacketSet {
    cubes: Vec<Cube>,
}

impl PacketSet {
    /// The empty set.
    pub const fn empty() -> Self {
        PacketSet { cubes: Vec::new() }
    }

    /// Every packet of the universe U (see the type's documentation).
    pub fn universe() -> Self {
        UNIVERSE.clone()
    }

    /// The packets whose protocol is in `protos`, destination in `addrs`, port in `ports`,
    /// intersected with U (so protocols without ports match only when `ports` contains 0, and then
    /// with port 0).
    pub fn matching(protos: ProtoSet, addrs: &AddrSet, ports: PortRange) -> Self {
        if ports.is_empty() {
            return Self::empty();
        }
        let ported = protos.intersect(&ProtoSet::WITH_PORTS);
        let other = if ports.contains(0) {
            protos.intersect(&ProtoSet::WITHOUT_PORTS)
        } else {
            ProtoSet::EMPTY
        };
        // Built directly in canonical form: an address set's ranges are sorted, valid and never
        // touch, so no two cubes of one protocol group can merge; per range the portless cube
        // (port 0 only) sorts before the ported one, and the two are one cube when the ports
        // are just 0 (what `normalise` would make of them; checked in debug builds).
        let zero = PortRange::single(0);
        let joined = ports == zero && !ported.is_empty() && !other.is_empty();
        let mut cubes = Vec::with_capacity(addrs.ranges().len() * 2);
        for &r in addrs.ranges() {
            if joined {
                cubes.push(Cube::new(ported.union(&other), r, zero));
                continue;
            }
            if !other.is_empty() {
                cubes.push(Cube::new(other, r, zero));
            }
            if !ported.is_empty() {
                cubes.push(Cube::new(ported, r, ports));
            }
        }
        cubes.retain(|c| !c.is_empty());
        debug_assert_eq!(cubes, normalise(cubes.clone()), "matching is canonical");
        PacketSet { cubes }
    }

    /// The packets of one cube (any cube, even outside U or invalid), intersected with U.
    pub fn from_cube(c: Cube) -> Self {
        Self::matching(c.protos, &AddrSet::from_ranges([c.addrs]), c.ports)
    }

    /// The union of arbitrary (possibly overlapping) cubes, intersected with U.
    pub fn from_cubes(cubes: impl IntoIterator<Item = Cube>) -> Self {
        cubes
            .into_iter()
            .fold(Self::empty(), |acc, c| acc.union(&Self::from_cube(c)))
    }

    /// The one-packet set, or empty if the packet is outside U (a port on a portless protocol).
    pub fn single(p: &Packet) -> Self {
        let c = Cube {
            protos: ProtoSet::single(p.protocol),
            addrs: AddrRange::single(p.destination),
            ports: PortRange::single(p.port),
        };
        if c.in_universe() {
            PacketSet { cubes: vec![c] }
        } else {
            Self::empty()
        }
    }

    /// Whether the set shares a packet with `PacketSet::matching(protos, addrs, ports)`, without
    /// building it (a filter rule that cannot touch the set is skipped for the price of a scan).
    pub fn meets(&self, protos: ProtoSet, addrs: &AddrSet, ports: PortRange) -> bool {
        if ports.is_empty() {
            return false;
        }
        let ported = protos.intersect(&ProtoSet::WITH_PORTS);
        let other = if ports.contains(0) {
            protos.intersect(&ProtoSet::WITHOUT_PORTS)
        } else {
            ProtoSet::EMPTY
        };
        // Every cube lies in U: its portless protocols have port 0 only.
        self.cubes.iter().any(|c| {
            ((c.protos.overlaps(&ported) && c.ports.overlaps(&ports))
                || (c.protos.overlaps(&other) && c.ports.contains(0)))
                && addrs.ranges().iter().any(|r| r.overlaps(&c.addrs))
        })
    }

    /// Whether every packet lies in `matching(protos, addrs, ports)`: each cube's protocols,
    /// address range and ports within the rule's (a cube's range within one of `addrs`' ranges,
    /// which are coalesced). Cubes lie in the universe, where port-less protocols have port 0
    /// only, so a cube of them is within exactly when `ports` holds 0.
    pub fn within(&self, protos: ProtoSet, addrs: &AddrSet, ports: PortRange) -> bool {
        let rs = addrs.ranges();
        self.cubes.iter().all(|c| {
            c.protos.is_subset(&protos)
                && ports.lo <= c.ports.lo
                && c.ports.hi <= ports.hi
                && rs
                    .iter()
                    .any(|r| r.family == c.addrs.family && r.lo <= c.addrs.lo && c.addrs.hi <= r.hi)
        })
    }

    /// `self ∩ matching(protos, addrs, ports)`: `self` itself (the same cube list, no set
    /// operation) when it lies [`within`](Self::within) the rule — the common case of a rule that
    /// allows everything asked — else the intersection.
    pub fn intersect_matching(&self, protos: ProtoSet, addrs: &AddrSet, ports: PortRange) -> Self {
        let m = || PacketSet::matching(protos, addrs, ports);
        if self.within(protos, addrs, ports) {
            debug_assert_eq!(
                self.cubes,
                self.intersect(&m()).cubes,
                "within: self ∩ m = self"
            );
            return self.clone();
        }
        self.intersect(&m())
    }

    /// Set union.
    pub fn union(&self, o: &Self) -> Self {
        let (big, small) = if self.cubes.len() >= o.cubes.len() {
            (self, o)
        } else {
            (o, self)
        };
        if small.cubes.is_empty() {
            return big.clone();
        }
        // big ∪ small = big ++ (small \ big): disjoint by construction.
        let idx = AddrIndex::new(&big.cubes);
        let mut out = big.cubes.clone();
        let (mut pieces, mut scratch) = (Vec::new(), Vec::new());
        for a in &small.cubes {
            subtract_indexed(a, &idx, &mut pieces, &mut scratch);
            out.append(&mut pieces);
        }
        PacketSet {
            cubes: normalise(out),
        }
    }

    /// Set intersection.
    pub fn intersect(&self, o: &Self) -> Self {
        let (big, small) = if self.cubes.len() >= o.cubes.len() {
            (self, o)
        } else {
            (o, self)
        };
        if small.cubes.is_empty() {
            return Self::empty();
        }
        let idx = AddrIndex::new(&big.cubes);
        let mut out = Vec::new();
        for a in &small.cubes {
            out.extend(idx.overlapping(a.addrs).filter_map(|b| a.intersect(b)));
        }
        PacketSet {
            cubes: normalise(out),
        }
    }

    /// Set difference `self \ o`.
    pub fn difference(&self, o: &Self) -> Self {
        if self.cubes.is_empty() || o.cubes.is_empty() {
            return self.clone();
        }
        if self.cubes == o.cubes {
            return Self::empty();
        }
        let idx = AddrIndex::new(&o.cubes);
        let mut out = Vec::with_capacity(self.cubes.len());
        let (mut pieces, mut scratch) = (Vec::new(), Vec::new());
        let mut cut = false;
        for a in &self.cubes {
            subtract_indexed(a, &idx, &mut pieces, &mut scratch);
            cut |= !(pieces.is_empty() || (pieces.len() == 1 && pieces[0] == *a));
            out.append(&mut pieces);
        }
        PacketSet {
            cubes: renormalise(out, cut),
        }
    }

    /// `U \ self`.
    pub fn complement(&self) -> Self {
        Self::universe().difference(self)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.cubes.is_empty()
    }

    /// Whether every packet of `self` is in `o`.
    pub fn is_subset(&self, o: &Self) -> bool {
        if self.cubes.is_empty() {
            return true;
        }
        let idx = AddrIndex::new(&o.cubes);
        let (mut pieces, mut scratch) = (Vec::new(), Vec::new());
        self.cubes.iter().all(|a| {
            subtract_indexed(a, &idx, &mut pieces, &mut scratch);
            pieces.is_empty()
        })
    }

    /// Whether the sets share a packet.
    pub fn overlaps(&self, o: &Self) -> bool {
        let (big, small) = if self.cubes.len() >= o.cubes.len() {
            (self, o)
        } else {
            (o, self)
        };
        let idx = AddrIndex::new(&big.cubes);
        small
            .cubes
            .iter()
            .any(|a| idx.overlapping(a.addrs).any(|b| a.overlaps(b)))
    }

    /// Semantic equality (the cube lists may differ).
    pub fn same_as(&self, o: &Self) -> bool {
        self.cubes == o.cubes || (self.is_subset(o) && o.is_subset(self))
    }

    /// Whether `p` is in the set.
    pub fn contains(&self, p: &Packet) -> bool {
        self.cubes.iter().any(|c| c.contains(p))
    }

    /// The disjoint, non-empty cubes, sorted by address range.
    pub fn cubes(&self) -> &[Cube] {
        &self.cubes
    }

    /// Number of cubes (a size measure of the representation, not of the set).
    pub fn cube_count(&self) -> usize {
        self.cubes.len()
    }

    /// Projection onto the address dimension.
    pub fn addresses(&self) -> AddrSet {
        AddrSet::from_ranges(self.cubes.iter().map(|c| c.addrs))
    }

    /// Projection onto the protocol dimension.
    pub fn protocols(&self) -> ProtoSet {
        self.cubes
            .iter()
            .fold(ProtoSet::EMPTY, |acc, c| acc.union(&c.protos))
    }

    /// The ports used with protocol `p` (projection of the `p` slice onto the port dimension),
    /// as sorted, disjoint, coalesced ranges.
    pub fn ports_of(&self, p: u8) -> Vec<PortRange> {
        let mut v: Vec<PortRange> = self
            .cubes
            .iter()
            .filter(|c| c.protos.contains(p))
            .map(|c| c.ports)
            .collect();
        v.sort_unstable();
        v.dedup_by(|cur, prev| {
            let touch = u32::from(cur.lo) <= u32::from(prev.hi) + 1;
            if touch {
                prev.hi = prev.hi.max(cur.hi);
            }
            touch
        });
        v
    }

    /// Keep only packets with destination in `a` (cheap: no universe rebuild; a binary search per
    /// cube).
    pub fn restrict_addrs(&self, a: &AddrSet) -> Self {
        let rs = a.ranges();
        let mut out = Vec::with_capacity(self.cubes.len());
        let mut cut = false;
        for c in &self.cubes {
            let start = rs.partition_point(|r| (r.family, r.hi) < (c.addrs.family, c.addrs.lo));
            for r in &rs[start..] {
                if r.family != c.addrs.family || r.lo > c.addrs.hi {
                    break;
                }
                if let Some(addrs) = c.addrs.intersect(r) {
                    cut |= addrs != c.addrs;
                    out.push(Cube { addrs, ..*c });
                }
            }
        }
        PacketSet {
            cubes: if cut {
                renormalise_cut_addrs(out)
            } else {
                renormalise(out, false)
            },
        }
    }

    /// Only the packets to addresses of family `f`: the set itself (a copy of its list) when
    /// every cube is of that family, nothing when none is — what `restrict_addrs` to the whole
    /// family gives, without building the address set or searching it.
    pub fn of_family(&self, f: Family) -> Self {
        let n = self.cubes.iter().filter(|c| c.addrs.family == f).count();
        if n == self.cubes.len() {
            self.clone()
        } else if n == 0 {
            Self::empty()
        } else {
            self.restrict_addrs(&AddrSet::all_of(f))
        }
    }

    /// Keep only packets whose protocol is in `p`.
    pub fn restrict_protos(&self, p: ProtoSet) -> Self {
        let mut cut = false;
        let out = self
            .cubes
            .iter()
            .map(|c| {
                let protos = c.protos.intersect(&p);
                cut |= !protos.is_empty() && protos != c.protos;
                Cube { protos, ..*c }
            })
            .collect();
        PacketSet {
            cubes: renormalise(out, cut),
        }
    }

    /// Keep only packets whose port is in `r` (packets of portless protocols have port 0, so they
    /// survive only if `r` contains 0).
    pub fn restrict_ports(&self, r: PortRange) -> Self {
        let mut cut = false;
        let out = self
            .cubes
            .iter()
            .filter_map(|c| {
                let ports = c.ports.intersect(&r)?;
                cut |= ports != c.ports;
                Some(Cube { ports, ..*c })
            })
            .collect();
        PacketSet {
            cubes: renormalise(out, cut),
        }
    }

    /// Pick a deterministic, human-friendly member, chosen from properties of the set alone (so
    /// semantically equal sets give the same packet whatever their cubes):
    /// - protocol: tcp, else udp, else icmp, else the lowest protocol number;
    /// - port: tcp prefers 443 then 80, udp 443 then 53, icmp echo request (type 8 code 0),
    ///   icmpv6 echo request (type 128 code 0); otherwise the lowest port of that protocol;
    /// - address: the lowest address with that protocol and port (IPv4 before IPv6), but if it is
    ///   network-style (IPv4 ending in .0, IPv6 ending in :0000) and the next address is also in the
    ///   set, the next one (so `52.216.0.0/15` gives `52.216.0.1`).
    ///
    /// `None` iff the set is empty.
    pub fn representative(&self) -> Option<Packet> {
        let protos = self.protocols();
        let protocol = [TCP, UDP, ICMP]
            .into_iter()
            .find(|p| protos.contains(*p))
            .or_else(|| protos.first())?;
        let with_proto = || {
            self.cubes
                .iter()
                .filter(move |c| c.protos.contains(protocol))
        };
        let preferred: &[u16] = match protocol {
            TCP => &[443, 80],
            UDP => &[443, 53],
            ICMP => &[8 << 8],
            ICMPV6 => &[128 << 8],
            _ => &[],
        };
        let port = preferred
            .iter()
            .copied()
            .find(|&p| with_proto().any(|c| c.ports.contains(p)))
            .or_else(|| with_proto().map(|c| c.ports.lo).min())?;
        let addrs = AddrSet::from_ranges(
            with_proto()
                .filter(|c| c.ports.contains(port))
                .map(|c| c.addrs),
        );
        let r = *addrs.ranges().first()?;
        let network_style = match r.family {
            Family::V4 => r.lo & 0xff == 0,
            Family::V6 => r.lo & 0xffff == 0,
        };
        let v = if network_style && r.lo < r.hi {
            r.lo + 1
        } else {
            r.lo
        };
        Some(Packet {
            protocol,
            destination: value_to_ip(r.family, v),
            port,
        })
    }

    /// Short human description, e.g. `tcp 443 to 52.216.0.0/15, 54.231.0.0/17`: the cubes grouped
    /// by protocols and ports (tcp first), at most 3 groups of at most 3 address ranges each, then
    /// `… (N more)`. The empty set is `nothing`.
    pub fn describe(&self) -> String {
        const MAX_GROUPS: usize = 3;
        const MAX_ADDRS: usize = 3;
        if self.cubes.is_empty() {
            return "nothing".to_string();
        }
        let mut keyed: Vec<(ProtoSet, PortRange, AddrRange)> = self
            .cubes
            .iter()
            .map(|c| (c.protos, c.ports, c.addrs))
            .collect();
        keyed.sort_unstable();
        let mut groups: Vec<(ProtoSet, PortRange, AddrSet)> = Vec::new();
        let mut i = 0;
        while i < keyed.len() {
            let (p, r) = (keyed[i].0, keyed[i].1);
            let j = i + keyed[i..]
                .iter()
                .take_while(|k| k.0 == p && k.1 == r)
                .count();
            groups.push((p, r, AddrSet::from_ranges(keyed[i..j].iter().map(|k| k.2))));
            i = j;
        }
        // The whole of U over some addresses reads better as one group.
        let mut labelled: Vec<(u8, String, &AddrSet)> = Vec::new();
        let all_ported = groups
            .iter()
            .position(|g| g.0 == ProtoSet::WITH_PORTS && g.1.is_all());
        let all_other = groups
            .iter()
            .position(|g| g.0 == ProtoSet::WITHOUT_PORTS && g.1 == PortRange::single(0));
        if let (Some(a), Some(b)) = (all_ported, all_other)
            && groups[a].2 == groups[b].2
        {
            labelled.push((0, "all traffic".to_string(), &groups[a].2));
            for (k, g) in groups.iter().enumerate() {
                if k != a && k != b {
                    labelled.push((
                        rank(&g.0),
                        format!("{}{}", g.0, describe_ports(&g.0, &g.1)),
                        &g.2,
                    ));
                }
            }
        } else {
            for g in &groups {
                labelled.push((
                    rank(&g.0),
                    format!("{}{}", g.0, describe_ports(&g.0, &g.1)),
                    &g.2,
                ));
            }
        }
        labelled.sort_by_key(|l| l.0);
        let mut parts: Vec<String> = labelled
            .iter()
            .take(MAX_GROUPS)
            .map(|(_, label, addrs)| format!("{label} to {}", addrs.describe(MAX_ADDRS)))
            .collect();
        if labelled.len() > MAX_GROUPS {
            parts.push(format!("… ({} more)", labelled.len() - MAX_GROUPS));
        }
        parts.join("; ")
    }
}

/// Order of groups in [`PacketSet::describe`]: tcp, udp, icmp, icmpv6, others.
fn rank(p: &ProtoSet) -> u8 {
    [TCP, UDP, ICMP, ICMPV6]
        .iter()
        .position(|q| p.contains(*q))
        .map_or(4, |i| i as u8 + 1)
}

/// The port part of a cube description, with a leading space, or empty when it adds nothing
/// (all ports, or port 0 of portless protocols).
fn describe_ports(protos: &ProtoSet, ports: &PortRange) -> String {
    let icmp_only = protos.is_subset(&ProtoSet::of(&[ICMP, ICMPV6]));
    if ports.is_all()
        || (ports.lo == 0 && ports.hi == 0 && protos.is_subset(&ProtoSet::WITHOUT_PORTS))
    {
        return String::new();
    }
    if !icmp_only {
        return format!(" {ports}");
    }
    let (t1, c1, t2, c2) = (
        ports.lo >> 8,
        ports.lo & 0xff,
        ports.hi >> 8,
        ports.hi & 0xff,
    );
    if ports.lo == ports.hi {
        format!(" type {t1} code {c1}")
    } else if c1 == 0 && c2 == 0xff {
        if t1 == t2 {
            format!(" type {t1}")
        } else {
            format!(" types {t1}-{t2}")
        }
    } else if t1 == t2 {
        format!(" type {t1} codes {c1}-{c2}")
    } else {
        format!(" type/code {t1}/{c1}-{t2}/{c2}")
    }
}

/// [`PacketSet::describe`].
impl fmt::Display for PacketSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipnet::IpNet;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }
    fn addrs(nets: &[&str]) -> AddrSet {
        let v: Vec<IpNet> = nets.iter().map(|s| s.parse().unwrap()).collect();
        AddrSet::from_nets(&v)
    }
    fn tcp(nets: &[&str], lo: u16, hi: u16) -> PacketSet {
        PacketSet::matching(ProtoSet::single(TCP), &addrs(nets), PortRange::new(lo, hi))
    }
    fn pkt(proto: u8, a: &str, port: u16) -> Packet {
        Packet::new(proto, ip(a), port)
    }
    fn assert_disjoint(s: &PacketSet) {
        for (i, a) in s.cubes().iter().enumerate() {
            assert!(!a.is_empty(), "empty cube {a:?}");
            assert!(a.in_universe(), "cube outside U {a:?}");
            for b in &s.cubes()[i + 1..] {
                assert!(!a.overlaps(b), "overlapping cubes {a:?} {b:?}");
            }
        }
    }

    #[test]
    fn cube_difference_is_at_most_five_disjoint_pieces() {
        let a = Cube::new(
            ProtoSet::of(&[TCP, UDP]),
            AddrRange::from_net(&"10.0.0.0/8".parse().unwrap()),
            PortRange::ALL,
        );
        let b = Cube::new(
            ProtoSet::single(TCP),
            AddrRange::from_net(&"10.1.0.0/16".parse().unwrap()),
            PortRange::single(443),
        );
        let d = a.difference(&b);
        assert_eq!(d.len(), 5);
        for (i, x) in d.iter().enumerate() {
            assert!(!x.overlaps(&b));
            for y in &d[i + 1..] {
                assert!(!x.overlaps(y));
            }
        }
        // Disjoint cubes: the cube itself. Covering cube: nothing.
        let far = Cube::new(
            ProtoSet::single(TCP),
            AddrRange::all(Family::V6),
            PortRange::ALL,
        );
        assert_eq!(a.difference(&far), vec![a]);
        assert!(b.difference(&a).is_empty());
        // Edges: subtracting the top and bottom values does not overflow.
        let all6 = Cube::new(ProtoSet::ALL, AddrRange::all(Family::V6), PortRange::ALL);
        let top = Cube::new(
            ProtoSet::ALL,
            AddrRange {
                family: Family::V6,
                lo: u128::MAX,
                hi: u128::MAX,
            },
            PortRange::single(65535),
        );
        let bottom = Cube::new(
            ProtoSet::ALL,
            AddrRange {
                family: Family::V6,
                lo: 0,
                hi: 0,
            },
            PortRange::single(0),
        );
        assert_eq!(all6.difference(&top).len(), 2);
        assert_eq!(all6.difference(&bottom).len(), 2);
    }

    /// A small deterministic generator (xorshift), so the test needs no crate.
    struct Xs(u64);
    impl Xs {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// The fast path of `normalise` (no mergeable pair: sort only) gives exactly the list the
    /// merge passes give, on lists built to be mergeable and not: touching and overlapping-free
    /// address ranges, port ranges and protocol sets over a few values, so that pairs often meet.
    #[test]
    fn normalise_fast_path_equals_the_merge_passes() {
        let mut r = Xs(0x9e37_79b9_7f4a_7c15);
        let protos = [
            ProtoSet::single(TCP),
            ProtoSet::single(UDP),
            ProtoSet::of(&[TCP, UDP]),
        ];
        let (mut fast, mut merged) = (0, 0);
        for _ in 0..20_000 {
            // Disjoint cubes: a grid of address blocks × port blocks, each cell at most once.
            let n = 2 + r.below(SMALL_SET as u64 - 1) as usize;
            let mut cells = std::collections::BTreeSet::new();
            let mut v = Vec::new();
            while v.len() < n {
                let (a, p, k) = (r.below(6), r.below(4), r.below(3) as usize);
                // One cube per (address block, port block) cell keeps the list disjoint.
                if !cells.insert((a, p)) {
                    if cells.len() >= 24 {
                        break;
                    }
                    continue;
                }
                let family = if r.below(5) == 0 {
                    Family::V6
                } else {
                    Family::V4
                };
                let gap = r.below(2) as u128; // 0: blocks touch; 1: they do not
                let lo = a as u128 * (16 + gap);
                let plo = p as u16 * (100 + r.below(2) as u16);
                v.push(Cube::new(
                    protos[k],
                    AddrRange {
                        family,
                        lo,
                        hi: lo + 15,
                    },
                    PortRange::new(plo, plo + 99),
                ));
            }
            // Disjointness holds across families only per (a, p) cell; drop overlaps to be sure.
            let mut disjoint: Vec<Cube> = Vec::new();
            for c in v {
                if disjoint.iter().all(|d| !d.overlaps(&c)) {
                    disjoint.push(c);
                }
            }
            if any_mergeable(&disjoint) {
                merged += 1;
            } else {
                fast += 1;
            }
            assert_eq!(
                normalise(disjoint.clone()),
                merge_passes(disjoint.clone()),
                "{disjoint:?}"
            );
        }
        // Both paths were exercised many times.
        assert!(
            fast > 1_000 && merged > 1_000,
            "fast {fast}, merged {merged}"
        );
    }

    /// `meets` agrees with building the set and intersecting, on every mix of ported and portless
    /// protocols, port ranges with and without port 0, and overlapping or disjoint addresses.
    #[test]
    fn meets_agrees_with_intersect() {
        let sets = [
            tcp(&["10.0.0.0/16"], 443, 443),
            PacketSet::matching(
                ProtoSet::of(&[50, UDP]),
                &addrs(&["10.0.0.0/24"]),
                PortRange::ALL,
            ),
            PacketSet::matching(
                ProtoSet::single(ICMP),
                &addrs(&["::/0"]),
                PortRange::new(0, 10),
            ),
            PacketSet::universe(),
            PacketSet::empty(),
        ];
        let protos = [
            ProtoSet::single(TCP),
            ProtoSet::single(50),
            ProtoSet::of(&[ICMP, 50]),
            ProtoSet::ALL,
        ];
        let ranges = [
            PortRange::ALL,
            PortRange::single(0),
            PortRange::new(1, 442),
            PortRange::single(443),
            PortRange::new(1000, 2000),
        ];
        let addr_sets = [
            addrs(&["10.0.0.0/8"]),
            addrs(&["10.0.1.0/24"]),
            addrs(&["192.168.0.0/16"]),
            AddrSet::all(),
            AddrSet::empty(),
        ];
        let mut both = [0, 0];
        for s in &sets {
            for p in protos {
                for r in ranges {
                    for a in &addr_sets {
                        let built = !s.intersect(&PacketSet::matching(p, a, r)).is_empty();
                        assert_eq!(s.meets(p, a, r), built, "{s:?} {p:?} {r:?} {a:?}");
                        both[usize::from(built)] += 1;
                    }
                }
            }
        }
        assert!(both[0] > 50 && both[1] > 50, "{both:?}");
    }

    #[test]
    fn universe_shape() {
        let u = PacketSet::universe();
        assert_disjoint(&u);
        assert_eq!(u.cube_count(), 4);
        assert!(u.contains(&pkt(TCP, "8.8.8.8", 443)));
        assert!(u.contains(&pkt(0, "0.0.0.0", 0)));
        assert!(u.contains(&pkt(255, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0)));
        assert!(
            !u.contains(&pkt(47, "10.0.0.1", 1)),
            "portless protocols have port 0 only"
        );
        assert!(u.contains(&pkt(ICMP, "10.0.0.1", 65535)));
        assert_eq!(u.protocols(), ProtoSet::ALL);
        assert_eq!(u.addresses(), AddrSet::all());
        assert!(u.complement().is_empty());
        assert!(PacketSet::empty().complement().same_as(&u));
        assert_eq!(u.describe(), "all traffic to 0.0.0.0/0, ::/0");
    }

    #[test]
    fn matching_respects_universe() {
        let s = PacketSet::matching(
            ProtoSet::ALL,
            &addrs(&["10.0.0.0/8"]),
            PortRange::single(443),
        );
        assert_eq!(s.protocols(), ProtoSet::WITH_PORTS);
        assert!(!s.contains(&pkt(47, "10.0.0.1", 0)));
        assert!(s.contains(&pkt(UDP, "10.0.0.1", 443)));
        let z = PacketSet::matching(
            ProtoSet::ALL,
            &addrs(&["10.0.0.0/8"]),
            PortRange::new(0, 10),
        );
        assert!(z.contains(&pkt(47, "10.0.0.1", 0)));
        assert!(!z.contains(&pkt(47, "10.0.0.1", 5)));
        assert!(z.contains(&pkt(TCP, "10.0.0.1", 5)));
        assert_disjoint(&z);
        let empty_ports =
            PacketSet::matching(ProtoSet::ALL, &AddrSet::all(), PortRange { lo: 5, hi: 1 });
        assert!(empty_ports.is_empty());
        assert!(PacketSet::matching(ProtoSet::EMPTY, &AddrSet::all(), PortRange::ALL).is_empty());
        assert!(PacketSet::matching(ProtoSet::ALL, &AddrSet::empty(), PortRange::ALL).is_empty());
        assert!(PacketSet::single(&pkt(47, "10.0.0.1", 3)).is_empty());
        assert!(PacketSet::single(&pkt(47, "10.0.0.1", 0)).contains(&pkt(47, "10.0.0.1", 0)));
    }

    #[test]
    fn union_intersect_difference() {
        let a = tcp(&["10.0.0.0/8"], 0, 1000);
        let b = tcp(&["10.128.0.0/9", "192.168.0.0/16"], 500, 65535);
        let u = a.union(&b);
        let i = a.intersect(&b);
        let d = a.difference(&b);
        for s in [&u, &i, &d] {
            assert_disjoint(s);
        }
        assert!(u.contains(&pkt(TCP, "10.0.0.1", 0)));
        assert!(u.contains(&pkt(TCP, "192.168.3.4", 65535)));
        assert!(!u.contains(&pkt(TCP, "192.168.3.4", 499)));
        assert!(i.same_as(&tcp(&["10.128.0.0/9"], 500, 1000)));
        assert!(d.contains(&pkt(TCP, "10.128.0.0", 499)));
        assert!(!d.contains(&pkt(TCP, "10.128.0.0", 500)));
        assert!(d.contains(&pkt(TCP, "10.0.0.0", 1000)));
        assert!(d.intersect(&b).is_empty());
        assert!(d.union(&i).same_as(&a));
        assert!(a.is_subset(&u) && b.is_subset(&u) && i.is_subset(&a) && !a.is_subset(&b));
        assert!(a.overlaps(&b) && !d.overlaps(&b));
        // Union then difference restores the coalesced form.
        let back = u.difference(&b.difference(&a));
        assert!(back.same_as(&a));
        assert_eq!(back.cube_count(), 1);
    }

    #[test]
    fn coalescing_keeps_lists_small() {
        // Splitting the universe and putting it back gives the 4 universe cubes again.
        let hole = tcp(&["10.0.0.0/8"], 443, 443);
        let u = PacketSet::universe();
        let split = u.difference(&hole);
        assert!(split.cube_count() <= 8);
        let whole = split.union(&hole);
        assert_eq!(whole.cube_count(), 4);
        assert_eq!(whole.cubes(), u.cubes());
        // Adjacent CIDRs merge; adjacent port ranges merge; protocols merge.
        let s = tcp(&["10.0.0.0/9"], 0, 10).union(&tcp(&["10.128.0.0/9"], 0, 10));
        assert_eq!(s.cube_count(), 1);
        let s = tcp(&["10.0.0.0/8"], 0, 10).union(&tcp(&["10.0.0.0/8"], 11, 20));
        assert_eq!(s.cube_count(), 1);
        let udp = PacketSet::matching(
            ProtoSet::single(UDP),
            &addrs(&["10.0.0.0/8"]),
            PortRange::new(0, 20),
        );
        let s = tcp(&["10.0.0.0/8"], 0, 20).union(&udp);
        assert_eq!(s.cube_count(), 1);
        assert_eq!(s.cubes()[0].protos, ProtoSet::of(&[TCP, UDP]));
        // Many adjacent single addresses become one range.
        let many = (0..=255u32)
            .map(|i| {
                PacketSet::single(&Packet::new(
                    TCP,
                    IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i)),
                    443,
                ))
            })
            .fold(PacketSet::empty(), |acc, s| acc.union(&s));
        assert_eq!(many.cube_count(), 1);
        assert!(many.same_as(&tcp(&["10.0.0.0/24"], 443, 443)));
    }

    #[test]
    fn families_never_mix() {
        let v4 = PacketSet::matching(ProtoSet::ALL, &AddrSet::all_of(Family::V4), PortRange::ALL);
        let v6 = PacketSet::matching(ProtoSet::ALL, &AddrSet::all_of(Family::V6), PortRange::ALL);
        assert!(v4.intersect(&v6).is_empty());
        assert!(v4.union(&v6).same_as(&PacketSet::universe()));
        assert!(v4.difference(&v6).same_as(&v4));
        assert!(!v4.contains(&pkt(TCP, "::1", 1)));
        assert!(v6.contains(&pkt(TCP, "::1", 1)));
        assert_eq!(v6.addresses(), AddrSet::all_of(Family::V6));
    }

    #[test]
    fn edge_values() {
        let full4 = tcp(&["0.0.0.0/0"], 0, 65535);
        let top = tcp(&["255.255.255.255/32"], 65535, 65535);
        let bottom = tcp(&["0.0.0.0/32"], 0, 0);
        let mid = full4.difference(&top).difference(&bottom);
        assert_disjoint(&mid);
        assert!(!mid.contains(&pkt(TCP, "255.255.255.255", 65535)));
        assert!(mid.contains(&pkt(TCP, "255.255.255.255", 65534)));
        assert!(!mid.contains(&pkt(TCP, "0.0.0.0", 0)));
        assert!(mid.contains(&pkt(TCP, "0.0.0.0", 1)));
        assert!(mid.union(&top).union(&bottom).same_as(&full4));
        let full6 = tcp(&["::/0"], 0, 65535);
        let top6 = tcp(&["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"], 0, 65535);
        let mid6 = full6.difference(&top6);
        assert!(!mid6.contains(&pkt(TCP, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 7)));
        assert!(mid6.contains(&pkt(TCP, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 7)));
        assert!(mid6.union(&top6).same_as(&full6));
        let p0 = PacketSet::matching(ProtoSet::single(0), &AddrSet::all(), PortRange::ALL);
        let p255 = PacketSet::matching(ProtoSet::single(255), &AddrSet::all(), PortRange::ALL);
        assert!(p0.contains(&pkt(0, "1.2.3.4", 0)) && !p0.contains(&pkt(255, "1.2.3.4", 0)));
        assert!(p255.contains(&pkt(255, "::", 0)));
        assert!(p0.intersect(&p255).is_empty());
        assert_eq!(p0.union(&p255).protocols(), ProtoSet::of(&[0, 255]));
    }

    #[test]
    fn restrictions_and_projections() {
        let u = PacketSet::universe();
        let r = u.restrict_addrs(&addrs(&["10.0.0.0/8", "fd00::/8"]));
        assert_disjoint(&r);
        assert_eq!(r.addresses(), addrs(&["10.0.0.0/8", "fd00::/8"]));
        assert!(r.contains(&pkt(47, "10.1.1.1", 0)));
        assert!(!r.contains(&pkt(TCP, "11.1.1.1", 0)));
        let t = r.restrict_protos(ProtoSet::single(TCP));
        assert!(t.same_as(&tcp(&["10.0.0.0/8", "fd00::/8"], 0, 65535)));
        let p = r.restrict_ports(PortRange::single(443));
        assert_eq!(p.protocols(), ProtoSet::WITH_PORTS);
        let p0 = r.restrict_ports(PortRange::new(0, 1));
        assert!(p0.contains(&pkt(47, "10.1.1.1", 0)));
        assert!(p0.contains(&pkt(UDP, "10.1.1.1", 1)));
        assert!(r.restrict_addrs(&AddrSet::empty()).is_empty());
        assert!(u.restrict_addrs(&AddrSet::all()).same_as(&u));
        let split = tcp(&["10.0.0.0/8"], 0, 10).union(&tcp(&["10.0.0.0/8"], 20, 30));
        assert_eq!(
            split.ports_of(TCP),
            vec![PortRange::new(0, 10), PortRange::new(20, 30)]
        );
        assert_eq!(split.ports_of(UDP), vec![]);
    }

    #[test]
    fn representative_preferences() {
        let s3 = addrs(&["52.216.0.0/15", "54.231.0.0/17"]);
        let all = PacketSet::matching(ProtoSet::ALL, &s3, PortRange::ALL);
        assert_eq!(all.representative(), Some(pkt(TCP, "52.216.0.1", 443)));
        assert_eq!(
            all.representative().unwrap().to_string(),
            "tcp 52.216.0.1:443"
        );
        let no443 = all.difference(&tcp(&["0.0.0.0/0"], 443, 443));
        assert_eq!(no443.representative(), Some(pkt(TCP, "52.216.0.1", 80)));
        let high = tcp(&["52.216.0.0/15"], 1000, 2000);
        assert_eq!(high.representative(), Some(pkt(TCP, "52.216.0.1", 1000)));
        // 443 only on the higher range: 443 still wins, on that range.
        let mixed = tcp(&["10.0.0.0/8"], 1, 2).union(&tcp(&["52.216.0.0/15"], 443, 443));
        assert_eq!(mixed.representative(), Some(pkt(TCP, "52.216.0.1", 443)));
        let udp = all.restrict_protos(ProtoSet::of(&[UDP, ICMP, 47]));
        assert_eq!(udp.representative(), Some(pkt(UDP, "52.216.0.1", 443)));
        let icmp = all.restrict_protos(ProtoSet::of(&[ICMP, 47]));
        let r = icmp.representative().unwrap();
        assert_eq!(r, pkt(ICMP, "52.216.0.1", 8 << 8));
        assert_eq!(r.to_string(), "icmp 52.216.0.1 type 8 code 0");
        let other = all.restrict_protos(ProtoSet::of(&[47, 50]));
        assert_eq!(other.representative(), Some(pkt(47, "52.216.0.1", 0)));
        assert_eq!(
            other.representative().unwrap().to_string(),
            "protocol 47 52.216.0.1"
        );
        // A single .0 address is kept; a range starting at .5 starts at .5.
        let one = tcp(&["10.0.0.0/32"], 443, 443);
        assert_eq!(one.representative(), Some(pkt(TCP, "10.0.0.0", 443)));
        let odd = PacketSet::from_cube(Cube::new(
            ProtoSet::single(TCP),
            AddrRange::between(ip("10.0.0.5"), ip("10.0.0.9")).unwrap(),
            PortRange::single(443),
        ));
        assert_eq!(odd.representative(), Some(pkt(TCP, "10.0.0.5", 443)));
        // IPv6 ::0 is skipped; IPv4 preferred over IPv6.
        let v6 = tcp(&["2600:1f18::/32"], 443, 443);
        assert_eq!(v6.representative(), Some(pkt(TCP, "2600:1f18::1", 443)));
        assert_eq!(
            v6.representative().unwrap().to_string(),
            "tcp [2600:1f18::1]:443"
        );
        assert_eq!(
            v6.union(&tcp(&["99.0.0.0/8"], 443, 443)).representative(),
            Some(pkt(TCP, "99.0.0.1", 443))
        );
        assert_eq!(PacketSet::empty().representative(), None);
        assert_eq!(
            PacketSet::universe().representative(),
            Some(pkt(TCP, "0.0.0.1", 443))
        );
    }

    #[test]
    fn representative_ignores_cube_order() {
        // Two decompositions of one set give the same packet.
        let a = tcp(&["10.0.0.0/8"], 0, 100).union(&tcp(&["10.0.0.0/9"], 101, 200));
        let b = tcp(&["10.0.0.0/9"], 0, 200).union(&tcp(&["10.128.0.0/9"], 0, 100));
        assert!(a.same_as(&b));
        assert_eq!(a.representative(), b.representative());
        assert_eq!(a.representative(), Some(pkt(TCP, "10.0.0.1", 80)));
    }

    #[test]
    fn describe() {
        assert_eq!(PacketSet::empty().describe(), "nothing");
        let s3 = tcp(&["52.216.0.0/15", "54.231.0.0/17"], 443, 443);
        assert_eq!(s3.describe(), "tcp 443 to 52.216.0.0/15, 54.231.0.0/17");
        assert_eq!(s3.to_string(), s3.describe());
        assert_eq!(
            tcp(&["10.0.0.0/8"], 0, 65535).describe(),
            "tcp to 10.0.0.0/8"
        );
        assert_eq!(
            tcp(&["10.0.0.0/8"], 1024, 65535).describe(),
            "tcp 1024-65535 to 10.0.0.0/8"
        );
        let icmp = PacketSet::matching(
            ProtoSet::single(ICMP),
            &addrs(&["10.0.0.0/8"]),
            PortRange::icmp(Some(3), None),
        );
        assert_eq!(icmp.describe(), "icmp type 3 to 10.0.0.0/8");
        let many = (0..10u8).fold(PacketSet::empty(), |acc, i| {
            acc.union(&tcp(
                &[&format!("10.{i}.0.0/16")],
                u16::from(i) * 2,
                u16::from(i) * 2,
            ))
        });
        let d = many.describe();
        assert!(d.ends_with("… (7 more)"), "{d}");
        let other =
            PacketSet::matching(ProtoSet::ALL, &addrs(&["10.0.0.0/8"]), PortRange::single(0))
                .restrict_protos(ProtoSet::WITHOUT_PORTS);
        assert_eq!(
            other.describe(),
            "protocols other than tcp/udp/icmp/icmpv6 to 10.0.0.0/8"
        );
        let u = PacketSet::universe()
            .restrict_addrs(&addrs(&["10.0.0.0/8"]))
            .union(&tcp(&["11.0.0.0/8"], 22, 22));
        assert_eq!(
            u.describe(),
            "all traffic to 10.0.0.0/8; tcp 22 to 11.0.0.0/8"
        );
    }

    #[test]
    fn no_panics_on_invalid_inputs() {
        let bad = Cube::new(
            ProtoSet::ALL,
            AddrRange {
                family: Family::V4,
                lo: 9,
                hi: 3,
            },
            PortRange::ALL,
        );
        assert!(bad.is_empty());
        assert!(PacketSet::from_cube(bad).is_empty());
        let wide = Cube::new(
            ProtoSet::single(TCP),
            AddrRange {
                family: Family::V4,
                lo: 0,
                hi: u128::MAX,
            },
            PortRange::ALL,
        );
        let s = PacketSet::from_cube(wide);
        assert!(s.same_as(&tcp(&["0.0.0.0/0"], 0, 65535)));
        let outside = Cube::new(
            ProtoSet::single(47),
            AddrRange::all(Family::V4),
            PortRange::new(5, 9),
        );
        assert!(PacketSet::from_cube(outside).is_empty());
        let s = PacketSet::from_cubes([wide, outside, bad]);
        assert_eq!(s.cube_count(), 1);
    }
}
