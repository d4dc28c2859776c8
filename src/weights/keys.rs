//! Weighted sampling without replacement by exponential keys (spec §8.2): index i's key is −ln(U_i)/q_i with
//! U_i from u64 draw i, the k smallest keys in key order (ties by index) — successive sampling, in parallel.

use std::collections::BinaryHeap;

use crate::alloc::vec_with_capacity;
use crate::error::EngineError;
use crate::keystream::{Keystream, MAIN};
use crate::limits::check_epoch;
use crate::threads;
use crate::weights::masses::check_masses;
use crate::weights::without_replacement::check_k;

/// The fixed point of the logarithm: E is an integer F with E ≈ F / 2^122.
pub const LOG_SHIFT: i32 = 122;
/// Terms of S(δ) = Σ δ^m / (m + 1): the tail is below 2^-63 for δ ≤ 1/128.
const SERIES_TERMS: usize = 9;
/// C[m] = ⌊2^63 / (m + 1)⌋ (Q63).
const SERIES: [u64; SERIES_TERMS] = {
    let mut c = [0u64; SERIES_TERMS];
    let mut m = 0;
    while m < SERIES_TERMS {
        c[m] = (1u64 << 63) / (m as u64 + 1);
        m += 1;
    }
    c
};
/// LOG_TABLE[j − 127] = −ln((j + 1)/256) · 2^122 rounded to nearest, j = 127 … 255 (the reference computes
/// them exactly; the golden vectors of `exponential` cover every entry).
#[rustfmt::skip]
const LOG_TABLE: [u128; 129] = [
    0x02c5c85fdf473de6af278ece600fcbdb, 0x02bdd055448324047019b48d7b98c1cf,
    0x02b5e80b86c93bf4c7582193f6526d2f, 0x02ae0f44d7718ccc05ff9981eea40bbd,
    0x02a645c4d0cf0ae6622e92ba9853415c, 0x029e8b506b49c3275d24d88e0a9da212,
    0x0296dfadf2e183ee22bda98a837b1b82, 0x028f42a4fd145a692a0d653eac223036,
    0x0287b3fe5f247899ec2dfbeb823965f8, 0x0280338424b952630d9e1e7168c33449,
    0x0278c10186d7f6a464c180f61edb7e07, 0x02715c42e32edce90a89552cb751867a,
    0x026a0515b3b190b83f9527e6aba8f2d8, 0x0262bb488680d162d874be24c8591ecd,
    0x025b7eaaf61be8591af84623ef2538bc, 0x02544f0da1d820da57cf2f105a890600,
    0x024d2c42269b724f077d6eced8155385, 0x0246161b17d792fc066e48667b4692eb,
    0x023f0c6bf8c2cb1b7a6c02fc59fa576a, 0x02380f0935cc00e566f76b87333891e1,
    0x02311dc81e4794cc4ef8ab465057f897, 0x022a387ede52c244d0bad8a36e85cf21,
    0x02235f0478eb54f37088c4469c1edb79, 0x021c9130c2399c299807801741b6fea4,
    0x0215cedc5a0a9f486b887e7e2706ae03, 0x020f17e0a678ad024483dbebfa3eeda3,
    0x02086c17cec0759dd00c35630fdf8ba8, 0x0201cb5cb640f5622e2746c271c31004,
    0x01fb358af7a48842fd1e0b249a4b182a, 0x01f4aa7ee03192cde56f014a8b436a9c,
    0x01ee2a156b413e4fe8b48e04a1a81d7d, 0x01e7b42c3ddad7355f591a85ef1a7ccc,
    0x01e148a1a2726cd94df8cdd6c811fec8, 0x01dae75484c9615bd29f239e9667c853,
    0x01d490246defa6b75fd34ecf501adb30, 0x01ce42f1806474341e609c2ca7ce3b33,
    0x01c7ff9c74554c92447d5b6ca369358a, 0x01c1c60693fa39d900ffd1c30055744a,
    0x01bb9611b80e2fb0b7e814ccd90f0851, 0x01b56fa044629095252d841994ddfc56,
    0x01af5295248cdd06755b11774fa19dd2, 0x01a93ed3c8ad9e36f2bea77a5c80dcce,
    0x01a33440224fa78c8aff3af3ea3b98e6, 0x019d32bea15ed3b0c3de5e7e9f0c35ad,
    0x01973a3431356adcec5afd260f8e180d, 0x01914a8635bf68994ad119cf834ebc68,
    0x018b639a88b2df4a3c3431f71f3f3de5, 0x0185855776dcbfaade6666ef13ab25c5,
    0x017fafa3bd8151bede6fdb532c489799, 0x0179e26687cfb3d8fa5dfa2ef0376760,
    0x01741d876c67bb161293b8c16560b34c, 0x016e60ee6af19721657c222d868cd7d7,
    0x0168ac83e9c6a141a64eadd740178673, 0x01630030b3aac493b8319ca3fff328f4,
    0x015d5bddf595f2fa6afbadcd11d76276, 0x0157bf753c8d1fadedee5d40ee939cd8,
    0x01522ae0738a3d7ce102c98eb2d0d444, 0x014c9e09e172c3beedc9ea4eb85a2b84,
    0x014718dc271c41b063ed305315bbbafe, 0x01419b423d5e8c721b7648704e7231b7,
    0x013c25277333183b54b606bd5c4e750b, 0x0136b6776be1116ecdb0f177c7a7257c,
    0x01314f1e1d35ce3b0a59bd868f08e0f0, 0x012bef07cdc93539f494a009e7de0c66,
    0x01269621134db92783beb7676c0aa9c3, 0x01214456d0eb8d43ef5d235d74c13911,
    0x011bf99635a6b94ddaa28f7b6dbb95eb, 0x0116b5ccbacfb7359bef4a2d024d4b17,
    0x011178e8227e47bde338b41fc72de81e, 0x010c42d676162e31162c79d5d11ee41e,
    0x0107138604d5862736c5bb53a44e1f44, 0x0101eae5626c690f73eb7a16b668f3ac,
    0x00fcc8e3659d9bcbecca0cdf301431b6, 0x00f7ad6f26e7ff2ef754d2238f75f96a,
    0x00f29877ff388090913b020fa1820c95, 0x00ed89ed86a44a01aa11d49f96cb8831,
    0x00e881bf932af3dac0c524848e3443e0, 0x00e37fde37807b84e34e9a750b6b6878,
    0x00de8439c1dec568774d57da945b5d0b, 0x00d98ec2bade71e53958a98f2ad65bef,
    0x00d49f69e456cf1b795f53bd2e406e67, 0x00cfb6203844b3209ad0cb02f33f79c1,
    0x00cad2d6e7b80bf9142c507fb7a3d0bf, 0x00c5f57f59c7f46155aa8b6997a402bf,
    0x00c11e0b2a8d1e0ddb9a631e830fd309, 0x00bc4c6c2a226399ef8f6ebcfb2016a4,
    0x00b780945bab55dce434c7bc3d327510, 0x00b2ba75f46099cf8b2c3c2e77904afa,
    0x00adfa035aa1ed8fdc149767e410316d, 0x00a93f2f250dac67d1cad2fb8d48054b,
    0x00a489ec199dab06f2a9fb6cf0ecb412, 0x009fda2d2cc9465c4f032b9565f53552,
    0x009b2fe580ac80b17d411a5b944aca87, 0x00968b08643409ceb665c0da506a0885,
    0x0091eb89524e100d238fd3df5c52d67e, 0x008d515bf11fb94f1c88713268840cbd,
    0x0088bc74113f23def19c5a0fe396f40f, 0x00842cc5acf1d034451fecdfa819b961,
    0x007fa244e76f55965360bdea06c6c949, 0x007b1ce60c28447f2ea033743f9607ba,
    0x00769c9d8e111a89401fa71733018beb, 0x0072216006f12c8da38cb559a6705e67,
    0x006dab2236b56c6f7fd408971ad30732, 0x006939d902c6f0dea4a35dfc1bda6990,
    0x0064cd7975652622b8757a8fb3349422, 0x006065f8bd038fc06e7cb7fefbb50a3e,
    0x005c034c2bab0383d1b533bda645f611, 0x0057a569365e472df38745c5c450a7f8,
    0x00534c457481fab1769f42c7842cbd9d, 0x004ef7d69f47b990bd4bb69dada2fb65,
    0x004aa812911c5e922ea2c72d05c08e2d, 0x00465cef4519559b4553e4c2ca985229,
    0x00421662d678e81a228ff66fd40cdcb0, 0x003dd463800d70f760d81b62424c9e2a,
    0x003996e79bbb65970db827d7f8816358, 0x00355de5a1f621f8346a77685c15b918,
    0x00312954293f66866a2fa5d98288f315, 0x002cf929e5a976b08209f3282f301b0c,
    0x0028cd5da85bc7d319148405af641372, 0x0024a5e65f1a307d35c0436cf537508f,
    0x002082bb13ce8888e02e78eba9b1113c, 0x001c63d2ec14aaf18c7f3d65e509e638,
    0x0018492528c8cabe8b9b4be7981664a4, 0x001432a925980cc09cc9431bfef9b696,
    0x001020565893584749f23a105b9c7bba, 0x000c122451c45155104b16137f09a003,
    0x0008080abac46f38946662d417ced008, 0x00040201565622cd5f96638cf63676ce,
    0x00000000000000000000000000000000,
];
/// ln 2 · 2^122 rounded.
const LN2: u128 = LOG_TABLE[0];
/// 2^-122, exact.
const UNSCALE: f64 = 1.0 / (1u128 << 122) as f64;
/// R[j − 127] = ⌈2^72 / (j + 1)⌉ − 2^64 for j ≥ 128 (each in [0, 2^64)): ⌊N / (j + 1)⌋ = ⌊N·(2^64 + R) / 2^72⌋ for
/// every N < 2^64, since the product's excess N·(⌈2^72/d⌉ − 2^72/d)/2^72 < 2^-8 ≤ 1/d never reaches the next
/// integer (j = 127, a divisor of 128, is a shift).
const RECIPROCALS: [u64; 129] = {
    let mut r = [0u64; 129];
    let mut j = 0;
    while j < 129 {
        let d = j as u128 + 128;
        r[j] = (((1u128 << 72) + d - 1) / d).saturating_sub(1u128 << 64) as u64;
        j += 1;
    }
    r
};

