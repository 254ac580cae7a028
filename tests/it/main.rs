//! Integration tests, compiled as one binary: the real app on free ports,
//! real TLS with certificate verification, the real binary, real Chromium.

// Test helpers are shared between modules of this one binary.
#![allow(unreachable_pub)]

mod api_v1;
mod binary;
mod browser;
mod check;
mod connections;
mod cors_api;
mod delivery;
mod diagnosis_corpus;
mod export;
mod faults;
mod helpers;
mod hostile_origins;
mod jsonp;
mod lab;
mod lab_editor;
mod lab_quirks;
mod limits;
mod malformed;
mod memory;
mod other_site;
mod page_hardening;
mod playground_api;
mod probe;
mod procfile;
mod properties;
mod soak;
mod startup;
mod tls;
mod trust_cli;
mod wire;
