#!/usr/bin/env bash
# Builds the C library (the flask-cookie-ffi crate) with cargo-c and prints the directory that
# holds it: libflask_cookie.so (soname libflask_cookie.so.0), libflask_cookie.a, flask_cookie.pc
# and flask_cookie-uninstalled.pc, include/flask_cookie.h.
#
#   scripts/cbuild.sh            # debug:   target/<host triple>/debug
#   scripts/cbuild.sh --release  # release: target/<host triple>/release
#
# Installs the pinned cargo-c first when it is missing (about 13 minutes on 2 cores; CI keeps it
# in ~/.cargo/bin). cargo-c 0.10.24 is the newest release that builds with Rust 1.95: newer ones
# need Rust 1.97.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_C_VERSION=0.10.24
profile=debug
flags=()
if [ "${1:-}" = --release ]; then profile=release; flags=(--release); fi
if ! cargo cbuild --version 2>/dev/null | grep -q "^cargo-c $CARGO_C_VERSION"; then
    echo "installing cargo-c $CARGO_C_VERSION (cargo install --locked)" >&2
    cargo install --quiet --locked cargo-c --version "$CARGO_C_VERSION" >&2
fi
cargo cbuild --quiet -p flask-cookie-ffi "${flags[@]}" >&2
host=$(rustc -vV | sed -n 's/^host: //p')
echo "$PWD/target/$host/$profile"
