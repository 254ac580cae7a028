//! How the page origin sends what it sends: gzip for a browser that accepts
//! it, and revalidation, so a reload costs a few hundred bytes.
//!
//! A response this layer handles is a whole text body in memory (HTML, CSS,
//! JavaScript) with a `200` status. It gets a strong `ETag` made from its
//! bytes, and `Vary: Accept-Encoding`; a request whose `If-None-Match` names
//! that tag gets `304 Not Modified` and no body. A response marked
//! `Cache-Control: no-store` (the lab: it carries the instructor's forms) is
//! compressed but never revalidated. Event streams, other statuses and other
//! types pass through untouched. Nothing is cached here: the pages render
//! in microseconds and a class loads them a few times a minute.

use std::hash::{DefaultHasher, Hasher};
use std::io::Write as _;

use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use futures_util::future::BoxFuture;
use std::task::{Context, Poll};
use tower::{Layer, Service};

/// Bodies under this many bytes go as they are: gzip would save little.
const MIN_COMPRESSED: usize = 512;

/// The largest body the layer reads to compress; the pages are about 20 KB.
const MAX_BODY: usize = 1024 * 1024;

/// The layer; wrap the page origin's routes with it.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeliveryLayer;

impl<S> Layer<S> for DeliveryLayer {
    type Service = Delivery<S>;

    fn layer(&self, inner: S) -> Delivery<S> {
        Delivery { inner }
    }
}

/// The service [`DeliveryLayer`] makes.
#[derive(Debug, Clone)]
pub struct Delivery<S> {
    inner: S,
}

impl<S, B, R> Service<Request<B>> for Delivery<S>
where
    S: Service<Request<B>, Response = Response<R>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    R: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    R::Error: Into<axum::BoxError>,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Response<Body>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let wants = Wants::of(req.method(), req.headers());
        let answer = self.inner.call(req);
        Box::pin(async move {
            let res = answer.await?;
            Ok(deliver(res, &wants).await)
        })
    }
}

/// What the request asked for, read before it is handed on.
#[derive(Debug, Default)]
struct Wants {
    /// A GET or HEAD: the only requests revalidated.
    safe: bool,
    gzip: bool,
    if_none_match: Option<HeaderValue>,
}

impl Wants {
    fn of(method: &Method, headers: &HeaderMap) -> Self {
        Self {
            safe: method == Method::GET || method == Method::HEAD,
            gzip: headers.get_all(header::ACCEPT_ENCODING).iter().any(accepts_gzip),
            if_none_match: headers.get(header::IF_NONE_MATCH).cloned(),
        }
    }
}

/// Whether one `Accept-Encoding` field value accepts gzip (`gzip` or `*`,
/// without `q=0`).
fn accepts_gzip(value: &HeaderValue) -> bool {
    let Ok(text) = value.to_str() else { return false };
    text.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or("");
        let refused =
            parts.any(|p| p.strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)));
        (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
    })
}

/// Whether this layer handles `res` at all (see the module's first lines).
fn handled<R: http_body::Body>(res: &Response<R>) -> bool {
    let text =
        res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| {
            t.starts_with("text/html") || t.starts_with("text/css") || t.starts_with("text/javascript")
        });
    res.status() == StatusCode::OK
        && text
        && !res.headers().contains_key(header::CONTENT_ENCODING)
        && res.body().size_hint().upper().is_some_and(|n| n <= MAX_BODY as u64)
}

async fn deliver<R>(res: Response<R>, wants: &Wants) -> Response<Body>
where
    R: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    R::Error: Into<axum::BoxError>,
{
    if !handled(&res) {
        return res.map(Body::new);
    }
    let (mut parts, body) = res.into_parts();
    let body = match to_bytes(Body::new(body), MAX_BODY).await {
        Ok(body) => body,
        Err(e) => {
            tracing::error!("cannot read a page's body: {e}");
            return Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(Body::from("internal error\n"))
                .unwrap_or_default();
        }
    };
    let revalidate =
        wants.safe && !parts.headers.get(header::CACHE_CONTROL).is_some_and(|v| v.as_bytes().starts_with(b"no-store"));
    let gzip = wants.gzip && body.len() >= MIN_COMPRESSED;
    parts.headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if revalidate {
        let tag = etag(&body, gzip);
        if wants.if_none_match.as_ref().is_some_and(|inm| matches(inm, &tag)) {
            parts.status = StatusCode::NOT_MODIFIED;
            parts.headers.remove(header::CONTENT_TYPE);
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(header::ETAG, tag);
            return Response::from_parts(parts, Body::empty());
        }
        parts.headers.insert(header::ETAG, tag);
    }
    if gzip && let Some(compressed) = compress(&body) {
        parts.headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from(compressed));
    }
    Response::from_parts(parts, Body::from(body))
}

/// A strong tag of the bytes, one per representation (gzip or not), as
/// HTTP asks: `"<hash>"` or `"<hash>-gzip"`.
fn etag(body: &[u8], gzip: bool) -> HeaderValue {
    let mut hasher = DefaultHasher::new();
    hasher.write(body);
    let tag = format!("\"{:016x}{}\"", hasher.finish(), if gzip { "-gzip" } else { "" });
    HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

/// Whether an `If-None-Match` value names `tag` (weakly, as RFC 9110 says
/// for this header) or is `*`.
fn matches(if_none_match: &HeaderValue, tag: &HeaderValue) -> bool {
    let Ok(text) = if_none_match.to_str() else { return false };
    let tag = tag.as_bytes();
    text.split(',').map(str::trim).any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t).as_bytes() == tag)
}

fn compress(body: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::default());
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_is_read_as_http_says() {
        for yes in ["gzip", "deflate, gzip;q=0.5", "br, *", "GZIP", "gzip ; q=1"] {
            assert!(accepts_gzip(&HeaderValue::from_static(yes)), "{yes}");
        }
        for no in ["", "br", "gzip;q=0", "gzip; q=0.0", "identity", "x-gzip2"] {
            assert!(!accepts_gzip(&HeaderValue::from_static(no)), "{no}");
        }
    }

    #[test]
    fn a_tag_matches_itself_weakly_and_in_a_list_but_not_the_other_representation() {
        let plain = etag(b"<p>lap 3</p>", false);
        let gz = etag(b"<p>lap 3</p>", true);
        assert_ne!(plain, gz);
        let list = HeaderValue::from_str(&format!("\"x\", W/{}", plain.to_str().unwrap_or(""))).expect("ascii");
        assert!(matches(&list, &plain));
        assert!(!matches(&list, &gz));
        assert!(matches(&HeaderValue::from_static("*"), &gz));
        assert_ne!(etag(b"<p>lap 4</p>", false), plain, "another body, another tag");
    }

    #[test]
    fn compressed_bytes_come_back_the_same() {
        let page = "<tr><td>1</td><td>HAM</td></tr>".repeat(100);
        let gz = compress(page.as_bytes()).expect("compresses");
        assert!(gz.len() < page.len() / 5);
        let mut out = String::new();
        let _ = std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut out);
        assert_eq!(out, page);
    }
}
