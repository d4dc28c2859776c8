//! The thread rule (spec §12): a seekable function's output is split into chunks filled on several threads,
//! each chunk being the serial function from its own first position, so the output never depends on them.

use std::sync::atomic::{AtomicUsize, Ordering};

use std::mem::MaybeUninit;

use crate::alloc::vec_with_capacity;
use crate::error::EngineError;
use crate::limits::IntRange;

/// Thread counts accepted by `set_num_threads`.
pub const THREAD_COUNTS: IntRange = IntRange {
    lo: 1,
    hi: 1 << 16,
    hi_text: "65536",
};
/// Chunk sizes accepted by `set_min_chunk` (a testing knob: any value gives the same output).
pub const CHUNK_SIZES: IntRange = IntRange {
    lo: 1,
    hi: 1 << 64,
    hi_text: "2**64",
};
/// The smallest chunk a thread is given by default: work below 2·2^16 outputs stays on one thread, so a sampler's
/// iteration chunk (2^16, made ahead while Python consumes the last) takes one core and leaves the consumer its own.
pub const DEFAULT_MIN_CHUNK: usize = 1 << 16;
/// The environment variable read once, when no count was set: a thread count ≥ 1.
pub const ENV_NUM_THREADS: &str = "FERROSAMPLER_NUM_THREADS";

// 0 = not decided yet (the environment or the machine decides on first use).
static NUM_THREADS: AtomicUsize = AtomicUsize::new(0);
static MIN_CHUNK: AtomicUsize = AtomicUsize::new(DEFAULT_MIN_CHUNK);

/// The threads a large fill uses: `set_num_threads`, else FERROSAMPLER_NUM_THREADS, else the cores.
pub fn num_threads() -> usize {
    let set = NUM_THREADS.load(Ordering::Relaxed);
    if set != 0 {
        return set;
    }
    let from_env = std::env::var(ENV_NUM_THREADS)
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .filter(|&n| THREAD_COUNTS.contains(n.into()))
        .and_then(|n| usize::try_from(n).ok());
    let decided = from_env.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    // A racing set_num_threads wins; either value is a valid count.
    let _ = NUM_THREADS.compare_exchange(0, decided, Ordering::Relaxed, Ordering::Relaxed);
    NUM_THREADS.load(Ordering::Relaxed).max(1)
}

pub fn set_num_threads(n: u64) -> Result<(), EngineError> {
    let n = THREAD_COUNTS.check("n", n.into())?;
    NUM_THREADS.store(usize::try_from(n).unwrap_or(1), Ordering::Relaxed);
    Ok(())
}

pub fn min_chunk() -> usize {
    MIN_CHUNK.load(Ordering::Relaxed).max(1)
}

/// The smallest chunk given to a thread (outputs are identical at every value; tests sweep it).
pub fn set_min_chunk(n: u64) -> Result<(), EngineError> {
    let n = CHUNK_SIZES.check("n", n.into())?;
    MIN_CHUNK.store(usize::try_from(n).unwrap_or(usize::MAX), Ordering::Relaxed);
    Ok(())
}

/// Fills `out` by `work(first, chunk)`, `first` the index in `out` of the chunk's first entry: one chunk
/// per thread, each at least `min_chunk()` long. The first error in chunk order is returned.
pub fn fill<T, W>(out: &mut [T], work: W) -> Result<(), EngineError>
where
    T: Send,
    W: Fn(u64, &mut [T]) -> Result<(), EngineError> + Sync,
{
    fill_at_least(out, min_chunk(), work)
}

/// `fill` for items that each cost about `weight` plain outputs (a window of `weight` samples, say): each
/// chunk holds at least ⌈min_chunk()/weight⌉ items, so a call with little work stays on one thread.
pub fn fill_weighted<T, W>(out: &mut [T], weight: u64, work: W) -> Result<(), EngineError>
where
    T: Send,
    W: Fn(u64, &mut [T]) -> Result<(), EngineError> + Sync,
{
    let weight = usize::try_from(weight.max(1)).unwrap_or(usize::MAX);
    fill_at_least(out, min_chunk().div_ceil(weight), work)
}

/// `fill` with chunks of at least `least` items (at least 1).
fn fill_at_least<T, W>(out: &mut [T], least: usize, work: W) -> Result<(), EngineError>
where
    T: Send,
    W: Fn(u64, &mut [T]) -> Result<(), EngineError> + Sync,
{
    let cuts = thread_cuts(out.len(), least, |at| at)?;
    fill_between(out, &cuts, work)
}

/// Where the threads' chunks meet: one chunk per thread, each at least `least` long, each boundary moved on by
/// `snap` (non-decreasing, snap(x) ≥ x) to where a chunk can start; none at 0 or past `len`.
fn thread_cuts(len: usize, least: usize, snap: impl Fn(usize) -> usize) -> Result<Vec<usize>, EngineError> {
    let threads = num_threads();
    let chunk = len.div_ceil(threads).max(least).max(1);
    let chunks = threads.min(len.div_ceil(chunk));
    let mut cuts = vec_with_capacity(chunks.saturating_sub(1) as u64)?;
    for thread in 1..chunks {
        // thread < chunks: thread·chunk < len, so `snap` only sees outputs.
        let at = snap(thread * chunk);
        if at >= len {
            break;
        }
        if cuts.last() != Some(&at) {
            cuts.push(at);
        }
    }
    Ok(cuts)
}

