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
const SERIES: [u64; SERIES_TERMS] = [
    1 << 63,
    (1 << 63) / 2,
    (1 << 63) / 3,
    (1 << 63) / 4,
    (1 << 63) / 5,
    (1 << 63) / 6,
    (1 << 63) / 7,
    (1 << 63) / 8,
    (1 << 63) / 9,
];
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
/// R[j − 127] = ⌈2^72 / (j + 1)⌉ − 2^64 for j ≥ 128 (each in [0, 2^64); R[0] unused): ⌊N / (j + 1)⌋ = ⌊N·(2^64 + R) / 2^72⌋ for
/// every N < 2^64, since the product's excess N·(⌈2^72/d⌉ − 2^72/d)/2^72 < 2^-8 ≤ 1/d never reaches the next
/// integer (j = 127, a divisor of 128, is a shift).
#[rustfmt::skip]
const RECIPROCALS: [u64; 129] = [
    0x0000000000000000, 0xfc07f01fc07f01fd, 0xf81f81f81f81f820, 0xf44659e4a4271580,
    0xf07c1f07c1f07c20, 0xecc07b301ecc07b4, 0xe9131abf0b7672a1, 0xe573ac901e573aca,
    0xe1e1e1e1e1e1e1e2, 0xde5d6e3f8868a471, 0xdae6076b981dae61, 0xd77b654b82c33918,
    0xd41d41d41d41d41e, 0xd0cb58f6ec07432e, 0xcd85689039b0ad13, 0xca4b3055ee19101d,
    0xc71c71c71c71c71d, 0xc3f8f01c3f8f01c4, 0xc0e070381c0e0704, 0xbdd2b899406f74af,
    0xbacf914c1bacf915, 0xb7d6c3dda338b2b0, 0xb4e81b4e81b4e81c, 0xb2036406c80d901c,
    0xaf286bca1af286bd, 0xac5701ac5701ac58, 0xa98ef606a63bd81b, 0xa6d01a6d01a6d01b,
    0xa41a41a41a41a41b, 0xa16d3f97a4b01a17, 0x9ec8e951033d91d3, 0x9c2d14ee4a1019c3,
    0x999999999999999a, 0x970e4f80cb8727c1, 0x948b0fcd6e9e0653, 0x920fb49d0e228d5a,
    0x8f9c18f9c18f9c19, 0x8d3018d3018d3019, 0x8acb90f6bf3a9a38, 0x886e5f0abb04994c,
    0x8618618618618619, 0x83c977ab2bedd28f, 0x8181818181818182, 0x7f405fd017f405fe,
    0x7d05f417d05f417e, 0x7ad2208e0ecc3546, 0x78a4c8178a4c8179, 0x767dce434a9b1018,
    0x745d1745d1745d18, 0x724287f46debc05d, 0x702e05c0b81702e1, 0x6e1f76b4337c6cb2,
    0x6c16c16c16c16c17, 0x6a13cd153729043f, 0x6816816816816817, 0x661ec6a5122f9017,
    0x642c8590b21642c9, 0x623fa7701623fa78, 0x6058160581605817, 0x5e75bb8d015e75bc,
    0x5c9882b931057263, 0x5ac056b015ac056c, 0x58ed2308158ed231, 0x571ed3c506b39a23,
    0x5555555555555556, 0x5390948f40feac70, 0x51d07eae2f8151d1, 0x5015015015015016,
    0x4e5e0a72f0539783, 0x4cab88725af6e750, 0x4afd6a052bf5a815, 0x49539e3b2d066ea3,
    0x47ae147ae147ae15, 0x460cbc7f5cf9a1c1, 0x446f86562d9faee5, 0x42d6625d51f86efa,
    0x4141414141414142, 0x3fb013fb013fb014, 0x3e22cbce4a9027c5, 0x3c995a47babe7441,
    0x3b13b13b13b13b14, 0x3991c2c187f63372, 0x3813813813813814, 0x3698df3de0747954,
    0x3521cfb2b78c1353, 0x33ae45b57bcb1e0d, 0x323e34a2b10bf66f, 0x30d190130d190131,
    0x2f684bda12f684be, 0x2e025c04b8097013, 0x2c9fb4d812c9fb4e, 0x2b404ad012b404ae,
    0x29e4129e4129e413, 0x288b01288b01288c, 0x27350b88127350b9, 0x25e22708092f1139,
    0x2492492492492493, 0x23456789abcdf013, 0x21fb78121fb78122, 0x20b470c67c0d8876,
    0x1f7047dc11f7047e, 0x1e2ef3b3fb874432, 0x1cf06ada2811cf07, 0x1bb4a4046ed29012,
    0x1a7b9611a7b9611b, 0x19453808ca29c047, 0x1811811811811812, 0x16e0689427378eb5,
    0x15b1e5f75270d046, 0x1485f0e0acd3b68d, 0x135c81135c81135d, 0x12358e75d30336a1,
    0x1111111111111112, 0x0fef010fef010ff0, 0x0ecf56be69c8fde3, 0x0db20a88f469598d,
    0x0c9714fbcda3ac11, 0x0b7e6ec259dc7936, 0x0a6810a6810a6811, 0x0953f39010953f3a,
    0x0842108421084211, 0x073260a47f7c66d0, 0x0624dd2f1a9fbe77, 0x05197f7d73404147,
    0x0410410410410411, 0x03091b51f5e1a4ef, 0x0204081020408103, 0x0101010101010102,
    0x0000000000000000,
];

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
        return sorted_prefix(masses, seed, epoch, k);
    };
    indices(&candidates, &[], k)
}