/// ⌊n / (j + 1)⌋ for n < 2^64 and 127 ≤ j ≤ 255, by a multiplication (the division's latency is the logarithm's).
#[inline]
fn divide(n: u64, j: u64) -> u64 {
    if j == 127 {
        return n >> 7;
    }
    let r = RECIPROCALS.get((j - 127) as usize).copied().unwrap_or(0);
    ((u128::from(n) + ((u128::from(n) * u128::from(r)) >> 64)) >> 8) as u64
}

/// `f as f64 · 2^-122` for 2^58 ≤ f < 2^128, the conversion rounded to nearest: the top 64 bits with a sticky bit
/// for the rest, halved to a signed conversion, then an exact power-of-two scale (no branch on the magnitude).
#[inline]
fn unscaled(f: u128) -> f64 {
    let (hi, lo) = ((f >> 64) as u64, f as u64);
    if hi == 0 {
        return lo as f64 * UNSCALE;
    }
    let lz = hi.leading_zeros();
    let top = (hi << lz) | ((lo >> 1) >> (63 - lz));
    let sticky = u64::from((lo << lz) != 0);
    let half = (top >> 1) | (top & 1) | sticky;
    half as i64 as f64 * f64::from_bits(u64::from(1023 - 57 - lz) << 52)
}

