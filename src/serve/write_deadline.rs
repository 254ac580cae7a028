//! A socket that gives up on a client that stops reading: once a write
//! cannot go on, the client has [`limits::WRITE_STALL_TIMEOUT`] to make
//! room (read something) before every further write fails with `TimedOut`
//! and the connection ends.
//!
//! Why: a client can pipeline requests for a large page and never read the
//! answers. Without this the server's writes just wait, forever, and each
//! such connection pins a kernel send buffer of megabytes. The wrapper sits
//! directly on the TCP stream, under TLS, so every byte that leaves the
//! process (handshake, responses, close_notify) is covered.
//!
//! [`limits::WRITE_STALL_TIMEOUT`]: crate::limits::WRITE_STALL_TIMEOUT

use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// `S`, whose writes fail once they made no progress for `limit`.
#[derive(Debug)]
pub struct WriteDeadline<S> {
    inner: S,
    limit: Duration,
    // Armed when a write first waits; cleared by any progress. Boxed so the
    // wrapper stays `Unpin`; allocated once per connection, on first stall.
    stall: Option<Pin<Box<Sleep>>>,
    armed: bool,
    // Set once the limit passed: the connection is dead, not worth a
    // lingering close (whose writes would only stall again).
    stalled: bool,
}

impl<S> WriteDeadline<S> {
    /// Wraps `inner`.
    pub fn new(inner: S, limit: Duration) -> Self {
        Self { inner, limit, stall: None, armed: false, stalled: false }
    }

    /// Whether a write waited longer than the limit.
    pub fn stalled(&self) -> bool {
        self.stalled
    }

    /// The wrapped stream.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Turns the inner poll's answer into progress or a stall.
    fn watch<T>(&mut self, cx: &mut Context<'_>, polled: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if polled.is_ready() {
            // Progress (or an error, which ends the connection anyway).
            self.armed = false;
            return polled;
        }
        let deadline = Instant::now() + self.limit;
        let stall = self.stall.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if !self.armed {
            stall.as_mut().reset(deadline);
            self.armed = true;
        }
        ready!(stall.as_mut().poll(cx));
        self.stalled = true;
        Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading")))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteDeadline<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteDeadline<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.watch(cx, polled)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.watch(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_flush(cx);
        self.watch(cx, polled)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.watch(cx, polled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_write_nobody_reads_fails_after_the_limit_and_one_that_is_read_does_not() {
        let limit = Duration::from_millis(300);
        let (near, far) = tokio::io::duplex(64);
        let mut io = WriteDeadline::new(near, limit);
        let started = Instant::now();
        let error = io.write_all(&[0; 1024]).await.expect_err("nobody reads");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= limit, "gave up after {:?}", started.elapsed());
        assert!(io.stalled());
        drop(far);

        // A reader that takes a little every so often keeps it going.
        let (near, mut far) = tokio::io::duplex(64);
        let mut io = WriteDeadline::new(near, limit);
        let reader = tokio::spawn(async move {
            let mut buf = [0; 64];
            let mut got = 0;
            while got < 1024 {
                tokio::time::sleep(limit / 3).await;
                got += far.read(&mut buf).await.expect("read");
            }
        });
        io.write_all(&[0; 1024]).await.expect("slow but steady");
        reader.await.expect("reader");
        assert!(!io.stalled());
    }
}
