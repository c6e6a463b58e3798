#!/usr/bin/env bash
# The C side of the C ABI: builds the libraries with cargo-c (scripts/cbuild.sh), checks the
# soname and that the exported symbols are the header's functions, then compiles every C test and the example with
# -std=c99 -Wall -Wextra -Werror -pedantic, links them against the shared and the static
# library, and runs them plainly, under AddressSanitizer + UndefinedBehaviorSanitizer and under
# valgrind; compiles the header alone as C99 and C++17; installs with `cargo cinstall` into a
# staging directory and links the example through the installed pkg-config file.
#
#   bash tests/c/run.sh                 # everything (release libraries)
#   PROFILE=debug bash tests/c/run.sh   # against the debug libraries
#   SKIP_VALGRIND=1 bash tests/c/run.sh
#
# Needs gcc, g++, python3 with the pinned Flask (fixtures/requirements.txt), valgrind,
# pkg-config and cargo-c (installed by scripts/cbuild.sh when missing). Outputs go to target/c-tests/.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# The Python venv with the pinned Flask (scripts/setup-env.sh): every python3 below runs in it.
source scripts/setup-env.sh --venv
PROFILE=${PROFILE:-release}
OUT="$ROOT/target/c-tests/$PROFILE"
rm -rf "$OUT"
mkdir -p "$OUT"

CFLAGS=(-std=c99 -Wall -Wextra -Werror -pedantic -Wstrict-prototypes -g -I"$ROOT/include" -I"$ROOT/tests/c")
CXXFLAGS=(-std=c++17 -Wall -Wextra -Werror -pedantic -g -I"$ROOT/include")
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
# Stricter than "definite,indirect": any block left at exit is an error (none is).
VALGRIND_OPTS=(--error-exitcode=1 --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all)
step() { printf '\n== %s\n' "$*"; }
for tool in gcc g++ valgrind pkg-config; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "tests/c/run.sh needs $tool (apt-get install -y gcc g++ valgrind pkg-config)" >&2
        exit 1
    }
done

step "build the libraries with cargo-c and the CLI ($PROFILE)"
cargo_profile=()
[ "$PROFILE" = release ] && cargo_profile=(--release)
# cargo-c (scripts/cbuild.sh): libflask_cookie.so with its soname, libflask_cookie.a, the
# pkg-config files, in target/<host triple>/$PROFILE.
LIB=$(bash scripts/cbuild.sh "${cargo_profile[@]}")
cargo build --quiet "${cargo_profile[@]}" --bin flask-cookie
CLI="$ROOT/target/$PROFILE/flask-cookie"
ls -l "$LIB/libflask_cookie.so" "$LIB/libflask_cookie.a"
soname=$(readelf -d "$LIB/libflask_cookie.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
echo "soname: $soname"
soname_version=$(sed -n 's/^version = "\([0-9]*\)\..*/\1/p' ffi/Cargo.toml | head -n 1)
[ "$soname" = "libflask_cookie.so.$soname_version" ] ||
    { echo "error: unexpected soname $soname" >&2; exit 1; }
# Every exported flask_cookie_ symbol is declared in the header, and the other way round (a
# function the header misses, for example one made by a macro cbindgen does not expand, or a
# declaration without a definition).
nm -D --defined-only "$LIB/libflask_cookie.so" | awk '$2 == "T" && $3 ~ /^flask_cookie_/ {print $3}' | sort >"$OUT/symbols.txt"
grep -oE '\bflask_cookie_[a-z0-9_]+\(' include/flask_cookie.h | tr -d '(' | sort -u >"$OUT/declared.txt"
if ! diff -u "$OUT/declared.txt" "$OUT/symbols.txt"; then
    echo "error: the header's functions and the library's exported symbols differ" >&2
    exit 1
fi
echo "exports = header: $(wc -l <"$OUT/symbols.txt") functions"
# The system libraries the static library needs, as cargo-c wrote them into the pkg-config
# file (Libs.private; they depend on the platform and on whether libz-sys found a system zlib;
# on Debian 12 with zlib1g-dev: -lz -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc).
NATIVE=$(sed -n 's/^Libs.private: //p' "$LIB/flask_cookie.pc")
[ -n "$NATIVE" ] || { echo "could not read Libs.private of $LIB/flask_cookie.pc" >&2; exit 1; }
echo "native-static-libs: $NATIVE"
read -r -a NATIVE_LIBS <<<"$NATIVE"
SHARED=(-L"$LIB" -lflask_cookie -Wl,-rpath,"$LIB")
STATIC=("$LIB/libflask_cookie.a" "${NATIVE_LIBS[@]}")

step "the header alone: C99 and C++17"
printf '#include "flask_cookie.h"\n' >"$OUT/header_only.c"
gcc "${CFLAGS[@]}" -c "$OUT/header_only.c" -o "$OUT/header_only_c.o"
cp "$OUT/header_only.c" "$OUT/header_only.cpp"
g++ "${CXXFLAGS[@]}" -c "$OUT/header_only.cpp" -o "$OUT/header_only_cpp.o"
# ... and a C++17 program that calls through it and links (extern "C", enum values).
g++ "${CXXFLAGS[@]}" tests/c/header_cpp.cpp "${SHARED[@]}" -o "$OUT/header_cpp"
"$OUT/header_cpp"
echo "ok: C99, C++17"

step "fixture cases: real Flask's decisions (fixtures/cookies.json) and the CLI's answers"
python3 tests/c/fixture_cases.py --cli "$CLI" --out "$OUT/cases.txt"

step "session cases: real Flask's session decisions (fixtures/vectors/session_flask.json and more)"
python3 tests/c/session_cases.py --out "$OUT/session_cases.txt"

TESTS=(test_api test_threads test_fixtures test_session)
args_of() {
    case "$1" in
        test_fixtures) echo "$OUT/cases.txt" ;;
        test_session) echo "$OUT/session_cases.txt" ;;
        *) echo "" ;;
    esac
}
run() { # name binary [args...]
    local name=$1
    shift
    printf -- '-- %s: ' "$name"
    "$@"
}

