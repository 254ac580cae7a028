//! Unguessable values (session cookies, the instructor token, the lab's
//! CSRF token), from the operating system's random source through the same
//! `ring` that does the app's TLS.

use rustls::crypto::ring::default_provider;

/// The operating system gave no random bytes (it never should).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the operating system's random source failed")]
pub struct RandomUnavailable;

/// `bytes` random bytes as lower-case hex (twice as many characters).
pub fn random_hex(bytes: usize) -> Result<String, RandomUnavailable> {
    let mut buf = vec![0u8; bytes];
    default_provider().secure_random.fill(&mut buf).map_err(|_| RandomUnavailable)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// A random `u64` (the race's seed when none is given).
pub fn random_u64() -> Result<u64, RandomUnavailable> {
    let mut buf = [0u8; 8];
    default_provider().secure_random.fill(&mut buf).map_err(|_| RandomUnavailable)?;
    Ok(u64::from_le_bytes(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_hex_of_the_asked_length_and_differ() {
        let a = random_hex(16).expect("random");
        let b = random_hex(16).expect("random");
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }
}
