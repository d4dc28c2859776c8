//! Fallible allocation: every output and working array is reserved with `try_reserve`, so a length the
//! machine cannot hold is `EngineError::Allocation` (Python's MemoryError), never an abort.

use std::collections::HashMap;
use std::hash::Hash;

use crate::error::EngineError;

/// An empty Vec with room for exactly `len` items, or `Allocation`: never aborts on a failed allocation
/// (a length whose bytes exceed isize::MAX fails before anything is attempted).
pub fn vec_with_capacity<T>(len: u64) -> Result<Vec<T>, EngineError> {
    let failed = || EngineError::Allocation { elements: len.into() };
    let mut out = Vec::new();
    out.try_reserve_exact(usize::try_from(len).map_err(|_| failed())?)
        .map_err(|_| failed())?;
    Ok(out)
}

/// `vec_with_capacity` for a table read at random positions (the alias columns): on Linux a large one is
/// advised onto transparent huge pages, so its random reads miss the TLB less. Outputs, written in order, are
/// not: faulting in huge pages from several threads at once was slower as often as faster on a 2-core VM.
pub fn table_with_capacity<T>(len: u64) -> Result<Vec<T>, EngineError> {
    let mut out = vec_with_capacity(len)?;
    huge_pages::advise(&mut out);
    Ok(out)
}

/// Advice only: the contents, and so the output, are the same either way.
mod huge_pages {
    /// Buffers below this many bytes keep ordinary pages (a huge page would be mostly empty).
    const SMALLEST: usize = 8 << 20;
    const HUGE_PAGE: usize = 2 << 20;

    #[cfg(target_os = "linux")]
    pub(super) fn advise<T>(buffer: &mut Vec<T>) {
        let bytes = buffer.capacity().saturating_mul(size_of::<T>());
        if bytes < SMALLEST {
            return;
        }
        let start = buffer.as_mut_ptr() as usize;
        // Only the whole huge pages inside the buffer: madvise needs an aligned start, and memory outside the
        // buffer is not ours to advise.
        let first = start.next_multiple_of(HUGE_PAGE);
        let last = (start + bytes) / HUGE_PAGE * HUGE_PAGE;
        if last > first {
            // SAFETY: [first, last) lies inside the buffer's allocation, which this Vec owns; MADV_HUGEPAGE
            // changes how the kernel backs those pages, never their contents. A refusal (THP off) is ignored.
            unsafe { libc::madvise(first as *mut libc::c_void, last - first, libc::MADV_HUGEPAGE) };
        }
    }

    #[cfg(not(target_os = "linux"))]
    pub(super) fn advise<T>(_buffer: &mut Vec<T>) {}
}

/// Room for `extra` more items in `out` (amortised, as `Vec::reserve`), or `Allocation`.
pub fn reserve<T>(out: &mut Vec<T>, extra: u64) -> Result<(), EngineError> {
    let failed = || EngineError::Allocation { elements: extra.into() };
    out.try_reserve(usize::try_from(extra).map_err(|_| failed())?)
        .map_err(|_| failed())
}

/// Room for `extra` more entries in `map`, or `Allocation`.
pub fn reserve_map<K: Eq + Hash, V>(map: &mut HashMap<K, V>, extra: u64) -> Result<(), EngineError> {
    let failed = || EngineError::Allocation { elements: extra.into() };
    let extra = usize::try_from(extra).map_err(|_| failed())?;
    map.try_reserve(extra).map_err(|_| failed())
}

/// `len` zeros (`T::default()`), with fallible allocation.
pub fn zeroed<T: Clone + Default>(len: u64) -> Result<Vec<T>, EngineError> {
    let mut out = vec_with_capacity(len)?;
    // The capacity is at least len, so this cannot reallocate (len fits usize: checked above).
    out.resize(len as usize, T::default());
    Ok(out)
}

/// `out` lengthened with zeros (`T::default()`) to at least `len` entries, with fallible allocation.
pub fn grow_zeroed<T: Clone + Default>(out: &mut Vec<T>, len: usize) -> Result<(), EngineError> {
    if out.len() < len {
        reserve(out, (len - out.len()) as u64)?;
        out.resize(len, T::default());
    }
    Ok(())
}

/// A copy of `items` made with fallible allocation.
pub fn copy_of<T: Clone>(items: &[T]) -> Result<Vec<T>, EngineError> {
    let mut out = vec_with_capacity(items.len() as u64)?;
    out.extend_from_slice(items);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_allocations_fail_without_aborting() {
        assert_eq!(
            vec_with_capacity::<i64>(1 << 62).unwrap_err(),
            EngineError::Allocation { elements: 1 << 62 }
        );
        assert!(vec_with_capacity::<i64>(u64::MAX).is_err());
        assert_eq!(vec_with_capacity::<i64>(10).unwrap().capacity(), 10);
        assert!(reserve_map(&mut HashMap::<u64, u64>::new(), u64::MAX).is_err());
    }

    #[test]
    fn advised_buffers_hold_what_is_written() {
        // Sizes around the huge-page threshold and alignment: advice never changes what the buffer holds.
        for len in [1 << 20, (8 << 17) - 1, 8 << 17, (3 << 20) + 5] {
            let mut out = table_with_capacity::<u64>(len).unwrap();
            out.extend((0..len).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
            assert!(
                out.iter()
                    .zip(0..len)
                    .all(|(&v, i)| v == i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            );
        }
    }
}
