//! Exact memo of the filter evaluations within one analysis run.
//!
//! The notebooks of an organisation sit in different subnets, so few share a whole placement
//! ([`super::memo`]); but their walks keep meeting the same components with the same packets —
//! every placement of a VPC sends the same TCP 443 set to the same endpoint through the VPC's few
//! route tables and ACLs. [`acl_eval`](super::filters::acl_eval),
//! [`route_split`](super::filters::route_split) and [`sg_egress`](super::filters::sg_egress) are
//! pure functions of their arguments, so their results are kept, per worker thread, for the
//! length of one [`run`] and looked up by an exact key:
//!
//! - an ACL's entries and a route table's routes by address: both are only ever taken from the
//!   one `&Network` the run borrows (`net.acls`, `net.route_tables`), where nothing can move or
//!   change while the run holds it; security groups by their names;
//! - the packet set by its cube list, compared structurally (two equal lists make the same
//!   computation, whatever the sets' other spellings);
//! - an ACL's fixed address by which entries contain it, when it is one address (then no entry can
//!   cover it in part, and the evaluation depends on nothing else about it — see
//!   `filters::acl_eval`); any other fixed set by its exact ranges.
//!
//! A route table's address partition (the addresses each route wins, `filters::RouteParts`) is
//! kept by the address of its routes: a set's split is then its restriction to each part.
//!
//! A service name's resolution in a VPC is kept the same way, by the VPC, the name and the two
//! facts it reads (see `resolve::resolve`); the analysed notebook's origin once per task.
//!
//! Outside a run (trace, tests, the fix search's own calls) nothing is cached. A test holds the
//! cached path equal to the uncached one (`tests/memo.rs` compares `analyze_selected`, which
//! runs with the cache, with `analyze_each`, which runs without).

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::model::{AclEntry, Network, Notebook};
use crate::space::{AddrSet, Cube, PacketSet};

use super::filters::{AclOutcome, AddrRole, RouteParts, RouteSplit, SgOutcome};
use super::resolve::Resolution;
use super::walk::Origin;

/// How an ACL evaluation's fixed address is keyed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RoleKey {
    Packet,
    /// One address: its family and, per entry, whether the entry's CIDR holds it (bits, 64 a
    /// word, in entry order).
    One {
        v6: bool,
        holds: Vec<u64>,
    },
    /// Anything else: the exact ranges.
    Exact(Vec<(IpAddr, IpAddr)>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct AclKey {
    entries: (usize, usize),
    set: Vec<Cube>,
    role: RoleKey,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RouteKey {
    routes: (usize, usize),
    set: Vec<Cube>,
}

/// A service name's resolution in a VPC: it depends on the VPC, the name, whether DNS is assumed
/// and whether the source has IPv6 (`resolve::resolve`), never on the subnet or the notebook.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ResolveKey {
    vpc: String,
    name: String,
    assume_dns: bool,
    has_v6: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct SgKey {
    groups: Vec<String>,
    set: Vec<Cube>,
}

/// A fast, non-cryptographic hash for the keys (the Fx hash of rustc): keys are the run's own
/// data, nothing an attacker chooses to collide, and SipHash over cube lists cost more than the
/// evaluations it saved.
#[derive(Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl Fx {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for c in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Entries by the hash of their key, each bucket holding the owned keys that share it: a lookup
/// hashes and compares the *borrowed* arguments, and copies them into an owned key only when it
/// misses (copying the packet set on every lookup cost more than most evaluations).
type Table<K, V> = HashMap<u64, Vec<(K, Arc<V>)>, FxBuild>;

/// Hash maps and sets of the run's own data use [`Fx`].
pub(crate) type FxBuild = std::hash::BuildHasherDefault<Fx>;

#[derive(Default)]
struct Tables {
    acl: Table<AclKey, AclOutcome>,
    route: Table<RouteKey, RouteSplit>,
    parts: Table<(usize, usize), RouteParts>,
    sg: Table<SgKey, SgOutcome>,
    resolve: Table<ResolveKey, Resolution>,
}

struct State {
    /// The run the tables belong to; `active` while a task of that run is being analysed.
    run: u64,
    active: bool,
    tables: Tables,
    /// The origin of the notebook the current task analyses (see [`origin`]).
    origin: Option<(OriginKey, Origin)>,
}

/// What [`walk::origin`](super::walk::origin) reads of a notebook, and the network it reads.
#[derive(PartialEq, Eq)]
struct OriginKey {
    net: usize,
    interface: Option<String>,
    subnet: Option<String>,
    groups: Vec<String>,
}

impl OriginKey {
    fn matches(&self, net: &Network, nb: &Notebook) -> bool {
        self.net == net as *const Network as usize
            && self.interface == nb.interface_id
            && self.subnet == nb.subnet_id
            && self.groups == nb.security_groups
    }
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

static RUNS: AtomicU64 = AtomicU64::new(1);

/// A new run's identity: tables of another run are never consulted.
pub(crate) fn new_run() -> u64 {
    RUNS.fetch_add(1, Ordering::Relaxed)
}

/// Analyse with this thread's tables of `run` (made empty when they belonged to another run).
pub(crate) fn run<R>(run: u64, f: impl FnOnce() -> R) -> R {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        match s.as_mut() {
            Some(st) if st.run == run => {
                st.active = true;
                st.origin = None;
            }
            _ => {
                *s = Some(State {
                    run,
                    active: true,
                    tables: Tables::default(),
                    origin: None,
                })
            }
        }
    });
    struct Off;
    impl Drop for Off {
        fn drop(&mut self) {
            STATE.with(|s| {
                if let Some(st) = s.borrow_mut().as_mut() {
                    st.active = false;
                }
            });
        }
    }
    let _off = Off;
    f()
}

/// Free this thread's tables (after a run: they can never be used again).
pub(crate) fn clear() {
    STATE.with(|s| *s.borrow_mut() = None);
}

fn ptr<T>(s: &[T]) -> (usize, usize) {
    (s.as_ptr() as usize, s.len())
}

/// Look the entry of hash `hash` that `matches` up in the active tables, or compute it and keep
/// it under the key `own` makes; outside a run, just compute.
fn cached<K, V>(
    table: fn(&mut Tables) -> &mut Table<K, V>,
    hash: impl FnOnce() -> u64,
    matches: impl Fn(&K) -> bool,
    own: impl FnOnce() -> K,
    compute: impl FnOnce() -> V,
) -> Arc<V> {
    let hit = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let st = s.as_mut().filter(|st| st.active)?;
        let h = hash();
        let found = table(&mut st.tables)
            .get(&h)
            .and_then(|bucket| bucket.iter().find(|(k, _)| matches(k)))
            .map(|(_, v)| Arc::clone(v));
        Some(found.ok_or(h))
    });
    match hit {
        None => Arc::new(compute()),
        Some(Ok(v)) => v,
        Some(Err(h)) => {
            // Computed outside the borrow: the computation may itself look things up.
            let v = Arc::new(compute());
            let k = own();
            STATE.with(|s| {
                if let Some(st) = s.borrow_mut().as_mut() {
                    table(&mut st.tables)
                        .entry(h)
                        .or_default()
                        .push((k, Arc::clone(&v)));
                }
            });
            v
        }
    }
}