/// The indices of the first k items of two sorted runs, merged (the index is an item's low 64 bits).
fn indices(left: &[u128], right: &[u128], k: u64) -> Result<Vec<i64>, EngineError> {
    merged(left, right, k, |item| (item as u64) as i64)
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
const BUCKET_BITS: u32 = 12;
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

/// `part(lo, hi)` over `parts` equal spans [lo, hi) of the n indices, on the engine's threads, in span order.
fn by_parts<P>(n: usize, parts: usize, part: P) -> Result<Vec<Vec<u128>>, EngineError>
where
    P: Fn(usize, usize) -> Result<Vec<u128>, EngineError> + Sync,
{
    let size = n.div_ceil(parts);
    let mut out: Vec<Vec<u128>> = vec_with_capacity(parts as u64)?;
    for _ in 0..parts {
        out.push(Vec::new());
    }
    threads::fill_weighted(&mut out, size as u64, |first, chunk| {
        for (offset, slot) in chunk.iter_mut().enumerate() {
            let lo = (first as usize + offset) * size;
            *slot = part(lo, (lo + size).min(n))?;
        }
        Ok(())
    })?;
    Ok(out)
}

/// The indices of the k smallest keys, in order: each part of the indices (one per engine thread) computes its
/// keys, places them by bucket (a counting pass) and sorts its buckets, on its own thread; the parts' sorted runs
/// are then merged (the order is total, so the result is independent of the split).
fn sorted_prefix(masses: &[u64], seed: u64, epoch: u64, k: u64) -> Result<Vec<i64>, EngineError> {
    let n = masses.len();
    let parts = threads::num_threads().clamp(1, PARTS).min(n.max(1));
    let mut runs = by_parts(n, parts, |lo, hi| sorted_part(masses, seed, epoch, lo, hi))?;
    // Pairwise merges, the runs in index order (any order gives the same result; a run's first k hold all of
    // its items among the k smallest), down to two, which are merged into the indices.
    while runs.len() > 2 {
        let mut merged: Vec<Vec<u128>> = vec_with_capacity(runs.len().div_ceil(2) as u64)?;
        let mut pending = runs.into_iter();
        while let Some(left) = pending.next() {
            match pending.next() {
                Some(right) => merged.push(merge(&left, &right, k)?),
                None => merged.push(left),
            }
        }
        runs = merged;
    }
    let mut runs = runs.into_iter();
    let left = runs.next().unwrap_or_default();
    let right = runs.next().unwrap_or_default();
    indices(&left, &right, k)
}

/// The first `limit` items of two sorted runs, merged.
fn merge(left: &[u128], right: &[u128], limit: u64) -> Result<Vec<u128>, EngineError> {
    merged(left, right, limit, |item| item)
}

/// `out(item)` for the first `limit` items of two sorted runs, merged (ties to the left run).
fn merged<T>(left: &[u128], right: &[u128], limit: u64, out: impl Fn(u128) -> T) -> Result<Vec<T>, EngineError> {
    let len = (left.len() + right.len()).min(usize::try_from(limit).unwrap_or(usize::MAX));
    let mut items: Vec<T> = vec_with_capacity(len as u64)?;
    let (mut a, mut b) = (left.iter().peekable(), right.iter().peekable());
    while items.len() < len {
        let next = match (a.peek(), b.peek()) {
            (Some(&&x), Some(&&y)) if x <= y => a.next(),
            (Some(_), Some(_)) => b.next(),
            (Some(_), None) => a.next(),
            (None, _) => b.next(),
        };
        let Some(&item) = next else { break };
        items.push(out(item));
    }
    Ok(items)
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
    let heaps = by_parts(n, parts, |lo, hi| part_smallest(masses, seed, epoch, k, lo, hi))?;
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
fn part_smallest(
    masses: &[u64],
    seed: u64,
    epoch: u64,
    k: u64,
    lo: usize,
    hi: usize,
) -> Result<Vec<u128>, EngineError> {
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
            largest = heap
                .peek()
                .map_or(f64::INFINITY, |&top| f64::from_bits((top >> 64) as u64));
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
                let parts = indices(&smallest_by_parts(&masses, 3, 1, k.max(1)).unwrap(), &[], k.max(1)).unwrap();
                let all = indices(&sorted_all(&masses, 3, 1).unwrap(), &[], k.max(1)).unwrap();
                let k = (k as usize).min(parts.len());
                assert_eq!(full[..k], parts[..k], "n={n} k={k}");
                assert_eq!(all[..k], parts[..k], "n={n} k={k}");
            }
        }
    }

    /// The reciprocals are ⌈2^72 / (j + 1)⌉ − 2^64; the division by them is the integer division, the
    /// conversion the correctly rounded one.
    #[test]
    fn division_and_conversion_are_exact() {
        for (j, &r) in (128u64..=255).zip(RECIPROCALS.iter().skip(1)) {
            let m = (1u128 << 72).div_ceil(u128::from(j + 1));
            assert_eq!(u128::from(r), m.saturating_sub(1 << 64), "j={j}");
        }
        let mut y = 1u64;
        for i in 0..2_000_000u64 {
            y = y
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let j = 127 + i % 129;
            for n in [
                y,
                y >> (i % 64),
                u64::MAX - (i % 1000),
                (j + 1) * (y >> 9),
                (j + 1) * (y >> 9) - 1,
            ] {
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
