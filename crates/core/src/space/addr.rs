//! Address sets: the destination-address dimension of a packet set.
//!
//! Addresses of both families are mapped onto `u128` (IPv4 uses 0..=`u32::MAX`), and a set is a
//! canonical list of inclusive ranges: sorted, disjoint and coalesced (no two ranges touch). Because
//! the form is canonical, structural equality is semantic equality, and union, intersection,
//! difference and subset are single linear sweeps. The two families never mix: a range has one
//! family, and the family is the primary sort key.
//!
//! The file also defines the "public" address space the internet check quantifies over
//! ([`AddrSet::public_v4`], [`AddrSet::public_v6`]).

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

/// An address family. `V4 < V6`, so IPv4 ranges sort before IPv6 ranges.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Family {
    /// IPv4: values 0..=`u32::MAX`.
    V4,
    /// IPv6: values 0..=`u128::MAX`.
    V6,
}

impl Family {
    /// The family of an address.
    pub const fn of(ip: &IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }

    /// The highest address value of the family.
    pub const fn max_value(self) -> u128 {
        match self {
            Family::V4 => u32::MAX as u128,
            Family::V6 => u128::MAX,
        }
    }

    /// Address width in bits (32 or 128).
    pub const fn bits(self) -> u32 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }
}

/// The family and numeric value of an address.
pub fn ip_to_value(ip: IpAddr) -> (Family, u128) {
    match ip {
        IpAddr::V4(a) => (Family::V4, u128::from(u32::from(a))),
        IpAddr::V6(a) => (Family::V6, u128::from(a)),
    }
}

/// The address with the given family and value (an IPv4 value above `u32::MAX` is clamped).
pub fn value_to_ip(family: Family, v: u128) -> IpAddr {
    match family {
        Family::V4 => IpAddr::V4(Ipv4Addr::from(u32::try_from(v).unwrap_or(u32::MAX))),
        Family::V6 => IpAddr::V6(Ipv6Addr::from(v)),
    }
}

/// `2^k - 1`, for `k` in 0..=128.
const fn low_ones(k: u32) -> u128 {
    if k >= 128 {
        u128::MAX
    } else {
        (1u128 << k) - 1
    }
}

/// Inclusive range of addresses of one family.
///
/// Valid ranges have `lo <= hi <= family.max_value()`. The fields are public, so an invalid range
/// can be built; every set operation treats it as empty (or clamps it, see
/// [`AddrSet::from_ranges`]) and nothing panics on it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct AddrRange {
    pub family: Family,
    pub lo: u128,
    pub hi: u128,
}

impl AddrRange {
    /// The range `lo..=hi` of `family`; the bounds are swapped if reversed and clamped to the
    /// family's maximum.
    pub fn new(family: Family, lo: u128, hi: u128) -> Self {
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        let max = family.max_value();
        AddrRange {
            family,
            lo: lo.min(max),
            hi: hi.min(max),
        }
    }

    /// The range between two addresses (in either order); `None` if their families differ.
    pub fn between(a: IpAddr, b: IpAddr) -> Option<Self> {
        let ((fa, va), (fb, vb)) = (ip_to_value(a), ip_to_value(b));
        (fa == fb).then(|| AddrRange::new(fa, va, vb))
    }

    /// The addresses of a CIDR block (host bits of a non-canonical block such as `10.0.0.5/8`
    /// are ignored: it is `10.0.0.0/8`).
    pub fn from_net(n: &IpNet) -> Self {
        match n {
            IpNet::V4(n) => AddrRange {
                family: Family::V4,
                lo: u128::from(u32::from(n.network())),
                hi: u128::from(u32::from(n.broadcast())),
            },
            IpNet::V6(n) => AddrRange {
                family: Family::V6,
                lo: u128::from(n.network()),
                hi: u128::from(n.broadcast()),
            },
        }
    }

    /// Every address of a family (`0.0.0.0/0` or `::/0`).
    pub const fn all(f: Family) -> Self {
        AddrRange {
            family: f,
            lo: 0,
            hi: f.max_value(),
        }
    }

    /// The one-address range.
    pub fn single(ip: IpAddr) -> Self {
        let (family, v) = ip_to_value(ip);
        AddrRange {
            family,
            lo: v,
            hi: v,
        }
    }

