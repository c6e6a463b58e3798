#!/usr/bin/env bash
# Builds the C library (the flask-cookie-ffi crate) with cargo-c and prints the directory that
# holds it: libflask_cookie.so (soname libflask_cookie.so.0, with that link added here),
# libflask_cookie.a, flask_cookie.pc and flask_cookie-uninstalled.pc, include/flask_cookie.h.
#
#   scripts/cbuild.sh            # debug:   target/<host triple>/debug
#   scripts/cbuild.sh --release  # release: target/<host triple>/release
#
# Installs the pinned cargo-c first when it is missing (a long compile: 15 CPU-minutes, 34 min
# of wall time measured on 2 cores shared with other builds; ~/.cargo/bin keeps it; the same
# version as scripts/setup-env.sh). cargo-c 0.10.24 is the newest release that builds with Rust
# 1.95: newer ones need Rust 1.97.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_C_VERSION=0.10.24
profile=debug
flags=()
if [ "${1:-}" = --release ]; then profile=release; flags=(--release); fi
if ! cargo cbuild --version 2>/dev/null | grep -q "^cargo-c $CARGO_C_VERSION"; then
    echo "installing cargo-c $CARGO_C_VERSION (cargo install --locked): a one-time compile, about 15 CPU-minutes (15-35 min on 2 cores)" >&2
    cargo install --quiet --locked cargo-c --version "$CARGO_C_VERSION" >&2
fi
cargo cbuild -p flask-cookie-ffi "${flags[@]}" >&2
host=$(rustc -vV | sed -n 's/^host: //p')
dir="$PWD/target/$host/$profile"
# Programs linked with -lflask_cookie look for the soname (libflask_cookie.so.0) at run time:
# the link ldconfig makes on an installed copy (`cargo cinstall` makes it too).
soname=$(readelf -d "$dir/libflask_cookie.so" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ -n "$soname" ] && [ "$soname" != libflask_cookie.so ]; then
    ln -sf libflask_cookie.so "$dir/$soname"
fi
echo "$dir"
