//! Where Firefox treats a request otherwise than Chromium, whose behaviour the
//! diagnosis follows: known from the request alone, said as warnings so the
//! inspector can tell a learner in either browser. Each one is observed by the
//! integration corpus (`tests/it/diagnosis_corpus/firefox.rs`).

use super::request::RequestSpec;
use super::safelist::is_chromium_client_hint;

/// One sentence per header Firefox sends differently from Chromium.
pub(crate) fn firefox_differences(spec: &RequestSpec) -> Vec<String> {
    if !spec.is_cross_origin() {
        return Vec::new();
    }
    let mut said = Vec::new();
    for (i, (name, value)) in spec.headers.iter().enumerate() {
        if spec.headers[..i].iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if value.len() <= 128 && is_chromium_client_hint(name, value.trim()) {
            said.push(format!(
                "Chromium sends `{name}` without a preflight (it safelists this client hint); Firefox and \
                 the Fetch standard preflight it, so it passes there only if `Access-Control-Allow-Headers` \
                 names `{lower}`."
            ));
        } else if lower == "user-agent" {
            said.push(
                "Chromium drops a `User-Agent` set by a script; Firefox sends it, after a preflight whose \
                 `Access-Control-Allow-Headers` must name `user-agent`."
                    .to_owned(),
            );
        }
    }
    said
}