/// The notebook's origin (its interface's addresses and facts, its groups), computed once per
/// task: every check of the notebook walks from it, and finding the interface and subnet by name
/// in an organisation's maps cost more than the walks' own first steps. Keyed by the fields the
/// computation reads and the network's address (borrowed for the whole run), compared by value.
pub(crate) fn origin(net: &Network, nb: &Notebook, compute: impl FnOnce() -> Origin) -> Origin {
    let hit = STATE.with(|s| {
        let s = s.borrow();
        let st = s.as_ref().filter(|st| st.active)?;
        st.origin
            .as_ref()
            .filter(|(k, _)| k.matches(net, nb))
            .map(|(_, o)| o.clone())
    });
    if let Some(o) = hit {
        return o;
    }
    let o = compute();
    STATE.with(|s| {
        if let Some(st) = s.borrow_mut().as_mut().filter(|st| st.active) {
            let key = OriginKey {
                net: net as *const Network as usize,
                interface: nb.interface_id.clone(),
                subnet: nb.subnet_id.clone(),
                groups: nb.security_groups.clone(),
            };
            st.origin = Some((key, o.clone()));
        }
    });
    o
}

fn hash_of(f: impl FnOnce(&mut Fx)) -> u64 {
    let mut h = Fx::default();
    f(&mut h);
    std::hash::Hasher::finish(&h)
}

/// The bits of [`RoleKey::One`], a word at a time.
fn holds(entries: &[AclEntry], ip: IpAddr) -> impl Iterator<Item = u64> + '_ {
    entries.chunks(64).map(move |c| {
        c.iter()
            .enumerate()
            .fold(0u64, |w, (i, e)| w | (u64::from(e.cidr.contains(&ip)) << i))
    })
}

fn one_address(a: &AddrSet) -> Option<IpAddr> {
    match a.ranges() {
        [r] if r.lo_addr() == r.hi_addr() => Some(r.lo_addr()),
        _ => None,
    }
}

fn exact(a: &AddrSet) -> impl Iterator<Item = (IpAddr, IpAddr)> + '_ {
    a.ranges().iter().map(|r| (r.lo_addr(), r.hi_addr()))
}