/// E = −ln(U), U = 1 − x/2^64 ∈ (0, 1], for a u64 draw x: integer steps, then one correctly rounded
/// conversion (relative error below 2^-52, spec §8.2).
#[inline]
pub fn exponential(x: u64) -> f64 {
    if x == 0 {
        return 0.0;
    }
    let u = x.wrapping_neg(); // 2^64 − x: 1 ≤ u < 2^64, U = u / 2^64
    let e = u.leading_zeros();
    let a = u << e; // 2^63 ≤ a < 2^64: U = 2^-e · a / 2^64
    let j = (a - 1) >> 56; // j·2^56 < a ≤ (j + 1)·2^56, 127 ≤ j ≤ 255
    let gap = ((j + 1) << 56).wrapping_sub(a); // D < 2^56 ((j + 1)·2^56 wraps to 0 at j = 255)
    let d = divide(gap << 8, j); // δ = D / ((j + 1)·2^56) in Q64, ⌊(D·2^8)/(j + 1)⌋: exact for j = 255
    let mut h = SERIES[SERIES_TERMS - 1];
    for &c in SERIES[..SERIES_TERMS - 1].iter().rev() {
        h = c + ((u128::from(h) * u128::from(d)) >> 64) as u64; // Horner: S(δ) in Q63
    }
    let table = LOG_TABLE.get((j - 127) as usize).copied().unwrap_or(0);
    // E · 2^122 = e·ln 2 − ln((j + 1)/256) − ln(1 − δ), below 64·ln 2 · 2^122 < 2^128.
    let f = u128::from(e) * LN2 + table + ((u128::from(d) * u128::from(h)) >> 5);
    unscaled(f)
}

