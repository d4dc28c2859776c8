//! Lane evaluation of the Feistel bijection (spec §5.2): many offsets at once, walkers compacted, the widest
//! SIMD kernel the CPU runs (`kernel::selected`); bit-identical to `Bijection::apply` per offset (no
//! reference twin needed).

use crate::kernel::{self, Kernel};
use crate::permutation::feistel::{Feistel, LANES};

/// out[k] = π(next()) by cycle walking into [0, n), with the engine's kernel.
pub(crate) fn walk(network: &Feistel, n: u64, out: &mut [i64], next: impl FnMut() -> u64) {
    walk_with(kernel::selected(), network, n, out, next);
}

/// out[k] = π(next()) by cycle walking into [0, n): the offsets of LANES outputs are evaluated together and
/// written in place; the values still ≥ n (the walkers) are pushed, branch-free, onto a pool that is
/// evaluated again once it holds LANES of them, each pass writing every walker to its slot (the last
/// write is the final value, < n) and keeping those still ≥ n. Identical to `apply` per offset.
pub(crate) fn walk_with(kernel: Kernel, network: &Feistel, n: u64, out: &mut [i64], mut next: impl FnMut() -> u64) {
    let mut fresh = [0u64; LANES];
    // Fewer than LANES walkers are kept between chunks and a chunk adds at most LANES.
    let mut values = [0u64; 2 * LANES];
    let mut slots = [0usize; 2 * LANES];
    let mut live = 0;
    let mut base = 0;
    while let Some(chunk) = out.get_mut(base..(base + LANES).min(out.len())) {
        if chunk.is_empty() {
            break;
        }
        let lane = fresh.get_mut(..chunk.len()).unwrap_or_default();
        for value in lane.iter_mut() {
            *value = next();
        }
        forward_all_with(kernel, network, lane);
        for (target, &value) in chunk.iter_mut().zip(lane.iter()) {
            // A value ≥ n is overwritten by a later pass; the final one is < n ≤ 2^63.
            *target = value as i64;
        }
        for (slot, &value) in (base..).zip(lane.iter()) {
            // live < 2·LANES (a power of two), so the mask only spares the bounds check.
            let at = live % (2 * LANES);
            if let (Some(v), Some(s)) = (values.get_mut(at), slots.get_mut(at)) {
                *v = value;
                *s = slot;
            }
            live += usize::from(value >= n);
        }
        base += chunk.len();
        // Repeated offsets (a stride that is a multiple of n, or 0) walk together: one pass may keep them all.
        while live >= LANES {
            live = advance(kernel, network, n, out, &mut values, &mut slots, live);
        }
    }
    while live > 0 {
        live = advance(kernel, network, n, out, &mut values, &mut slots, live);
    }
}

/// One pass over the first `live` walkers: E applied, each written to its slot, those still ≥ n kept at
/// the front (in order); returns how many are kept.
fn advance(
    kernel: Kernel,
    network: &Feistel,
    n: u64,
    out: &mut [i64],
    values: &mut [u64],
    slots: &mut [usize],
    live: usize,
) -> usize {
    let (Some(pool), Some(pool_slots)) = (values.get_mut(..live), slots.get_mut(..live)) else {
        return 0;
    };
    forward_all_with(kernel, network, pool);
    let mut kept = 0;
    for j in 0..live {
        let (Some(&value), Some(&slot)) = (pool.get(j), pool_slots.get(j)) else {
            break;
        };
        if let Some(target) = out.get_mut(slot) {
            *target = value as i64;
        }
        // kept ≤ j: the entry overwritten was read already.
        if let (Some(v), Some(s)) = (pool.get_mut(kept), pool_slots.get_mut(kept)) {
            *v = value;
            *s = slot;
        }
        kept += usize::from(value >= n);
    }
    kept
}

/// E applied to every value in place by `kernel` (the portable loop when this CPU lacks it); the same
/// integer arithmetic, so the same values, on every path.
pub(crate) fn forward_all_with(kernel: Kernel, network: &Feistel, values: &mut [u64]) {
    match kernel {
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx512 if kernel.is_available() => {
            // SAFETY: the CPU supports AVX-512 F and DQ (checked by `is_available`).
            unsafe { forward_all_avx512(network, values) }
        }
        #[cfg(target_arch = "x86_64")]
        Kernel::Avx2 if kernel.is_available() => {
            // SAFETY: the CPU supports AVX2 (checked by `is_available`).
            unsafe { forward_all_avx2(network, values) }
        }
        #[cfg(target_arch = "aarch64")]
        Kernel::Neon if kernel.is_available() => {
            // SAFETY: the CPU supports NEON (checked by `is_available`).
            unsafe { forward_all_neon(network, values) }
        }
        _ => forward_all_portable(network, values),
    }
}

/// The portable loop (LLVM does not vectorise 64-bit multiplies for AVX2 by itself).
pub(crate) fn forward_all_portable(network: &Feistel, values: &mut [u64]) {
    for value in values.iter_mut() {
        *value = network.forward(*value);
    }
}

