#!/usr/bin/env bash
# Checks that a Rust crate depending on flask-cookie builds no C library: a scratch crate that
# depends on the core by path is built verbosely (in the repository's target directory, to
# reuse the compiled dependencies); fails when any rustc call of it emits a cdylib or staticlib,
# when flask-cookie-ffi or the CLI's clap, clap_complete or indicatif is in its dependency tree,
# or when a libflask_cookie* file appears.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/src"
cat >"$scratch/Cargo.toml" <<TOML
[package]
name = "uses-flask-cookie"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
flask-cookie = { path = "$root" }

[workspace]
TOML
cat >"$scratch/src/main.rs" <<'RS'
fn main() {
    let codec = flask_cookie::Codec::flask("test key").build().expect("codec");
    let opened = codec.open("eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE", 1_700_000_000);
    println!("{}", opened.is_ok());
}
RS
cp Cargo.lock "$scratch/"
out="$root/target/no-clib"
mkdir -p "$out"
(cd "$scratch" && cargo tree --offline -e normal,build) >"$out/tree.txt" 2>&1 || (cd "$scratch" && cargo tree -e normal,build) >"$out/tree.txt"
if grep -q "flask-cookie-ffi" "$out/tree.txt"; then
    echo "error: flask-cookie-ffi is a dependency of a crate that depends on flask-cookie" >&2
    exit 1
fi
# The CLI's dependencies (cli/: flask-cookie-cli) stay out of the library's tree.
if grep -E " (clap|clap_complete|indicatif) v" "$out/tree.txt"; then
    echo "error: the CLI's dependencies (above) are in the tree of a crate that depends on flask-cookie" >&2
    exit 1
fi
# The core is rebuilt each time (its dependencies are cached), so that its rustc call is seen.
(cd "$scratch" && CARGO_TARGET_DIR="$out/target" cargo clean -q -p flask-cookie 2>/dev/null) || true
(cd "$scratch" && CARGO_TARGET_DIR="$out/target" cargo build -v 2>&1) >"$out/build.log" || { cat "$out/build.log" >&2; exit 1; }
if grep -E "Running .*--crate-type (cdylib|staticlib)" "$out/build.log"; then
    echo "error: building a dependent of flask-cookie emits a C library (above)" >&2
    exit 1
fi
if find "$out/target" -name 'libflask_cookie*.so*' -o -name 'libflask_cookie*.a' | grep .; then
    echo "error: a libflask_cookie C library was built (above)" >&2
    exit 1
fi
crate_types=$(grep -E "rustc --crate-name flask_cookie " "$out/build.log" | grep -oE -- "--crate-type [a-z-]+" | sort -u | tr '\n' ' ' || true)
[ -n "$crate_types" ] || { echo "error: no rustc call of flask_cookie in the build log" >&2; exit 1; }
echo "ok: a crate depending on flask-cookie builds it as: ${crate_types:-?}; no cdylib, no staticlib, no flask-cookie-ffi, no clap"
