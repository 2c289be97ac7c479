//! Access tokens (short-lived HS256 JWTs) and refresh tokens (opaque, stored hashed, rotated).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::AuthSettings;
use crate::error::AppError;

/// How far clocks may disagree when checking `exp`, in seconds.
const LEEWAY_SECONDS: u64 = 30;

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user's id.
    pub sub: String,
    /// The session (refresh-token family) the token was issued in; revoking it ends the token.
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
}

/// Signs and checks access tokens with the configured secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    /// Lifetime of an access token in seconds.
    pub access_ttl_seconds: i64,
    /// Lifetime of a refresh token in days.
    pub refresh_ttl_days: i64,
}

impl TokenKeys {
    pub fn new(settings: &AuthSettings) -> anyhow::Result<Self> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        Ok(TokenKeys {
            encoding: EncodingKey::from_secret(settings.jwt_secret.expose_secret().as_bytes())?,
            decoding: DecodingKey::from_secret(settings.jwt_secret.expose_secret().as_bytes())?,
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            access_ttl_seconds: settings.access_token_minutes * 60,
            refresh_ttl_days: settings.refresh_token_days,
        })
    }

    /// A signed access token for `user_id` in session `session_id`.
    pub fn issue_access(&self, user_id: &str, session_id: &str) -> Result<String, AppError> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: user_id.to_owned(),
            sid: session_id.to_owned(),
            iat: now,
            exp: now + self.access_ttl_seconds,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("signing token: {e}")))
    }

    /// The claims of a valid token: right signature, issuer and audience, not expired.
    pub fn verify_access(&self, token: &str) -> Result<Claims, AppError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| AppError::Unauthenticated(format!("invalid access token: {e}")))
    }
}

/// A new opaque secret (256 random bits, URL-safe), for refresh tokens and invitations.
pub fn new_secret() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// The form a secret is stored in: SHA-256, hex. Secrets are random, so no salt is needed.
pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let mut settings = Settings::defaults().auth;
        let keys = TokenKeys::new(&settings).unwrap();
        let token = keys.issue_access("user", "session").unwrap();
        assert_eq!(keys.verify_access(&token).unwrap().sub, "user");
        settings.jwt_secret = "another secret that is long enough!!".into();
        assert!(
            TokenKeys::new(&settings)
                .unwrap()
                .verify_access(&token)
                .is_err()
        );
    }

    #[test]
    fn secrets_are_random_and_hash_stably() {
        assert_ne!(new_secret(), new_secret());
        assert_eq!(hash_secret("abc").len(), 64);
        assert_eq!(hash_secret("abc"), hash_secret("abc"));
    }
}
