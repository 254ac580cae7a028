//! What `base.html` needs on every page of the page origin, whichever area
//! draws it (the technique pages, the lab): its own module, so that no area
//! depends on another for it.

use crate::race::live::clock_time;
use crate::state::AppState;

/// What `base.html` needs on every page.
pub struct Layout {
    pub(crate) api_port: u16,
    pub(crate) page_origin: String,
    pub(crate) api_origin: String,
    pub(crate) loaded_at: String,
    /// The other site under its two names (same-site, cross-site), if it runs.
    pub(crate) other_site: Option<(String, String)>,
}

impl Layout {
    /// The layout's values for this request.
    pub fn new(state: &AppState) -> Self {
        Self {
            api_port: state.urls.api_port,
            page_origin: state.urls.page_origin.to_string(),
            api_origin: state.urls.api_origin.to_string(),
            loaded_at: clock_time(std::time::SystemTime::now()),
            other_site: state.urls.other_site.as_ref().map(|o| (o.same_site.to_string(), o.cross_site.to_string())),
        }
    }
}
