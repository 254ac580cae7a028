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
}

impl Layout {
    /// The layout's values for this request.
    pub fn new(state: &AppState) -> Self {
        Self {
            api_port: state.urls.api_port,
            page_origin: state.urls.page_origin.to_string(),
            api_origin: state.urls.api_origin.to_string(),
            loaded_at: clock_time(std::time::SystemTime::now()),
        }
    }
}
