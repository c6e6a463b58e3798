//! The README's `console` blocks are run as written: each `$ ` line is a command (bash, in the
//! repository's root, with this build's `flask-cookie` first on `PATH`), the lines after it are
//! what it prints on stdout. `cargo run --bin flask-cookie --` is run as `flask-cookie`, the
//! program cargo would run.

use std::path::Path;
use std::process::Command;

const README: &str = include_str!("../../README.md");

/// The `console` blocks: the script of their commands and the stdout the README shows.
fn console_blocks() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = README;
    while let Some(start) = rest.find("```console\n") {
        let body = &rest[start + "```console\n".len()..];
        let end = body.find("\n```\n").expect("a console block is closed");
        let (mut script, mut stdout) = (String::new(), String::new());
        for line in body[..end].lines() {
            match line.strip_prefix("$ ") {
                Some(command) => {
                    let command =
                        command.replace("cargo run --bin flask-cookie --", "flask-cookie");
                    script.push_str(&command);
                    script.push('\n');
                }
                None => {
                    stdout.push_str(line);
                    stdout.push('\n');
                }
            }
        }
        out.push((script, stdout));
        rest = &body[end..];
    }
    out
}

#[test]
fn readme_console_blocks_print_what_the_readme_shows() {
    // The repository's root (this package is cli/).
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let bin = Path::new(env!("CARGO_BIN_EXE_flask-cookie"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let blocks = console_blocks();
    assert!(blocks.len() >= 3, "the README lost its console blocks");
    for (script, want) in blocks {
        let out = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .current_dir(root)
            .env("PATH", &path)
            .env_remove("FLASK_SECRET_KEY")
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            want,
            "README console block:\n{script}stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
