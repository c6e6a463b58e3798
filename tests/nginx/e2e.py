"""Drives real HTTP requests through nginx and straight to the Flask app, and compares nginx's
decisions with Flask's own for the same cookie. Started by tests/nginx/run.sh.

    python3 e2e.py --nginx PORT --app PORT --mode native|codec|lua|lua-codec --secret S --fallback F

Each case: one Cookie header set (or none). Flask's verdict comes from GET /whoami sent to the
app directly (its status, user_id and keys); nginx's from the same request through nginx:
  /app/whoami       flask_session_require on; X-Flask-* headers from the variables
  /need-user/whoami flask_session_require on; flask_session_require_key user_id
  /redirect/whoami  flask_session_require on; flask_session_require_redirect /login?next=...
  /sig/whoami       flask_session_require signature (signature and age only)
  /refresh          flask_session_refresh on; return 200 (nginx answers alone)
  /proxied-refresh/plain  flask_session_refresh on; proxied to Flask, which refreshes itself
Prints one line per check and `N passed, N failed` last.
"""
import argparse
import hashlib
import http.client
import json
import sys
import time

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from flask.json.tag import TaggedJSONSerializer

p = argparse.ArgumentParser()
p.add_argument("--nginx", type=int, required=True)
p.add_argument("--app", type=int, required=True)
p.add_argument("--mode", choices=["native", "codec", "lua", "lua-codec"], required=True)
p.add_argument("--secret", required=True)
p.add_argument("--fallback", required=True)
p.add_argument("--lifetime", type=int, default=2678400)
args = p.parse_args()
codec_only = args.mode.endswith("codec")

passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {args.mode}: {name}")
    else:
        failed += 1
        print(f"FAIL {args.mode}: {name} {detail}")