/// The AVX2 kernel: `Feistel::forward` on 4 lanes per register, round-major over up to 64 registers so
/// the multipliers stay busy. A wrapping u64 product by c is lo(a)·lo(c) + ((hi(a)·lo(c) + lo(a)·hi(c))
/// << 32) from 32×32→64 multiplies; in a round's first product hi(a) = hi(key) is a per-round constant.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(crate) fn forward_all_avx2(network: &Feistel, values: &mut [u64]) {
    use crate::permutation::feistel::{MIX_1, MIX_2, ROUNDS};
    use core::arch::x86_64::*;
    const LOW: u64 = 0xFFFF_FFFF;
    let (hi_bits, lo_bits) = (network.hi_bits, network.lo_bits);
    let key_lo: [__m256i; ROUNDS] = core::array::from_fn(|r| splat(network.keys.get(r).map_or(0, |k| k & LOW)));
    let key_cross: [__m256i; ROUNDS] = core::array::from_fn(|r| {
        splat(
            network
                .keys
                .get(r)
                .map_or(0, |k| (k >> 32).wrapping_mul(MIX_1 & LOW) & LOW),
        )
    });
    let constants = Constants {
        c1_lo: splat(MIX_1 & LOW),
        c1_hi: splat(MIX_1 >> 32),
        c2_lo: splat(MIX_2 & LOW),
        c2_hi: splat(MIX_2 >> 32),
    };
    let lo_mask = splat((1u64 << lo_bits) - 1);
    let shift_lo = _mm_cvtsi32_si128(lo_bits as i32);
    let out_hi = _mm_cvtsi32_si128((64 - hi_bits) as i32);
    let out_lo = _mm_cvtsi32_si128((64 - lo_bits) as i32);
    for chunk in values.chunks_mut(256) {
        let mut hi = [_mm256_setzero_si256(); 64];
        let mut lo = [_mm256_setzero_si256(); 64];
        let mut used = 0;
        for ((quad, h), l) in chunk.chunks_exact(4).zip(hi.iter_mut()).zip(lo.iter_mut()) {
            // SAFETY: `quad` is 4 u64 = 32 bytes; an unaligned load.
            let x = unsafe { _mm256_loadu_si256(quad.as_ptr().cast()) };
            *h = _mm256_srl_epi64(x, shift_lo);
            *l = _mm256_and_si256(x, lo_mask);
            used += 1;
        }
        for r in (0..ROUNDS).step_by(2) {
            let (k0, x0) = (key_lo.get(r), key_cross.get(r));
            let (k1, x1) = (key_lo.get(r + 1), key_cross.get(r + 1));
            let (Some(&k0), Some(&x0), Some(&k1), Some(&x1)) = (k0, x0, k1, x1) else {
                break;
            };
            for (h, l) in hi.iter_mut().zip(lo.iter()).take(used) {
                *h = _mm256_xor_si256(*h, mix(*l, k0, x0, &constants, out_hi));
            }
            for (h, l) in hi.iter().zip(lo.iter_mut()).take(used) {
                *l = _mm256_xor_si256(*l, mix(*h, k1, x1, &constants, out_lo));
            }
        }
        for ((quad, h), l) in chunk.chunks_exact_mut(4).zip(hi.iter()).zip(lo.iter()) {
            let y = _mm256_or_si256(_mm256_sll_epi64(*h, shift_lo), *l);
            // SAFETY: `quad` is 4 u64 = 32 bytes; an unaligned store.
            unsafe { _mm256_storeu_si256(quad.as_mut_ptr().cast(), y) };
        }
        forward_all_portable(network, chunk.chunks_exact_mut(4).into_remainder());
    }
}

#[cfg(target_arch = "x86_64")]
struct Constants {
    c1_lo: core::arch::x86_64::__m256i,
    c1_hi: core::arch::x86_64::__m256i,
    c2_lo: core::arch::x86_64::__m256i,
    c2_hi: core::arch::x86_64::__m256i,
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn splat(value: u64) -> core::arch::x86_64::__m256i {
    core::arch::x86_64::_mm256_set1_epi64x(value as i64)
}

/// `round_function(v, key, m)` on 4 lanes, v < 2^32; `shift` holds 64 − m.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn mix(
    v: core::arch::x86_64::__m256i,
    key_lo: core::arch::x86_64::__m256i,
    key_cross: core::arch::x86_64::__m256i,
    c: &Constants,
    shift: core::arch::x86_64::__m128i,
) -> core::arch::x86_64::__m256i {
    use core::arch::x86_64::*;
    // The low 32 bits of v ⊕ key (v < 2^32, so its high half is hi(key), folded into key_cross).
    let u = _mm256_xor_si256(v, key_lo);
    let cross = _mm256_add_epi64(_mm256_mul_epu32(u, c.c1_hi), key_cross);
    let mut y = _mm256_add_epi64(_mm256_mul_epu32(u, c.c1_lo), _mm256_slli_epi64(cross, 32));
    y = _mm256_xor_si256(y, _mm256_srli_epi64(y, 32));
    let y_hi = _mm256_srli_epi64(y, 32);
    let cross = _mm256_add_epi64(_mm256_mul_epu32(y_hi, c.c2_lo), _mm256_mul_epu32(y, c.c2_hi));
    let z = _mm256_add_epi64(_mm256_mul_epu32(y, c.c2_lo), _mm256_slli_epi64(cross, 32));
    _mm256_srl_epi64(z, shift)
}

