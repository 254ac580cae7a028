//! Lingering close: after the last response, end our side first and keep
//! reading (and discarding) for a little while, so the client gets to read
//! what we wrote.
//!
//! Why: when the server refuses a request early (a 431 for a head over the
//! limit, a 413 for a body it will not read), the client is often still
//! sending. Closing a socket with unread input makes the kernel send a
//! reset, and a reset can destroy the answer on its way: over TLS the
//! client then saw no status at all. So, as nginx's `lingering_close`:
//! shut the write side (TLS close_notify, then FIN), then drain input for at
//! most [`LINGER_TIME`] and [`LINGER_BYTES`], or until the client closes.
//! Shutdown cuts it short.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_rustls::server::TlsStream;

use super::write_deadline::WriteDeadline;
use crate::limits::{LINGER_BYTES, LINGER_TIME};

/// The TCP stream under every connection, plain or TLS.
pub type Tcp = WriteDeadline<TcpStream>;

/// A connection's stream, which can hand out the TCP stream under it (the
/// drain reads raw bytes: there is no point decrypting what is discarded).
pub trait Transport: AsyncRead + AsyncWrite + Unpin + Send {
    /// The TCP stream.
    fn tcp(&mut self) -> &mut Tcp;
}

impl Transport for Tcp {
    fn tcp(&mut self) -> &mut Tcp {
        self
    }
}

impl Transport for TlsStream<Tcp> {
    fn tcp(&mut self) -> &mut Tcp {
        self.get_mut().0
    }
}

/// Closes `io` gracefully, within [`LINGER_TIME`], or at once when `stop`
/// says the app is stopping (or when the client had stopped reading).
pub async fn close<T: Transport>(io: &mut T, stop: &mut watch::Receiver<bool>) {
    if io.tcp().stalled() || *stop.borrow() {
        return;
    }
    let linger = async {
        // close_notify (over TLS) and FIN: the client reads our answer to its
        // end. hyper may have shut down already; a second time is harmless,
        // and a failure (the peer is gone) shows in the read just below.
        let _ = io.shutdown().await;
        let tcp = io.tcp();
        let mut buf = [0u8; 2048];
        let mut read = 0;
        while read < LINGER_BYTES {
            match tcp.read(&mut buf).await? {
                0 => break,
                n => read += n,
            }
        }
        Ok::<(), std::io::Error>(())
    };
    tokio::select! {
        // Errors (a reset, a TLS alert) and the time limit end it alike.
        _ = tokio::time::timeout(LINGER_TIME, linger) => {}
        _ = super::stopped(stop) => {}
    }
}
