//! The cases added for issue 13, one area a file: redirects and statuses,
//! `Access-Control-Allow-Credentials` and `-Allow-Origin` variants, method
//! case, safelisted-header values, exposure and Authorization under `*`.

mod allow_origin;
mod credentials;
mod empty_lines;
mod exposure;
mod max_age;
mod methods;
mod safelist_values;
mod statuses;

use super::case::Case;

/// Every case of this folder, in a stable order.
pub fn all() -> Vec<Case> {
    [
        statuses::preflight_redirects(),
        statuses::preflight_statuses(),
        statuses::actual_statuses(),
        credentials::allow_credentials(),
        allow_origin::allow_origin(),
        empty_lines::empty_lines(),
        methods::method_case(),
        safelist_values::content_type(),
        safelist_values::lengths_and_ranges(),
        safelist_values::languages(),
        exposure::expose_headers(),
        exposure::authorization(),
        max_age::max_age(),
    ]
    .concat()
}