/// Networks up to this width have halves of at most 5 bits: every round function is a 32-entry byte table.
pub const SMALL_WIDTH: u32 = 10;
/// 2^SMALL_WIDTH: the values a small network maps.
pub const SMALL_VALUES: usize = 1 << SMALL_WIDTH;

/// Which way a small network's table maps: E (`forward`) or E⁻¹ (`backward`, the rounds in reverse order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Forward,
    Backward,
}

/// E(x) (or E⁻¹(x), `direction` Backward) for every x < 2^w (w = network width ≤ SMALL_WIDTH) into out[x]: each
/// round's F tabulated over its 2^half inputs (at most 32 evaluations), then the rounds applied to every value as
/// byte lookups (AVX2: 32 per shuffle). Identical to `forward` (`backward`) per value; `None` for a wider network.
pub(crate) fn small_network_toward(network: &Feistel, direction: Direction) -> Option<[u16; SMALL_VALUES]> {
    use crate::permutation::feistel::{ROUNDS, round_function};
    let (hi_bits, lo_bits) = (network.hi_bits, network.lo_bits);
    if hi_bits + lo_bits > SMALL_WIDTH {
        return None;
    }
    // Round r reads the half of lo_bits (r even) or hi_bits (r odd) and writes the other.
    let tables: [[u8; 32]; ROUNDS] = core::array::from_fn(|r| {
        let (in_bits, out_bits) = if r % 2 == 0 {
            (lo_bits, hi_bits)
        } else {
            (hi_bits, lo_bits)
        };
        let key = network.keys.get(r).copied().unwrap_or(0);
        // F's output has out_bits ≤ 5 bits: a byte.
        core::array::from_fn(|v| {
            if (v as u64) < (1u64 << in_bits) {
                round_function(v as u64, key, out_bits) as u8
            } else {
                0
            }
        })
    });
    Some(network_table(&tables, lo_bits, direction))
}

/// E(x) for every x < 2^SMALL_WIDTH from its round tables: (hi, lo) = ((x >> lo_bits) & 0x1F, x & (2^lo_bits − 1))
/// as bytes, hi ^= T_r[lo] (r even), lo ^= T_r[hi] (r odd), then hi << lo_bits | lo.
/// Backward applies the pairs in reverse order, each as lo ^= T_odd[hi], then hi ^= T_even[lo].
fn network_table(
    tables: &[[u8; 32]; crate::permutation::feistel::ROUNDS],
    lo_bits: u32,
    direction: Direction,
) -> [u16; SMALL_VALUES] {
    // AVX-512 CPUs run AVX2 too; FERROSAMPLER_KERNEL=scalar forces the portable rounds.
    #[cfg(target_arch = "x86_64")]
    {
        let selected = kernel::selected();
        if selected == Kernel::Avx512 && has_vbmi() {
            let mut out = [0u16; SMALL_VALUES];
            // SAFETY: the CPU supports AVX-512 F, BW and VBMI (checked just above).
            unsafe { network_table_avx512(tables, lo_bits, direction, &mut out) };
            return out;
        }
        if matches!(selected, Kernel::Avx2 | Kernel::Avx512) && std::is_x86_feature_detected!("avx2") {
            let mut out = [0u16; SMALL_VALUES];
            // SAFETY: the CPU supports AVX2 (checked just above).
            unsafe { network_table_avx2(tables, lo_bits, direction, &mut out) };
            return out;
        }
    }
    network_table_portable(tables, lo_bits, direction)
}

fn network_table_portable(
    tables: &[[u8; 32]; crate::permutation::feistel::ROUNDS],
    lo_bits: u32,
    direction: Direction,
) -> [u16; SMALL_VALUES] {
    let mut hi = [0u8; SMALL_VALUES];
    let mut lo = [0u8; SMALL_VALUES];
    let lo_mask = (1usize << lo_bits) - 1;
    for (x, (h, l)) in hi.iter_mut().zip(lo.iter_mut()).enumerate() {
        // Values past 2^w are computed too (masked the same way) and never read.
        *h = ((x >> lo_bits) & 0x1F) as u8;
        *l = (x & lo_mask) as u8;
    }
    rounds_portable(tables, direction, &mut hi, &mut lo);
    let mut out = [0u16; SMALL_VALUES];
    for (y, (&h, &l)) in out.iter_mut().zip(hi.iter().zip(lo.iter())) {
        *y = (u16::from(h) << lo_bits) | u16::from(l);
    }
    out
}

