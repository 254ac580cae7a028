//! `Access-Control-Max-Age` values at the edge: only "no caching" (0) and
//! "cached" (anything above) can be told apart by a second request, so these
//! are values whose reading decides between the two. Credentialed, since
//! Firefox reuses an uncredentialed preflight less reliably (`firefox.rs`).

use super::super::case::{ACAC, ACAM, ACAO, Case, MAX_AGE, PAGE, case};

pub fn max_age() -> Vec<Case> {
    let twice = |name, max_age| {
        case(name)
            .include()
            .method("PUT")
            .repeat(2)
            .preflight(204, &[(ACAO, PAGE), (ACAC, "true"), (ACAM, "PUT"), (MAX_AGE, max_age)])
            .actual(200, &[(ACAO, PAGE), (ACAC, "true")])
    };
    vec![
        twice("max-age 0, credentials", "0"),
        twice("max-age -0", "-0"),
        twice("max-age 00", "00"),
        twice("max-age +0", "+0"),
        twice("max-age 0.5", "0.5"),
        twice("max-age 0 then 600 in one line", "0, 600"),
        twice("max-age 600 then 0 in one line", "600, 0"),
        twice("max-age -5", "-5"),
        twice("max-age empty", ""),
        twice("max-age past i64", "99999999999999999999"),
        twice("max-age 1e3", "1e3"),
    ]
}
