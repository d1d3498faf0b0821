//! Protocol sets: the protocol dimension of a packet set.
//!
//! IP protocol numbers are 0..=255, so a set of them is a 256-bit bitset. Every operation is a
//! handful of word operations, which keeps the protocol dimension free in the cube algebra of
//! [`super::PacketSet`]. This file also knows the protocol spellings AWS rules use (`"-1"`,
//! `"tcp"`, `"6"`, …), because those are the only strings a protocol set is ever parsed from.

use std::fmt;

/// Internet Control Message Protocol (IPv4).
pub const ICMP: u8 = 1;
/// Transmission Control Protocol.
pub const TCP: u8 = 6;
/// User Datagram Protocol.
pub const UDP: u8 = 17;
/// Internet Control Message Protocol for IPv6.
pub const ICMPV6: u8 = 58;

/// A set of IP protocol numbers (0..=255), stored as a 256-bit bitset.
///
/// `Default` is the empty set. The derived order is arbitrary but total (used for sorting only).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ProtoSet([u64; 4]);

impl ProtoSet {
    /// The empty set.
    pub const EMPTY: ProtoSet = ProtoSet([0; 4]);
    /// Every protocol number 0..=255.
    pub const ALL: ProtoSet = ProtoSet([u64::MAX; 4]);
    /// The protocols whose packets carry a "port" dimension in this crate: tcp, udp, icmp and
    /// icmpv6 (for the ICMPs the port encodes `type << 8 | code`).
    pub const WITH_PORTS: ProtoSet = ProtoSet::single(TCP)
        .union(&ProtoSet::single(UDP))
        .union(&ProtoSet::single(ICMP))
        .union(&ProtoSet::single(ICMPV6));
    /// Every protocol not in [`ProtoSet::WITH_PORTS`]; their packets have port 0 only.
    pub const WITHOUT_PORTS: ProtoSet = ProtoSet::ALL.difference(&ProtoSet::WITH_PORTS);

    /// The empty set.
    pub const fn empty() -> Self {
        Self::EMPTY
    }

    /// Every protocol number 0..=255.
    pub const fn all() -> Self {
        Self::ALL
    }

    /// The set holding only `p`.
    pub const fn single(p: u8) -> Self {
        let mut w = [0u64; 4];
        w[(p >> 6) as usize] = 1u64 << (p & 63);
        ProtoSet(w)
    }

    /// The set of the given protocol numbers.
    pub fn of(ps: &[u8]) -> Self {
        ps.iter().copied().collect()
    }

    /// tcp, udp, icmp and icmpv6: the protocols with a port (or ICMP type/code) dimension.
    pub const fn with_ports() -> Self {
        Self::WITH_PORTS
    }

    /// Every protocol except tcp, udp, icmp and icmpv6.
    pub const fn without_ports() -> Self {
        Self::WITHOUT_PORTS
    }

    /// Whether `p` is in the set.
    pub const fn contains(&self, p: u8) -> bool {
        self.0[(p >> 6) as usize] & (1u64 << (p & 63)) != 0
    }

    /// This set with `p` added.
    pub const fn with(&self, p: u8) -> Self {
        self.union(&Self::single(p))
    }

    /// Set union.
    pub const fn union(&self, o: &Self) -> Self {
        let (a, b) = (self.0, o.0);
        ProtoSet([a[0] | b[0], a[1] | b[1], a[2] | b[2], a[3] | b[3]])
    }

    /// Set intersection.
    pub const fn intersect(&self, o: &Self) -> Self {
        let (a, b) = (self.0, o.0);
        ProtoSet([a[0] & b[0], a[1] & b[1], a[2] & b[2], a[3] & b[3]])
    }

    /// Set difference `self \ o`.
    pub const fn difference(&self, o: &Self) -> Self {
        let (a, b) = (self.0, o.0);
        ProtoSet([a[0] & !b[0], a[1] & !b[1], a[2] & !b[2], a[3] & !b[3]])
    }

    /// Every protocol not in the set.
    pub const fn complement(&self) -> Self {
        Self::ALL.difference(self)
    }

