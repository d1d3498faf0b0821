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
//! Outside a run (trace, tests, the fix search's own calls) nothing is cached. A test holds the
//! cached path equal to the uncached one (`tests/memo.rs` compares `analyze_selected`, which
//! runs with the cache, with `analyze_each`, which runs without).

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::model::AclEntry;
use crate::space::{AddrSet, Cube, PacketSet};

use super::filters::{AclOutcome, AddrRole, RouteSplit, SgOutcome};

/// How an ACL evaluation's fixed address is keyed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum RoleKey {
    Packet,
    /// One address: its family and, per entry, whether the entry's CIDR holds it.
    One {
        v6: bool,
        holds: Vec<bool>,
    },
    /// Anything else: the exact ranges.
    Exact(Vec<(IpAddr, IpAddr)>),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct AclKey {
    entries: (usize, usize),
    set: Vec<Cube>,
    role: RoleKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct RouteKey {
    routes: (usize, usize),
    set: Vec<Cube>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SgKey {
    groups: Vec<String>,
    set: Vec<Cube>,
}

/// A fast, non-cryptographic hash for the keys (the Fx hash of rustc): keys are the run's own
/// data, nothing an attacker chooses to collide, and SipHash over cube lists cost more than the
/// evaluations it saved.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

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

type Map<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;

#[derive(Default)]
struct Tables {
    acl: Map<AclKey, Arc<AclOutcome>>,
    route: Map<RouteKey, Arc<RouteSplit>>,
    sg: Map<SgKey, Arc<SgOutcome>>,
}

struct State {
    /// The run the tables belong to; `active` while a task of that run is being analysed.
    run: u64,
    active: bool,
    tables: Tables,
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
            Some(st) if st.run == run => st.active = true,
            _ => {
                *s = Some(State {
                    run,
                    active: true,
                    tables: Tables::default(),
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

/// Look `key` up in the active tables, or compute and keep it; outside a run, just compute.
fn cached<K: std::hash::Hash + Eq, V>(
    table: fn(&mut Tables) -> &mut Map<K, Arc<V>>,
    key: impl FnOnce() -> K,
    compute: impl FnOnce() -> V,
) -> Arc<V> {
    let hit = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let st = s.as_mut().filter(|st| st.active)?;
        let k = key();
        Some(match table(&mut st.tables).get(&k) {
            Some(v) => Ok(Arc::clone(v)),
            None => Err(k),
        })
    });
    match hit {
        None => Arc::new(compute()),
        Some(Ok(v)) => v,
        Some(Err(k)) => {
            // Computed outside the borrow: the computation may itself look things up.
            let v = Arc::new(compute());
            STATE.with(|s| {
                if let Some(st) = s.borrow_mut().as_mut() {
                    table(&mut st.tables).insert(k, Arc::clone(&v));
                }
            });
            v
        }
    }
}

fn role_key(entries: &[AclEntry], role: &AddrRole) -> RoleKey {
    match role {
        AddrRole::Packet => RoleKey::Packet,
        AddrRole::Fixed(f) => match one_address(f) {
            Some(ip) => RoleKey::One {
                v6: ip.is_ipv6(),
                holds: entries.iter().map(|e| e.cidr.contains(&ip)).collect(),
            },
            None => RoleKey::Exact(
                f.ranges()
                    .iter()
                    .map(|r| (r.lo_addr(), r.hi_addr()))
                    .collect(),
            ),
        },
    }
}

fn one_address(a: &AddrSet) -> Option<IpAddr> {
    match a.ranges() {
        [r] if r.lo_addr() == r.hi_addr() => Some(r.lo_addr()),
        _ => None,
    }
}

pub(crate) fn acl(
    entries: &[AclEntry],
    set: &PacketSet,
    role: &AddrRole,
    compute: impl FnOnce() -> AclOutcome,
) -> Arc<AclOutcome> {
    cached(
        |t| &mut t.acl,
        || AclKey {
            entries: ptr(entries),
            set: set.cubes().to_vec(),
            role: role_key(entries, role),
        },
        compute,
    )
}

pub(crate) fn route<T>(
    routes: &[T],
    set: &PacketSet,
    compute: impl FnOnce() -> RouteSplit,
) -> Arc<RouteSplit> {
    cached(
        |t| &mut t.route,
        || RouteKey {
            routes: ptr(routes),
            set: set.cubes().to_vec(),
        },
        compute,
    )
}

pub(crate) fn sg(
    groups: &[String],
    set: &PacketSet,
    compute: impl FnOnce() -> SgOutcome,
) -> Arc<SgOutcome> {
    cached(
        |t| &mut t.sg,
        || SgKey {
            groups: groups.to_vec(),
            set: set.cubes().to_vec(),
        },
        compute,
    )
}
