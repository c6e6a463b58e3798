"""The binding's own contract: every C function declared as the header says, errors mapped to
the exception hierarchy with the library's message and never a secret, every owned buffer
freed on success and on failure, codecs freed once, argument checks, threads."""

from __future__ import annotations

import ctypes
import gc
import re
import threading

import pytest

import flask_cookie_ffi as fc
from flask_cookie_ffi import _native
from conftest import ROOT, fr

T0 = 1700000000
SPEC_COOKIE = "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"  # the README's: {"a":1}, "test key", T0


def header_functions() -> dict[str, int]:
    """name -> number of parameters, from include/flask_cookie.h."""
    text = (ROOT / "include" / "flask_cookie.h").read_text()
    out = {}
    for m in re.finditer(r"^[a-z0-9_ ]+\*?\s*\*?(flask_cookie_\w+)\(([^)]*)\);", text, re.M):
        params = m.group(2).strip()
        out[m.group(1)] = 0 if params in ("", "void") else params.count(",") + 1
    return out


def test_every_header_function_is_declared_with_its_arity():
    funcs = header_functions()
    assert len(funcs) == 63, funcs
    assert set(_native.PROTOTYPES) == set(funcs)
    for name, n in funcs.items():
        assert len(_native.PROTOTYPES[name][1]) == n, name
    lib = _native.lib()
    for name, (restype, argtypes) in _native.PROTOTYPES.items():
        fn = getattr(lib, name)
        assert fn.argtypes == argtypes and fn.restype == restype, name


def test_result_enum_matches_header():
    text = (ROOT / "include" / "flask_cookie.h").read_text()
    header = {m.group(1): int(m.group(2)) for m in re.finditer(r"FLASK_COOKIE_RESULT_(\w+) = (\d+)", text)}
    assert header == {r.name: r.value for r in fc.Result}


@pytest.mark.parametrize("code,cls", [
    (1, fc.ArgumentError), (2, fc.ArgumentError), (3, fc.InternalError), (4, fc.ConfigError),
    (100, fc.BadSignature), (101, fc.BadSignature), (200, fc.MalformedTimestamp), (300, fc.Expired),
    *[(c, fc.BadPayload) for c in range(400, 406)], (500, fc.DumpError), (501, fc.DumpError),
    (600, fc.TimestampOutOfRange),
    (999, fc.FlaskCookieError),
])
def test_error_classes(code, cls):
    e = fc._error_class(code)(code, "detail")
    assert type(e) is cls and e.code == code
    # InvalidCookie is exactly the library's "Flask would start a new session".
    assert isinstance(e, fc.InvalidCookie) == fc.is_bad_signature(code)
    assert str(code) in str(e) and "detail" in str(e)


def test_errors_carry_code_and_message_never_a_secret():
    secret = "s3cr3t-Key-do-not-leak"
    with fc.Codec.flask(secret, max_age=10) as codec:
        good = codec.dump('{"a":1}', T0)
        cases = [
            (lambda: codec.open(good, T0 + 11), fc.Expired, 300, "signature age 11 > 10 seconds"),
            (lambda: codec.open(SPEC_COOKIE, T0), fc.BadSignature, 100, "signature"),
            (lambda: codec.open("no dot", T0), fc.BadSignature, 100, ""),
            (lambda: codec.dump('{"a":', T0), fc.DumpError, 500, ""),
        ]
        for call, cls, code, text in cases:
            with pytest.raises(cls) as e:
                call()
            assert e.value.code == code
            assert e.value.detail and text in e.value.detail
            assert secret not in str(e.value) and good not in str(e.value) and secret not in repr(codec)
    with pytest.raises(fc.ConfigError) as e:
        fc.Codec.flask("")
    assert e.value.code == 4 and "Flask has no session without a SECRET_KEY" in e.value.detail
    # Empty fallback keys (Flask's SECRET_KEY_FALLBACKS) and itsdangerous's empty secret are keys.
    from itsdangerous import URLSafeTimedSerializer
    token = URLSafeTimedSerializer("").dumps({"a": 1})
    with fc.Codec.itsdangerous("") as codec:
        assert codec.open(token).json == '{"a":1}'
    with fc.Codec(["", "k"]) as codec:
        assert codec.open(codec.dump('{"a":1}')).json == '{"a":1}'


def test_argument_checks():
    with fc.Codec.flask("test key") as codec:
        for bad in (-1, 2**64 - 1, 2**64):
            with pytest.raises(fc.ArgumentError):
                codec.open(SPEC_COOKIE, bad)
            with pytest.raises(fc.ArgumentError):
                codec.dump("{}", bad)
        for bad in (1.5, "1700000000", True):
            with pytest.raises(TypeError):
                codec.verify(SPEC_COOKIE, bad)
        with pytest.raises(TypeError):
            codec.open(12345, T0)
        # bytes and bytearray cookies, aware datetimes
        from datetime import datetime, timezone
        when = datetime.fromtimestamp(T0, timezone.utc)
        assert codec.open(SPEC_COOKIE.encode(), when) == codec.open(bytearray(SPEC_COOKIE.encode()), T0)
        with pytest.raises(fc.ArgumentError):
            codec.open(SPEC_COOKIE, when.replace(tzinfo=None))
    for kwargs in ({"digest": "md5"}, {"key_derivation": "pbkdf2"}, {"preset": "django"}, {"max_age": -1}):
        with pytest.raises(fc.ArgumentError):
            fc.Codec("k", **kwargs)
    with pytest.raises(TypeError):
        fc.Codec([1234])