    /// Whether `ip` is in the range (never true across families).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let (f, v) = ip_to_value(ip);
        f == self.family && self.lo <= v && v <= self.hi
    }

    /// The lowest address.
    pub fn lo_addr(&self) -> IpAddr {
        value_to_ip(self.family, self.lo)
    }

    /// The highest address.
    pub fn hi_addr(&self) -> IpAddr {
        value_to_ip(self.family, self.hi)
    }

    /// Whether `lo <= hi <= family.max_value()`.
    pub const fn is_valid(&self) -> bool {
        self.lo <= self.hi && self.hi <= self.family.max_value()
    }

    /// Whether this is the whole family.
    pub const fn is_all(&self) -> bool {
        self.lo == 0 && self.hi == self.family.max_value()
    }

    /// Whether the ranges share an address.
    pub const fn overlaps(&self, o: &Self) -> bool {
        self.family as u8 == o.family as u8 && self.lo <= o.hi && o.lo <= self.hi
    }

    /// The common addresses, if any.
    pub fn intersect(&self, o: &Self) -> Option<Self> {
        if self.family != o.family {
            return None;
        }
        let (lo, hi) = (self.lo.max(o.lo), self.hi.min(o.hi));
        (lo <= hi).then_some(AddrRange {
            family: self.family,
            lo,
            hi,
        })
    }

    /// The range as a single CIDR block, if it is exactly one.
    pub fn to_net(&self) -> Option<IpNet> {
        if !self.is_valid() {
            return None;
        }
        let span = self.hi - self.lo;
        // A block has a span of the form 2^k - 1 and a start aligned to 2^k.
        if span & span.wrapping_add(1) != 0 || self.lo & span != 0 {
            return None;
        }
        make_net(self.family, self.lo, self.family.bits() - span.count_ones())
    }

    /// The minimal list of CIDR blocks covering exactly this range, in ascending order.
    pub fn to_nets(&self) -> Vec<IpNet> {
        let mut out = Vec::new();
        if !self.is_valid() {
            return out;
        }
        let bits = self.family.bits();
        let mut lo = self.lo;
        loop {
            let mut k = if lo == 0 {
                bits
            } else {
                lo.trailing_zeros().min(bits)
            };
            // `lo` is aligned to 2^k, so `lo + low_ones(k)` cannot overflow; k = 0 always fits.
            while k > 0 && lo + low_ones(k) > self.hi {
                k -= 1;
            }
            out.extend(make_net(self.family, lo, bits - k));
            let end = lo + low_ones(k);
            if end >= self.hi {
                break;
            }
            lo = end + 1;
        }
        out
    }
}

/// The CIDR block `value/prefix`; `None` only for a prefix longer than the family (never produced
/// by the callers here).
fn make_net(family: Family, value: u128, prefix: u32) -> Option<IpNet> {
    let prefix = u8::try_from(prefix).ok()?;
    match family {
        Family::V4 => {
            let a = Ipv4Addr::from(u32::try_from(value).ok()?);
            Ipv4Net::new(a, prefix).ok().map(IpNet::V4)
        }
        Family::V6 => Ipv6Net::new(Ipv6Addr::from(value), prefix)
            .ok()
            .map(IpNet::V6),
    }
}

/// A CIDR block if the range is one, else `first-last`.
impl fmt::Display for AddrRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_net() {
            Some(n) => write!(f, "{n}"),
            None => write!(f, "{}-{}", self.lo_addr(), self.hi_addr()),
        }
    }
}

/// A set of addresses: sorted, disjoint, coalesced ranges (canonical, so derived `Eq` is semantic
/// equality). IPv4 and IPv6 ranges may both be present; they never interact.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct AddrSet {
    ranges: Vec<AddrRange>,
}

/// Merges touching or overlapping neighbours of a list sorted by `(family, lo)`.
fn coalesce_sorted(mut v: Vec<AddrRange>) -> Vec<AddrRange> {
    // In place: `last` is the range kept before `cur`, which is dropped when merged into it.
    v.dedup_by(|cur, last| {
        let touch =
            last.family == cur.family && last.hi.checked_add(1).is_none_or(|next| cur.lo <= next);
        if touch {
            last.hi = last.hi.max(cur.hi);
        }
        touch
    });
    v
}

