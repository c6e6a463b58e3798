#!/usr/bin/env bash
# End-to-end: ngx_http_flask_session_module (and the LuaJIT recipe) in a real nginx (Debian's
# 1.22) in front of a real Flask app under gunicorn, both on 127.0.0.1 with free ports, in a
# temporary prefix; tests/nginx/e2e.py drives the requests and compares nginx's decisions with
# Flask's. Everything started here is stopped on exit. Prints `N passed, N failed` last.
#
#   bash tests/nginx/run.sh
#
# Needs the Debian packages nginx, nginx-dev, libnginx-mod-http-lua (installed here when run
# as root) and gunicorn (tests/nginx/requirements.txt, in the venv of scripts/setup-env.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

# luajit2 (OpenResty's LuaJIT, which libnginx-mod-http-lua links) gives the `luajit` command
# bindings/lua/run.sh uses; Debian's `luajit` package conflicts with libnginx-mod-http-lua.
pkgs=(nginx nginx-dev libnginx-mod-http-lua luajit2)
missing=()
for p in "${pkgs[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "tests/nginx/run.sh: missing Debian packages: ${missing[*]} (apt-get install -y ${missing[*]})" >&2
        exit 2
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Flask and gunicorn (tests/nginx/requirements.txt) in the Python venv (scripts/setup-env.sh).
source scripts/setup-env.sh --venv

# The module, and the libraries (target/nginx/lib: the static one for the module, the shared
# one for LuaJIT's ffi.load), unless FLASK_COOKIE_LIB_DIR names them (cargo cbuild's output).
bash bindings/nginx/build.sh "$root/target/nginx" >/dev/null
lib_dir="${FLASK_COOKIE_LIB_DIR:-$root/target/nginx/lib}"
module="$root/target/nginx/ngx_http_flask_session_module.so"
if grep -q flask_cookie_session_open "${FLASK_COOKIE_INCLUDE_DIR:-$root/include}/flask_cookie.h"; then
    native_mode=native
else
    native_mode=codec
fi

tmp="$(mktemp -d /tmp/flask-nginx-test.XXXXXX)"
chmod 755 "$tmp"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
app_port="$(free_port)"
nginx_port="$(free_port)"
while [ "$nginx_port" = "$app_port" ]; do nginx_port="$(free_port)"; done

secret="nginx-test-secret-$RANDOM$RANDOM"
fallback="nginx-test-old-secret"
mkdir -p "$tmp/keys"
printf '%s\n' "$secret" >"$tmp/keys/secret"
printf '%s\n' "$fallback" >"$tmp/keys/old"
chmod 600 "$tmp/keys/secret" "$tmp/keys/old"

# The Flask app: the same keys, Flask's defaults otherwise.
(
    cd "$here"
    export FLASK_SECRET_KEY="$secret"
    export FLASK_SECRET_KEY_FALLBACKS="[\"$fallback\"]"
    exec python3 -m gunicorn --bind "127.0.0.1:$app_port" --workers 1 --threads 4 \
        --error-logfile "$tmp/gunicorn.log" app:app
) &
pids+=($!)

wait_port() {
    for _ in $(seq 1 100); do
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "port $1 did not open" >&2
    return 1
}
wait_port "$app_port"

