#!/usr/bin/env bash
# Regenerates include/flask_cookie.h from ffi/src/ (the flask-cookie-ffi crate) with the pinned cbindgen, or, with
# --verify, fails when the checked-in header differs from what cbindgen generates now.
#
#   scripts/header.sh            # regenerate
#   scripts/header.sh --verify   # check (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
CBINDGEN_VERSION=0.29.4

if ! cbindgen --version 2>/dev/null | grep -qx "cbindgen $CBINDGEN_VERSION"; then
    echo "installing cbindgen $CBINDGEN_VERSION" >&2
    cargo install --quiet --locked cbindgen --version "$CBINDGEN_VERSION"
fi

out=include/flask_cookie.h
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cbindgen --quiet --config cbindgen.toml --output "$tmp" ffi/src/lib.rs

if [ "${1:-}" = "--verify" ]; then
    if ! diff -u "$out" "$tmp"; then
        echo "error: $out is stale; run scripts/header.sh and commit it" >&2
        exit 1
    fi
    echo "$out is up to date (cbindgen $CBINDGEN_VERSION)"
else
    cp "$tmp" "$out"
    echo "wrote $out (cbindgen $CBINDGEN_VERSION)"
fi
