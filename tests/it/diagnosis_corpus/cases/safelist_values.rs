//! The values of safelisted request headers: which `Content-Type`s, the
//! 128-byte cap per value and the 1024-byte total, simple `Range`s, and
//! the bytes a language header may hold.

use super::super::case::{ACAH, ACAO, Case, PAGE, case};

fn post(name: &'static str, content_type: &str) -> Case {
    case(name).method("POST").header("Content-Type", content_type)
}

/// `Content-Type`: the essence decides, parameters may follow, no unsafe byte.
pub fn content_type() -> Vec<Case> {
    vec![
        post("POST text/plain;charset=utf-8", "text/plain;charset=utf-8"),
        post("POST text/plain; charset=utf-8 with a space", "text/plain; charset=utf-8"),
        post("POST text/plain ; charset=utf-8, space before ;", "text/plain ; charset=utf-8"),
        post("POST Text/Plain mixed case", "Text/Plain"),
        post("POST text/plain; trailing semicolon", "text/plain;"),
        post("POST text/plain with two parameters", "text/plain;charset=utf-8;format=flowed"),
        post("POST text/plain;charset=utf-8, XHR", "text/plain;charset=utf-8").xhr(),
        post("POST text/csv is not safelisted", "text/csv"),
        post("POST application/xml is not safelisted", "application/xml"),
        post("POST application/json with charset", "application/json;charset=utf-8"),
        post("POST text/plain, XHR, text/csv", "text/csv").xhr(),
        post("POST two types in one value", "text/plain, text/html"),
        post("POST parameter with a parenthesis", "text/plain;a=(b)"),
        post("POST no subtype", "text/"),
        post("POST text/csv allowed", "text/csv").preflight(204, &[(ACAO, PAGE), (ACAH, "content-type")]),
        case("POST Content-Type set twice")
            .method("POST")
            .header("Content-Type", "text/plain")
            .header("Content-Type", "text/html"),
    ]
}

/// The 128-byte cap on one value, the 1024-byte total, and `Range`.
pub fn lengths_and_ranges() -> Vec<Case> {
    let padded = |prefix: &str, len: usize| format!("{prefix}{}", "a".repeat(len - prefix.len()));
    let language = |len: usize| "a".repeat(len);
    vec![
        post("Content-Type 128 bytes", &padded("text/plain;a=", 128)),
        post("Content-Type 129 bytes", &padded("text/plain;a=", 129)),
        case("Accept-Language 128 bytes").header("Accept-Language", &language(128)),
        case("Accept-Language 129 bytes").header("Accept-Language", &language(129)),
        case("Content-Language 128 bytes").header("Content-Language", &language(128)),
        // The standard's 1024-byte total cannot be reached by safelisted
        // values of at most 128 bytes: five names, 640 bytes at most.
        post("four safelisted headers of 128 bytes, no preflight", &padded("text/plain;a=", 128))
            .header("Accept", &"b".repeat(128))
            .header("Accept-Language", &language(128))
            .header("Content-Language", &language(128)),
        // A header set twice is sent once, its values joined with ", ": the
        // cap applies to the joined value (Firefox judges each value alone).
        case("Accept-Language set twice, joined past 128 bytes")
            .header("Accept-Language", &language(100))
            .header("Accept-Language", &language(30)),
        case("Content-Language set twice, joined within 128 bytes")
            .header("Content-Language", &language(60))
            .header("Content-Language", &language(60)),
        // Eleven values of 100 bytes: 1100 bytes in all, past the standard's
        // 1024-byte total even judged one by one.
        (0..11).fold(case("Accept set 11 times, 1100 bytes in all"), |c, _| c.header("Accept", &"c".repeat(100))),
        case("Range bytes=0-0").header("Range", "bytes=0-0"),
        case("Range with a space after =").header("Range", "bytes= 0-1"),
        case("Range with a space before =").header("Range", "bytes =0-1"),
        case("Range padded, trimmed by fetch").header("Range", " bytes=0-1 "),
        case("Range items unit").header("Range", "items=0-1"),
        // STANDARD-DIFFERS: the standard reads positions of any size, so all
        // of these are simple. Chromium preflights a position of 2^63 - 1 or
        // more, Firefox one of 2^64 or more (listed in firefox.rs); the model
        // follows Chromium and warns (src/diagnosis/chromium_only.rs).
        case("Range start 2^63 - 2").header("Range", "bytes=9223372036854775806-"),
        case("Range start 2^63 - 1").header("Range", "bytes=9223372036854775807-"),
        case("Range start 2^63").header("Range", "bytes=9223372036854775808-"),
        case("Range end 2^63").header("Range", "bytes=0-9223372036854775808"),
        case("Range start 2^64 - 1").header("Range", "bytes=18446744073709551615-"),
        case("Range past u64").header("Range", "bytes=99999999999999999999-"),
        case("Range leading zeros").header("Range", "bytes=007-010"),
        case("Range no digits").header("Range", "bytes=-"),
        case("Range simple, XHR").xhr().header("Range", "bytes=0-99"),
        case("Range two ranges, allowed")
            .header("Range", "bytes=0-1,5-6")
            .preflight(204, &[(ACAO, PAGE), (ACAH, "range")]),
    ]
}

