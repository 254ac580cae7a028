//! Turning askama templates into responses.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A template that could not be rendered: a bug, answered with a plain 500
/// that reveals nothing internal (the details go to the log).
#[derive(Debug, thiserror::Error)]
#[error("could not render {template}: {source}")]
pub struct RenderError {
    template: &'static str,
    #[source]
    source: askama::Error,
}

impl IntoResponse for RenderError {
    fn into_response(self) -> Response {
        tracing::error!("{self}");
        (StatusCode::INTERNAL_SERVER_ERROR, "internal error: the page could not be rendered\n").into_response()
    }
}

/// Renders a template to a string.
pub fn render<T: Template>(template: &T) -> Result<String, RenderError> {
    template.render().map_err(|source| RenderError { template: std::any::type_name::<T>(), source })
}

/// Renders a whole HTML page. It shows live data, so a browser must ask
/// again each time (`no-cache`); on the page origin, a reload of an
/// unchanged page is answered `304` (`pages::delivery`).
pub fn html<T: Template>(template: &T) -> Response {
    match render(template) {
        Ok(body) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], body)
            .into_response(),
        Err(err) => err.into_response(),
    }
}
