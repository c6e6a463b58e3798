#!/usr/bin/env python3
"""Flask's own serializer vs this crate vs the floor, on the same cookies, in one run.

    python3 benches/compare.py            # about 2 minutes of measuring after the build
    python3 benches/compare.py --quick    # a short run (CI: proves the pipeline works)

1. Runs ``cargo bench --bench codec`` (criterion) with a short measurement time and reads
   ``target/criterion/GROUP/SHAPE/new/sample.json`` (the fastest sample: see `criterion_ns`).
2. Times Flask 3.1's serializer inside an app context on the cookies of
   ``fixtures/bench/shapes.json``: ``session_interface.get_signing_serializer(app)`` then
   ``.loads(cookie, max_age=31 days)`` and ``.dumps(session)``, the calls Flask's
   ``open_session`` / ``save_session`` make (the clock pinned to the fixture's ``now``).
3. Prints a Markdown table: time per operation, operations per second, ratio to Flask, ratio to
   the floor; other figures (threads, the itsdangerous crate, the C ABI when its benchmark
   exists); then the target table of issue 11 item 5, each row "met" or "not met" from this
   run:

   * typed ``open_as`` into the struct of the fields a service reads: ≤ 1.15× the floor on
     every shape; into a struct of the whole session: ≤ 1.5×;
   * ``open`` into ``Value`` no slower than before the typed API: its ratio to the floor at
     most the one measured on main before it (``benches/baseline_open.json``, with when and
     where), plus 5 % for noise;
   * ``verify`` on tiny ≤ 1.25× the HMAC;
   * end to end (the example axum service on ``/api/visit`` under a load generator): ≥ 20×
     the Flask app under gunicorn, and the session layer costing < 10 % (the same route without
     sessions). These are measured by ``benches/services_load.sh`` (branch ``web``), not here:
     the rows read its results file (``--services-results``, default
     ``target/services_load.json``) when it exists, else say "not measured here".

   The services results file is JSON: ``{"measured_at": "...", "axum_rps": N,
   "flask_gunicorn_rps": N, "axum_no_session_rps": N, ...}`` (requests per second; other keys
   are shown as they are).

The floor of ``open`` is HMAC + base64 + inflating (compressed shapes) + a JSON validation pass
(``serde_json`` into ``IgnoredAny``), each measured alone. No assertion on speed: the figures
are printed as measured, with the targets beside them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import timeit
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "interop"))

SHAPES = ["tiny", "small", "medium", "large"]
# Issue 11 item 5's targets.
TYPED_SERVICE_VS_FLOOR = 1.15
TYPED_WHOLE_VS_FLOOR = 1.5
VERIFY_TINY_VS_HMAC = 1.25
OPEN_VALUE_NOISE = 1.05
AXUM_VS_FLASK = 20
LAYER_COST = 0.10
BASELINE = ROOT / "benches" / "baseline_open.json"


def load_generator():
    spec = importlib.util.spec_from_file_location("bench_gen", ROOT / "fixtures/bench/generate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_cargo_bench(args) -> None:
    cmd = ["cargo", "bench", "--bench", "codec"]
    if args.features:
        cmd += ["--features", args.features]
    cmd += ["--", "--noplot", "--warm-up-time", str(args.warm_up), "--measurement-time",
            str(args.measure)]
    if args.sample_size:
        cmd += ["--sample-size", str(args.sample_size)]
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    if not args.quiet:
        subprocess.run(cmd, cwd=ROOT, check=True)
        return
    # Quiet: criterion's progress is kept from the log, but shown if the run fails.
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stdout[-5000:] + run.stderr[-5000:])
        raise SystemExit(f"cargo bench failed with exit status {run.returncode}")


def criterion_ns(group: str, name: str) -> float | None:
    """ns per iteration of GROUP/NAME in the last run, or None: the fastest of criterion's
    samples (each sample is the mean of many iterations). On a shared machine the load changes
    during a run; the fastest sample is the least disturbed one, as Python's `timeit` advises
    for the Flask side (the minimum of its repeats)."""
    path = ROOT / "target" / "criterion" / group / name / "new" / "sample.json"
    if not path.exists():
        return None
    sample = json.loads(path.read_text())
    return min(t / n for t, n in zip(sample["times"], sample["iters"]))


def time_flask(gen, repeat: int, min_time: float) -> dict:
    """Median ns per call of Flask's loads / dumps for each shape."""
    import flaskref as fr

    doc = json.loads((ROOT / "fixtures/bench/shapes.json").read_text())
    values = gen.shapes()
    ref = fr.Ref(fr.config(secret_key=doc["secret_key"]))
    max_age = fr.FLASK_MAX_AGE
    out = {}
    for shape in doc["shapes"]:
        name, cookie = shape["name"], shape["cookie"]
        value = values[name]
        s = ref.s
        with ref.ctx(doc["now"]):
            loads = lambda: s.loads(cookie, max_age=max_age)  # noqa: E731
            loads()
        with ref.ctx(doc["timestamp"]):
            assert s.dumps(value) == cookie, name
            dumps = lambda: s.dumps(value)  # noqa: E731
        res = {}
        for op, fn, clock in (("loads", loads, doc["now"]), ("dumps", dumps, doc["timestamp"])):
            with ref.ctx(clock):
                timer = timeit.Timer(fn)
                n, _ = timer.autorange()
                n = max(1, int(n * min_time / 0.2))
                runs = timer.repeat(repeat=repeat, number=n)
            res[op] = min(runs) / n * 1e9
        out[name] = res
    return out


