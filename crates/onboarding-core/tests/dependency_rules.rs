//! The core's layers, held: the kernel imports nothing above it; the ports stand on the kernel;
//! the steps several workflows share on both; and no workflow imports another, but for the
//! couplings listed here, each with its reason.

use std::path::{Path, PathBuf};

/// A workflow importing another, allowed until the shared steps take their own input types.
const KNOWN_COUPLINGS: &[(&str, &str, &str)] = &[
    // The amendment's and reconciliation's additions run the onboarding's SendInvitations and
    // AssignAccess steps, whose input is an onboarding's state.
    ("amendment/state.rs", "onboarding::state", "the shared invitation steps take an OnboardingState"),
    // The reconciliation runs the amendment's steps with its own section in the amendment's state.
    ("amendment/state.rs", "reconciliation", "the reconciliation's section rides in the amendment's state"),
];

const WORKFLOWS: &[&str] = &["onboarding", "amendment", "reconciliation", "offboarding"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `crate::a::b` paths a file names outside its tests, as `a::b`.
fn crate_paths(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let tail = &rest[at + "crate::".len()..];
        let path: String = tail.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
        found.push(path.trim_end_matches(':').to_string());
        rest = tail;
    }
    found
}

#[test]
fn each_layer_imports_only_what_is_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    assert!(files.len() > 30, "the core's sources were not found");
    let mut broken = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
        let layer = relative.split('/').next().unwrap_or_default().trim_end_matches(".rs").to_string();
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for path in crate_paths(&text) {
            let target = path.split("::").next().unwrap_or_default();
            let allowed: &[&str] = match layer.as_str() {
                "kernel" => &["kernel"],
                "ports" => &["kernel", "ports"],
                "shared" => &["kernel", "ports", "shared"],
                w if WORKFLOWS.contains(&w) => &["kernel", "ports", "shared", w],
                _ => continue, // the registry, the fakes and the entry helpers stand above all of it
            };
            let ok = allowed.iter().any(|a| path == *a || path.starts_with(&format!("{a}::")) || (a.contains("::") && path.starts_with(a)));
            let known = KNOWN_COUPLINGS.iter().any(|(f, p, _)| relative == *f && path.starts_with(p));
            if !ok && !known && target != layer {
                broken.push(format!("{relative} imports crate::{path}"));
            }
        }
    }
    assert!(broken.is_empty(), "imports across the layers:\n{}", broken.join("\n"));
}

#[test]
fn the_known_couplings_still_exist() {
    // When one is removed, its entry goes too: the list says what is left to do.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (file, path, why) in KNOWN_COUPLINGS {
        let text = std::fs::read_to_string(src.join(file)).unwrap_or_default();
        assert!(crate_paths(&text).iter().any(|p| p.starts_with(path)), "{file} no longer imports {path} ({why}): drop it from KNOWN_COUPLINGS");
    }
}
