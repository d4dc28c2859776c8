"""The engine functions: golden vectors, errors, Rust against the reference."""
