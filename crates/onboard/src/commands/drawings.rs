//! `onboard diagram`: the state machines drawn in the docs.

use super::*;

pub(crate) fn diagram(files: &[PathBuf], readme: Option<&std::path::Path>, check: bool) -> Result<ExitCode> {
    for file in files {
        let definition: serde_json::Value = serde_json::from_str(&read(file)?).with_context(|| format!("{} is not JSON", file.display()))?;
        println!("{}", onboard::diagram::mermaid(&definition)?);
    }
    if !files.is_empty() && readme.is_none() && !check {
        return Ok(ExitCode::SUCCESS);
    }
    let pages: Vec<PathBuf> = match readme {
        Some(page) => vec![page.to_path_buf()],
        None => {
            let mut pages: Vec<PathBuf> = std::fs::read_dir("docs")
                .context("reading docs/ (run from the project root)")?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "md"))
                .collect();
            pages.sort();
            pages
        }
    };
    let mut stale = false;
    for page in &pages {
        let text = std::fs::read_to_string(page).with_context(|| format!("reading {}", page.display()))?;
        // The drawings name their definitions from the project root, the working directory.
        let fresh = onboard::diagram::refresh(&text, std::path::Path::new("."))?;
        if fresh == text {
            continue;
        }
        if check {
            eprintln!("{}: a diagram no longer matches its definition; run onboard diagram --readme {}", page.display(), page.display());
            stale = true;
            continue;
        }
        std::fs::write(page, fresh).with_context(|| format!("writing {}", page.display()))?;
        println!("{}: diagrams rewritten", page.display());
    }
    if stale {
        return Ok(ExitCode::FAILURE);
    }
    println!("the diagrams match their definitions");
    Ok(ExitCode::SUCCESS)
}