/// Index `index`'s key and index as one integer, ordered as (key, index): the key's f64 bits (a non-negative
/// float, so its bits order as its value) above the index.
#[inline]
fn key_item(x: u64, mass: u64, index: usize) -> u128 {
    let key = exponential(x) / mass as f64;
    (u128::from(key.to_bits()) << 64) | index as u128
}

/// k distinct indices from the integer masses (§7.1's result), k ≤ the number of non-zero masses.
pub fn weighted_keys(masses: &[u64], seed: u64, epoch: u64, k: u64) -> Result<Vec<i64>, EngineError> {
    let nonzero = check_masses(masses)?;
    check_k(k, nonzero)?;
    select(masses, seed, epoch, k)
}

/// Selections with k at most this fraction of the non-zero masses keep a bounded heap per part.
const PARTIAL_RATIO: u64 = 32;

/// The k smallest keys' indices in key order, for masses and k already checked.
pub(crate) fn select(masses: &[u64], seed: u64, epoch: u64, k: u64) -> Result<Vec<i64>, EngineError> {
    check_epoch(epoch)?;
    if k == 0 {
        return Ok(Vec::new());
    }
    let candidates = if masses.len() <= SMALL {
        sorted_all(masses, seed, epoch)?
    } else if k.saturating_mul(PARTIAL_RATIO) <= masses.len() as u64 {
        smallest_by_parts(masses, seed, epoch, k)?
    } else {
        sorted_prefix(masses, seed, epoch, k)?
    };
    let mut out = vec_with_capacity(k)?;
    out.extend(candidates.iter().take(k as usize).map(|&item| (item as u64) as i64));
    Ok(out)
}

/// Populations up to this size are keyed and sorted whole, on one thread.
const SMALL: usize = 1 << 12;