fn rounds_portable(
    tables: &[[u8; 32]; crate::permutation::feistel::ROUNDS],
    direction: Direction,
    hi: &mut [u8],
    lo: &mut [u8],
) {
    let look = |table: &[u8; 32], index: u8| table.get(usize::from(index & 0x1F)).copied().unwrap_or(0);
    let pairs = tables.len() / 2;
    for r in 0..pairs {
        let pair = match direction {
            Direction::Forward => r,
            Direction::Backward => pairs - 1 - r,
        };
        let (Some(even), Some(odd)) = (tables.get(2 * pair), tables.get(2 * pair + 1)) else {
            continue;
        };
        for (h, l) in hi.iter_mut().zip(lo.iter_mut()) {
            if direction == Direction::Forward {
                *h ^= look(even, *l);
                *l ^= look(odd, *h);
            } else {
                *l ^= look(odd, *h);
                *h ^= look(even, *l);
            }
        }
    }
}

/// `network_table` on AVX2, 32 values a step kept in registers: their (hi, lo) bytes made from 16-bit counters
/// (packed two registers to one, lanes interleaved, and unpacked back in the same order), 32 lookups per round
/// in two `pshufb` (each half of a table broadcast to both 128-bit lanes) chosen by the index's bit 4 (moved
/// to bit 7 for `blendv`), the outputs joined as 16-bit words.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn network_table_avx2(
    tables: &[[u8; 32]; crate::permutation::feistel::ROUNDS],
    lo_bits: u32,
    direction: Direction,
    out: &mut [u16; SMALL_VALUES],
) {
    use core::arch::x86_64::*;
    let halves: [[__m256i; 2]; crate::permutation::feistel::ROUNDS] = core::array::from_fn(|r| {
        let table = tables.get(r).copied().unwrap_or([0; 32]);
        // SAFETY: each half is 16 bytes; unaligned loads.
        let low = unsafe { _mm_loadu_si128(table.as_ptr().cast()) };
        let high = unsafe { _mm_loadu_si128(table.as_ptr().add(16).cast()) };
        [_mm256_broadcastsi128_si256(low), _mm256_broadcastsi128_si256(high)]
    });
    let nibble = _mm256_set1_epi8(0x0F);
    let lookup = |index: __m256i, table: &[__m256i; 2]| {
        let i = _mm256_and_si256(index, nibble);
        let (a, b) = (_mm256_shuffle_epi8(table[0], i), _mm256_shuffle_epi8(table[1], i));
        _mm256_blendv_epi8(a, b, _mm256_slli_epi16(index, 3))
    };
    let lo_mask = _mm256_set1_epi16(((1u32 << lo_bits) - 1) as i16);
    let five_bits = _mm256_set1_epi16(0x1F);
    let shift = _mm_cvtsi32_si128(lo_bits as i32);
    let counting = _mm256_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    let (sixteen, zero) = (_mm256_set1_epi16(16), _mm256_setzero_si256());
    for (c, chunk) in (0i16..).zip(out.chunks_exact_mut(32)) {
        let x0 = _mm256_add_epi16(_mm256_set1_epi16(32 * c), counting);
        let x1 = _mm256_add_epi16(x0, sixteen);
        let hi_of = |x: __m256i| _mm256_and_si256(_mm256_srl_epi16(x, shift), five_bits);
        // Bytes at most 31: packing saturates nothing.
        let mut h = _mm256_packus_epi16(hi_of(x0), hi_of(x1));
        let mut l = _mm256_packus_epi16(_mm256_and_si256(x0, lo_mask), _mm256_and_si256(x1, lo_mask));
        if direction == Direction::Forward {
            for pair in halves.chunks_exact(2) {
                if let [even, odd] = pair {
                    h = _mm256_xor_si256(h, lookup(l, even));
                    l = _mm256_xor_si256(l, lookup(h, odd));
                }
            }
        } else {
            for pair in halves.chunks_exact(2).rev() {
                if let [even, odd] = pair {
                    l = _mm256_xor_si256(l, lookup(h, odd));
                    h = _mm256_xor_si256(h, lookup(l, even));
                }
            }
        }
        // unpacklo gives back x0's order, unpackhi x1's.
        let join = |h: __m256i, l: __m256i| _mm256_or_si256(_mm256_sll_epi16(h, shift), l);
        let y0 = join(_mm256_unpacklo_epi8(h, zero), _mm256_unpacklo_epi8(l, zero));
        let y1 = join(_mm256_unpackhi_epi8(h, zero), _mm256_unpackhi_epi8(l, zero));
        // SAFETY: `chunk` is 32 u16 = two 32-byte unaligned stores.
        unsafe {
            _mm256_storeu_si256(chunk.as_mut_ptr().cast(), y0);
            _mm256_storeu_si256(chunk.as_mut_ptr().add(16).cast(), y1);
        }
    }
}