    /// Whether the set is empty.
    pub const fn is_empty(&self) -> bool {
        self.0[0] | self.0[1] | self.0[2] | self.0[3] == 0
    }

    /// Whether the set holds all 256 protocol numbers.
    pub const fn is_all(&self) -> bool {
        self.0[0] & self.0[1] & self.0[2] & self.0[3] == u64::MAX
    }

    /// Whether every member of `self` is in `o`.
    pub const fn is_subset(&self, o: &Self) -> bool {
        self.difference(o).is_empty()
    }

    /// Whether the two sets share a member.
    pub const fn overlaps(&self, o: &Self) -> bool {
        !self.intersect(o).is_empty()
    }

    /// Number of members (0..=256).
    pub const fn len(&self) -> u32 {
        self.0[0].count_ones()
            + self.0[1].count_ones()
            + self.0[2].count_ones()
            + self.0[3].count_ones()
    }

    /// The lowest member.
    pub fn first(&self) -> Option<u8> {
        self.iter().next()
    }

    /// The members in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = u8> + use<> {
        let words = self.0;
        (0..4usize).flat_map(move |i| {
            let mut w = words[i];
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                // i < 4 and bit < 64, so the value is at most 255.
                Some((i * 64 + bit) as u8)
            })
        })
    }

    /// Parses an AWS rule protocol string: `"-1"`/`"all"` → all; `"tcp"`/`"6"`, `"udp"`/`"17"`,
    /// `"icmp"`/`"1"`, `"icmpv6"`/`"58"`; any decimal 0..=255. Case and surrounding whitespace
    /// are ignored. `None` if unparseable (the caller reports it; nothing is guessed).
    pub fn parse_aws(s: &str) -> Option<Self> {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "-1" | "all" => Some(Self::ALL),
            "tcp" => Some(Self::single(TCP)),
            "udp" => Some(Self::single(UDP)),
            "icmp" => Some(Self::single(ICMP)),
            "icmpv6" => Some(Self::single(ICMPV6)),
            _ if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => {
                t.parse::<u8>().ok().map(Self::single)
            }
            _ => None,
        }
    }
}

/// The conventional short name of a protocol number: `tcp`, `udp`, `icmp`, `icmpv6`, else the
/// decimal number.
pub fn protocol_name(p: u8) -> String {
    match p {
        TCP => "tcp".to_string(),
        UDP => "udp".to_string(),
        ICMP => "icmp".to_string(),
        ICMPV6 => "icmpv6".to_string(),
        n => n.to_string(),
    }
}

impl FromIterator<u8> for ProtoSet {
    fn from_iter<I: IntoIterator<Item = u8>>(iter: I) -> Self {
        iter.into_iter()
            .fold(Self::EMPTY, |acc, p| acc.union(&Self::single(p)))
    }
}