/// Every non-zero mass's keyed index, sorted.
fn sorted_all(masses: &[u64], seed: u64, epoch: u64) -> Result<Vec<u128>, EngineError> {
    let mut items: Vec<u128> = vec_with_capacity(masses.len() as u64)?;
    for_each_draw(seed, epoch, 0, masses.len(), |index, x| {
        if let Some(&mass) = masses.get(index)
            && mass > 0
        {
            items.push(key_item(x, mass, index));
        }
    })?;
    items.sort_unstable();
    Ok(items)
}

/// Draws read from the keystream at a time.
const DRAW_BATCH: usize = 128;

/// Calls `visit(index, x)` for indices `first .. first + count` with x their u64 draw (words 2i, 2i + 1).
fn for_each_draw(
    seed: u64,
    epoch: u64,
    first: usize,
    count: usize,
    mut visit: impl FnMut(usize, u64),
) -> Result<(), EngineError> {
    let mut stream = Keystream::new(seed, MAIN, epoch)?.at_word(2 * first as u128);
    let mut words = [0u32; 2 * DRAW_BATCH];
    let mut index = first;
    let end = first + count;
    while index < end {
        let batch = (end - index).min(DRAW_BATCH);
        let Some(words) = words.get_mut(..2 * batch) else { break };
        stream.fill_words(words);
        for pair in words.chunks_exact(2) {
            let &[lo, hi] = pair else { break };
            visit(index, u64::from(lo) | (u64::from(hi) << 32));
            index += 1;
        }
    }
    Ok(())
}

/// Mantissa bits a full sort's bucket adds to the key's exponent.
const BUCKET_BITS: u32 = 10;
/// The f64 bits of 2^-129: every key is 0 or in [2^-128, 2^6) (E ≥ 2^-64 unless 0, E < 64·ln 2, 1 ≤ q < 2^64).
const LOWEST_KEY: u64 = (1023 - 129) << 52;
/// A key's bucket: its binade from 2^-129 and the top BUCKET_BITS bits of its mantissa (0 holds the key 0), so
/// buckets ascend with the keys.
#[inline]
fn bucket_of(item: u128) -> usize {
    (((item >> 64) as u64).saturating_sub(LOWEST_KEY) >> (52 - BUCKET_BITS)) as usize
}
/// Buckets up to the key 2^6 (which no key reaches).
const BUCKETS: usize = ((135u64 << BUCKET_BITS) + 1) as usize;

/// Every non-zero mass's keyed index, sorted up to the k-th: each part of the indices (one per engine thread)
/// computes its keys, places them by bucket (a counting pass) and sorts its buckets, on its own thread; the parts'
/// sorted runs are then merged (the order is total, so the result is independent of the split).
fn sorted_prefix(masses: &[u64], seed: u64, epoch: u64, k: u64) -> Result<Vec<u128>, EngineError> {
    let n = masses.len();
    let parts = threads::num_threads().clamp(1, PARTS).min(n.max(1));
    let size = n.div_ceil(parts);
    let mut runs: Vec<Vec<u128>> = vec_with_capacity(parts as u64)?;
    for _ in 0..parts {
        runs.push(Vec::new());
    }
    threads::fill_weighted(&mut runs, size as u64, |first, chunk| {
        for (offset, run) in chunk.iter_mut().enumerate() {
            let lo = (first as usize + offset) * size;
            let hi = (lo + size).min(n);
            *run = sorted_part(masses, seed, epoch, lo, hi)?;
        }
        Ok(())
    })?;
    // Pairwise merges, the runs in index order (any order gives the same result).
    while runs.len() > 1 {
        let mut merged: Vec<Vec<u128>> = vec_with_capacity(runs.len().div_ceil(2) as u64)?;
        let mut pending = runs.into_iter();
        while let Some(left) = pending.next() {
            match pending.next() {
                Some(right) => merged.push(merge(&left, &right, if merged.is_empty() { k } else { u64::MAX })?),
                None => merged.push(left),
            }
        }
        runs = merged;
    }
    Ok(runs.pop().unwrap_or_default())
}