/// Whether this CPU has the byte permutes `network_table_avx512` uses (AVX-512 F, BW and VBMI).
#[cfg(target_arch = "x86_64")]
fn has_vbmi() -> bool {
    std::is_x86_feature_detected!("avx512f")
        && std::is_x86_feature_detected!("avx512bw")
        && std::is_x86_feature_detected!("avx512vbmi")
}

/// `network_table` on AVX-512, 64 values a step: their (hi, lo) bytes narrowed from 16-bit counters in order, each
/// round one `vpermb` (the 32-entry table in both halves, so the index is read mod 32 as the portable loop reads
/// it), the outputs widened back to 16-bit words.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi")]
fn network_table_avx512(
    tables: &[[u8; 32]; crate::permutation::feistel::ROUNDS],
    lo_bits: u32,
    direction: Direction,
    out: &mut [u16; SMALL_VALUES],
) {
    use core::arch::x86_64::*;
    let wide: [__m512i; crate::permutation::feistel::ROUNDS] = core::array::from_fn(|r| {
        let table = tables.get(r).copied().unwrap_or([0; 32]);
        let mut both = [0u8; 64];
        for (k, byte) in both.iter_mut().enumerate() {
            *byte = table.get(k % 32).copied().unwrap_or(0);
        }
        // SAFETY: `both` is 64 bytes; an unaligned load.
        unsafe { _mm512_loadu_si512(both.as_ptr().cast()) }
    });
    let lo_mask = _mm512_set1_epi16(((1u32 << lo_bits) - 1) as i16);
    let five_bits = _mm512_set1_epi16(0x1F);
    let shift = _mm_cvtsi32_si128(lo_bits as i32);
    let counting = _mm512_set_epi16(
        31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2,
        1, 0,
    );
    let thirty_two = _mm512_set1_epi16(32);
    // 32 words narrowed to bytes (at most 31: nothing is lost), two registers' worth joined in order.
    let narrow = |a: __m512i, b: __m512i| {
        _mm512_inserti64x4::<1>(_mm512_castsi256_si512(_mm512_cvtepi16_epi8(a)), _mm512_cvtepi16_epi8(b))
    };
    for (c, chunk) in (0i16..).zip(out.chunks_exact_mut(64)) {
        let x0 = _mm512_add_epi16(_mm512_set1_epi16(64 * c), counting);
        let x1 = _mm512_add_epi16(x0, thirty_two);
        let hi_of = |x: __m512i| _mm512_and_si512(_mm512_srl_epi16(x, shift), five_bits);
        let mut h = narrow(hi_of(x0), hi_of(x1));
        let mut l = narrow(_mm512_and_si512(x0, lo_mask), _mm512_and_si512(x1, lo_mask));
        if direction == Direction::Forward {
            for pair in wide.chunks_exact(2) {
                if let &[even, odd] = pair {
                    h = _mm512_xor_si512(h, _mm512_permutexvar_epi8(l, even));
                    l = _mm512_xor_si512(l, _mm512_permutexvar_epi8(h, odd));
                }
            }
        } else {
            for pair in wide.chunks_exact(2).rev() {
                if let &[even, odd] = pair {
                    l = _mm512_xor_si512(l, _mm512_permutexvar_epi8(h, odd));
                    h = _mm512_xor_si512(h, _mm512_permutexvar_epi8(l, even));
                }
            }
        }
        let join = |h: __m256i, l: __m256i| {
            _mm512_or_si512(
                _mm512_sll_epi16(_mm512_cvtepu8_epi16(h), shift),
                _mm512_cvtepu8_epi16(l),
            )
        };
        let y0 = join(_mm512_castsi512_si256(h), _mm512_castsi512_si256(l));
        let y1 = join(_mm512_extracti64x4_epi64::<1>(h), _mm512_extracti64x4_epi64::<1>(l));
        // SAFETY: `chunk` is 64 u16 = two 64-byte unaligned stores.
        unsafe {
            _mm512_storeu_si512(chunk.as_mut_ptr().cast(), y0);
            _mm512_storeu_si512(chunk.as_mut_ptr().add(32).cast(), y1);
        }
    }
}