step "compile (shared, static, ASan+UBSan static, ASan+UBSan shared)"
# ASan with the Rust library: the Rust code is not instrumented, but gcc links libasan first in
# the executable, so every malloc/free of the library (shared or static) goes through ASan and
# LeakSanitizer: leaks, double frees and frees of foreign pointers across the boundary are
# caught, and so are the C side's own errors. No LD_PRELOAD is needed (that is only for an
# uninstrumented executable loading an instrumented library). Reads and writes inside the Rust
# code are not checked by ASan: valgrind below checks those.
for t in "${TESTS[@]}"; do
    gcc "${CFLAGS[@]}" -pthread "tests/c/$t.c" "${SHARED[@]}" -o "$OUT/$t.shared"
    gcc "${CFLAGS[@]}" -pthread "tests/c/$t.c" "${STATIC[@]}" -o "$OUT/$t.static"
    gcc "${CFLAGS[@]}" "${SAN[@]}" -pthread "tests/c/$t.c" "${STATIC[@]}" -o "$OUT/$t.asan"
    gcc "${CFLAGS[@]}" "${SAN[@]}" -pthread "tests/c/$t.c" "${SHARED[@]}" -o "$OUT/$t.asan-shared"
done
gcc "${CFLAGS[@]}" examples/c/open_cookie.c "${SHARED[@]}" -o "$OUT/open_cookie.shared"
gcc "${CFLAGS[@]}" examples/c/open_cookie.c "${STATIC[@]}" -o "$OUT/open_cookie.static"
gcc "${CFLAGS[@]}" "${SAN[@]}" examples/c/open_cookie.c "${STATIC[@]}" -o "$OUT/open_cookie.asan"
# (ldd's output is taken whole before grep reads it: `ldd | grep -q` under pipefail fails when
# grep exits at its match while ldd is still writing, and ldd dies of SIGPIPE.)
if grep -q libflask_cookie <<<"$(ldd "$OUT/open_cookie.static")"; then
    echo "error: the static build links libflask_cookie.so" >&2
    exit 1
fi

