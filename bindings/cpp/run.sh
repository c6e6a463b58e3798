#!/usr/bin/env bash
# Builds the C library (cargo-c), then compiles and runs the C++ binding's tests twice: plain (with
# -Wall -Wextra -Werror -pedantic) and under AddressSanitizer + UndefinedBehaviorSanitizer
# (leaks included), linking the static library. Real Flask (fixtures/requirements.txt) must be
# installed: tests/run.sh installs it.
#
#   bash bindings/cpp/run.sh                  # debug library
#   PROFILE=release bash bindings/cpp/run.sh  # release library
#   CXX=clang++ SEED=42 FRESH=500 bash bindings/cpp/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# The Python venv with the pinned Flask (scripts/setup-env.sh): every python3 below runs in it.
source scripts/setup-env.sh --venv

PROFILE=${PROFILE:-debug}
CXX=${CXX:-g++}
cargo_flags=()
if [ "$PROFILE" = release ]; then cargo_flags=(--release); fi
out=target/cpp-tests
if ! command -v "$CXX" >/dev/null; then
    echo "bindings/cpp/run.sh: no C++ compiler \"$CXX\" (apt-get install g++, or set CXX)" >&2
    exit 1
fi
mkdir -p "$out"

# The C library, built by cargo-c (scripts/cbuild.sh); the native libraries its static
# library needs are in the pkg-config file cargo-c writes (Libs.private).
libdir=$(bash scripts/cbuild.sh "${cargo_flags[@]}")
lib=$libdir/libflask_cookie.a
native=$(sed -n 's/^Libs.private: //p' "$libdir/flask_cookie.pc")
if [ -z "$native" ]; then native="-lz -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"; fi
read -r -a native_libs <<< "$native"

seed_args=()
if [ -n "${SEED:-}" ]; then seed_args=(--seed "$SEED"); fi
python3 bindings/cpp/tests/gen_cases.py "$out/cases.txt" "${seed_args[@]}"

warn=(-std=c++17 -Wall -Wextra -Werror -pedantic)
inc=(-Iinclude -Ibindings/cpp/include)
srcs=(bindings/cpp/tests/test_main.cpp bindings/cpp/tests/cases.cpp bindings/cpp/tests/second_tu.cpp)

# The header alone, stricter: what a user's build with many warnings sees.
for std in c++17 c++20; do
    printf '#include "flask_cookie.hpp"\nint main() { return 0; }\n' |
        "$CXX" "-std=$std" -Wall -Wextra -Werror -pedantic -Wconversion -Wsign-conversion \
            -Wshadow -Wold-style-cast "${inc[@]}" -fsyntax-only -x c++ -
done
echo "header: compiles alone (C++17, C++20, -Wconversion -Wshadow -Wold-style-cast)"
# The README's C++ example (bindings/cpp/examples/readme.cpp; tests/readme.rs checks that the
# README shows this file) compiles, runs and prints what its comment says.
"$CXX" "${warn[@]}" "${inc[@]}" bindings/cpp/examples/readme.cpp "$lib" "${native_libs[@]}" \
    -o "$out/readme_example"
got=$("$out/readme_example")
[ "$got" = '{"a":1} {}' ] || { echo "README's C++ example printed: $got" >&2; exit 1; }
echo "README: the C++ example compiles and runs"

echo "== plain"
"$CXX" "${warn[@]}" -O2 "${inc[@]}" "${srcs[@]}" "$lib" "${native_libs[@]}" -o "$out/test_cpp"
"$out/test_cpp" "$out/cases.txt"

echo "== -fsanitize=address,undefined"
"$CXX" "${warn[@]}" -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
    -fno-sanitize-recover=all "${inc[@]}" "${srcs[@]}" "$lib" "${native_libs[@]}" \
    -o "$out/test_cpp_asan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$out/test_cpp_asan" "$out/cases.txt"
echo "== SessionConfig / Session against real Flask's session cases (tests/c/session_cases.py)"
python3 tests/c/session_cases.py --out "$out/session_cases.txt"
"$CXX" "${warn[@]}" -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
    -fno-sanitize-recover=all "${inc[@]}" -Ibindings/cpp/tests bindings/cpp/tests/test_session.cpp \
    "$lib" "${native_libs[@]}" -o "$out/test_session_cpp_asan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$out/test_session_cpp_asan" "$out/session_cases.txt"
echo "bindings/cpp: all passed"