/// Walks `a \ b` (both canonical), handing each piece to `emit`; stops early when `emit` returns
/// false. Linear in `a.len() + b.len()`.
fn difference_sweep(a: &[AddrRange], b: &[AddrRange], mut emit: impl FnMut(AddrRange) -> bool) {
    let mut j = 0;
    for x in a {
        // Skip the ranges of `b` wholly before `x`; they are before every later `x` too.
        while j < b.len() && (b[j].family, b[j].hi) < (x.family, x.lo) {
            j += 1;
        }
        let mut cur = x.lo;
        let mut covered_to_end = false;
        let mut k = j;
        while k < b.len() && b[k].family == x.family && b[k].lo <= x.hi {
            let y = b[k];
            if y.lo > cur
                && !emit(AddrRange {
                    family: x.family,
                    lo: cur,
                    hi: y.lo - 1,
                })
            {
                return;
            }
            if y.hi >= x.hi {
                covered_to_end = true;
                break;
            }
            // y.hi < x.hi <= max, so this does not overflow.
            cur = y.hi + 1;
            k += 1;
        }
        if !covered_to_end
            && cur <= x.hi
            && !emit(AddrRange {
                family: x.family,
                lo: cur,
                hi: x.hi,
            })
        {
            return;
        }
    }
}

/// An IPv4 CIDR block as a range, by octets and prefix length (prefix clamped to 32).
const fn v4_block(o: [u8; 4], prefix: u32) -> AddrRange {
    let host = if prefix >= 32 {
        0
    } else {
        low_ones(32 - prefix)
    };
    let lo = u32::from_be_bytes(o) as u128 & !host;
    AddrRange {
        family: Family::V4,
        lo,
        hi: lo | host,
    }
}

/// An IPv6 CIDR block as a range, by 16-bit groups and prefix length (prefix clamped to 128).
const fn v6_block(g: [u16; 8], prefix: u32) -> AddrRange {
    let mut v: u128 = 0;
    let mut i = 0;
    while i < 8 {
        v = (v << 16) | g[i] as u128;
        i += 1;
    }
    let host = if prefix >= 128 {
        0
    } else {
        low_ones(128 - prefix)
    };
    let lo = v & !host;
    AddrRange {
        family: Family::V6,
        lo,
        hi: lo | host,
    }
}

/// IPv4 blocks that are not globally routable destinations (see [`AddrSet::public_v4`]).
const NON_PUBLIC_V4: [AddrRange; 15] = [
    v4_block([0, 0, 0, 0], 8),       // "this network" (RFC 791, RFC 1122)
    v4_block([10, 0, 0, 0], 8),      // private (RFC 1918)
    v4_block([100, 64, 0, 0], 10),   // shared address space / CGNAT (RFC 6598)
    v4_block([127, 0, 0, 0], 8),     // loopback (RFC 1122)
    v4_block([169, 254, 0, 0], 16),  // link-local (RFC 3927)
    v4_block([172, 16, 0, 0], 12),   // private (RFC 1918)
    v4_block([192, 0, 0, 0], 24),    // IETF protocol assignments (RFC 6890)
    v4_block([192, 0, 2, 0], 24),    // documentation TEST-NET-1 (RFC 5737)
    v4_block([192, 88, 99, 0], 24),  // deprecated 6to4 relay anycast (RFC 7526)
    v4_block([192, 168, 0, 0], 16),  // private (RFC 1918)
    v4_block([198, 18, 0, 0], 15),   // benchmarking (RFC 2544)
    v4_block([198, 51, 100, 0], 24), // documentation TEST-NET-2 (RFC 5737)
    v4_block([203, 0, 113, 0], 24),  // documentation TEST-NET-3 (RFC 5737)
    v4_block([224, 0, 0, 0], 4),     // multicast (RFC 5771)
    v4_block([240, 0, 0, 0], 4),     // reserved, incl. limited broadcast 255.255.255.255 (RFC 1112)
];

/// The global-unicast IPv6 block 2000::/3 (RFC 4291): the only IPv6 space allocated for the
/// internet. Everything outside it (::/128, ::1, ::ffff:0:0/96, 64:ff9b::/96, fc00::/7, fe80::/10,
/// ff00::/8, …) is not a public destination.
const GLOBAL_UNICAST_V6: AddrRange = v6_block([0x2000, 0, 0, 0, 0, 0, 0, 0], 3);

