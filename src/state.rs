//! What every request and background task shares: the database pool, the reference catalogue,
//! the matching index, the password hasher, the settings, the rate limits' counters and the file
//! store.

use std::sync::Arc;

use crate::auth::password::Hasher;
use crate::config::Settings;
use crate::db::Db;
use crate::matchmaker::Matchmaker;
use crate::reference::Catalogue;
use crate::storage::FileStore;
use crate::throttle::Throttle;

/// Shared state every handler can ask for.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub catalogue: Arc<Catalogue>,
    pub matchmaker: Arc<Matchmaker>,
    /// Hashes and verifies passwords outside transactions, a bounded number at a time.
    pub passwords: Hasher,
    pub settings: Arc<Settings>,
    /// The rate limits' counters (`[limits]`), in this instance's memory.
    pub throttle: Arc<Throttle>,
    /// Projects' photos and documents (`[storage]`).
    pub files: FileStore,
}
