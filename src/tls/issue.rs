//! Creates the local CA and API certificates with rcgen.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, SanType,
};
use time::{Duration, OffsetDateTime};

use super::TlsError;
use super::names::Host;

/// The subject of the local CA, as learners see it in the browser's
/// certificate viewer and trust store.
pub const CA_NAME: &str = "F1 Race Results local CA";

/// Ten years: long enough that a learner trusts it once and forgets about it.
const CA_LIFETIME: Duration = Duration::days(3650);

/// One year. Browsers refuse server certificates valid for more than 398
/// days, counted from notBefore, so with the backdating below this stays at
/// 365 days plus one hour.
const LEAF_LIFETIME: Duration = Duration::days(365);

/// Backdate notBefore a little so a client whose clock is slightly behind
/// does not see a "not yet valid" certificate.
const BACKDATE: Duration = Duration::hours(1);

/// A PEM certificate and its PEM (PKCS#8) private key.
pub(crate) struct Issued {
    pub(crate) cert_pem: String,
    pub(crate) key_pem: String,
}

/// A fresh self-signed CA with an ECDSA P-256 key, allowed to sign server
/// certificates only (path length 0), and only for `hosts` (name
/// constraints, see [`super::constraints`]).
pub(crate) fn new_ca(now: OffsetDateTime, hosts: &[Host]) -> Result<Issued, TlsError> {
    let failed = |e: rcgen::Error| TlsError::Generate { what: "local CA", reason: e.to_string() };
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(failed)?;
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, CA_NAME);
    params.distinguished_name.push(DnType::OrganizationName, "F1 Race Results CORS lab");
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    params.not_before = now - BACKDATE;
    params.not_after = now + CA_LIFETIME;
    params.name_constraints = Some(super::constraints::for_hosts(hosts));
    let cert = params.self_signed(&key).map_err(failed)?;
    Ok(Issued { cert_pem: cert.pem(), key_pem: key.serialize_pem() })
}

/// A fresh API certificate for `hosts`, signed by the CA given as PEM text
/// and key, exactly as it is loaded from disk on later starts.
pub(crate) fn new_leaf(
    ca_cert_pem: &str,
    ca_key: &KeyPair,
    ca_not_after: OffsetDateTime,
    hosts: &[Host],
    now: OffsetDateTime,
) -> Result<Issued, TlsError> {
    let failed = |e: rcgen::Error| TlsError::Generate { what: "API certificate", reason: e.to_string() };
    // rcgen 0.14 reads the issuer's name and key identifier from the CA
    // certificate itself; the old CertificateParams::from_ca_cert_pem is gone.
    let issuer = Issuer::from_ca_cert_pem(ca_cert_pem, ca_key).map_err(failed)?;
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(failed)?;

    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    let common_name = hosts.first().map_or_else(|| "localhost".to_string(), Host::to_string);
    params.distinguished_name.push(DnType::CommonName, common_name);
    params.subject_alt_names = hosts.iter().map(san).collect::<Result<_, _>>()?;
    params.is_ca = IsCa::ExplicitNoCa;
    // ECDSA keys sign the handshake; they never encipher keys.
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    params.not_before = now - BACKDATE;
    // A leaf outliving its CA would be rejected by browsers anyway.
    params.not_after = (now + LEAF_LIFETIME).min(ca_not_after);
    // serial_number stays None: rcgen derives it from the new public key, so
    // every re-issued leaf gets a new serial (Firefox rejects reused ones).
    let cert = params.signed_by(&key, &issuer).map_err(failed)?;
    Ok(Issued { cert_pem: cert.pem(), key_pem: key.serialize_pem() })
}

fn san(host: &Host) -> Result<SanType, TlsError> {
    match host {
        Host::Ip(ip) => Ok(SanType::IpAddress(*ip)),
        Host::Dns(name) => {
            name.as_str().try_into().map(SanType::DnsName).map_err(|_| TlsError::InvalidName { name: name.clone() })
        }
    }
}
