#!/usr/bin/env bash
# CI's fuzz step: installs what it needs (nightly toolchain, cargo-fuzz pinned), then runs every
# target for FUZZ_SECONDS (default 40) each, one after another; fails on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_FUZZ_VERSION=0.13.1
if ! grep -q '^nightly' <<<"$(rustup toolchain list)"; then
    # Machines of this kind may offer no other toolchain: run.sh then uses stable.
    rustup toolchain install nightly --profile minimal ||
        echo "note: nightly not installable; fuzz/run.sh falls back to stable + RUSTC_BOOTSTRAP=1"
fi
if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
    cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi
# A fixed seed on the fresh seeds corpus: CI tries the inputs a local run of this script tries,
# in the same order (a faster machine gets further in the time), so a CI failure replays
# locally; long runs use random seeds.
FUZZ_SEED="${FUZZ_SEED:-1}" bash fuzz/run.sh "${FUZZ_SECONDS:-40}"