/// `Accept`, `Accept-Language` and `Content-Language` bytes.
pub fn languages() -> Vec<Case> {
    let with = |name, header: &str, value: &str| case(name).header(header, value);
    vec![
        with("Accept-Language with @", "Accept-Language", "en@US"),
        with("Accept-Language with a quote", "Accept-Language", "en\"US"),
        with("Accept-Language with parentheses", "Accept-Language", "en(US)"),
        with("Accept-Language non-ASCII", "Accept-Language", "fr-\u{e9}"),
        with("Accept-Language *", "Accept-Language", "*"),
        with("Accept-Language with spaces", "Accept-Language", "en, de;q=0.5"),
        with("Content-Language with a colon", "Content-Language", "de:DE"),
        with("Content-Language with a space", "Content-Language", "de DE"),
        with("Content-Language underscore, XHR", "Content-Language", "de_DE").xhr(),
        with("Accept with a colon", "Accept", "text:html"),
        with("Accept with a question mark", "Accept", "text/html?"),
        with("Accept empty", "Accept", ""),
        with("Accept with a control byte", "Accept", "text/html\u{1}"),
        with("Accept */*", "Accept", "*/*"),
        with("Accept with an inner tab", "Accept", "text/html\tx"),
        with("Accept-Language with an inner tab", "Accept-Language", "en\tUS"),
        with("Content-Language empty", "Content-Language", ""),
        post("POST empty Content-Type", ""),
        post("POST space before the slash", "text /plain"),
        post("POST */* Content-Type", "*/*"),
        post("POST text/plain/ extra slash", "text/plain/"),
        post("POST text//plain", "text//plain"),
        post("POST tab before the semicolon", "text/plain\t;x=1"),
        post("POST parameter without a value", "text/plain; charset"),
        // FIREFOX-DIFFERS: parameters that end in ';' (after one at least,
        // even empty) make Firefox preflight; Chromium and the standard's
        // MIME parser skip the empty parameter (firefox.rs, firefox_only.rs).
        post("POST two semicolons", "text/plain;;"),
        post("POST empty parameter with a space", "text/plain; ;"),
        post("POST empty parameter before x=1", "text/plain;;x=1"),
        post("POST x=1 then two semicolons", "text/plain;x=1;;"),
        post("POST x=1 then a semicolon", "text/plain;x=1;"),
        post("POST parameter without a name", "text/plain;=1"),
        with("client hint Viewport-Width", "Viewport-Width", "100"),
        with("client hint Device-Memory", "Device-Memory", "0.5"),
        with("client hint RTT", "RTT", "50"),
        with("client hint Downlink", "Downlink", "1.5"),
        with("client hint DPR 1.", "DPR", "1."),
        with("Lang header", "Lang", "en"),
        with("Accept padded, trimmed by fetch", "Accept", "  text/html  "),
        with("Content-Type text/plain on a GET", "Content-Type", "text/plain"),
        with("Content-Type JSON on a GET", "Content-Type", "application/json"),
        with("custom header with an empty value", "X-A", ""),
        post("POST multipart without a boundary", "multipart/form-data"),
    ]
}