def fmt_t(ns: float | None) -> str:
    if ns is None:
        return "n/a"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def fmt_ops(ns: float | None) -> str:
    if not ns:
        return "n/a"
    ops = 1e9 / ns
    if ops >= 1e6:
        return f"{ops / 1e6:.2f} M/s"
    return f"{ops / 1e3:.0f} k/s"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.1f}×" if a / b >= 10 else f"{a / b:.2f}×"


def mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**not met**")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="short run (CI): proves it works")
    ap.add_argument("--no-bench", action="store_true", help="reuse the last criterion results")
    ap.add_argument("--features", default=os.environ.get("BENCH_FEATURES", ""),
                    help="cargo features for the bench build (e.g. ffi)")
    ap.add_argument("--warm-up", type=float, default=0.5)
    ap.add_argument("--measure", type=float, default=2.0)
    ap.add_argument("--sample-size", type=int, default=0)
    ap.add_argument("--quiet", action="store_true", help="hide criterion's own output")
    ap.add_argument("--services-results", type=Path,
                    default=Path(os.environ.get("SERVICES_LOAD_RESULTS",
                                                ROOT / "target" / "services_load.json")),
                    help="benches/services_load.sh's results (end-to-end rows)")
    args = ap.parse_args()
    if args.quick:
        args.warm_up, args.measure, args.sample_size, args.quiet = 0.1, 0.3, 10, True
    if not args.no_bench:
        run_cargo_bench(args)
    gen = load_generator()
    flask = time_flask(gen, repeat=3 if args.quick else 7, min_time=0.05 if args.quick else 0.2)

    g = lambda group, name: criterion_ns(group, name)  # noqa: E731
    lines = []
    p = lines.append
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    p(f"Measured {now} on {platform.machine()}, {os.cpu_count()} CPUs "
      f"({cpu_model()}); Python {platform.python_version()}, "
      f"Flask {ver('flask')}; time per operation: fastest criterion sample / fastest "
      f"timeit repeat.")
    p("")
    p("| shape | operation | Flask | flask-cookie | ops/s | vs Flask | floor | vs floor |")
    p("|---|---|---|---|---|---|---|---|")
    checks = []
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else None
    for name in SHAPES:
        hmac, b64, js = g("floor_hmac", name), g("floor_base64", name), g("floor_json", name)
        # zlib, the inflater `open` uses (the only one that refuses what Python refuses).
        infl = [x for x in (g("floor_inflate_zlib", name),) if x is not None]
        floor = None if None in (hmac, b64, js) else hmac + b64 + js + (min(infl) if infl else 0)
        o, v, d = g("open", name), g("verify", name), g("dump", name)
        fl, fd = flask[name]["loads"], flask[name]["dumps"]
        p(f"| {name} | open | {fmt_t(fl)} | {fmt_t(o)} | {fmt_ops(o)} | {ratio(fl, o)} "
          f"| {fmt_t(floor)} | {ratio(o, floor)} |")
        ts, tw = g("open_as_service", name), g("open_as_whole", name)
        p(f"| {name} | open_as (service fields) | | {fmt_t(ts)} | {fmt_ops(ts)} | {ratio(fl, ts)} "
          f"| {fmt_t(floor)} | {ratio(ts, floor)} |")
        p(f"| {name} | open_as (whole session) | | {fmt_t(tw)} | {fmt_ops(tw)} | {ratio(fl, tw)} "
          f"| {fmt_t(floor)} | {ratio(tw, floor)} |")
        p(f"| {name} | verify | | {fmt_t(v)} | {fmt_ops(v)} | | {fmt_t(hmac)} (HMAC) "
          f"| {ratio(v, hmac)} |")
        deflate = g("floor_deflate", name)
        compressed = bool(infl)
        p(f"| {name} | dump | {fmt_t(fd)} | {fmt_t(d)} | {fmt_ops(d)} | {ratio(fd, d)} "
          f"| {fmt_t(deflate) if compressed else '-'} (zlib) | "
          f"{ratio(d, deflate) if compressed else '-'} |")
        if floor:
            checks.append((f"typed open_as, service fields, {name}: ≤{TYPED_SERVICE_VS_FLOOR}× floor",
                           ts and ts / floor, ts and ts / floor <= TYPED_SERVICE_VS_FLOOR, "×"))
        if floor:
            checks.append((f"typed open_as, whole session, {name}: ≤{TYPED_WHOLE_VS_FLOOR}× floor",
                           tw and tw / floor, tw and tw / floor <= TYPED_WHOLE_VS_FLOOR, "×"))
        if floor and o:
            base = baseline and baseline["open_vs_floor"].get(name)
            limit = base and base * OPEN_VALUE_NOISE
            label = (f"open into Value, {name}: no slower than before (÷ floor ≤ "
                     + (f"{base:.2f}× on main + 5 % = {limit:.2f}×)" if base else "baseline: none)"))
            checks.append((label, o / floor, (o / floor <= limit) if limit else None, "×"))
        if name == "tiny" and v is not None and hmac:
            checks.append((f"verify tiny ≤{VERIFY_TINY_VS_HMAC}× HMAC", v / hmac,
                           v / hmac <= VERIFY_TINY_VS_HMAC, "×"))
    p("")
    p("JSON reading alone (builds the values; not part of the floor, which builds nothing): "
      + "; ".join(f"{n} {fmt_t(g('read_json', n))} (serde_json::Value {fmt_t(g('ref_serde_json_value', n))}, "
                  f"IgnoredAny {fmt_t(g('floor_json', n))})" for n in SHAPES) + ".")
    p("")
    its_o, its_d = g("itsdangerous_crate_open", "tiny"), g("itsdangerous_crate_dump", "tiny")
    o, d = g("open", "tiny"), g("dump", "tiny")
    p(f"itsdangerous crate 0.4 on tiny: open {fmt_t(its_o)}, dump {fmt_t(its_d)}; "
      f"flask-cookie open {fmt_t(o)}, dump {fmt_t(d)}.")
    t1, t2 = g("threads", "open_small_x1"), g("threads", "open_small_x2")
    if t1 and t2:
        # x1: one open per batch; x2: two opens (one per thread) per batch.
        tp = 2 * t1 / t2
        p(f"Two threads on one codec: {fmt_t(t1)} per batch of 1, {fmt_t(t2)} per batch of 2 "
          f"in parallel: {tp:.2f}× the throughput of one thread.")

    ffi, rust, rust_json = g("c_abi_open", "small"), g("open", "small"), g("open_to_json", "small")
    if ffi and rust and rust_json:
        # flask_cookie_open returns the session's JSON: it does open + to_json.
        p(f"C ABI `flask_cookie_open` on small: {fmt_t(ffi)}; Rust `open` {fmt_t(rust)}, "
          f"`open` + `to_json` (the same work) {fmt_t(rust_json)}.")
    else:
        p("C ABI: no `c_abi_open` results (bench built without the `ffi` feature).")
    if baseline:
        p(f"Baseline of `open` ÷ floor: {baseline['measured']}.")
    checks += services_checks(args.services_results)
    p("")
    p("Targets (issue 11 item 5), from this run:")
    p("")
    p("| target | measured | |")
    p("|---|---|---|")
    for label, value, ok, unit in checks:
        shown = "n/a" if value is None else (f"{value:.2f}{unit}" if unit != "%" else f"{value * 100:.1f} %")
        p(f"| {label} | {shown} | {mark(ok) if value is not None else 'not measured here'} |")
    print("\n".join(lines))
    return 0


def services_checks(path: Path) -> list:
    """The end-to-end rows, from benches/services_load.sh's results (branch `web`)."""
    a = f"axum example service /api/visit ≥{AXUM_VS_FLASK}× Flask under gunicorn (req/s)"
    b = f"session layer cost < {LAYER_COST * 100:.0f} % (axum /api/visit with vs without sessions)"
    if not path.exists():
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        pointer = f" — measured by benches/services_load.sh; reads {shown}"
        return [(a + pointer, None, None, "×"), (b + pointer, None, None, "%")]
    r = json.loads(path.read_text())
    when = r.get("measured_at", "?")
    axum, flask, bare = r.get("axum_rps"), r.get("flask_gunicorn_rps"), r.get("axum_no_session_rps")
    out = []
    src = f" (from {path.name}, measured {when})"
    if axum and flask:
        out.append((a + src, axum / flask, axum / flask >= AXUM_VS_FLASK, "×"))
    else:
        out.append((a + src, None, None, "×"))
    if axum and bare:
        cost = 1 - axum / bare
        out.append((b + src, cost, cost < LAYER_COST, "%"))
    else:
        out.append((b + src, None, None, "%"))
    return out


def ver(dist: str) -> str:
    from importlib.metadata import version
    return version(dist)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
