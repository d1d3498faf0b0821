//! Port ranges: the third dimension of a packet set.
//!
//! For tcp and udp the dimension is the destination port. For icmp and icmpv6 it encodes the
//! message as `type << 8 | code`, so that AWS's "type T, any code" rules are one contiguous range
//! and the same interval algebra covers every protocol. Protocols without ports use port 0 only
//! (see [`super::PacketSet`]).

use std::fmt;

/// An inclusive port range `lo..=hi`.
///
/// For ICMP/ICMPv6 the "port" is `type << 8 | code`: ICMP type T code C is port `T*256+C`, and
/// type T with any code is `[T*256, T*256+255]` (see [`PortRange::icmp`]).
///
/// [`PortRange::new`] swaps reversed bounds. A range with `lo > hi` built with a struct literal is
/// treated as empty by every operation (it contains nothing), never as a panic.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct PortRange {
    pub lo: u16,
    pub hi: u16,
}

impl PortRange {
    /// Every port, 0..=65535.
    pub const ALL: PortRange = PortRange {
        lo: 0,
        hi: u16::MAX,
    };

    /// The one-port range.
    pub const fn single(p: u16) -> Self {
        PortRange { lo: p, hi: p }
    }

    /// `lo..=hi`; if `lo > hi` the bounds are swapped (never panics, never empty).
    pub const fn new(lo: u16, hi: u16) -> Self {
        if lo <= hi {
            PortRange { lo, hi }
        } else {
            PortRange { lo: hi, hi: lo }
        }
    }

    /// The ICMP/ICMPv6 message range in the `type << 8 | code` encoding: no type → every message;
    /// a type without a code → every code of that type; both → that one message. (AWS writes
    /// "any" as -1; the caller maps -1 to `None`.)
    pub const fn icmp(ty: Option<u8>, code: Option<u8>) -> Self {
        match (ty, code) {
            (None, _) => Self::ALL,
            (Some(t), None) => PortRange {
                lo: (t as u16) << 8,
                hi: ((t as u16) << 8) | 0xff,
            },
            (Some(t), Some(c)) => Self::single(((t as u16) << 8) | c as u16),
        }
    }

    /// Whether `p` is in the range.
    pub const fn contains(&self, p: u16) -> bool {
        self.lo <= p && p <= self.hi
    }

    /// Whether the range is empty (only possible with a reversed struct literal).
    pub const fn is_empty(&self) -> bool {
        self.lo > self.hi
    }

    /// Whether the range is 0..=65535.
    pub const fn is_all(&self) -> bool {
        self.lo == 0 && self.hi == u16::MAX
    }

    /// Number of ports (0..=65536).
    pub const fn len(&self) -> u32 {
        if self.lo > self.hi {
            0
        } else {
            self.hi as u32 - self.lo as u32 + 1
        }
    }

    /// The common ports, if any.
    pub fn intersect(&self, o: &Self) -> Option<Self> {
        let (lo, hi) = (self.lo.max(o.lo), self.hi.min(o.hi));
        (lo <= hi).then_some(PortRange { lo, hi })
    }

    /// Whether the ranges share a port.
    pub fn overlaps(&self, o: &Self) -> bool {
        self.intersect(o).is_some()
    }
}

/// `443`, `1024-65535` (or `empty` for a reversed literal).
impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            write!(f, "empty")
        } else if self.lo == self.hi {
            write!(f, "{}", self.lo)
        } else {
            write!(f, "{}-{}", self.lo, self.hi)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        assert_eq!(PortRange::ALL, PortRange { lo: 0, hi: 65535 });
        assert!(PortRange::ALL.contains(0) && PortRange::ALL.contains(65535));
        assert_eq!(PortRange::ALL.len(), 65536);
        assert!(PortRange::ALL.is_all());
        assert_eq!(PortRange::new(443, 80), PortRange { lo: 80, hi: 443 });
        assert_eq!(PortRange::single(0).len(), 1);
        assert!(PortRange::single(65535).contains(65535));
        assert!(!PortRange::single(65535).contains(65534));
        let reversed = PortRange { lo: 9, hi: 3 };
        assert!(reversed.is_empty());
        assert_eq!(reversed.len(), 0);
        assert!(!reversed.contains(5));
        assert_eq!(reversed.intersect(&PortRange::ALL), None);
        assert_eq!(reversed.to_string(), "empty");
    }

    #[test]
    fn intersect() {
        let a = PortRange::new(0, 443);
        let b = PortRange::new(443, 65535);
        assert_eq!(a.intersect(&b), Some(PortRange::single(443)));
        assert_eq!(PortRange::new(0, 442).intersect(&b), None);
        assert!(a.overlaps(&b));
        assert_eq!(
            PortRange::ALL.intersect(&PortRange::single(65535)),
            Some(PortRange::single(65535))
        );
    }

    #[test]
    fn icmp_encoding() {
        assert_eq!(PortRange::icmp(None, None), PortRange::ALL);
        assert_eq!(PortRange::icmp(None, Some(3)), PortRange::ALL);
        assert_eq!(PortRange::icmp(Some(8), None), PortRange::new(2048, 2303));
        assert_eq!(
            PortRange::icmp(Some(3), Some(4)),
            PortRange::single(3 * 256 + 4)
        );
        assert_eq!(
            PortRange::icmp(Some(255), None),
            PortRange::new(65280, 65535)
        );
        assert_eq!(
            PortRange::icmp(Some(255), Some(255)),
            PortRange::single(65535)
        );
    }

    #[test]
    fn display() {
        assert_eq!(PortRange::single(443).to_string(), "443");
        assert_eq!(PortRange::new(1024, 65535).to_string(), "1024-65535");
    }
}
