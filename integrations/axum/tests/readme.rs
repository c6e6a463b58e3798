//! The README's axum and actix examples are these crates' example files, verbatim (compiled by
//! `cargo build --workspace --examples` / clippy `--all-targets`).

#[test]
fn readme_examples_are_the_example_files() {
    let readme = include_str!("../../../README.md");
    for (name, code) in [
        ("axum", include_str!("../examples/axum_readme.rs")),
        (
            "actix",
            include_str!("../../actix/examples/actix_readme.rs"),
        ),
    ] {
        let block = format!("```rust,ignore\n{code}```");
        assert!(
            readme.contains(&block),
            "README's {name} example differs from its file"
        );
    }
}