/// Blocks inside 2000::/3 that are not public destinations (see [`AddrSet::public_v6`]).
const NON_PUBLIC_V6: [AddrRange; 4] = [
    v6_block([0x2001, 0, 0, 0, 0, 0, 0, 0], 23), // IETF protocol assignments (RFC 2928)
    v6_block([0x2001, 0x0db8, 0, 0, 0, 0, 0, 0], 32), // documentation (RFC 3849)
    v6_block([0x2002, 0, 0, 0, 0, 0, 0, 0], 16), // 6to4 (RFC 3056): wraps IPv4, deprecated
    v6_block([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20), // documentation (RFC 9637)
];

static PUBLIC_V4: LazyLock<AddrSet> =
    LazyLock::new(|| AddrSet::all_of(Family::V4).difference(&AddrSet::from_ranges(NON_PUBLIC_V4)));

static PUBLIC_V6: LazyLock<AddrSet> = LazyLock::new(|| {
    AddrSet::from_ranges([GLOBAL_UNICAST_V6]).difference(&AddrSet::from_ranges(NON_PUBLIC_V6))
});

impl AddrSet {
    /// The empty set.
    pub const fn empty() -> Self {
        AddrSet { ranges: Vec::new() }
    }

    /// Every IPv4 and every IPv6 address.
    pub fn all() -> Self {
        AddrSet {
            ranges: vec![AddrRange::all(Family::V4), AddrRange::all(Family::V6)],
        }
    }

    /// Every address of one family.
    pub fn all_of(f: Family) -> Self {
        AddrSet {
            ranges: vec![AddrRange::all(f)],
        }
    }

    /// The addresses of one CIDR block.
    pub fn from_net(n: &IpNet) -> Self {
        AddrSet {
            ranges: vec![AddrRange::from_net(n)],
        }
    }

    /// The union of CIDR blocks (any order, overlaps allowed).
    pub fn from_nets<'a>(nets: impl IntoIterator<Item = &'a IpNet>) -> Self {
        Self::from_ranges(nets.into_iter().map(AddrRange::from_net))
    }

    /// One address.
    pub fn single(ip: IpAddr) -> Self {
        AddrSet {
            ranges: vec![AddrRange::single(ip)],
        }
    }

    /// The union of ranges (any order, overlaps allowed). A range with `lo > hi` is empty and
    /// dropped; an IPv4 range reaching above `u32::MAX` is clamped to it.
    pub fn from_ranges(ranges: impl IntoIterator<Item = AddrRange>) -> Self {
        let mut v: Vec<AddrRange> = ranges
            .into_iter()
            .filter(|r| r.lo <= r.hi && r.lo <= r.family.max_value())
            .map(|r| AddrRange {
                hi: r.hi.min(r.family.max_value()),
                ..r
            })
            .collect();
        v.sort_unstable();
        AddrSet {
            ranges: coalesce_sorted(v),
        }
    }

    /// Set union (linear merge).
    pub fn union(&self, o: &Self) -> Self {
        let (a, b) = (&self.ranges, &o.ranges);
        if a.is_empty() {
            return o.clone();
        }
        if b.is_empty() {
            return self.clone();
        }
        let mut merged = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if a[i] <= b[j] {
                merged.push(a[i]);
                i += 1;
            } else {
                merged.push(b[j]);
                j += 1;
            }
        }
        merged.extend_from_slice(&a[i..]);
        merged.extend_from_slice(&b[j..]);
        AddrSet {
            ranges: coalesce_sorted(merged),
        }
    }

    /// Set intersection (linear sweep).
    pub fn intersect(&self, o: &Self) -> Self {
        let (a, b) = (&self.ranges, &o.ranges);
        let mut out = Vec::with_capacity(a.len().min(b.len()));
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            if let Some(r) = x.intersect(&y) {
                out.push(r);
            }
            // Whichever ends first cannot meet anything further along the other list.
            if (x.family, x.hi) < (y.family, y.hi) {
                i += 1;
            } else {
                j += 1;
            }
        }
        AddrSet { ranges: out }
    }

    /// Set difference `self \ o` (linear sweep).
    pub fn difference(&self, o: &Self) -> Self {
        if o.ranges.is_empty() {
            return self.clone();
        }
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        difference_sweep(&self.ranges, &o.ranges, |r| {
            out.push(r);
            true
        });
        AddrSet { ranges: out }
    }

    /// Every address (of both families) not in the set.
    pub fn complement(&self) -> Self {
        Self::all().difference(self)
    }

    /// Only the addresses of family `f`.
    pub fn of_family(&self, f: Family) -> Self {
        AddrSet {
            ranges: self
                .ranges
                .iter()
                .filter(|r| r.family == f)
                .copied()
                .collect(),
        }
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether every address of `self` is in `o`.
    pub fn is_subset(&self, o: &Self) -> bool {
        let mut subset = true;
        difference_sweep(&self.ranges, &o.ranges, |_| {
            subset = false;
            false
        });
        subset
    }

    /// Whether the sets share an address.
    pub fn overlaps(&self, o: &Self) -> bool {
        let (a, b) = (&self.ranges, &o.ranges);
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if a[i].overlaps(&b[j]) {
                return true;
            }
            if (a[i].family, a[i].hi) < (b[j].family, b[j].hi) {
                i += 1;
            } else {
                j += 1;
            }
        }
        false
    }

    /// Whether `ip` is in the set (binary search).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let (f, v) = ip_to_value(ip);
        let i = self.ranges.partition_point(|r| (r.family, r.hi) < (f, v));
        self.ranges
            .get(i)
            .is_some_and(|r| r.family == f && r.lo <= v)
    }

    /// The canonical ranges: sorted (IPv4 first), disjoint, non-touching.
    pub fn ranges(&self) -> &[AddrRange] {
        &self.ranges
    }

    /// The lowest address (IPv4 before IPv6).
    pub fn first(&self) -> Option<IpAddr> {
        self.ranges.first().map(AddrRange::lo_addr)
    }

    /// The minimal CIDR blocks covering exactly the set, ascending.
    pub fn to_nets(&self) -> Vec<IpNet> {
        self.ranges.iter().flat_map(AddrRange::to_nets).collect()
    }

    /// Public (globally routable) IPv4 space: everything except 0.0.0.0/8, 10/8, 100.64/10
    /// (RFC 6598), 127/8, 169.254/16, 172.16/12, 192.0.0.0/24, 192.0.2.0/24, 192.88.99.0/24,
    /// 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24, 224/4 (multicast) and 240/4 (reserved,
    /// including 255.255.255.255).
    pub fn public_v4() -> Self {
        PUBLIC_V4.clone()
    }

    /// Public IPv6 space: the global-unicast block 2000::/3 (everything outside it — unspecified,
    /// loopback, IPv4-mapped, NAT64, unique-local fc00::/7, link-local fe80::/10, multicast ff00::/8
    /// — is not an internet destination), minus:
    /// - 2001::/23, IETF protocol assignments (Teredo, ORCHID, benchmarking, …; RFC 2928/6890);
    /// - 2001:db8::/32, documentation (RFC 3849);
    /// - 2002::/16, 6to4 (RFC 3056): addresses that wrap IPv4 ones, deprecated as a destination;
    /// - 3fff::/20, documentation (RFC 9637).
    pub fn public_v6() -> Self {
        PUBLIC_V6.clone()
    }

    /// [`AddrSet::public_v4`] ∪ [`AddrSet::public_v6`].
    pub fn public() -> Self {
        Self::public_v4().union(&Self::public_v6())
    }

    /// Human-readable: up to `max` ranges (each a CIDR block when it is one, else `first-last`),
    /// then `… (N more)`. The empty set is `none`.
    pub fn describe(&self, max: usize) -> String {
        if self.ranges.is_empty() {
            return "none".to_string();
        }
        let shown = self.ranges.len().min(max);
        let mut parts: Vec<String> = self.ranges[..shown]
            .iter()
            .map(ToString::to_string)
            .collect();
        if shown < self.ranges.len() {
            parts.push(format!("… ({} more)", self.ranges.len() - shown));
        }
        parts.join(", ")
    }
}

