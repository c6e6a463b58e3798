# Sourced (not run) by the test and CI entry points: sets up what they need on a machine that
# has Rust (rustup), a C compiler and Python 3, the same way for every caller.
#
#   source scripts/setup-env.sh --venv   # the Python venv only (below)
#   source scripts/setup-env.sh --all    # also the system tools and cargo-c (tests/run.sh, .ci/run)
#
# (Always with an argument: without one, bash hands the sourcing script's own arguments to this
# file.)
#
# 1. System tools (--all): gcc, g++, valgrind, pkg-config, luajit (Debian's `luajit2`: its
#    `luajit` conflicts with libnginx-mod-http-lua, the nginx test's Lua recipe) and Python's
#    venv module (`python3-venv`). As root, the missing ones are installed with apt-get; otherwise
#    the exact `sudo apt-get install` command is printed and the caller exits with status 2.
# 2. cargo-c (--all), pinned, for the C library (scripts/cbuild.sh): a one-time compile.
# 3. A Python virtual environment, target/venv (git-ignored; created once, reused after, its
#    packages reinstalled when a pinned requirements file changes), with the pinned test
#    requirements. Its bin/ goes first on PATH and VIRTUAL_ENV is exported, so every `python3`
#    the caller and its children run is the venv's: nothing is installed into the system
#    interpreter.
#
# Needs bash; the caller's working directory does not matter. On failure it exits the caller
# (it is meant for scripts, not an interactive shell).

_fc_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# ---- 1. system tools -------------------------------------------------------------------------
_fc_tools() {
    local missing=() entry tool pkg sudo=()
    for entry in gcc:gcc g++:g++ valgrind:valgrind pkg-config:pkg-config luajit:luajit2; do
        tool="${entry%%:*}" pkg="${entry#*:}"
        command -v "$tool" >/dev/null 2>&1 || missing+=("$pkg")
    done
    # Debian's python3 has `venv` but not `ensurepip` (which `python3 -m venv` needs) without
    # python3-venv.
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        {
            echo "missing system packages: ${missing[*]}"
            echo "install them with:"
            echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
            echo "then run this again."
        } >&2
        return 2
    fi
    echo "== installing system packages: ${missing[*]} (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ---- 2. cargo-c --------------------------------------------------------------------------------
# cargo-c builds and installs the C library (ffi/, scripts/cbuild.sh). Pinned: 0.10.24 is the
# newest release that builds with Rust 1.95 (0.10.26 needs 1.97). No prebuilt binary (only
# crates.io is reachable): `cargo install` compiles it (~450 crates, the `cargo` crate among
# them): measured 893 s user + 65 s system CPU, 33 min 37 s wall on 2 cores shared with other
# builds, 1.9 GB peak RSS. ~/.cargo/bin keeps it between runs on a reused machine (the check
# below then costs nothing); a fresh machine pays it again.
FLASK_COOKIE_CARGO_C_VERSION=0.10.24
_fc_cargo_c() {
    cargo cbuild --version 2>/dev/null | grep -q "^cargo-c $FLASK_COOKIE_CARGO_C_VERSION" && return 0
    echo "== installing cargo-c $FLASK_COOKIE_CARGO_C_VERSION (cargo install --locked): a one-time compile of" \
        "~450 crates: 10 min 52 s measured on a new 2-core machine, up to 35 min on busy cores; ~/.cargo/bin keeps it"
    cargo install --quiet --locked cargo-c --version "$FLASK_COOKIE_CARGO_C_VERSION"
}

# ---- 3. the Python venv ------------------------------------------------------------------------
# Every pinned requirement the tests, the CI steps and the benchmarks' Python side run with:
# real Flask (the oracle), pytest (the Python binding's tests), gunicorn (tests/nginx,
# benches/services_load.py).
FLASK_COOKIE_VENV="$_fc_root/target/venv"
FLASK_COOKIE_REQUIREMENTS=(
    fixtures/requirements.txt
    bindings/python/requirements-test.txt
    tests/nginx/requirements.txt
    benches/requirements-services.txt
)
_fc_venv() {
    local venv="$FLASK_COOKIE_VENV" pins how=reused
    pins="$(cd "$_fc_root" && cat "${FLASK_COOKIE_REQUIREMENTS[@]}")" || return 1
    # Recreated when missing or when its interpreter no longer runs (Python upgraded or moved).
    if ! "$venv/bin/python" -c '' >/dev/null 2>&1; then
        rm -rf "$venv"
        mkdir -p "$(dirname "$venv")"
        # A venv made from inside another one is based on the same base interpreter.
        python3 -m venv "$venv" || { echo "setup-env.sh: python3 -m venv $venv failed" >&2; return 1; }
        how=created
    fi
    if [ "$pins" != "$(cat "$venv/.pins" 2>/dev/null)" ]; then
        [ "$how" = reused ] && how=updated
        local args=()
        for r in "${FLASK_COOKIE_REQUIREMENTS[@]}"; do args+=(-r "$_fc_root/$r"); done
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${args[@]}" ||
            { echo "setup-env.sh: pip install into $venv failed" >&2; return 1; }
        printf '%s' "$pins" >"$venv/.pins"
    fi
    # Already set up by the calling script (tests/run.sh, .ci/run): nothing to say again.
    local quiet=
    [ "$how" = reused ] && [ "${VIRTUAL_ENV:-}" = "$venv" ] && quiet=1
    export VIRTUAL_ENV="$venv"
    case ":$PATH:" in
        *":$venv/bin:"*) ;;
        *) export PATH="$venv/bin:$PATH" ;;
    esac
    unset PYTHONHOME
    [ -n "$quiet" ] && return 0
    echo "== Python venv ${venv#"$_fc_root"/} ($how): $("$venv/bin/python" -c 'import sys, importlib.metadata as m
print("Python", sys.version.split()[0] + ",", ", ".join(p + " " + m.version(p) for p in ("Flask", "pytest", "gunicorn")))')"
}

case "${1:-}" in
    --all)
        _fc_tools || exit $?
        _fc_cargo_c || exit $?
        ;;
    --venv) ;;
    *) echo "setup-env.sh: source it with --venv or --all" >&2; exit 64 ;;
esac
_fc_venv || exit $?
