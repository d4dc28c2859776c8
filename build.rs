//! Tells the binding whether it is built for a free-threaded Python (`cfg(Py_GIL_DISABLED)`).
fn main() {
    println!("cargo::rustc-check-cfg=cfg(Py_GIL_DISABLED)");
    #[cfg(feature = "python")]
    pyo3_build_config::use_pyo3_cfgs();
}