def test_max_age_timedelta_like_flask():
    from datetime import timedelta
    with fc.Codec.flask("test key", max_age=timedelta(seconds=60)) as codec:
        assert codec.verify(SPEC_COOKIE, T0 + 60) == T0
        with pytest.raises(fc.Expired):
            codec.verify(SPEC_COOKIE, T0 + 61)


@pytest.fixture
def counted(monkeypatch):
    """Counts the library's allocations handed out and released, by wrapping buf_free and the
    functions that write a buffer."""
    lib = _native.lib()
    stats = {"written": 0, "freed": 0, "freed_zero": 0}
    real_free = lib.flask_cookie_buf_free

    def free(buf_ref):
        buf = buf_ref._obj
        stats["freed" if buf.len else "freed_zero"] += 1
        real_free(buf_ref)
        assert not buf.data and buf.len == 0

    def writer(name):
        real = getattr(lib, name)

        def call(*args):
            rc = real(*args)
            if rc == 0:
                stats["written"] += 1
            return rc
        return call

    monkeypatch.setattr(lib, "flask_cookie_buf_free", free)
    for name in ("flask_cookie_open", "flask_cookie_dump", "flask_cookie_decode_unverified"):
        monkeypatch.setattr(lib, name, writer(name))
    return stats


def test_every_buffer_is_freed(counted):
    with fc.Codec.flask("test key") as codec:
        for _ in range(3):
            codec.open(SPEC_COOKIE, T0)
            codec.dump('{"a":1}', T0)
            fc.decode_unverified(SPEC_COOKIE)
            for fail in (lambda: codec.open("x.y.z", T0), lambda: codec.dump("[", T0),
                         lambda: fc.decode_unverified("nodot")):
                with pytest.raises(fc.FlaskCookieError):
                    fail()
    assert counted["written"] == 9 and counted["freed"] == 9
    assert counted["freed_zero"] == 9  # the failed calls free their (untouched) buffer too


def test_close_context_manager_and_del(monkeypatch):
    lib = _native.lib()
    freed = []
    real = lib.flask_cookie_codec_free
    monkeypatch.setattr(lib, "flask_cookie_codec_free", lambda h: (freed.append(ctypes.addressof(h.contents)), real(h)))
    codec = fc.Codec.flask("test key")
    codec.close()
    codec.close()
    assert len(freed) == 1 and codec.closed
    with pytest.raises(ValueError):
        codec.open(SPEC_COOKIE, T0)
    with fc.Codec.flask("test key") as c2:
        assert c2.verify(SPEC_COOKIE, T0) == T0
    assert len(freed) == 2 and c2.closed
    c3 = fc.Codec.flask("test key")
    del c3
    gc.collect()
    assert len(freed) == 3


def test_threads_share_a_codec_and_keep_their_own_last_error():
    ref = fr.Ref(fr.config(secret_key="thread key", max_age=100))
    values = [{"n": i, "s": "x" * i} for i in range(50)]
    cookies = [ref.dumps(v, T0) for v in values]
    jsons = [ref.canonical(v) for v in values]
    errors = []
    with fc.Codec.flask("thread key", max_age=100) as codec:
        def work(k):
            try:
                for _ in range(20):
                    for c, j in zip(cookies, jsons):
                        assert codec.open(c, T0) == (j, T0)
                        assert codec.dump(j, T0) == c
                    # Each thread sees its own failure's message.
                    if k % 2:
                        with pytest.raises(fc.Expired) as e:
                            codec.open(cookies[0], T0 + 101)
                        assert "101 > 100" in e.value.detail
                    else:
                        with pytest.raises(fc.DumpError) as e:
                            codec.dump("{", T0)
                        assert e.value.code == 500
            except BaseException as e:  # noqa: BLE001
                errors.append(e)
        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors, errors[:3]


def test_decode_unverified():
    assert fc.decode_unverified(SPEC_COOKIE) == (b'{"a":1}', T0)
    ref = fr.Ref(fr.config(secret_key="k"))
    big = {"v": "abc" * 300}
    cookie = ref.dumps(big, T0)
    assert cookie.startswith(".")
    assert fc.decode_unverified(cookie) == (ref.canonical(big).encode(), T0)
    # A timestamp that does not decode as an int of at most 8 bytes: None.
    assert fc.decode_unverified("eyJhIjoxfQ.AAAAAAAAAAAAAAAA.sig") == (b'{"a":1}', None)
    with pytest.raises(fc.BadSignature):
        fc.decode_unverified("eyJhIjoxfQ")


def test_library_location(monkeypatch, tmp_path):
    monkeypatch.setenv(_native.LIB_ENV, str(tmp_path / "missing.so"))
    with pytest.raises(OSError, match="no such file"):
        _native.find_library()
    monkeypatch.delenv(_native.LIB_ENV)
    found = _native.find_library()
    # cargo-c's output: target/<host triple>/{release,debug}/libflask_cookie.so
    assert found.name == _native.library_file_name() and found.parents[2].name == "target"


def test_readme_example_runs(capsys):
    # The README's Python block is this file (tests/readme.rs checks that they are equal).
    path = ROOT / "bindings" / "python" / "examples" / "readme.py"
    exec(compile(path.read_text(), str(path), "exec"), {})
    assert capsys.readouterr().out.startswith("BadSignature 100 bad signature")
