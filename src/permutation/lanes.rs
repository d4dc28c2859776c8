//! Lane evaluation of the Feistel bijection (spec §5.2): many offsets at once, walkers compacted, an AVX2
//! kernel chosen at run time; bit-identical to `Bijection::apply` per offset (no reference twin needed).

use crate::permutation::feistel::{Feistel, LANES};

/// out[k] = π(next()) by cycle walking into [0, n): the offsets of LANES outputs are evaluated together and
/// written in place; the values still ≥ n (the walkers) are pushed, branch-free, onto a pool that is
/// evaluated again once it holds LANES of them, each pass writing every walker to its slot (the last
/// write is the final value, < n) and keeping those still ≥ n. Identical to `apply` per offset.
pub(crate) fn walk(network: &Feistel, n: u64, out: &mut [i64], mut next: impl FnMut() -> u64) {
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
        forward_all(network, lane);
        for ((slot, target), &value) in (base..).zip(chunk.iter_mut()).zip(lane.iter()) {
            // A value ≥ n is overwritten by a later pass; the final one is < n ≤ 2^63.
            *target = value as i64;
            if let (Some(v), Some(s)) = (values.get_mut(live), slots.get_mut(live)) {
                *v = value;
                *s = slot;
            }
            live += usize::from(value >= n);
        }
        base += chunk.len();
        // Repeated offsets (a stride that is a multiple of n, or 0) walk together: one pass may keep them all.
        while live >= LANES {
            live = advance(network, n, out, &mut values, &mut slots, live);
        }
    }
    while live > 0 {
        live = advance(network, n, out, &mut values, &mut slots, live);
    }
}

/// One pass over the first `live` walkers: E applied, each written to its slot, those still ≥ n kept at
/// the front (in order); returns how many are kept.
fn advance(network: &Feistel, n: u64, out: &mut [i64], values: &mut [u64], slots: &mut [usize], live: usize) -> usize {
    let (Some(pool), Some(pool_slots)) = (values.get_mut(..live), slots.get_mut(..live)) else {
        return 0;
    };
    forward_all(network, pool);
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

/// E applied to every value in place; the same integer arithmetic on every CPU.
pub(crate) fn forward_all(network: &Feistel, values: &mut [u64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above).
            unsafe { forward_all_avx2(network, values) };
            return;
        }
    }
    forward_all_portable(network, values);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permutation::feistel::round_keys;

    #[test]
    fn kernels_equal_forward_at_every_width() {
        for w in 2..=64u32 {
            let network = Feistel::new(w, round_keys(u64::from(w), 0, 0, 1).unwrap()).unwrap();
            let mask = if w == 64 { u64::MAX } else { (1u64 << w) - 1 };
            // 1003 values: several 256-value chunks and a scalar tail.
            let values: Vec<u64> = (0..1003u64)
                .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) & mask)
                .collect();
            let expected: Vec<u64> = values.iter().map(|&x| network.forward(x)).collect();
            let mut portable = values.clone();
            forward_all_portable(&network, &mut portable);
            assert_eq!(portable, expected, "w={w}");
            let mut dispatched = values.clone();
            forward_all(&network, &mut dispatched);
            assert_eq!(dispatched, expected, "w={w}");
            for &x in &values {
                assert_eq!(network.backward(network.forward(x)), x);
            }
        }
    }
}