/// The first `limit` items of two sorted runs, merged.
fn merge(left: &[u128], right: &[u128], limit: u64) -> Result<Vec<u128>, EngineError> {
    let len = (left.len() + right.len()).min(usize::try_from(limit).unwrap_or(usize::MAX));
    let mut out: Vec<u128> = vec_with_capacity(len as u64)?;
    let (mut a, mut b) = (left.iter().peekable(), right.iter().peekable());
    while out.len() < len {
        let next = match (a.peek(), b.peek()) {
            (Some(&&x), Some(&&y)) if x <= y => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        };
        let Some(&item) = next else { break };
        out.push(item);
    }
    Ok(out)
}

/// The keyed items of indices `lo .. hi`, sorted: placed by bucket, then each bucket sorted.
fn sorted_part(masses: &[u64], seed: u64, epoch: u64, lo: usize, hi: usize) -> Result<Vec<u128>, EngineError> {
    let masses = masses.get(lo..hi).unwrap_or(&[]);
    let mut items: Vec<u128> = vec_with_capacity(masses.len() as u64)?;
    let mut starts: Vec<usize> = vec_with_capacity(BUCKETS as u64 + 1)?;
    starts.resize(BUCKETS + 1, 0);
    for_each_draw(seed, epoch, lo, masses.len(), |index, x| {
        let mass = masses.get(index - lo).copied().unwrap_or(0);
        if mass > 0 {
            let item = key_item(x, mass, index);
            items.push(item);
            if let Some(count) = starts.get_mut(bucket_of(item) + 1) {
                *count += 1;
            }
        }
    })?;
    let mut total = 0;
    for start in starts.iter_mut() {
        total += *start;
        *start = total;
    }
    let mut sorted: Vec<u128> = vec_with_capacity(items.len() as u64)?;
    sorted.resize(items.len(), 0);
    let mut next: Vec<usize> = vec_with_capacity(BUCKETS as u64)?;
    next.extend_from_slice(starts.get(..BUCKETS).unwrap_or(&[]));
    for &item in &items {
        if let Some(at) = next.get_mut(bucket_of(item))
            && let Some(slot) = sorted.get_mut(*at)
        {
            *slot = item;
            *at += 1;
        }
    }
    drop(items);
    for pair in starts.windows(2) {
        if let [start, end] = *pair
            && end > start + 1
            && let Some(bucket) = sorted.get_mut(start..end)
        {
            bucket.sort_unstable();
        }
    }
    Ok(sorted)
}

/// Parts the indices are split into for a partial selection (each a bounded heap; the output is independent
/// of the count, which only spreads the work over threads).
const PARTS: usize = 64;

/// The k smallest keyed indices, sorted: each part of the indices keeps its k smallest in a heap (a key that
/// cannot beat the heap's largest is rejected from a lower bound, before its logarithm), then the parts merge.
fn smallest_by_parts(masses: &[u64], seed: u64, epoch: u64, k: u64) -> Result<Vec<u128>, EngineError> {
    let n = masses.len();
    let parts = PARTS.min(n).max(1);
    let size = n.div_ceil(parts);
    let mut heaps: Vec<Vec<u128>> = vec_with_capacity(parts as u64)?;
    for _ in 0..parts {
        heaps.push(Vec::new());
    }
    threads::fill_weighted(&mut heaps, size as u64, |first, chunk| {
        for (offset, heap) in chunk.iter_mut().enumerate() {
            let lo = (first as usize + offset) * size;
            let hi = (lo + size).min(n);
            *heap = part_smallest(masses, seed, epoch, k, lo, hi)?;
        }
        Ok(())
    })?;
    let total: usize = heaps.iter().map(Vec::len).sum();
    let mut merged: Vec<u128> = vec_with_capacity(total as u64)?;
    for heap in &heaps {
        merged.extend_from_slice(heap);
    }
    drop(heaps);
    merged.sort_unstable();
    Ok(merged)
}

