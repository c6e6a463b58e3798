#!/usr/bin/env bash
# Issue 10, item 6: the session differential (session_diff.py) and the codec's random corpus
# (random_corpus.py) against older Flask, each in its own venv under target/venvs/ (git-ignored),
# installed from the exact pins in tests/interop/requirements/flask-VERSION.txt.
#
#   tests/interop/venvs.sh                               # fresh seed, every version, the Rust driver
#   tests/interop/venvs.sh --seed 7 --cases 300 --corpus-cases 100 --jobs 2
#   tests/interop/venvs.sh --against-reference 2.2.5     # against Flask 3.1.3 itself (python3 --serve)
#
# The codec agrees with these versions byte for byte when only the newest key is used (they predate
# SECRET_KEY_FALLBACKS), so random_corpus.py runs with --no-fallback-keys and session_diff.py makes
# no fallback keys for them. session_diff.py compares each old Flask with the driver (Flask 3.1.3's
# rules) and counts the differences its VERSION_RULES explain (docs/compatibility-sessions.md);
# an unexplained difference fails. --against-reference compares the old Flask with the system's
# Flask 3.1.3 (session_diff.py --serve) instead of the driver: the measurement behind that table.
# Exit status 0 when every run passes; the last line per run is `N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")/../.."
# The reference Flask 3.1.3 (python3, --against-reference) is the venv's (scripts/setup-env.sh).
source scripts/setup-env.sh --venv

seed=""
cases=300
corpus_cases=100
jobs=1
against=""
versions=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seed) seed="$2"; shift 2 ;;
        --cases) cases="$2"; shift 2 ;;
        --corpus-cases) corpus_cases="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --against-reference) against="python3"; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        -*) echo "venvs.sh: unknown option $1" >&2; exit 64 ;;
        *) versions+=("$1"); shift ;;
    esac
done
[ ${#versions[@]} -eq 0 ] && versions=(2.2.5 2.3.3 3.0.3)
[ -z "$seed" ] && seed=$(python3 -c 'import random; print(random.SystemRandom().randrange(2**48))')
echo "venvs.sh: seed $seed (reproduce with: tests/interop/venvs.sh --seed $seed --cases $cases --corpus-cases $corpus_cases ${against:+--against-reference })"

status=0
for v in "${versions[@]}"; do
    req="tests/interop/requirements/flask-$v.txt"
    venv="target/venvs/flask-$v"
    if [ ! -f "$req" ]; then
        echo "venvs.sh: no pins for Flask $v ($req)" >&2
        status=1
        continue
    fi
    if ! cmp -s "$req" "$venv/.pins" 2>/dev/null; then
        echo "== Flask $v: creating $venv"
        rm -rf "$venv"
        python3 -m venv "$venv" &&
            "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" &&
            cp "$req" "$venv/.pins" || { echo "venvs.sh: cannot install $req" >&2; status=1; continue; }
    fi
    echo "== Flask $v: $("$venv/bin/python" -c 'import flask, werkzeug, itsdangerous; from importlib.metadata import version as v; print("Flask", v("flask"), "Werkzeug", v("werkzeug"), "itsdangerous", v("itsdangerous"))')"
    if [ -n "$against" ]; then
        "$venv/bin/python" tests/interop/session_diff.py --seed "$seed" --cases "$cases" --jobs "$jobs" --against "$against" || status=1
    else
        "$venv/bin/python" tests/interop/session_diff.py --seed "$seed" --cases "$cases" --jobs "$jobs" \
            --bin target/debug/examples/respond || status=1
    fi
    if [ "$corpus_cases" -gt 0 ]; then
        "$venv/bin/python" tests/interop/random_corpus.py --seed "$seed" --cases "$corpus_cases" \
            --no-fallback-keys --bin target/debug/flask-cookie || status=1
    fi
done
exit $status
