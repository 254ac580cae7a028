//! Browser tests (see cdp.rs).
