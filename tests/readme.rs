//! The README's code blocks are files of the repository, verbatim, so that each is compiled and
//! run where it belongs: a `<!-- file: PATH -->` line right above a block names the file the
//! block must equal. Rust files are examples (`cargo build --examples`; the core's are also run
//! here); the C, C++, Python and nginx files are compiled, run or checked by `tests/c/run.sh`,
//! `bindings/cpp/run.sh`, `bindings/python/tests` and `tests/nginx/run.sh`. Every block in a
//! programming language must have a marker; `console` blocks are run by
//! `cli/tests/readme_cli.rs`; `sh` blocks (install commands) are not run.

use std::path::Path;

const README: &str = include_str!("../README.md");
const MARKER: &str = "<!-- file: ";

/// The README's fenced blocks: (language, body, the file of the marker right above, if any).
fn blocks() -> Vec<(String, String, Option<String>)> {
    let lines: Vec<&str> = README.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(lang) = lines[i].strip_prefix("```") {
            let marker = (i > 0)
                .then(|| lines[i - 1])
                .and_then(|l| l.strip_prefix(MARKER))
                .and_then(|l| l.strip_suffix(" -->"))
                .map(str::to_owned);
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && lines[end] != "```" {
                end += 1;
            }
            assert!(
                end < lines.len(),
                "README: a block opened at line {} is not closed",
                i + 1
            );
            let body: String = lines[start..end].iter().map(|l| format!("{l}\n")).collect();
            out.push((lang.to_owned(), body, marker));
            i = end + 1;
        } else {
            assert!(
                !lines[i].starts_with(MARKER)
                    || lines.get(i + 1).is_some_and(|l| l.starts_with("```")),
                "README line {}: a file marker must be right above a block",
                i + 1
            );
            i += 1;
        }
    }
    out
}

#[test]
fn readme_blocks_equal_their_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = Vec::new();
    for (lang, body, file) in blocks() {
        match (lang.as_str(), file) {
            (_, Some(file)) => {
                let text = std::fs::read_to_string(root.join(&file))
                    .unwrap_or_else(|e| panic!("README names {file}: {e}"));
                assert!(
                    text == body,
                    "the README's {lang} block differs from {file}: copy the file into the README"
                );
                checked.push(file);
            }
            ("sh" | "console" | "text", None) => {}
            (lang, None) => panic!(
                "a {lang} block of the README has no `{MARKER}PATH -->` line: put the code in a \
                 file that is compiled or run, and name it"
            ),
        }
    }
    // The files whose tests depend on being in the README (renaming one must update both).
    for file in [
        "examples/readme_codec.rs",
        "integrations/axum/examples/axum_readme.rs",
        "integrations/actix/examples/actix_readme.rs",
        "examples/c/readme_session.c",
        "bindings/cpp/examples/readme.cpp",
        "bindings/python/examples/readme.py",
        "examples/nginx/readme.conf",
    ] {
        assert!(
            checked.iter().any(|f| f == file),
            "the README no longer shows {file}"
        );
    }
}

// The core's README examples and the session example, run: each file is included into a module
// (the examples' headers are plain `//` comments for this), whose private `main` is then in scope.
mod readme_codec {
    include!("../examples/readme_codec.rs");
    #[test]
    fn runs() {
        main().unwrap();
    }
}

#[cfg(feature = "serde")]
mod typed_session {
    include!("../examples/typed_session.rs");
    #[test]
    fn runs() {
        main().unwrap();
    }
}

mod flask_session {
    include!("../examples/flask_session.rs");
    #[test]
    fn runs() {
        main().unwrap();
    }
}
