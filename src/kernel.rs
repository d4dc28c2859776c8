//! Which SIMD kernel evaluates the Feistel lanes and resolves the alias draws: the widest this CPU runs,
//! chosen once per process (speed only: every kernel gives the scalar one's output, bit for bit).

use std::sync::atomic::{AtomicU8, Ordering};

/// A family of kernels, one per instruction set; `Scalar` runs everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// Plain Rust, one value at a time.
    Scalar,
    /// x86-64 AVX2: 4 u64 lanes.
    Avx2,
    /// x86-64 AVX-512 (F and DQ): 8 u64 lanes.
    Avx512,
    /// aarch64 NEON (Advanced SIMD): 2 u64 lanes.
    Neon,
}

/// Every kernel, the widest first (the order `widest` tries them in).
pub const KERNELS: [Kernel; 4] = [Kernel::Avx512, Kernel::Avx2, Kernel::Neon, Kernel::Scalar];

/// The environment variable read once, on first use: a kernel's name forces it (tests, comparisons); a
/// kernel this CPU lacks, or an unknown name, leaves the choice to the CPU.
pub const ENV_KERNEL: &str = "FERROSAMPLER_KERNEL";

impl Kernel {
    /// The name `FERROSAMPLER_KERNEL` and `_core.kernel()` use.
    pub const fn name(self) -> &'static str {
        match self {
            Kernel::Scalar => "scalar",
            Kernel::Avx2 => "avx2",
            Kernel::Avx512 => "avx512",
            Kernel::Neon => "neon",
        }
    }

    /// The kernel named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        KERNELS.into_iter().find(|kernel| kernel.name() == name)
    }

    /// Whether this CPU runs the kernel.
    pub fn is_available(self) -> bool {
        match self {
            Kernel::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => std::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512dq"),
            #[cfg(target_arch = "aarch64")]
            Kernel::Neon => std::arch::is_aarch64_feature_detected!("neon"),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    fn code(self) -> u8 {
        match self {
            Kernel::Scalar => 1,
            Kernel::Avx2 => 2,
            Kernel::Avx512 => 3,
            Kernel::Neon => 4,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        KERNELS.into_iter().find(|kernel| kernel.code() == code)
    }
}

/// The widest kernel this CPU runs.
pub fn widest() -> Kernel {
    KERNELS
        .into_iter()
        .find(|kernel| kernel.is_available())
        .unwrap_or(Kernel::Scalar)
}

/// The kernels this CPU runs, the widest first (tests compare each with `Scalar`).
pub fn available() -> impl Iterator<Item = Kernel> {
    KERNELS.into_iter().filter(|kernel| kernel.is_available())
}

// 0 = not decided yet (FERROSAMPLER_KERNEL or the CPU decides on first use).
static SELECTED: AtomicU8 = AtomicU8::new(0);

/// The kernel the engine uses: FERROSAMPLER_KERNEL's when this CPU runs it, else the widest; decided once.
pub fn selected() -> Kernel {
    if let Some(kernel) = Kernel::from_code(SELECTED.load(Ordering::Relaxed)) {
        return kernel;
    }
    let forced = std::env::var(ENV_KERNEL)
        .ok()
        .and_then(|text| Kernel::from_name(text.trim()))
        .filter(|kernel| kernel.is_available());
    let decided = forced.unwrap_or_else(widest);
    // Racing first calls decide the same kernel.
    SELECTED.store(decided.code(), Ordering::Relaxed);
    decided
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_scalar_is_always_there() {
        for kernel in KERNELS {
            assert_eq!(Kernel::from_name(kernel.name()), Some(kernel));
            assert_eq!(Kernel::from_code(kernel.code()), Some(kernel));
        }
        assert_eq!(Kernel::from_name("AVX2"), None);
        assert!(Kernel::Scalar.is_available());
        assert!(available().any(|kernel| kernel == Kernel::Scalar));
        assert!(selected().is_available());
        assert!(widest().is_available());
    }
}