# One nginx configuration per variant: the session check and the locations e2e.py asks for.
write_conf() { # $1 variant (native|lua), $2 file
    local variant="$1" conf="$2" loads="" http_extra="" loc_sig loc_app loc_user loc_redirect loc_state loc_refresh loc_prefresh
    mkdir -p "$tmp/$variant/logs" "$tmp/$variant/temp"
    if [ "$variant" = lua ]; then
        loads="load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;
env FLASK_COOKIE_LIB=$lib_dir/libflask_cookie.so;"
        http_extra="lua_package_path '$root/bindings/lua/?.lua;;';
    init_by_lua_block {
        flask_session = require('flask_cookie_nginx').new({
            secret_key_file = '$tmp/keys/secret',
            fallback_key_files = { '$tmp/keys/old' },
        })
    }"
        loc_app="access_by_lua_block { flask_session:require(); ngx.req.set_header('X-Flask-User-Id', flask_session:get('user_id')); ngx.req.set_header('X-Flask-Name', flask_session:get('name')); ngx.req.set_header('X-Flask-State', flask_session:state()) }"
        loc_user="access_by_lua_block { flask_session:require({ key = 'user_id' }) }"
        loc_sig="access_by_lua_block { flask_session:require() }"
        loc_redirect="access_by_lua_block { flask_session:require({ redirect = '/login?next=' .. ngx.var.request_uri }) }"
        loc_state="content_by_lua_block { ngx.say(flask_session:state()) }"
        loc_refresh="header_filter_by_lua_block { flask_session:refresh() }
            content_by_lua_block { ngx.say('ok') }"
        loc_prefresh="header_filter_by_lua_block { flask_session:refresh() }"
    else
        loads="load_module $module;"
        http_extra="flask_session_secret_key_file $tmp/keys/secret;
    flask_session_fallback_key_file $tmp/keys/old;"
        loc_app="flask_session_require on;"
        loc_sig="flask_session_require signature;"
        if [ "$native_mode" = native ]; then
            loc_app="$loc_app
            proxy_set_header X-Flask-User-Id \$flask_session_user_id;
            proxy_set_header X-Flask-Name \$flask_session_name;
            proxy_set_header X-Flask-State \$flask_session_state;
            proxy_set_header X-Flask-Permanent \$flask_session_permanent;
            proxy_set_header Cookie \$http_cookie;"
            loc_user="flask_session_require on; flask_session_require_key user_id;"
            loc_refresh="flask_session_refresh on; return 200 'ok\n';"
            loc_prefresh="flask_session_refresh on;"
        else
            loc_user="return 404;"
            loc_refresh="return 404;"
            loc_prefresh=""
        fi
        loc_redirect="flask_session_require on; flask_session_require_redirect /login?next=\$request_uri;"
        loc_state="return 200 '\$flask_session_state\n';"
    fi
    cat >"$conf" <<EOF
$loads
daemon off;
master_process on;
worker_processes 1;
error_log $tmp/$variant/logs/error.log info;
pid $tmp/$variant/nginx.pid;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $tmp/$variant/temp/body;
    proxy_temp_path $tmp/$variant/temp/proxy;
    fastcgi_temp_path $tmp/$variant/temp/fastcgi;
    uwsgi_temp_path $tmp/$variant/temp/uwsgi;
    scgi_temp_path $tmp/$variant/temp/scgi;
    default_type text/plain;
    $http_extra
    upstream flask { server 127.0.0.1:$app_port; }
    # Several Cookie headers reach Flask as one, joined with "; " (as nginx and the library
    # read them), not as gunicorn would join separate lines.
    proxy_set_header Cookie \$http_cookie;
    server {
        listen 127.0.0.1:$nginx_port;
        location /app/ {
            $loc_app
            proxy_pass http://flask/;
        }
        location /sig/ {
            $loc_sig
            proxy_pass http://flask/;
        }
        location /need-user/ {
            $loc_user
            proxy_pass http://flask/;
        }
        location /redirect/ {
            $loc_redirect
            proxy_pass http://flask/;
        }
        location = /state { $loc_state }
        location = /refresh { $loc_refresh }
        location /proxied-refresh/ {
            $loc_prefresh
            proxy_pass http://flask/;
        }
    }
}
EOF
}

run_variant() { # $1 variant, $2 e2e mode
    local variant="$1" mode="$2" conf="$tmp/$1/nginx.conf" npid rc=0
    write_conf "$variant" "$conf"
    if ! nginx -p "$tmp/$variant" -c "$conf" -t -q 2>"$tmp/$variant/t.log"; then
        cat "$tmp/$variant/t.log" >&2
        echo "FAIL $mode: nginx -t"
        return 1
    fi
    nginx -p "$tmp/$variant" -c "$conf" &
    npid=$!
    pids+=("$npid")
    wait_port "$nginx_port"
    timeout 120 python3 "$here/e2e.py" --nginx "$nginx_port" --app "$app_port" --mode "$mode" \
        --secret "$secret" --fallback "$fallback" | tee "$tmp/$variant/e2e.out" || rc=1
    kill "$npid" 2>/dev/null || true
    wait "$npid" 2>/dev/null || true
    if grep -q -- "$secret" "$tmp/$variant/logs/error.log"; then
        echo "FAIL $mode: the secret key appears in nginx's error log"
        rc=1
    fi
    tail -1 "$tmp/$variant/e2e.out" >>"$tmp/summary"
    return $rc
}