/// The AVX-512 kernel: `Feistel::forward` on 8 lanes per register, round-major over up to 32 registers;
/// AVX-512 DQ multiplies u64 lanes directly (the wrapping low 64 bits, as `wrapping_mul`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
pub(crate) fn forward_all_avx512(network: &Feistel, values: &mut [u64]) {
    use crate::permutation::feistel::{MIX_1, MIX_2, ROUNDS};
    use core::arch::x86_64::*;
    let (hi_bits, lo_bits) = (network.hi_bits, network.lo_bits);
    let keys: [__m512i; ROUNDS] =
        core::array::from_fn(|r| _mm512_set1_epi64(network.keys.get(r).map_or(0, |&k| k as i64)));
    let (c1, c2) = (_mm512_set1_epi64(MIX_1 as i64), _mm512_set1_epi64(MIX_2 as i64));
    let lo_mask = _mm512_set1_epi64(((1u64 << lo_bits) - 1) as i64);
    let shift_lo = _mm_cvtsi32_si128(lo_bits as i32);
    let out_hi = _mm_cvtsi32_si128((64 - hi_bits) as i32);
    let out_lo = _mm_cvtsi32_si128((64 - lo_bits) as i32);
    // round_function(v, key, m) on 8 lanes; `shift` holds 64 − m.
    let mix = |v: __m512i, key: __m512i, shift: __m128i| {
        let y = _mm512_mullo_epi64(_mm512_xor_si512(v, key), c1);
        let y = _mm512_xor_si512(y, _mm512_srli_epi64::<32>(y));
        _mm512_srl_epi64(_mm512_mullo_epi64(y, c2), shift)
    };
    for chunk in values.chunks_mut(256) {
        let mut hi = [_mm512_setzero_si512(); 32];
        let mut lo = [_mm512_setzero_si512(); 32];
        let mut used = 0;
        for ((octet, h), l) in chunk.chunks_exact(8).zip(hi.iter_mut()).zip(lo.iter_mut()) {
            // SAFETY: `octet` is 8 u64 = 64 bytes; an unaligned load.
            let x = unsafe { _mm512_loadu_si512(octet.as_ptr().cast()) };
            *h = _mm512_srl_epi64(x, shift_lo);
            *l = _mm512_and_si512(x, lo_mask);
            used += 1;
        }
        for pair in keys.chunks_exact(2) {
            let &[k0, k1] = pair else {
                break;
            };
            for (h, l) in hi.iter_mut().zip(lo.iter()).take(used) {
                *h = _mm512_xor_si512(*h, mix(*l, k0, out_hi));
            }
            for (h, l) in hi.iter().zip(lo.iter_mut()).take(used) {
                *l = _mm512_xor_si512(*l, mix(*h, k1, out_lo));
            }
        }
        for ((octet, h), l) in chunk.chunks_exact_mut(8).zip(hi.iter()).zip(lo.iter()) {
            let y = _mm512_or_si512(_mm512_sll_epi64(*h, shift_lo), *l);
            // SAFETY: `octet` is 8 u64 = 64 bytes; an unaligned store.
            unsafe { _mm512_storeu_si512(octet.as_mut_ptr().cast(), y) };
        }
        forward_all_portable(network, chunk.chunks_exact_mut(8).into_remainder());
    }
}