step "run: shared and static"
for t in "${TESTS[@]}"; do
    for v in shared static; do
        # shellcheck disable=SC2046
        run "$t.$v" "$OUT/$t.$v" $(args_of "$t")
    done
done

step "run: AddressSanitizer + UndefinedBehaviorSanitizer (static and shared)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${TESTS[@]}"; do
    for v in asan asan-shared; do
        # shellcheck disable=SC2046
        run "$t.$v" "$OUT/$t.$v" $(args_of "$t")
    done
done

step "the example against both libraries = the CLI, on the README's real Flask cookie"
cli=("$CLI" open --secret-key-file fixtures/example/secret_key)
want=$("${cli[@]}" --now 1700000000 - <fixtures/example/cookie)
example_checks() { # binary [runner...]
    local bin=$1 got status
    shift
    got=$("$@" "$bin" fixtures/example/secret_key fixtures/example/cookie 1700000000)
    [ "$got" = "$want" ] || { echo "FAIL $bin: $got" >&2; exit 1; }
    got=$("$@" "$bin" fixtures/example/secret_key - 1700000000 <fixtures/example/cookie)
    [ "$got" = "$want" ] || { echo "FAIL $bin (stdin): $got" >&2; exit 1; }
    # Expired (31 days and a second later) and tampered: the CLI's exit statuses, 2 and 1.
    for now_cookie in "$((1700000000 + 2678401)):fixtures/example/cookie" "1700000000:$OUT/tampered"; do
        status=0
        "$@" "$bin" fixtures/example/secret_key "${now_cookie#*:}" "${now_cookie%%:*}" >/dev/null 2>&1 || status=$?
        cli_status=0
        "${cli[@]}" --now "${now_cookie%%:*}" - <"${now_cookie#*:}" >/dev/null 2>&1 || cli_status=$?
        [ "$status" = "$cli_status" ] || { echo "FAIL $bin: exit $status, CLI $cli_status" >&2; exit 1; }
    done
    echo "-- $(basename "$bin")${1:+ under $1}: same JSON and exit statuses as the CLI"
}
sed 's/^\./,/' fixtures/example/cookie >"$OUT/tampered"
example_checks "$OUT/open_cookie.shared"
example_checks "$OUT/open_cookie.static"
example_checks "$OUT/open_cookie.asan"

# examples/c/readme_session.c is the README's C block (tests/readme.rs checks they are equal).
step "the README's C example (examples/c/readme_session.c) = what Flask sends"
cp examples/c/readme_session.c "$OUT/readme_session.c"
# Flask 3.1.3 itself: a view that reads "a" and sets "user", SameSite Lax, at 1700000060.
want_cookie=$(python3 - <<'PY'
from unittest import mock
import flask
app = flask.Flask("readme")
app.secret_key = "test key"
app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
@app.route("/")
def view():
    flask.session.get("a")
    flask.session["user"] = "ada"
    return ""
with mock.patch("time.time", lambda: 1700000060):
    r = app.test_client(use_cookies=False).get(
        "/", headers={"Cookie": "theme=dark; session=eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"})
print(r.headers["Set-Cookie"])
PY
)
for v in shared static; do
    if [ "$v" = shared ]; then link=("${SHARED[@]}"); else link=("${STATIC[@]}"); fi
    gcc "${CFLAGS[@]}" "$OUT/readme_session.c" "${link[@]}" -o "$OUT/readme_session.$v"
    got=$("$OUT/readme_session.$v")
    want_session=$(printf 'state 1, a = 1, action 1, vary 1\nSet-Cookie: %s' "$want_cookie")
    [ "$got" = "$want_session" ] || { echo "FAIL README session example ($v): $got, Flask: $want_cookie" >&2; exit 1; }
    echo "-- readme_session.$v: Flask's Set-Cookie"
done