impl fmt::Debug for ProtoSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// Human-readable: `tcp`, `tcp/udp`, `all protocols`, `protocols other than tcp/udp/icmp/icmpv6`,
/// `all protocols except tcp`, or `N protocols` for large irregular sets.
impl fmt::Display for ProtoSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |s: &ProtoSet| s.iter().map(protocol_name).collect::<Vec<_>>().join("/");
        let n = self.len();
        if n == 0 {
            write!(f, "no protocol")
        } else if n == 256 {
            write!(f, "all protocols")
        } else if *self == Self::WITHOUT_PORTS {
            write!(f, "protocols other than tcp/udp/icmp/icmpv6")
        } else if n <= 6 {
            write!(f, "{}", names(self))
        } else if 256 - n <= 4 {
            write!(f, "all protocols except {}", names(&self.complement()))
        } else {
            write!(f, "{n} protocols")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        let s = ProtoSet::of(&[0, 6, 17, 255]);
        assert!(s.contains(0) && s.contains(255) && s.contains(TCP) && !s.contains(1));
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 6, 17, 255]);
        assert_eq!(s.first(), Some(0));
        assert_eq!(s.len(), 4);
        assert_eq!(ProtoSet::empty().first(), None);
        assert!(ProtoSet::empty().is_empty());
        assert_eq!(ProtoSet::all().len(), 256);
        assert!(ProtoSet::all().is_all());
        assert_eq!(ProtoSet::all().iter().count(), 256);
        assert_eq!(ProtoSet::single(255).iter().collect::<Vec<_>>(), vec![255]);
        assert_eq!(ProtoSet::single(63).iter().collect::<Vec<_>>(), vec![63]);
        assert_eq!(ProtoSet::single(64).iter().collect::<Vec<_>>(), vec![64]);
    }

    #[test]
    fn algebra() {
        let a = ProtoSet::of(&[1, 6, 200]);
        let b = ProtoSet::of(&[6, 17, 200]);
        assert_eq!(a.union(&b), ProtoSet::of(&[1, 6, 17, 200]));
        assert_eq!(a.intersect(&b), ProtoSet::of(&[6, 200]));
        assert_eq!(a.difference(&b), ProtoSet::single(1));
        assert!(ProtoSet::single(6).is_subset(&a));
        assert!(!a.is_subset(&b));
        assert!(a.overlaps(&b));
        assert_eq!(a.complement().len(), 253);
        assert_eq!(
            ProtoSet::WITH_PORTS,
            ProtoSet::of(&[TCP, UDP, ICMP, ICMPV6])
        );
        assert_eq!(ProtoSet::WITHOUT_PORTS.len(), 252);
        assert!(!ProtoSet::WITH_PORTS.overlaps(&ProtoSet::WITHOUT_PORTS));
        assert_eq!(ProtoSet::empty().with(9), ProtoSet::single(9));
    }

    #[test]
    fn parse() {
        assert_eq!(ProtoSet::parse_aws("-1"), Some(ProtoSet::all()));
        assert_eq!(ProtoSet::parse_aws("all"), Some(ProtoSet::all()));
        assert_eq!(ProtoSet::parse_aws("tcp"), Some(ProtoSet::single(TCP)));
        assert_eq!(ProtoSet::parse_aws("TCP"), Some(ProtoSet::single(TCP)));
        assert_eq!(ProtoSet::parse_aws("6"), Some(ProtoSet::single(TCP)));
        assert_eq!(ProtoSet::parse_aws("udp"), Some(ProtoSet::single(UDP)));
        assert_eq!(ProtoSet::parse_aws("17"), Some(ProtoSet::single(UDP)));
        assert_eq!(ProtoSet::parse_aws("icmp"), Some(ProtoSet::single(ICMP)));
        assert_eq!(ProtoSet::parse_aws("1"), Some(ProtoSet::single(ICMP)));
        assert_eq!(
            ProtoSet::parse_aws("icmpv6"),
            Some(ProtoSet::single(ICMPV6))
        );
        assert_eq!(ProtoSet::parse_aws("58"), Some(ProtoSet::single(ICMPV6)));
        assert_eq!(ProtoSet::parse_aws("0"), Some(ProtoSet::single(0)));
        assert_eq!(ProtoSet::parse_aws("255"), Some(ProtoSet::single(255)));
        assert_eq!(ProtoSet::parse_aws(" 47 "), Some(ProtoSet::single(47)));
        for bad in [
            "256",
            "-2",
            "",
            "+6",
            "tcpx",
            "6.0",
            "-",
            "99999999999999999999",
        ] {
            assert_eq!(ProtoSet::parse_aws(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn display() {
        assert_eq!(ProtoSet::single(TCP).to_string(), "tcp");
        assert_eq!(ProtoSet::of(&[TCP, UDP]).to_string(), "tcp/udp");
        assert_eq!(ProtoSet::single(47).to_string(), "47");
        assert_eq!(ProtoSet::all().to_string(), "all protocols");
        assert_eq!(ProtoSet::empty().to_string(), "no protocol");
        assert_eq!(
            ProtoSet::all()
                .difference(&ProtoSet::single(TCP))
                .to_string(),
            "all protocols except tcp"
        );
        assert_eq!(format!("{:?}", ProtoSet::of(&[6, 17])), "{6, 17}");
        assert_eq!(protocol_name(58), "icmpv6");
        assert_eq!(protocol_name(50), "50");
    }
}
