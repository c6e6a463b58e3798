#!/usr/bin/env bash
# Builds ngx_http_flask_session_module.so for the nginx that Debian's `nginx` package installs,
# from Debian's `nginx-dev` tree (/usr/share/nginx/src: configure, auto/, headers, and
# conf_flags, the exact ./configure flags of Debian's nginx, so that the module's binary
# signature matches and `load_module` accepts it).
#
#   bindings/nginx/build.sh [OUT_DIR]        (default OUT_DIR: target/nginx)
#
# Environment:
#   FLASK_COOKIE_LIB_DIR      directory with libflask_cookie.a, e.g. cargo cbuild's
#                             target/<triple>/release (default: OUT_DIR/lib, where the static
#                             and shared libraries are built here with cargo from ffi/)
#   FLASK_COOKIE_INCLUDE_DIR  directory with flask_cookie.h (default include/)
#   NGINX_SRC                 the nginx-dev tree (default /usr/share/nginx/src)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$root/target/nginx}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
src="${NGINX_SRC:-/usr/share/nginx/src}"

if [ ! -f "$src/conf_flags" ] || [ ! -x "$src/configure" ]; then
    echo "build.sh: $src has no nginx-dev tree: apt-get install nginx-dev (Debian 12: nginx 1.22)" >&2
    exit 2
fi

export FLASK_COOKIE_INCLUDE_DIR="${FLASK_COOKIE_INCLUDE_DIR:-$root/include}"
if [ -z "${FLASK_COOKIE_LIB_DIR:-}" ]; then
    # No library given: build the C library crate (ffi/, flask-cookie-ffi) as a static and a
    # shared library with plain cargo (what `cargo cbuild` also makes, without its soname and
    # pkg-config file), named as cargo-c names them, in OUT_DIR/lib.
    mkdir -p "$out/lib"
    (
        cd "$root"
        cargo rustc --quiet --release -p flask-cookie-ffi --lib --crate-type staticlib
        cp target/release/libflask_cookie_ffi.a "$out/lib/libflask_cookie.a"
        cargo rustc --quiet --release -p flask-cookie-ffi --lib --crate-type cdylib
        cp target/release/libflask_cookie_ffi.so "$out/lib/libflask_cookie.so"
    )
    FLASK_COOKIE_LIB_DIR="$out/lib"
fi
export FLASK_COOKIE_LIB_DIR

# configure writes a Makefile into the tree it runs from: work on a copy.
tree="$out/nginx-src"
rm -rf "$tree"
cp -a "$src" "$tree"
# NGX_CONF_FLAGS=( ... ): Debian's flags (--with-compat among them).
# shellcheck disable=SC1091
. "$tree/conf_flags"
(
    cd "$tree"
    ./configure "${NGX_CONF_FLAGS[@]}" \
        --with-cc-opt="-g -O2 -fPIC -fstack-protector-strong -Wformat -Werror=format-security -D_FORTIFY_SOURCE=2" \
        --with-ld-opt="-Wl,-z,relro -Wl,-z,now -fPIC" \
        --add-dynamic-module="$here" >"$out/configure.log" 2>&1 \
        || { tail -20 "$out/configure.log" >&2; exit 1; }
    make -f objs/Makefile modules >"$out/make.log" 2>&1 \
        || { grep -E 'error|warning' "$out/make.log" | head -40 >&2; exit 1; }
)
cp "$tree/objs/ngx_http_flask_session_module.so" "$out/"
if grep -q 'NGX_FLASK_SESSION_API' "$tree/objs/ngx_auto_config.h"; then
    echo "built $out/ngx_http_flask_session_module.so (session API)"
else
    echo "built $out/ngx_http_flask_session_module.so (codec-only subset: the header has no session API)"
fi