if [ -z "${SKIP_VALGRIND:-}" ]; then
    step "valgrind ${VALGRIND_OPTS[*]}"
    vrun() { # name binary [args...]: runs it under valgrind, prints valgrind's summary lines
        local name=$1 log="$OUT/valgrind.$1.log"
        shift
        printf -- '-- %s: ' "$name"
        if ! valgrind --log-file="$log" "${VALGRIND_OPTS[@]}" "$@"; then
            cat "$log" >&2
            echo "FAIL: valgrind found errors in $name" >&2
            exit 1
        fi
        grep -hE 'ERROR SUMMARY|All heap blocks|definitely lost|in use at exit' "$log" | sed 's/^==[0-9]*== /   /'
    }
    vrun test_api.static "$OUT/test_api.static"
    vrun test_api.shared "$OUT/test_api.shared"
    vrun test_threads.static "$OUT/test_threads.static" 40
    vrun test_fixtures.static "$OUT/test_fixtures.static" "$OUT/cases.txt"
    vrun test_session.static "$OUT/test_session.static" "$OUT/session_cases.txt"
    vrun test_session.shared "$OUT/test_session.shared" "$OUT/session_cases.txt"
    example_checks "$OUT/open_cookie.shared" valgrind -q "${VALGRIND_OPTS[@]}"
    example_checks "$OUT/open_cookie.static" valgrind -q "${VALGRIND_OPTS[@]}"
fi

step "pkg-config: cargo cinstall into a temporary prefix (DESTDIR staging), then link the example with it"
prefix="$OUT/prefix"
stage="$OUT/stage"
cargo cinstall -p flask-cookie-ffi "${cargo_profile[@]}" --prefix "$prefix" --libdir "$prefix/lib" --destdir "$stage" >"$OUT/cinstall.log" 2>&1 || { cat "$OUT/cinstall.log" >&2; exit 1; }
# DESTDIR staging: the files land under $stage$prefix, the .pc file names $prefix.
root="$stage$prefix"
ls "$root/include/flask_cookie.h" "$root/lib/libflask_cookie.a" "$root/lib/libflask_cookie.so" \
    "$root/lib/libflask_cookie.so.$soname_version" "$root/lib/pkgconfig/flask_cookie.pc" >/dev/null
grep -qx "prefix=$prefix" "$root/lib/pkgconfig/flask_cookie.pc"
cmp include/flask_cookie.h "$root/include/flask_cookie.h"
# Link against the staged files: point pkg-config at them with its sysroot option.
export PKG_CONFIG_PATH="$root/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
for kind in shared static; do
    pc_static=()
    [ "$kind" = static ] && pc_static=(--static)
    # shellcheck disable=SC2207
    flags=($(pkg-config --cflags --libs "${pc_static[@]}" flask_cookie))
    echo "-- pkg-config --cflags --libs ${pc_static[*]} flask_cookie: ${flags[*]}"
    extra=()
    if [ "$kind" = shared ]; then
        extra=(-Wl,-rpath,"$root/lib")
    else
        # Only the static library is visible to this link: a copy of the staged lib directory
        # without the shared one (the linker prefers .so when both are there).
        mkdir -p "$OUT/static-only"
        cp "$root/lib/libflask_cookie.a" "$OUT/static-only/"
        extra=(-L"$OUT/static-only")
        kept=()
        for f in "${flags[@]}"; do case "$f" in -L*) ;; *) kept+=("$f") ;; esac; done
        flags=("${kept[@]}")
    fi
    gcc -std=c99 -Wall -Wextra -Werror -pedantic examples/c/open_cookie.c "${extra[@]}" "${flags[@]}" \
        -o "$OUT/open_cookie.pc-$kind"
    if [ "$kind" = static ] && grep -q libflask_cookie <<<"$(ldd "$OUT/open_cookie.pc-$kind")"; then
        echo "error: the pkg-config static build links libflask_cookie.so" >&2
        exit 1
    fi
    if [ "$kind" = shared ]; then
        grep -q "libflask_cookie.so.$soname_version => $root/lib/" <<<"$(ldd "$OUT/open_cookie.pc-$kind")" ||
            { echo "error: not linked against the installed soname" >&2; exit 1; }
    fi
    example_checks "$OUT/open_cookie.pc-$kind"
done
unset PKG_CONFIG_SYSROOT_DIR

printf '\nC tests: all passed (%s)\n' "$PROFILE"
