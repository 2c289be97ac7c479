//! Passwords: the strength rule (length, and zxcvbn's estimate of how easily it is guessed),
//! Argon2id hashing with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane), and
//! [`Hasher`], which runs that hashing off the reactor and outside any transaction, a bounded
//! number at a time.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;
use zxcvbn::feedback::Warning;

use crate::error::AppError;

/// Shortest and longest passwords accepted, in characters.
pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

/// The lowest zxcvbn score accepted: 3 means about 10^10 guesses or more are needed.
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// Why a password of the right length is refused: what makes it easy to guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum Weakness {
    /// A commonly used password, or close to one (`password1234`).
    Common,
    /// A word or a name on its own, or the person's own name or address.
    Word,
    /// Keyboard rows, repeats or sequences (`qwertyuiop`, `aaaa`, `abcd1234`).
    Pattern,
    /// Dates and recent years.
    Date,
    /// Nothing in particular, just too few guesses.
    Guessable,
}

impl Weakness {
    fn of(warning: Option<Warning>) -> Self {
        use Warning::*;
        match warning {
            Some(
                ThisIsATop10Password
                | ThisIsATop100Password
                | ThisIsACommonPassword
                | ThisIsSimilarToACommonlyUsedPassword,
            ) => Weakness::Common,
            Some(
                AWordByItselfIsEasyToGuess
                | NamesAndSurnamesByThemselvesAreEasyToGuess
                | CommonNamesAndSurnamesAreEasyToGuess,
            ) => Weakness::Word,
            Some(
                StraightRowsOfKeysAreEasyToGuess
                | ShortKeyboardPatternsAreEasyToGuess
                | RepeatsLikeAaaAreEasyToGuess
                | RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess
                | SequencesLikeAbcAreEasyToGuess,
            ) => Weakness::Pattern,
            Some(RecentYearsAreEasyToGuess | DatesAreOftenEasyToGuess) => Weakness::Date,
            None => Weakness::Guessable,
        }
    }

    /// What the API says at the password's field.
    pub fn message(self) -> &'static str {
        match self {
            Weakness::Common => {
                "is too easy to guess: it is a common password or close to one; use a few uncommon words"
            }
            Weakness::Word => {
                "is too easy to guess: a word or name on its own, or your own name or address; add more words"
            }
            Weakness::Pattern => {
                "is too easy to guess: keyboard rows, repeats and sequences are tried first; use a few uncommon words"
            }
            Weakness::Date => {
                "is too easy to guess: dates and years are tried first; use a few uncommon words"
            }
            Weakness::Guessable => "is too easy to guess; add another word or two",
        }
    }

    /// The weakness a field message tells of, when it is one of [`Weakness::message`].
    pub fn from_message(message: &str) -> Option<Self> {
        use strum::IntoEnumIterator;
        Weakness::iter().find(|w| w.message() == message)
    }

    /// The catalogue key of what pages say about it (`locales/forms.*.toml`).
    pub fn need(self) -> &'static str {
        match self {
            Weakness::Common => "forms.password_common",
            Weakness::Word => "forms.password_word",
            Weakness::Pattern => "forms.password_pattern",
            Weakness::Date => "forms.password_date",
            Weakness::Guessable => "forms.password_guessable",
        }
    }
}

/// Checks that a password is 12 to 128 characters long and hard to guess, also for someone who
/// knows `personal` (the person's name and address); `field` names the field in the error.
pub fn check_strength(field: &str, password: &str, personal: &[&str]) -> Result<(), AppError> {
    let len = password.chars().count();
    if !(MIN_LEN..=MAX_LEN).contains(&len) {
        return Err(AppError::validation(
            field,
            format!("must be between {MIN_LEN} and {MAX_LEN} characters"),
        ));
    }
    // Compared in lower case, as zxcvbn compares the password; the parts of a name or address
    // count on their own too: `yuki` of `yuki@sakura.example`.
    let lowered: Vec<String> = personal.iter().map(|v| v.to_lowercase()).collect();
    let mut known: Vec<&str> = Vec::new();
    for value in &lowered {
        known.push(value);
        known.extend(
            value
                .split(|c: char| !c.is_alphanumeric())
                .filter(|part| part.chars().count() >= 3),
        );
    }
    let estimate = zxcvbn::zxcvbn(password, &known);
    if estimate.score() < MIN_SCORE {
        let warning = estimate.feedback().and_then(|f| f.warning());
        return Err(AppError::validation(field, Weakness::of(warning).message()));
    }
    Ok(())
}

/// Hashes a password into a PHC string with a fresh random salt. Slow on purpose: call it
/// through a [`Hasher`] when serving requests.
pub fn hash(password: &str) -> Result<String, AppError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing password: {e}")))
}

/// Whether `password` matches the stored PHC string. Slow on purpose, like [`hash`].
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A valid Argon2id hash of a random string, checked against when an email is unknown so that
/// the answer takes as long as for a known one.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2VwYWRhbnNhbHRzYWx0$Uw3i1Jb3HkHCwFbnUuXw0vGjWsoXOJ1cUBo2xoNV5lM";

/// Runs password hashing and verification for requests: on the blocking thread pool, never
/// inside a database transaction, and at most `auth.hashing_concurrency` at a time. Each hash
/// takes 19 MiB and a core for tens of milliseconds, so a flood of sign-ins waits here for a
/// permit (a few bytes each) instead of taking memory, threads or the write lock.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    size: usize,
}

impl Hasher {
    /// A hasher running at most `concurrency` hashes at once; 0 means one per CPU core.
    pub fn new(concurrency: usize) -> Self {
        let permits = match concurrency {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        Hasher {
            permits: Arc::new(Semaphore::new(permits)),
            size: permits,
        }
    }

    /// How many hashes may run at once.
    pub fn concurrency(&self) -> usize {
        self.size
    }

    async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let _permit =
            self.permits.acquire().await.map_err(|e| {
                AppError::Internal(anyhow::anyhow!("password hashing stopped: {e}"))
            })?;
        let span = tracing::Span::current();
        actix_web::web::block(move || {
            let _entered = span.enter();
            work()
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing task failed: {e}")))
    }

    /// [`hash`], off the reactor and within the cap.
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || hash(&password)).await?
    }

    /// [`verify`], off the reactor and within the cap; an unknown account (`None`) is checked
    /// against [`DUMMY_HASH`] and never matches.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        self.run(move || match stored {
            Some(stored) => verify(&password, &stored),
            None => {
                verify(&password, DUMMY_HASH);
                false
            }
        })
        .await
    }
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
        assert!(check_strength("password", "short", &[]).is_err());
        assert!(check_strength("password", &"x".repeat(129), &[]).is_err());
        assert!(check_strength("password", "quiet otter lantern", &[]).is_ok());
    }

    #[test]
    fn common_and_patterned_passwords_are_refused_with_the_reason() {
        let why = |password: &str, personal: &[&str]| match check_strength(
            "password", password, personal,
        ) {
            Err(AppError::Validation { fields, .. }) => Weakness::from_message(&fields["password"]),
            _ => None,
        };
        assert_eq!(why("password1234", &[]), Some(Weakness::Common));
        assert_eq!(why("aaaaaaaaaaaa", &[]), Some(Weakness::Pattern));
        let personal = ["yuki@sakura.example", "Yuki Tanaka"];
        assert!(why("yuki@sakura.example", &personal).is_some());
        assert_eq!(why("quiet otter lantern", &[]), None);
    }

    #[test]
    fn the_demo_password_is_strong_enough() {
        assert!(check_strength("password", crate::seed::DEMO_PASSWORD, &[]).is_ok());
    }
}
