//! The playground's presets, in Chromium and in Firefox: each does what its
//! note on the page says (the CORS reference's troubleshooting rows and pitfalls).

use serde_json::Value;

use super::playground::{connected, send};
use super::{Kind, browser_for, in_both_browsers, text};
use crate::helpers::TestApp;

in_both_browsers!(playground_presets_do_what_their_notes_say);

async fn playground_presets_do_what_their_notes_say(kind: Kind) {
    let app = TestApp::spawn().await;
    let Some(browser) = browser_for(kind, &app).await else { return };
    let page = super::open(&browser, &app, "/playground").await;
    connected(&page).await;
    for (preset, outcome, preflight) in [
        ("simple-get", "ok", "no"),
        ("form-post", "ok", "no"),
        ("json-post", "ok", "yes"),
        ("custom-header", "ok", "yes"),
        ("header-refused", "blocked", "yes"),
        ("authorization", "ok", "yes"),
        ("method-refused", "blocked", "yes"),
        ("no-allow-origin", "blocked", "no"),
        ("wildcard-credentials", "blocked", "no"),
        ("credentials-flag-missing", "blocked", "no"),
        ("not-exposed", "ok", "no"),
        ("wrong-origin", "blocked", "no"),
        ("duplicate-origin", "blocked", "no"),
        ("preflight-404", "blocked", "yes"),
        ("then-405", "ok", "yes"),
        ("methods-missing", "blocked", "yes"),
        ("no-cors", "opaque", "no"),
    ] {
        page.click(&format!("#pg-preset-{preset}")).await.unwrap_or_else(|e| panic!("#pg-preset-{preset}: {e}"));
        let state: Value = serde_json::from_str(&text(&page, "JSON.stringify(readForm())").await).expect("JSON");
        let ((got, sent, _, said), predicted) = send(&page, &state).await;
        assert_eq!(
            (got.as_str(), sent.as_str(), predicted.as_str()),
            (outcome, preflight, preflight),
            "{preset}: {said}"
        );
        if preset == "not-exposed" {
            assert!(said.contains("X-Echo-Bytes reads null"), "{said}");
        }
        if preset == "then-405" {
            assert!(said.contains("Read: status 405"), "{said}");
        }
        if preset == "simple-get" {
            assert!(said.contains("X-Echo-Bytes reads 0"), "exposed by the policy: {said}");
        }
    }
}