pub(crate) fn acl(
    entries: &[AclEntry],
    set: &PacketSet,
    role: &AddrRole,
    compute: impl FnOnce() -> AclOutcome,
) -> Arc<AclOutcome> {
    use std::hash::Hash;
    let one = match role {
        AddrRole::Fixed(f) => one_address(f),
        AddrRole::Packet => None,
    };
    // Which entries hold the one address: computed once, for the hash, the comparison and the
    // key (it was computed twice a lookup, and every entry's containment test costs).
    let bits: Option<(bool, Vec<u64>)> = one.map(|ip| (ip.is_ipv6(), holds(entries, ip).collect()));
    cached(
        |t| &mut t.acl,
        || {
            hash_of(|h| {
                ptr(entries).hash(h);
                set.cubes().hash(h);
                match (role, &bits) {
                    (AddrRole::Packet, _) => 0u8.hash(h),
                    (AddrRole::Fixed(_), Some((v6, b))) => {
                        1u8.hash(h);
                        v6.hash(h);
                        b.iter().for_each(|w| w.hash(h));
                    }
                    (AddrRole::Fixed(f), None) => {
                        2u8.hash(h);
                        exact(f).for_each(|r| r.hash(h));
                    }
                }
            })
        },
        |k: &AclKey| {
            k.entries == ptr(entries)
                && k.set == set.cubes()
                && match (&k.role, role, &bits) {
                    (RoleKey::Packet, AddrRole::Packet, _) => true,
                    (RoleKey::One { v6, holds: kb }, AddrRole::Fixed(_), Some((bv6, b))) => {
                        v6 == bv6 && kb == b
                    }
                    (RoleKey::Exact(r), AddrRole::Fixed(f), None) => r.iter().copied().eq(exact(f)),
                    _ => false,
                }
        },
        || AclKey {
            entries: ptr(entries),
            set: set.cubes().to_vec(),
            role: match (role, &bits) {
                (AddrRole::Packet, _) => RoleKey::Packet,
                (AddrRole::Fixed(_), Some((v6, b))) => RoleKey::One {
                    v6: *v6,
                    holds: b.clone(),
                },
                (AddrRole::Fixed(f), None) => RoleKey::Exact(exact(f).collect()),
            },
        },
        compute,
    )
}

pub(crate) fn route<T>(
    routes: &[T],
    set: &PacketSet,
    compute: impl FnOnce() -> RouteSplit,
) -> Arc<RouteSplit> {
    use std::hash::Hash;
    cached(
        |t| &mut t.route,
        || {
            hash_of(|h| {
                ptr(routes).hash(h);
                set.cubes().hash(h);
            })
        },
        |k: &RouteKey| k.routes == ptr(routes) && k.set == set.cubes(),
        || RouteKey {
            routes: ptr(routes),
            set: set.cubes().to_vec(),
        },
        compute,
    )
}

/// A route table's address partition ([`RouteParts`]), by the address of its routes.
pub(crate) fn route_parts<T>(
    routes: &[T],
    compute: impl FnOnce() -> RouteParts,
) -> Arc<RouteParts> {
    use std::hash::Hash;
    cached(
        |t| &mut t.parts,
        || hash_of(|h| ptr(routes).hash(h)),
        |k: &(usize, usize)| *k == ptr(routes),
        || ptr(routes),
        compute,
    )
}

pub(crate) fn sg(
    groups: &[String],
    set: &PacketSet,
    compute: impl FnOnce() -> SgOutcome,
) -> Arc<SgOutcome> {
    use std::hash::Hash;
    cached(
        |t| &mut t.sg,
        || {
            hash_of(|h| {
                groups.hash(h);
                set.cubes().hash(h);
            })
        },
        |k: &SgKey| k.groups == groups && k.set == set.cubes(),
        || SgKey {
            groups: groups.to_vec(),
            set: set.cubes().to_vec(),
        },
        compute,
    )
}

pub(crate) fn resolution(
    vpc: &str,
    name: &str,
    assume_dns: bool,
    has_v6: bool,
    compute: impl FnOnce() -> Resolution,
) -> Arc<Resolution> {
    use std::hash::Hash;
    cached(
        |t| &mut t.resolve,
        || {
            hash_of(|h| {
                vpc.hash(h);
                name.hash(h);
                assume_dns.hash(h);
                has_v6.hash(h);
            })
        },
        |k: &ResolveKey| {
            k.vpc == vpc && k.name == name && k.assume_dns == assume_dns && k.has_v6 == has_v6
        },
        || ResolveKey {
            vpc: vpc.to_string(),
            name: name.to_string(),
            assume_dns,
            has_v6,
        },
        compute,
    )
}
