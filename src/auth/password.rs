//! Argon2id password hashing with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::AppError;

/// Shortest and longest passwords accepted, in characters.
pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// Checks the length rules; `field` names the field in the error.
pub fn check_strength(field: &str, password: &str) -> Result<(), AppError> {
    let len = password.chars().count();
    if !(MIN_LEN..=MAX_LEN).contains(&len) {
        return Err(AppError::validation(
            field,
            format!("must be between {MIN_LEN} and {MAX_LEN} characters"),
        ));
    }
    Ok(())
}

/// Hashes a password into a PHC string with a fresh random salt.
pub fn hash(password: &str) -> Result<String, AppError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing password: {e}")))
}

/// Whether `password` matches the stored PHC string.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("wrong horse battery", &stored));
    }

    #[test]
    fn short_and_overlong_passwords_are_refused() {
        assert!(check_strength("password", "short").is_err());
        assert!(check_strength("password", &"x".repeat(129)).is_err());
        assert!(check_strength("password", "twelve chars").is_ok());
    }
}