: >"$tmp/summary"
status=0

# examples/nginx: each configuration passes `nginx -t` with this test's paths.
check_example() { # $1 file
    local ex="$tmp/example-$(basename "$1" .conf)"
    mkdir -p "$ex/logs"
    sed -e "s|modules/ngx_http_flask_session_module.so|$module|" \
        -e "s|modules/ndk_http_module.so|/usr/lib/nginx/modules/ndk_http_module.so|" \
        -e "s|modules/ngx_http_lua_module.so|/usr/lib/nginx/modules/ngx_http_lua_module.so|" \
        -e "s|/etc/nginx/flask/secret_key|$tmp/keys/secret|" \
        -e "s|/etc/nginx/flask/old_secret_key|$tmp/keys/old|" \
        -e "s|/usr/local/share/lua/5.1/|$root/bindings/lua/|" \
        -e "s|/usr/local/lib/libflask_cookie.so|$lib_dir/libflask_cookie.so|" \
        -e "s|/var/log/nginx/access.log|$ex/logs/access.log|" \
        "$1" >"$ex/nginx.conf"
    if nginx -p "$ex" -c "$ex/nginx.conf" -g "pid $ex/nginx.pid; error_log $ex/logs/error.log;" -t -q 2>"$ex/t.log"; then
        echo "ok   example: nginx -t $1"
        echo "1 passed, 0 failed" >>"$tmp/summary"
    else
        cat "$ex/t.log"
        echo "FAIL example: nginx -t $1"
        echo "0 passed, 1 failed" >>"$tmp/summary"
        status=1
    fi
}
# (native.conf uses directives that need the session API)
[ "$native_mode" = native ] && check_example examples/nginx/native.conf
[ "$native_mode" = native ] && check_example examples/nginx/readme.conf
check_example examples/nginx/lua.conf
run_variant native "$native_mode" || status=1
# The native module once more, in a single nginx process under valgrind (when installed):
# every e2e check again, then no invalid access and no leak (nginx's own leak suppressed).
if [ "$native_mode" = native ] && command -v valgrind >/dev/null 2>&1; then
    mkdir -p "$tmp/valgrind/logs" "$tmp/valgrind/temp"
    sed -e 's/^master_process on;/master_process off;/' -e "s|$tmp/native/|$tmp/valgrind/|g" \
        "$tmp/native/nginx.conf" >"$tmp/valgrind/nginx.conf"
    valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 \
        --suppressions="$here/valgrind.supp" --log-file="$tmp/valgrind/vg.log" \
        nginx -p "$tmp/valgrind" -c "$tmp/valgrind/nginx.conf" &
    vpid=$!
    pids+=("$vpid")
    wait_port "$nginx_port"
    vrc=0
    timeout 300 python3 "$here/e2e.py" --nginx "$nginx_port" --app "$app_port" --mode native \
        --secret "$secret" --fallback "$fallback" >"$tmp/valgrind/e2e.out" || vrc=1
    kill -QUIT "$vpid" 2>/dev/null || true
    wait "$vpid" 2>/dev/null || vrc=1
    sed 's/^\(ok  \|FAIL\) native:/\1 valgrind:/' "$tmp/valgrind/e2e.out" | grep -v '^ok' || true
    if [ "$vrc" -eq 0 ]; then
        echo "ok   valgrind: $(tail -1 "$tmp/valgrind/e2e.out"), no memory error, no leak"
        echo "1 passed, 0 failed" >>"$tmp/summary"
    else
        cat "$tmp/valgrind/vg.log"
        echo "FAIL valgrind: $(tail -1 "$tmp/valgrind/e2e.out"); see the valgrind log above"
        echo "0 passed, 1 failed" >>"$tmp/summary"
        status=1
    fi
fi

if [ -f bindings/lua/flask_cookie_nginx.lua ]; then
    if [ "$native_mode" = native ]; then lua_mode=lua; else lua_mode=lua-codec; fi
    run_variant lua "$lua_mode" || status=1
fi

# The last line: the totals of every variant.
awk '{p += $1; f += $3} END {printf "%d passed, %d failed\n", p, f}' "$tmp/summary"
exit $status
