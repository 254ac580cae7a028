//! How each browser words a refused response in its console, and the code it
//! files it under: Chromium's sentence and its DevTools `corsError`
//! ([`chromium`]), Firefox's sentence and its `security.properties` key
//! ([`firefox`]). Both are checked word for word against the real browsers by
//! the integration corpus (`tests/it/diagnosis_corpus.rs`).
//!
//! The checks themselves are in [`super::failure`]: what failed is one thing,
//! how a browser says so is another.

pub mod chromium;
pub mod firefox;

/// What one browser's console says about a refused response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleWords {
    /// The whole console line, as the browser prints it.
    pub message: String,
    /// The browser's name for the error: Chromium's `corsError` (DevTools
    /// `Audits.issueAdded`, `Network.loadingFailed`), Firefox's reason key
    /// (`security.properties`).
    pub code: &'static str,
}