/// Every range (see [`AddrSet::describe`]).
impl fmt::Display for AddrSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(usize::MAX))
    }
}

impl FromIterator<AddrRange> for AddrSet {
    fn from_iter<I: IntoIterator<Item = AddrRange>>(iter: I) -> Self {
        Self::from_ranges(iter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }
    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }
    fn set(nets: &[&str]) -> AddrSet {
        let v: Vec<IpNet> = nets.iter().map(|s| net(s)).collect();
        AddrSet::from_nets(&v)
    }

    #[test]
    fn ranges_from_nets() {
        let r = AddrRange::from_net(&net("0.0.0.0/0"));
        assert_eq!((r.lo, r.hi), (0, u32::MAX as u128));
        assert!(r.is_all());
        let r = AddrRange::from_net(&net("::/0"));
        assert_eq!((r.lo, r.hi), (0, u128::MAX));
        assert!(r.is_all());
        let r = AddrRange::from_net(&net("10.1.2.3/32"));
        assert_eq!(r, AddrRange::single(ip("10.1.2.3")));
        let r = AddrRange::from_net(&net("2001:db8::1/128"));
        assert_eq!(r, AddrRange::single(ip("2001:db8::1")));
        // Host bits are ignored.
        assert_eq!(
            AddrRange::from_net(&net("10.0.0.5/8")),
            AddrRange::from_net(&net("10.0.0.0/8"))
        );
        let r = AddrRange::from_net(&net("255.255.255.255/32"));
        assert_eq!(r.lo_addr(), ip("255.255.255.255"));
        assert_eq!(r.hi_addr(), ip("255.255.255.255"));
        let r = AddrRange::from_net(&net("ffff::/16"));
        assert_eq!(r.hi, u128::MAX);
        assert_eq!(r.hi_addr(), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    }

    #[test]
    fn range_basics() {
        let r = AddrRange::from_net(&net("10.0.0.0/8"));
        assert!(r.contains(ip("10.255.255.255")));
        assert!(!r.contains(ip("11.0.0.0")));
        assert!(!r.contains(ip("::a00:1")), "families never mix");
        assert_eq!(
            AddrRange::new(Family::V4, 9, 3),
            AddrRange {
                family: Family::V4,
                lo: 3,
                hi: 9
            }
        );
        assert_eq!(
            AddrRange::new(Family::V4, 0, u128::MAX).hi,
            u32::MAX as u128
        );
        assert_eq!(
            AddrRange::between(ip("10.0.0.9"), ip("10.0.0.1"))
                .unwrap()
                .lo_addr(),
            ip("10.0.0.1")
        );
        assert_eq!(AddrRange::between(ip("10.0.0.9"), ip("::1")), None);
        let v4 = AddrRange::all(Family::V4);
        let v6 = AddrRange::all(Family::V6);
        assert!(!v4.overlaps(&v6));
        assert_eq!(v4.intersect(&v6), None);
        // An invalid v4 range prints without panicking.
        let bad = AddrRange {
            family: Family::V4,
            lo: 5,
            hi: u128::MAX,
        };
        assert!(!bad.is_valid());
        let _ = bad.to_string();
        assert_eq!(bad.hi_addr(), ip("255.255.255.255"));
    }

    #[test]
    fn cidr_decomposition() {
        assert_eq!(AddrRange::all(Family::V4).to_nets(), vec![net("0.0.0.0/0")]);
        assert_eq!(AddrRange::all(Family::V6).to_nets(), vec![net("::/0")]);
        assert_eq!(AddrRange::all(Family::V6).to_string(), "::/0");
        let r = AddrRange::between(ip("10.0.0.1"), ip("10.0.0.6")).unwrap();
        assert_eq!(
            r.to_nets(),
            vec![
                net("10.0.0.1/32"),
                net("10.0.0.2/31"),
                net("10.0.0.4/31"),
                net("10.0.0.6/32")
            ]
        );
        assert_eq!(r.to_net(), None);
        assert_eq!(r.to_string(), "10.0.0.1-10.0.0.6");
        let top = AddrRange::between(ip("255.255.255.254"), ip("255.255.255.255")).unwrap();
        assert_eq!(top.to_nets(), vec![net("255.255.255.254/31")]);
        let top6 = AddrRange::between(ip("ffff::1"), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))
            .unwrap();
        let nets = top6.to_nets();
        assert_eq!(nets.len(), 128 - 16);
        assert_eq!(AddrSet::from_nets(&nets), AddrSet::from_ranges([top6]));
        assert_eq!(
            AddrRange::single(ip("0.0.0.0")).to_nets(),
            vec![net("0.0.0.0/32")]
        );
        assert!(AddrSet::public_v4().to_nets().len() > 15);
        assert_eq!(
            AddrSet::from_nets(&AddrSet::public_v4().to_nets()),
            AddrSet::public_v4()
        );
    }

