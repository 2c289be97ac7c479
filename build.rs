//! Rebuilds the crate when a message catalogue changes: the catalogues in `locales/` are
//! compiled into the binary by a macro that cargo cannot see reading them.

fn main() {
    println!("cargo:rerun-if-changed=locales");
}
