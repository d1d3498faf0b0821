//! The process allocator of the CLI and the benchmarks: mimalloc, called so that ordinary
//! allocations take its fast path.
//!
//! `mimalloc::MiMalloc` sends every request through `mi_malloc_aligned`, even at alignment 8 or
//! 16. In mimalloc 3 that path is fast only while the size class's current page has a free block;
//! when it has none, a size that is not a power of two is served by *over-allocation* (a block of
//! at least 1 KiB, aligned by hand), and the page of the right size is then never refilled. The
//! engine's packet sets are `Vec`s of 16-byte-aligned cubes of every length, so under callgrind a
//! sixth of the analysis went to that path. Plain `mi_malloc` already returns blocks aligned to 16
//! bytes when they are at least 16 bytes long and to 8 bytes otherwise (mimalloc's `alloc.c`
//! asserts it), so requests within that guarantee go to `mi_malloc`/`mi_zalloc`/`mi_realloc`
//! directly; only larger alignments use the aligned entry points. A debug build checks the
//! guarantee on every allocation.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// mimalloc with its plain entry points for naturally aligned requests (see the module docs).
/// Install with `#[global_allocator] static A: vpcreach::alloc::Allocator = vpcreach::alloc::Allocator;`.
pub struct Allocator;

/// Whether a block of `size` bytes from plain `mi_malloc` is aligned enough for `align`.
#[inline]
fn plain(size: usize, align: usize) -> bool {
    align <= 8 || (align <= 16 && size >= 16)
}

// SAFETY: every pointer handed out comes from mimalloc and is aligned as the layout asks (plain
// entry points only within their documented guarantee); `dealloc`/`realloc` receive only pointers
// this allocator returned, which `mi_free`/`mi_realloc*` accept whichever entry point made them.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = if plain(layout.size(), layout.align()) {
            unsafe { mi::mi_malloc(layout.size()) }
        } else {
            unsafe { mi::mi_malloc_aligned(layout.size(), layout.align()) }
        };
        debug_assert!(p.is_null() || (p as usize).is_multiple_of(layout.align()));
        p.cast()
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = if plain(layout.size(), layout.align()) {
            unsafe { mi::mi_zalloc(layout.size()) }
        } else {
            unsafe { mi::mi_zalloc_aligned(layout.size(), layout.align()) }
        };
        debug_assert!(p.is_null() || (p as usize).is_multiple_of(layout.align()));
        p.cast()
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = if plain(new_size, layout.align()) {
            unsafe { mi::mi_realloc(ptr.cast::<c_void>(), new_size) }
        } else {
            unsafe { mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()) }
        };
        debug_assert!(p.is_null() || (p as usize).is_multiple_of(layout.align()));
        p.cast()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size and alignment up to a few KiB comes back aligned and usable, through alloc,
    /// alloc_zeroed and realloc (this test runs under the test harness's own allocator, so it
    /// calls the allocator directly).
    #[test]
    fn blocks_are_aligned_and_usable() {
        let a = Allocator;
        for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
            for size in (1..=64).chain([80, 96, 144, 1000, 1024, 1025, 5000]) {
                let layout = Layout::from_size_align(size, align).unwrap();
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "alloc size {size} align {align}");
                    p.write_bytes(0xAB, size);
                    let z = a.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0, "zalloc size {size} align {align}");
                    assert!((0..size).all(|i| *z.add(i) == 0));
                    let bigger = size * 3 + 7;
                    let r = a.realloc(p, layout, bigger);
                    assert_eq!(r as usize % align, 0, "realloc size {size} align {align}");
                    assert!(
                        (0..size).all(|i| *r.add(i) == 0xAB),
                        "realloc kept the bytes"
                    );
                    let small = (size / 2).max(1);
                    let s = a.realloc(r, Layout::from_size_align(bigger, align).unwrap(), small);
                    assert_eq!(s as usize % align, 0, "shrink size {size} align {align}");
                    assert!((0..small).all(|i| *s.add(i) == 0xAB));
                    a.dealloc(s, Layout::from_size_align(small, align).unwrap());
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
