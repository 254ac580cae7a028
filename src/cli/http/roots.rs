//! Whom `check` trusts for TLS: the system's roots, the app's own CA when
//! it exists, and `--cacert`; or nobody checked at all with `--insecure`.
//!
//! The system's roots are read from the OS's PEM bundle ourselves rather
//! than through `rustls-native-certs`: on Linux and the BSDs that crate
//! reads the very same files (and pulls in `openssl-probe`), and macOS
//! ships `/etc/ssl/cert.pem` too. What is lost is Windows' store and
//! certificates added only to the macOS keychain, which `--cacert` covers;
//! what is won is no new dependency in a lean build.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::fsutil::read_bounded;

/// The OS bundles, first found wins (the list Go's `crypto/x509` uses, in short).
const SYSTEM_BUNDLES: [&str; 6] = [
    "/etc/ssl/certs/ca-certificates.crt",                // Debian, Ubuntu, Arch, Alpine
    "/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora, RHEL
    "/etc/ssl/ca-bundle.pem",                            // openSUSE
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS
    "/etc/ssl/cert.pem",                                 // macOS, the BSDs
    "/usr/local/share/certs/ca-root-nss.crt",            // FreeBSD
];

/// A TLS client configuration for `check`: HTTP/1.1 only.
pub(crate) fn client_config(cacert: Option<&Path>, insecure: bool) -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?;
    let mut config = if insecure {
        let verifier = Arc::new(Unverified(provider.signature_verification_algorithms));
        builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth()
    } else {
        builder.with_root_certificates(roots(cacert)?).with_no_client_auth()
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The system's roots, the app's CA if present, and `--cacert` (which must load).
fn roots(cacert: Option<&Path>) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    let system = std::env::var_os("SSL_CERT_FILE").map(PathBuf::from).into_iter();
    let system = system.chain(SYSTEM_BUNDLES.iter().map(PathBuf::from));
    if let Some(bytes) = system.filter_map(|path| read_bounded(&path).ok()).next() {
        roots.add_parsable_certificates(certificates(&bytes));
    }
    let certs_dir =
        std::env::var_os("F1_CERTS_DIR").map_or_else(|| PathBuf::from(crate::config::DEFAULT_CERTS_DIR), PathBuf::from);
    if let Ok(bytes) = read_bounded(&certs_dir.join("ca.pem")) {
        roots.add_parsable_certificates(certificates(&bytes));
    }
    if let Some(path) = cacert {
        let bytes = read_bounded(path).map_err(|e| format!("cannot read --cacert {}: {e}", path.display()))?;
        let (added, _) = roots.add_parsable_certificates(certificates(&bytes));
        if added == 0 {
            return Err(format!("--cacert {} holds no PEM certificate", path.display()));
        }
    }
    Ok(roots)
}

/// Every PEM certificate in `bytes`; anything else is skipped.
fn certificates(bytes: &[u8]) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_slice_iter(bytes).filter_map(Result::ok).collect()
}

/// `--insecure`: any certificate chain and name pass; the handshake's
/// signatures are still checked, so the connection is still encrypted to
/// whoever holds the certificate's key.
#[derive(Debug)]
struct Unverified(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}