    #[test]
    fn canonical_form() {
        let a = set(&[
            "10.0.0.0/25",
            "10.0.0.128/25",
            "10.0.1.0/24",
            "10.0.0.5/32",
            "::/0",
        ]);
        assert_eq!(a.ranges().len(), 2);
        assert_eq!(a, set(&["10.0.0.0/23", "::/0"]));
        assert_eq!(a.ranges()[0].family, Family::V4);
        assert_eq!(a.to_string(), "10.0.0.0/23, ::/0");
        // Touching at the very top of each family.
        let b = set(&[
            "255.255.255.255/32",
            "255.255.255.254/32",
            "ffff::/16",
            "fffe::/16",
        ]);
        assert_eq!(b, set(&["255.255.255.254/31", "fffe::/15"]));
        // v4 0.0.0.0/0 and v6 ::/0 never coalesce although their values touch.
        let c = AddrSet::all();
        assert_eq!(c.ranges().len(), 2);
        // Invalid ranges are dropped or clamped.
        let d = AddrSet::from_ranges([
            AddrRange {
                family: Family::V4,
                lo: 9,
                hi: 3,
            },
            AddrRange {
                family: Family::V4,
                lo: u128::MAX,
                hi: u128::MAX,
            },
            AddrRange {
                family: Family::V4,
                lo: 7,
                hi: u128::MAX,
            },
        ]);
        assert_eq!(
            d.ranges(),
            &[AddrRange {
                family: Family::V4,
                lo: 7,
                hi: u32::MAX as u128
            }]
        );
    }