/// The NEON kernel: `Feistel::forward` on 2 lanes per register, round-major over up to 128 registers;
/// NEON has no u64 multiply, so products are built from 32×32→64 multiplies as in the AVX2 kernel.
#[cfg(target_arch = "aarch64")]
#[target_feature(enable = "neon")]
pub(crate) fn forward_all_neon(network: &Feistel, values: &mut [u64]) {
    use crate::permutation::feistel::{MIX_1, MIX_2, ROUNDS};
    use core::arch::aarch64::*;
    const LOW: u64 = 0xFFFF_FFFF;
    let (hi_bits, lo_bits) = (network.hi_bits, network.lo_bits);
    let key_lo: [uint64x2_t; ROUNDS] =
        core::array::from_fn(|r| vdupq_n_u64(network.keys.get(r).map_or(0, |k| k & LOW)));
    // hi(v ⊕ key) = hi(key) for v < 2^32: its cross product with lo(MIX_1) is a per-round constant.
    let key_cross: [uint64x2_t; ROUNDS] = core::array::from_fn(|r| {
        vdupq_n_u64(
            network
                .keys
                .get(r)
                .map_or(0, |k| (k >> 32).wrapping_mul(MIX_1 & LOW) & LOW),
        )
    });
    let (c1_lo, c1_hi) = (vdup_n_u32(MIX_1 as u32), vdup_n_u32((MIX_1 >> 32) as u32));
    let (c2_lo, c2_hi) = (vdup_n_u32(MIX_2 as u32), vdup_n_u32((MIX_2 >> 32) as u32));
    let lo_mask = vdupq_n_u64((1u64 << lo_bits) - 1);
    // NEON shifts right by a negative left shift.
    let (split, join) = (vdupq_n_s64(-i64::from(lo_bits)), vdupq_n_s64(i64::from(lo_bits)));
    let out_hi = vdupq_n_s64(-i64::from(64 - hi_bits));
    let out_lo = vdupq_n_s64(-i64::from(64 - lo_bits));
    // round_function(v, key, m) on 2 lanes, v < 2^32; `shift` holds −(64 − m).
    let mix = |v: uint64x2_t, key_lo: uint64x2_t, key_cross: uint64x2_t, shift: int64x2_t| {
        let u = vmovn_u64(veorq_u64(v, key_lo));
        let cross = vaddq_u64(vmull_u32(u, c1_hi), key_cross);
        let y = vaddq_u64(vmull_u32(u, c1_lo), vshlq_n_u64::<32>(cross));
        let y = veorq_u64(y, vshrq_n_u64::<32>(y));
        let (y_lo, y_hi) = (vmovn_u64(y), vshrn_n_u64::<32>(y));
        let cross = vaddq_u64(vmull_u32(y_hi, c2_lo), vmull_u32(y_lo, c2_hi));
        let z = vaddq_u64(vmull_u32(y_lo, c2_lo), vshlq_n_u64::<32>(cross));
        vshlq_u64(z, shift)
    };
    for chunk in values.chunks_mut(256) {
        let mut hi = [vdupq_n_u64(0); 128];
        let mut lo = [vdupq_n_u64(0); 128];
        let mut used = 0;
        for ((pair, h), l) in chunk.chunks_exact(2).zip(hi.iter_mut()).zip(lo.iter_mut()) {
            // SAFETY: `pair` is 2 u64 = 16 bytes; an unaligned load.
            let x = unsafe { vld1q_u64(pair.as_ptr()) };
            *h = vshlq_u64(x, split);
            *l = vandq_u64(x, lo_mask);
            used += 1;
        }
        for r in (0..ROUNDS).step_by(2) {
            let (k0, x0) = (key_lo.get(r), key_cross.get(r));
            let (k1, x1) = (key_lo.get(r + 1), key_cross.get(r + 1));
            let (Some(&k0), Some(&x0), Some(&k1), Some(&x1)) = (k0, x0, k1, x1) else {
                break;
            };
            for (h, l) in hi.iter_mut().zip(lo.iter()).take(used) {
                *h = veorq_u64(*h, mix(*l, k0, x0, out_hi));
            }
            for (h, l) in hi.iter().zip(lo.iter_mut()).take(used) {
                *l = veorq_u64(*l, mix(*h, k1, x1, out_lo));
            }
        }
        for ((pair, h), l) in chunk.chunks_exact_mut(2).zip(hi.iter()).zip(lo.iter()) {
            let y = vorrq_u64(vshlq_u64(*h, join), *l);
            // SAFETY: `pair` is 2 u64 = 16 bytes; an unaligned store.
            unsafe { vst1q_u64(pair.as_mut_ptr(), y) };
        }
        forward_all_portable(network, chunk.chunks_exact_mut(2).into_remainder());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permutation::feistel::round_keys;

    use crate::test_rng::next;

    /// Cycle walking one offset at a time, as `Bijection::apply` does it.
    fn walk_one(network: &Feistel, n: u64, offset: u64) -> u64 {
        let mut value = network.forward(offset);
        while value >= n {
            value = network.forward(value);
        }
        value
    }

    #[test]
    fn kernels_equal_forward_at_every_width() {
        for w in 2..=64u32 {
            let network = Feistel::new(w, round_keys(u64::from(w), 0, 0, 1).unwrap()).unwrap();
            let mask = if w == 64 { u64::MAX } else { (1u64 << w) - 1 };
            // Every length up to 1003 in steps: several 256-value chunks and every tail length of every kernel.
            for len in (0..=40).chain([255, 256, 257, 511, 1003]) {
                let values: Vec<u64> = (0..len as u64)
                    .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) & mask)
                    .collect();
                let expected: Vec<u64> = values.iter().map(|&x| network.forward(x)).collect();
                let mut portable = values.clone();
                forward_all_portable(&network, &mut portable);
                assert_eq!(portable, expected, "w={w}");
                for kernel in kernel::KERNELS {
                    // A kernel this CPU lacks falls back to the portable loop: the same values either way.
                    let mut by_kernel = values.clone();
                    forward_all_with(kernel, &network, &mut by_kernel);
                    assert_eq!(by_kernel, expected, "w={w} len={len} {kernel:?}");
                }
            }
            for x in (0..1003u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) & mask) {
                assert_eq!(network.backward(network.forward(x)), x);
            }
        }
    }

    #[test]
    fn fill_all_equals_apply_at_every_block_length() {
        use crate::permutation::Bijection;
        for n in (1..=1024u64).step_by(7).chain([127, 128, 129, 512, 513, 1023, 1024]) {
            for seed in 0..3 {
                let bijection = Bijection::for_block(seed, 4, n, n, 2).unwrap();
                let mut table = [0u16; SMALL_VALUES];
                assert!(bijection.fill_all(&mut table), "n={n}");
                for q in 0..n {
                    assert_eq!(u64::from(table[q as usize]), bijection.apply(q), "n={n} q={q}");
                }
                let mut inverse = [0u16; SMALL_VALUES];
                assert!(bijection.fill_inverse_all(&mut inverse), "n={n}");
                for u in 0..n {
                    assert_eq!(u64::from(inverse[u as usize]), bijection.inverse(u), "n={n} u={u}");
                }
            }
        }
        let wide = Bijection::for_block(0, 4, 0, 1025, 0).unwrap();
        assert!(!wide.fill_all(&mut [0u16; SMALL_VALUES]));
        assert!(!wide.fill_inverse_all(&mut [0u16; SMALL_VALUES]));
    }

    #[test]
    fn small_networks_equal_forward() {
        for w in 2..=12u32 {
            for seed in 0..20 {
                let network = Feistel::new(w, round_keys(seed, 3, u64::from(w), 7).unwrap()).unwrap();
                let Some(table) = small_network_toward(&network, Direction::Forward) else {
                    assert!(w > SMALL_WIDTH);
                    continue;
                };
                for x in 0..1u64 << w {
                    assert_eq!(u64::from(table[x as usize]), network.forward(x), "w={w} x={x}");
                }
                let Some(inverse) = small_network_toward(&network, Direction::Backward) else {
                    continue;
                };
                for y in 0..1u64 << w {
                    assert_eq!(u64::from(inverse[y as usize]), network.backward(y), "w={w} y={y}");
                }
            }
        }
        // Every split of every width, random tables (entries below 2^5): the selected kernel's rounds equal the portable ones.
        let mut state = 5;
        for lo_bits in 1..=5u32 {
            for _ in 0..20 {
                let tables: [[u8; 32]; 8] =
                    core::array::from_fn(|_| core::array::from_fn(|_| (next(&mut state) % 32) as u8));
                for direction in [Direction::Forward, Direction::Backward] {
                    let portable = network_table_portable(&tables, lo_bits, direction);
                    assert_eq!(
                        network_table(&tables, lo_bits, direction),
                        portable,
                        "lo_bits={lo_bits}"
                    );
                    #[cfg(target_arch = "x86_64")]
                    if std::is_x86_feature_detected!("avx2") {
                        let mut out = [0u16; SMALL_VALUES];
                        // SAFETY: the CPU supports AVX2 (checked just above).
                        unsafe { network_table_avx2(&tables, lo_bits, direction, &mut out) };
                        assert_eq!(out, portable, "lo_bits={lo_bits} {direction:?}");
                    }
                    #[cfg(target_arch = "x86_64")]
                    if has_vbmi() {
                        let mut out = [0u16; SMALL_VALUES];
                        // SAFETY: the CPU supports AVX-512 F, BW and VBMI (checked just above).
                        unsafe { network_table_avx512(&tables, lo_bits, direction, &mut out) };
                        assert_eq!(out, portable, "lo_bits={lo_bits} {direction:?} avx512");
                    }
                }
            }
        }
    }

    /// Every kernel this CPU runs walks like the scalar one and like `apply`: random networks, n at and
    /// around powers of two (the most and the fewest walkers), tiny n, strides that repeat offsets.
    #[test]
    fn every_kernel_walks_like_the_scalar_one() {
        let kernels: Vec<Kernel> = kernel::available().collect();
        assert!(kernels.contains(&Kernel::Scalar));
        let mut state = 18;
        let mut cases = 0;
        for case in 0..600u64 {
            let r = next(&mut state);
            let n = match case % 6 {
                // Tiny: the network of width 2 … 8 (the engine uses tables below 129; the lanes take any n ≥ 2).
                0 => 2 + r % 255,
                // Just above a power of two: almost half of E's outputs walk.
                1 => (1u64 << (2 + r % 40)) + 1 + (r >> 58) % 3,
                // At and just below a power of two: no or few walkers.
                2 => (1u64 << (2 + r % 40)) - (r >> 60) % 2,
                3 => 2 + (next(&mut state) >> (r % 62)),
                // Wide networks: n near 2^63 and 2^64 − 1 offsets' widths.
                4 => (1u64 << 63) - (r >> 50),
                _ => 129 + r % 100_000,
            };
            let width = 64 - (n - 1).leading_zeros();
            let network = Feistel::new(width.max(2), round_keys(r, 0, case, next(&mut state) >> 1).unwrap()).unwrap();
            let len = match case % 4 {
                0 => (r >> 40) as usize % 8,
                1 => 250 + (r >> 40) as usize % 20,
                _ => (r >> 40) as usize % 3000,
            };
            let start = next(&mut state) % n;
            // Stride 0 and multiples of n repeat one offset; others step through [0, n).
            let stride = match case % 5 {
                0 => 0,
                1 => n,
                2 => 1,
                _ => 1 + next(&mut state) % n,
            };
            let offsets: Vec<u64> = (0..len as u64)
                .map(|k| ((u128::from(start) + u128::from(k) * u128::from(stride)) % u128::from(n)) as u64)
                .collect();
            let expected: Vec<i64> = offsets.iter().map(|&o| walk_one(&network, n, o) as i64).collect();
            for &kernel in &kernels {
                let mut out = vec![-1i64; len];
                let mut it = offsets.iter();
                walk_with(kernel, &network, n, &mut out, || it.next().copied().unwrap_or(0));
                assert_eq!(out, expected, "n={n} len={len} stride={stride} {kernel:?}");
            }
            cases += 1;
        }
        assert_eq!(cases, 600);
    }
}