/// `work(first, chunk)` on the chunks of `out` between `cuts` (increasing, inside `out`), the first on the
/// calling thread and each other one on its own. The first error in chunk order is returned.
fn fill_between<T, W>(out: &mut [T], cuts: &[usize], work: W) -> Result<(), EngineError>
where
    T: Send,
    W: Fn(u64, &mut [T]) -> Result<(), EngineError> + Sync,
{
    if cuts.is_empty() {
        return work(0, out);
    }
    let work = &work;
    std::thread::scope(|scope| {
        let mut parts = Vec::new();
        let mut rest = out;
        let mut offset = 0usize;
        for &cut in cuts {
            let (part, tail) = rest.split_at_mut(cut.saturating_sub(offset).min(rest.len()));
            parts.push((offset, part));
            (rest, offset) = (tail, cut.max(offset));
        }
        parts.push((offset, rest));
        let mut parts = parts.into_iter();
        // The calling thread fills the first chunk itself.
        let first = parts.next();
        let mut handles = Vec::new();
        let mut results = Vec::new();
        for (offset, part) in parts {
            let job = move || work(offset as u64, part);
            match std::thread::Builder::new().spawn_scoped(scope, job) {
                Ok(handle) => handles.push(handle),
                // No thread to be had: the call fails (EngineError::Thread) rather than leave the chunk unfilled.
                Err(_) => results.push(Err(EngineError::Thread)),
            }
        }
        let head = first.map_or(Ok(()), |(_, part)| work(0, part));
        // A worker cannot panic (the core never does); if one did, its chunk is reported, not re-raised.
        let tails = handles
            .into_iter()
            .map(|handle| handle.join().unwrap_or(Err(EngineError::Thread)));
        let all: Vec<_> = std::iter::once(head).chain(tails).chain(results).collect();
        all.into_iter().collect::<Result<(), EngineError>>()
    })
}

/// Outputs a `fill_new` work call is given at a time: 128 KiB, zeroed just before it in the cache of the
/// thread that fills it (the output's first touch, page faults included, happens on the filling threads).
pub const PIECE: usize = 1 << 14;

/// A new vector of `len` outputs filled by `work(first, piece)` as `fill` does, piece by piece (each about
/// `PIECE` long, each the serial function from its own first position): the same output as `fill` on a
/// zeroed vector, without a serial zeroing pass over the whole output first.
pub fn fill_new<W>(len: u64, work: W) -> Result<Vec<i64>, EngineError>
where
    W: Fn(u64, &mut [i64]) -> Result<(), EngineError> + Sync,
{
    fill_new_with(len, |at| at, || Ok(()), |_, first, piece| work(first, piece))
}

/// `fill_new` whose work also gets a state made once per chunk by `init` (buffers and caches a thread reuses
/// from piece to piece; the output must not depend on it), and whose chunks and pieces start only where `snap`
/// moves them to (non-decreasing, snap(x) ≥ x: the next output a piece starts at cheaply), so a piece may be
/// longer than `PIECE`.
pub fn fill_new_with<S, I, W>(
    len: u64,
    snap: impl Fn(u64) -> u64 + Sync,
    init: I,
    work: W,
) -> Result<Vec<i64>, EngineError>
where
    I: Fn() -> Result<S, EngineError> + Sync,
    W: Fn(&mut S, u64, &mut [i64]) -> Result<(), EngineError> + Sync,
{
    let mut out: Vec<MaybeUninit<i64>> = vec_with_capacity(len)?;
    // Within the capacity (len fits usize: vec_with_capacity checked it), so no reallocation; writes nothing.
    out.resize_with(len as usize, MaybeUninit::uninit);
    let snap_index = |at: usize| usize::try_from(snap(at as u64)).unwrap_or(usize::MAX);
    let cuts = thread_cuts(out.len(), min_chunk(), snap_index)?;
    fill_between(&mut out, &cuts, |first, chunk: &mut [MaybeUninit<i64>]| {
        let mut state = init()?;
        let mut at = first;
        let mut rest = chunk;
        while !rest.is_empty() {
            let end = snap_index(at as usize + PIECE);
            let length = end.saturating_sub(at as usize).clamp(1, rest.len());
            let (piece, tail) = rest.split_at_mut(length);
            rest = tail;
            for slot in piece.iter_mut() {
                slot.write(0);
            }
            // SAFETY: every element of `piece` was initialised just above, and MaybeUninit<i64> has the
            // layout of i64, so the slice is a valid &mut [i64] over the same memory for the same lifetime.
            let piece: &mut [i64] = unsafe { &mut *(piece as *mut [MaybeUninit<i64>] as *mut [i64]) };
            work(&mut state, at, piece)?;
            at += piece.len() as u64;
        }
        Ok(())
    })?;
    let mut out = std::mem::ManuallyDrop::new(out);
    // SAFETY: `fill_between` returned Ok, so every chunk of `out` (the chunks cover it) ran to the end, and
    // each of its pieces (they cover the chunk) was initialised (zeroed) before `work` saw it: all `len` entries
    // are initialised i64s. MaybeUninit<i64> has the size and alignment of i64, so the allocation (pointer,
    // length, capacity, owned once: `out` is never dropped) is a valid Vec<i64>.
    Ok(unsafe { Vec::from_raw_parts(out.as_mut_ptr().cast::<i64>(), out.len(), out.capacity()) })
}