    #[test]
    fn set_operations() {
        let a = set(&["10.0.0.0/8", "192.168.0.0/16", "fd00::/8"]);
        let b = set(&["10.128.0.0/9", "172.16.0.0/12", "fd00::/16"]);
        assert_eq!(
            a.union(&b),
            set(&["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8"])
        );
        assert_eq!(a.intersect(&b), set(&["10.128.0.0/9", "fd00::/16"]));
        assert_eq!(
            a.difference(&b),
            set(&[
                "10.0.0.0/9",
                "192.168.0.0/16",
                "fd01::/16",
                "fd02::/15",
                "fd04::/14",
                "fd08::/13",
                "fd10::/12",
                "fd20::/11",
                "fd40::/10",
                "fd80::/9"
            ])
        );
        assert!(a.intersect(&b).is_subset(&a));
        assert!(!a.is_subset(&b));
        assert!(a.overlaps(&b));
        assert!(!a.overlaps(&set(&["11.0.0.0/8"])));
        assert!(AddrSet::empty().is_subset(&AddrSet::empty()));
        assert!(AddrSet::empty().is_subset(&a));
        assert!(a.is_subset(&AddrSet::all()));
        assert_eq!(a.union(&AddrSet::empty()), a);
        assert_eq!(a.difference(&a), AddrSet::empty());
        assert_eq!(a.complement().complement(), a);
        assert_eq!(AddrSet::all().difference(&AddrSet::all()), AddrSet::empty());
        assert_eq!(a.of_family(Family::V6), set(&["fd00::/8"]));
    }

    #[test]
    fn families_never_mix() {
        let v4 = AddrSet::all_of(Family::V4);
        let v6 = AddrSet::all_of(Family::V6);
        assert!(v4.intersect(&v6).is_empty());
        assert_eq!(v4.difference(&v6), v4);
        assert!(!v4.is_subset(&v6));
        assert!(!v4.overlaps(&v6));
        assert_eq!(v4.union(&v6), AddrSet::all());
        // 0.0.0.1 and ::1 have the same value but are different addresses.
        let one4 = AddrSet::single(ip("0.0.0.1"));
        assert!(!one4.contains(ip("::1")));
        assert!(one4.intersect(&AddrSet::single(ip("::1"))).is_empty());
    }

