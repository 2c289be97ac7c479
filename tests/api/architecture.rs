//! The layer rules of docs/architecture.md, checked on the source: the two faces never import
//! each other, nothing else imports a face (the composition root in `startup.rs` aside), and
//! the services know nothing of HTTP or templates.

use std::path::{Path, PathBuf};

/// Every Rust file under `src/`, with its path relative to the crate root and its text.
pub(crate) fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    walk(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a readable source file");
            let name = path
                .strip_prefix(root)
                .expect("under the crate root")
                .to_string_lossy()
                .replace('\\', "/");
            (name, text)
        })
        .collect()
}

/// The files outside `allowed` (folders or files) whose text names one of `names`, with the line.
fn offenders(names: &[&str], allowed: &[&str], within: &str) -> Vec<String> {
    sources()
        .into_iter()
        .filter(|(path, _)| path.starts_with(within))
        .filter(|(path, _)| !allowed.iter().any(|a| path.starts_with(a)))
        .flat_map(|(path, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, line)| names.iter().any(|n| line.contains(n)))
                .map(|(i, line)| format!("{path}:{}: {}", i + 1, line.trim()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn nothing_outside_the_json_face_imports_it() {
    let found = offenders(&["crate::api"], &["src/api/", "src/startup.rs"], "src/");
    assert!(
        found.is_empty(),
        "names the JSON face:\n{}",
        found.join("\n")
    );
}

#[test]
fn nothing_outside_the_pages_imports_them() {
    let found = offenders(&["crate::web"], &["src/web/", "src/startup.rs"], "src/");
    assert!(found.is_empty(), "names the pages:\n{}", found.join("\n"));
}

#[test]
fn services_know_nothing_of_http_or_templates() {
    let found = offenders(
        &[
            "actix_web",
            "actix_multipart",
            "askama",
            "HttpRequest",
            "HttpResponse",
        ],
        &[],
        "src/services/",
    );
    assert!(
        found.is_empty(),
        "a service speaks HTTP:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checks_see_the_faces_and_the_services() {
    // A rule that reads no file holds trivially; make sure each folder is there to be read.
    let paths: Vec<String> = sources().into_iter().map(|(path, _)| path).collect();
    for folder in ["src/api/", "src/web/", "src/services/"] {
        assert!(
            paths.iter().filter(|p| p.starts_with(folder)).count() > 3,
            "{folder} holds the modules the rules are about"
        );
    }
}

#[test]
fn the_faces_reach_the_database_only_through_services() {
    let faces = offenders(&["crate::models", "models::"], &[], "src/api/")
        .into_iter()
        .chain(offenders(&["crate::models", "models::"], &[], "src/web/"));
    let found: Vec<String> = faces.collect();
    assert!(
        found.is_empty(),
        "a face queries models itself:\n{}",
        found.join("\n")
    );
}
