//! Rebuilds the crate when a message catalogue or a migration changes: both are compiled into
//! the binary by macros (`i18n!`, `embed_migrations!`) whose reads cargo cannot see.

fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=migrations");
}