    #[test]
    fn edges_of_the_space() {
        let all4 = AddrSet::all_of(Family::V4);
        let lo = AddrSet::single(ip("0.0.0.0"));
        let hi = AddrSet::single(ip("255.255.255.255"));
        let mid = all4.difference(&lo).difference(&hi);
        assert_eq!(
            mid.ranges(),
            &[AddrRange {
                family: Family::V4,
                lo: 1,
                hi: u32::MAX as u128 - 1
            }]
        );
        assert_eq!(mid.union(&lo).union(&hi), all4);
        let all6 = AddrSet::all_of(Family::V6);
        let lo6 = AddrSet::single(ip("::"));
        let hi6 = AddrSet::single(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        let mid6 = all6.difference(&lo6).difference(&hi6);
        assert_eq!(
            mid6.ranges(),
            &[AddrRange {
                family: Family::V6,
                lo: 1,
                hi: u128::MAX - 1
            }]
        );
        assert!(!mid6.contains(ip("::")));
        assert!(mid6.contains(ip("::1")));
        assert!(hi6.contains(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assert_eq!(mid6.union(&hi6).union(&lo6), all6);
    }

    #[test]
    fn membership() {
        let a = set(&["10.0.0.0/8", "192.168.1.0/24", "2001:db8::/32"]);
        assert!(a.contains(ip("10.0.0.0")));
        assert!(a.contains(ip("10.255.255.255")));
        assert!(!a.contains(ip("11.0.0.0")));
        assert!(!a.contains(ip("9.255.255.255")));
        assert!(a.contains(ip("192.168.1.77")));
        assert!(a.contains(ip("2001:db8::1")));
        assert!(!a.contains(ip("2001:db9::")));
        assert_eq!(a.first(), Some(ip("10.0.0.0")));
        assert_eq!(AddrSet::empty().first(), None);
        assert!(!AddrSet::empty().contains(ip("1.1.1.1")));
    }

    #[test]
    fn public_space() {
        let p4 = AddrSet::public_v4();
        for yes in [
            "8.8.8.8",
            "52.216.0.1",
            "1.0.0.0",
            "223.255.255.255",
            "100.63.255.255",
            "100.128.0.0",
            "172.32.0.0",
            "198.20.0.0",
        ] {
            assert!(p4.contains(ip(yes)), "{yes} is public");
        }
        for no in [
            "10.1.2.3",
            "0.0.0.0",
            "0.255.255.255",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.0.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.1",
            "203.0.113.1",
            "224.0.0.1",
            "239.255.255.255",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!p4.contains(ip(no)), "{no} is not public");
        }
        assert!(!p4.contains(ip("2600::1")));
        let p6 = AddrSet::public_v6();
        for yes in [
            "2600:1f18::1",
            "2a05:d000::1",
            "2001:200::1",
            "2001:4860:4860::8888",
            "3ffe::1",
        ] {
            assert!(p6.contains(ip(yes)), "{yes} is public");
        }
        for no in [
            "::",
            "::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "fc00::1",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "2001::1",
            "2001:1ff::1",
            "2002::1",
            "3fff::1",
            "4000::1",
            "1fff::1",
            "8.8.8.8",
        ] {
            assert!(!p6.contains(ip(no)), "{no} is not public");
        }
        let p = AddrSet::public();
        assert!(
            p.contains(ip("8.8.8.8")) && p.contains(ip("2600::1")) && !p.contains(ip("10.0.0.1"))
        );
    }

    #[test]
    fn describe() {
        assert_eq!(AddrSet::empty().describe(3), "none");
        assert_eq!(AddrSet::all().describe(3), "0.0.0.0/0, ::/0");
        let a = set(&[
            "52.216.0.0/15",
            "54.231.0.0/17",
            "3.5.0.0/19",
            "16.182.0.0/16",
        ]);
        assert_eq!(a.describe(2), "3.5.0.0/19, 16.182.0.0/16, … (2 more)");
        assert_eq!(a.describe(0), "… (4 more)");
        assert_eq!(
            a.describe(4),
            "3.5.0.0/19, 16.182.0.0/16, 52.216.0.0/15, 54.231.0.0/17"
        );
        assert_eq!(AddrSet::single(ip("10.0.0.1")).describe(1), "10.0.0.1/32");
    }
}