def request(port, path, cookies=None):
    """GET path; cookies: None or a list of Cookie header values. Returns (status, headers
    as a list of (name, value), body)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.putrequest("GET", path)
    for v in cookies or []:
        c.putheader("Cookie", v)
    c.endheaders()
    r = c.getresponse()
    body = r.read()
    hdrs = r.getheaders()
    c.close()
    return r.status, hdrs, body


def header_all(hdrs, name):
    return [v for k, v in hdrs if k.lower() == name.lower()]


def serializer(key):
    return URLSafeTimedSerializer(
        key,
        salt="cookie-session",
        serializer=TaggedJSONSerializer(),
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )


def sign_at(key, value, ts):
    s = serializer(key)
    s_signer = s.make_signer(s.salt)
    orig = TimestampSigner.get_timestamp
    TimestampSigner.get_timestamp = lambda self: ts
    try:
        return s.dumps(value)
    finally:
        TimestampSigner.get_timestamp = orig


def login_cookie(query=""):
    st, hdrs, _ = request(args.app, "/login" + query)
    assert st == 200, st
    sc = header_all(hdrs, "Set-Cookie")[0]
    return sc.split(";", 1)[0].split("=", 1)[1]


def flask_verdict(cookies):
    st, _, body = request(args.app, "/whoami", cookies)
    if st != 200:
        return st, None
    return st, json.loads(body)


def run():
    now = int(time.time())
    valid = login_cookie()
    permanent = login_cookie("?permanent=1&user_id=7&name=perm")
    tampered = valid[:-2] + ("A" if valid[-2] != "A" else "B") + valid[-1]
    expired = sign_at(args.secret, {"user_id": 9, "name": "old"}, now - args.lifetime - 60)
    fallback = sign_at(args.fallback, {"user_id": 5, "name": "fb"}, now)
    unknown_key = sign_at("not-the-key", {"user_id": 6}, now)
    # Validly signed, payload not base64-JSON: Flask answers 500 (BadPayload is not caught).
    s = serializer(args.secret)
    signer = s.make_signer(s.salt)
    bad_payload = signer.sign(b"bm90IGpzb24").decode()
    st, hdrs, _ = request(args.app, "/flash")
    flash_only = header_all(hdrs, "Set-Cookie")[0].split(";", 1)[0].split("=", 1)[1]

    cases = {
        "no cookie": None,
        "logged in": [f"session={valid}"],
        "logged in, other cookies around": [f"a=1; session={valid}; b=2"],
        "permanent": [f"session={permanent}"],
        "tampered": [f"session={tampered}"],
        "expired": [f"session={expired}"],
        "fallback-signed": [f"session={fallback}"],
        "unknown key": [f"session={unknown_key}"],
        "flash only (no user_id)": [f"session={flash_only}"],
        "bad payload": [f"session={bad_payload}"],
        "duplicated, valid first": [f"session={valid}; session={tampered}"],
        "duplicated, tampered first": [f"session={tampered}; session={valid}"],
        "empty value": ["session="],
        "other name only": [f"sessionx={valid}"],
    }
    if not codec_only:
        cases["two Cookie headers, valid in the second"] = ["a=1", f"session={valid}"]

    for name, cookies in cases.items():
        # Several Cookie headers are one cookie list (RFC 6265 sends one; HTTP/2 splits it
        # and joins the crumbs with "; "), as the library reads them and as nginx forwards
        # them with `proxy_set_header Cookie $http_cookie`. gunicorn alone would join them
        # with "," and Werkzeug then finds no session: Flask's verdict is asked for the
        # joined header.
        joined = ["; ".join(cookies)] if cookies and len(cookies) > 1 else cookies
        fst, fv = flask_verdict(joined)
        flask_500 = fst == 500
        flask_has_session = bool(fv and fv["keys"])
        flask_user = fv["user_id"] if fv else None

        # require on
        st, hdrs, body = request(args.nginx, "/app/whoami", cookies)
        if flask_500:
            check(f"{name}: /app 500 as Flask", st == 500, f"nginx {st}")
        elif flask_has_session:
            ok = st == 200
            detail = f"nginx {st}"
            if ok and not codec_only:
                nv = json.loads(body)
                # WSGI gives header bytes as latin-1 text: the bytes nginx sent are UTF-8.
                passed_hdrs = {k.lower(): v.encode("latin-1").decode("utf-8")
                               for k, v in nv["passed"].items()}
                want_uid = "" if flask_user is None else str(flask_user)
                ok = (passed_hdrs.get("x-flask-user-id", "") == want_uid
                      and passed_hdrs.get("x-flask-state") == "opened"
                      and passed_hdrs.get("x-flask-name", "") == (fv["name"] or "")
                      and (args.mode != "native" or passed_hdrs.get("x-flask-permanent")
                           == ("1" if fv["permanent"] else "0")))
                detail = f"passed {passed_hdrs} flask user_id {flask_user!r} name {fv['name']!r}"
            check(f"{name}: /app passes as Flask opens it", ok, detail)
        else:
            check(f"{name}: /app 401 as Flask has no session", st == 401, f"nginx {st}")

        # require signature: the signature and age only; a bad payload goes on to Flask,
        # which answers 500 itself
        st, _, _ = request(args.nginx, "/sig/whoami", cookies)
        want = 500 if flask_500 else 200 if flask_has_session else 401
        check(f"{name}: /sig {want} as Flask", st == want, f"nginx {st}")

        # require a user_id (session API only)
        if not codec_only:
            st, _, _ = request(args.nginx, "/need-user/whoami", cookies)
            if flask_500:
                check(f"{name}: /need-user 500 as Flask", st == 500, f"nginx {st}")
            else:
                want = 200 if flask_user is not None else 401
                check(f"{name}: /need-user {want} (Flask user_id {flask_user!r})", st == want,
                      f"nginx {st}")

        # redirect
        st, hdrs, _ = request(args.nginx, "/redirect/whoami?x=1", cookies)
        if not flask_500 and not flask_has_session:
            loc = header_all(hdrs, "Location")
            check(f"{name}: /redirect 302 to the login URL", st == 302 and len(loc) == 1
                  and loc[0].endswith("/login?next=/redirect/whoami?x=1"), f"{st} {loc}")
        elif flask_has_session:
            check(f"{name}: /redirect passes", st == 200, f"nginx {st}")

        # refresh: nginx answers alone; compare with Flask's own save_session on /plain
        if not codec_only and not flask_500:
            for attempt in range(3):
                t0 = int(time.time())
                fst, fh, _ = request(args.app, "/plain", cookies)
                st, nh, _ = request(args.nginx, "/refresh", cookies)
                if int(time.time()) == t0:
                    break
            f_sc, n_sc = header_all(fh, "Set-Cookie"), header_all(nh, "Set-Cookie")
            f_vary = "cookie" in ",".join(header_all(fh, "Vary")).lower()
            n_vary = "cookie" in ",".join(header_all(nh, "Vary")).lower()
            check(f"{name}: /refresh Set-Cookie bytes as Flask's", st == 200 and f_sc == n_sc,
                  f"flask {f_sc} nginx {n_sc}")
            if fv and fv["permanent"]:
                # not vacuous: a permanent session is refreshed (SESSION_REFRESH_EACH_REQUEST)
                check(f"{name}: Flask and nginx both send a refreshed cookie",
                      len(n_sc) == 1 and n_sc[0].startswith("session=") and "Expires=" in n_sc[0],
                      f"{n_sc}")
            check(f"{name}: /refresh Vary: Cookie as Flask ({f_vary})", f_vary == n_vary,
                  f"flask {header_all(fh, 'Vary')} nginx {header_all(nh, 'Vary')}")
            # proxied: Flask refreshes itself; nginx must not add a second cookie
            st, ph, _ = request(args.nginx, "/proxied-refresh/plain", cookies)
            check(f"{name}: /proxied-refresh leaves Flask's Set-Cookie alone",
                  len(header_all(ph, "Set-Cookie")) == len(f_sc), f"{header_all(ph, 'Set-Cookie')}")

    # the state variable for each kind of cookie (through /state, require off)
    states = {
        "no cookie": (None, "no_cookie"),
        "logged in": ([f"session={valid}"], "opened"),
        "tampered": ([f"session={tampered}"], "bad_signature"),
        "expired": ([f"session={expired}"], "expired"),
        "fallback-signed": ([f"session={fallback}"], "opened"),
        "bad payload": ([f"session={bad_payload}"], "bad_payload"),
    }
    for name, (cookies, want) in states.items():
        st, hdrs, body = request(args.nginx, "/state", cookies)
        check(f"{name}: $flask_session_state = {want}", st == 200 and body.decode().strip() == want,
              f"{st} {body!r}")


run()
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
