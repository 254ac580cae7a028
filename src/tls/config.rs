//! Turns a PEM certificate chain and key into a rustls server configuration.

use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::TlsError;
use super::error::{io_reason, pem_reason};

/// Builds the HTTPS server configuration for the API origin from a PEM
/// certificate chain (leaf first) and its PEM private key (PKCS#8, SEC1 or
/// RSA).
///
/// Works for the files made by [`ensure_certificates`](super::ensure_certificates)
/// and for a learner's own `--cert`/`--key` (for example from mkcert). The
/// crypto provider is rustls' `ring` provider, chosen explicitly so the
/// result does not depend on a process-wide default. Only `http/1.1` is
/// offered over ALPN because the lab's server speaks HTTP/1.1 only.
///
/// # Errors
///
/// [`TlsError::ReadCert`] or [`TlsError::ReadKey`] when a file is missing,
/// unreadable or holds no usable PEM item, [`TlsError::KeyMismatch`] when the
/// key belongs to another certificate, [`TlsError::Config`] for anything
/// else rustls refuses.
pub fn server_config(cert: &Path, key: &Path) -> Result<ServerConfig, TlsError> {
    let chain = load_chain(cert)?;
    let private_key = load_key(key)?;
    let config_error = |reason: String| TlsError::Config { cert: cert.to_path_buf(), key: key.to_path_buf(), reason };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| config_error(e.to_string()))?
        .with_no_client_auth();
    let mut config = builder.with_single_cert(chain, private_key).map_err(|e| match e {
        rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch) => {
            TlsError::KeyMismatch { key: key.to_path_buf(), cert: cert.to_path_buf() }
        }
        // The PEM armour was fine but the bytes inside are not a key ring
        // can use (e.g. a corrupted or unsupported key).
        rustls::Error::General(reason) => TlsError::ReadKey { path: key.to_path_buf(), reason },
        other => config_error(other.to_string()),
    })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Every `CERTIFICATE` block of the file, in order.
fn load_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let unusable = |reason: String| TlsError::ReadCert { path: path.to_path_buf(), reason };
    // Reading the bytes ourselves keeps "not found" apart from "not PEM".
    let bytes = crate::fsutil::read_bounded(path).map_err(|e| unusable(io_reason(&e)))?;
    let chain = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| unusable(pem_reason(&e, "certificate")))?;
    if chain.is_empty() {
        return Err(unusable(pem_reason(&pem::Error::NoItemsFound, "certificate")));
    }
    Ok(chain)
}

/// The first private key of the file, whichever of the three PEM kinds.
fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let unusable = |reason: String| TlsError::ReadKey { path: path.to_path_buf(), reason };
    let bytes = crate::fsutil::read_bounded(path).map_err(|e| unusable(io_reason(&e)))?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| unusable(pem_reason(&e, "private key")))
}