/// −ln(1 − τ) ≥ τ: index i's key is at least (x/2^64)/q_i; with this margin (far above every rounding of the
/// key, spec §8.2's 2^-52) the bound's float, when above the heap's largest key, proves the key is too.
const BOUND_MARGIN: f64 = (1.0 - 1.0 / (1u64 << 20) as f64) / 18_446_744_073_709_551_616.0;

/// The k smallest keyed indices of `lo .. hi` (fewer if the part has fewer non-zero masses), unsorted.
fn part_smallest(masses: &[u64], seed: u64, epoch: u64, k: u64, lo: usize, hi: usize) -> Result<Vec<u128>, EngineError> {
    let k = k as usize;
    let mut storage: Vec<u128> = vec_with_capacity(k as u64 + 1)?;
    storage.clear();
    let mut heap = BinaryHeap::from(storage);
    let mut largest = f64::INFINITY;
    let masses = masses.get(lo..hi).unwrap_or(&[]);
    for_each_draw(seed, epoch, lo, hi.saturating_sub(lo), |index, x| {
        let mass = masses.get(index - lo).copied().unwrap_or(0);
        if mass == 0 || x as f64 * BOUND_MARGIN > largest * mass as f64 {
            return;
        }
        let item = key_item(x, mass, index);
        if heap.len() < k {
            heap.push(item);
        } else if let Some(mut top) = heap.peek_mut()
            && item < *top
        {
            *top = item;
        } else {
            return;
        }
        if heap.len() == k {
            largest = heap.peek().map_or(f64::INFINITY, |&top| f64::from_bits((top >> 64) as u64));
        }
    })?;
    Ok(heap.into_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two selections agree with each other on every k, at part boundaries and with zero masses.
    #[test]
    fn partial_selection_equals_sorted_prefix() {
        for n in [1usize, 2, 63, 64, 65, 200, 1000, 5000, 9001] {
            let masses: Vec<u64> = (0..n as u64).map(|i| (i * 2_654_435_761) % 7 * (i % 5)).collect();
            let nonzero = masses.iter().filter(|&&m| m > 0).count() as u64;
            for k in [0, 1, 2, nonzero / 40, nonzero / 2, nonzero] {
                let full = sorted_prefix(&masses, 3, 1, k.max(1)).unwrap();
                let parts = smallest_by_parts(&masses, 3, 1, k.max(1)).unwrap();
                let all = sorted_all(&masses, 3, 1).unwrap();
                let k = (k as usize).min(parts.len());
                assert_eq!(full[..k], parts[..k], "n={n} k={k}");
                assert_eq!(all[..k], parts[..k], "n={n} k={k}");
            }
        }
    }

    /// The reciprocal division is the integer division, the conversion the correctly rounded one.
    #[test]
    fn division_and_conversion_are_exact() {
        let mut y = 1u64;
        for i in 0..2_000_000u64 {
            y = y.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let j = 127 + i % 129;
            for n in [y, y >> (i % 64), u64::MAX - (i % 1000), (j + 1) * (y >> 9), (j + 1) * (y >> 9) - 1] {
                assert_eq!(divide(n, j), n / (j + 1), "n={n} j={j}");
            }
            let f = ((u128::from(y) << 64) | u128::from(y.rotate_left(17))) >> (i % 70);
            if f >= 1 << 58 {
                assert_eq!(unscaled(f).to_bits(), (f as f64 * UNSCALE).to_bits(), "f={f}");
            }
        }
    }

    #[test]
    fn exponential_ends() {
        assert_eq!(exponential(0), 0.0);
        assert_eq!(exponential(1), 2f64.powi(-64));
        assert_eq!(exponential(1 << 63), std::f64::consts::LN_2);
        assert_eq!(exponential(u64::MAX), 64.0 * std::f64::consts::LN_2);
    }
}
