//! What every request and background task shares: the database pool, the reference catalogue,
//! the matching index, the password hasher and the settings.

use std::sync::Arc;

use crate::auth::password::Hasher;
use crate::config::Settings;
use crate::db::Db;
use crate::matchmaker::Matchmaker;
use crate::reference::Catalogue;

/// Shared state every handler can ask for.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub catalogue: Arc<Catalogue>,
    pub matchmaker: Arc<Matchmaker>,
    /// Hashes and verifies passwords outside transactions, a bounded number at a time.
    pub passwords: Hasher,
    pub settings: Arc<Settings>,
}
