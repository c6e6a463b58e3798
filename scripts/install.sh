#!/usr/bin/env bash
# Builds the C library (release) and installs it with its header and a pkg-config file.
#
#   scripts/install.sh /usr/local              # shared and static libraries
#   scripts/install.sh --static  "$HOME/.local"  # the static library only
#   scripts/install.sh --shared  /opt/fc         # the shared library only
#   DESTDIR=/tmp/stage scripts/install.sh /usr   # staged install (packaging)
#
# Installs $PREFIX/include/flask_cookie.h, $PREFIX/lib/libflask_cookie.{so,a} and
# $PREFIX/lib/pkgconfig/flask_cookie.pc (from flask_cookie.pc.in: prefix, version and the
# native libraries a static link needs). Then:
#   cc app.c $(pkg-config --cflags --libs flask_cookie)            # shared
#   cc app.c $(pkg-config --cflags --libs --static flask_cookie)   # static (with --static install)
set -euo pipefail
cd "$(dirname "$0")/.."

what=both
case "${1:-}" in
    --static) what=static; shift ;;
    --shared) what=shared; shift ;;
esac
if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: scripts/install.sh [--static|--shared] PREFIX" >&2
    exit 64
fi
prefix=$1
case "$prefix" in
    /*) ;;
    *) echo "error: PREFIX must be an absolute path" >&2; exit 64 ;;
esac
dest="${DESTDIR:-}$prefix"

cargo build --release --quiet --lib
# The native libraries the static library needs (they differ by platform and by whether
# libz-sys found a system zlib). rustc prints them when it links the staticlib.
native=$(cargo rustc --release --quiet --lib --crate-type staticlib -- --print native-static-libs 2>&1 \
    | sed -n 's/.*native-static-libs: //p' | tail -n 1)
if [ -z "$native" ]; then
    echo "error: could not read native-static-libs from rustc" >&2
    exit 1
fi
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)

install -d "$dest/include" "$dest/lib/pkgconfig"
install -m 644 include/flask_cookie.h "$dest/include/"
if [ "$what" != static ]; then
    install -m 755 target/release/libflask_cookie.so "$dest/lib/"
fi
if [ "$what" != shared ]; then
    install -m 644 target/release/libflask_cookie.a "$dest/lib/"
fi
# '|' as the sed separator: a prefix is a path, never holding '|' (checked below).
case "$prefix$native$version" in *'|'*) echo "error: '|' in prefix" >&2; exit 64 ;; esac
sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@NATIVE_STATIC_LIBS@|$native|g" \
    flask_cookie.pc.in > "$dest/lib/pkgconfig/flask_cookie.pc"
echo "installed flask_cookie $version ($what) into $dest"
