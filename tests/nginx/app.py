"""The Flask app behind nginx in tests/nginx/run.sh (served by gunicorn on 127.0.0.1).

Settings come from FLASK_* environment variables, as a deployed app reads them
(FLASK_SECRET_KEY, FLASK_SECRET_KEY_FALLBACKS, FLASK_PERMANENT_SESSION_LIFETIME, ...).
/whoami is Flask's own decision for the cookie it is sent, and shows the X-Flask-* headers
that nginx passed upstream.
"""
from flask import Flask, flash, jsonify, request, session

app = Flask(__name__)
app.config.from_prefixed_env()


@app.get("/login")
def login():
    session["user_id"] = int(request.args.get("user_id", "42"))
    session["name"] = request.args.get("name", "Zoë")
    session["cart"] = ("apple", "pear")
    session.permanent = request.args.get("permanent") == "1"
    return "logged in\n"


@app.get("/flash")
def flash_only():
    flash("hello", "info")
    return "flashed\n"


@app.get("/whoami")
def whoami():
    return jsonify(
        user_id=session.get("user_id"),
        name=session.get("name"),
        keys=sorted(session.keys()),
        permanent=session.permanent,
        passed={k: v for k, v in request.headers.items() if k.lower().startswith("x-flask-")},
    )


@app.get("/plain")
def plain():
    # Touches no session: what Flask's save_session alone sends (the refresh of a permanent
    # session with SESSION_REFRESH_EACH_REQUEST).
    return "plain\n"
