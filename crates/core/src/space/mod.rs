//! Packet-set algebra: exact sets of packets (protocol × destination address × port).
//!
//! The analysis proves reachability for *every* packet a notebook may send, so it propagates whole
//! sets of packets through security groups, ACLs and route tables rather than sampling. This module
//! gives it the sets and the operations it needs — union, intersection, difference, emptiness,
//! subset, membership, projection and a deterministic "representative" packet for witnesses.
//!
//! Layout, one dimension per file, then the product:
//! - [`proto`]: [`ProtoSet`], a 256-bit bitset of IP protocol numbers, and AWS protocol parsing;
//! - [`addr`]: [`AddrRange`] and [`AddrSet`], canonical range lists over IPv4 and IPv6 (never mixed),
//!   and the public address space;
//! - [`port`]: [`PortRange`]; for ICMP the "port" is `type << 8 | code`;
//! - [`packet`]: [`Packet`], [`Cube`] (a box in the three dimensions) and [`PacketSet`] (disjoint
//!   cubes inside the universe of meaningful packets);
//! - [`nat64`]: the NAT64 translation (`64:ff9b::/96` ↔ IPv4) of packet sets.

pub mod addr;
pub mod nat64;
pub mod packet;
pub mod port;
pub mod proto;

pub use addr::{AddrRange, AddrSet, Family};
pub use packet::{Cube, Packet, PacketSet};
pub use port::PortRange;
pub use proto::{ICMP, ICMPV6, ProtoSet, TCP, UDP, protocol_name};
