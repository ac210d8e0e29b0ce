"""A class on one link: what thirty students at once cost the server, measured the way their browsers ask.

Starts `streamlit run app.py` (and, beside it, a trivial one-slider page, bench/floor_app.py, as the
framework's floor), once with Streamlit's source watcher on (`--server.fileWatcherType auto`) and once
off (`none`), and drives sessions over Streamlit's own websocket protocol (bench/st_client.py: the
BackMsg `rerun_script` the front end sends, then ForwardMsgs until `script_finished`; every exception
element counts as a failure). Prints, in one run:

1. every page's default view and every section of every lesson through its link (`/lstm?section=reach`;
   the lessons and their sections are read from the catalogue, `gradviz.lessons.available()`, plus home,
   so a new lesson or section is measured without editing this file): its first visit on the fresh server
   (with the bytes it sent and its elements), one visit alone (median of 3), and N sessions opening it at
   the same moment (p50, p95, max, exceptions, visits per second, server CPU per visit), with ratios to
   the floor page measured in the same run; the class arrives three times (--repeats) and the burst with
   the median p95 is reported, so one unlucky burst on a shared machine does not decide a ratio;
2. a control moved in each fragment of each view (and in the page's own script, where it has controls) by
   one session alone and then by N sessions at once: a widget-state rerun, as the front end sends when a
   slider moves; the first move may compute (or train) its result, the later ones find it cached;
3. 10 different live configurations of the deep-nets lesson (`?seed=101..110`) submitted at once: first
   and last to finish, exceptions, against the sum of the solo times of 10 other seeds (measured first,
   one at a time, so the burst finds nothing cached);
4. the server's resident memory after all of that;
5. real Chromium (Playwright, Debian's /usr/bin/chromium): from navigation until the page's script state
   is notRunning, for a cold server's first lesson link and then warm.

No assertions: it prints figures (and writes them as JSON with --json).

    python bench/bench_classroom.py                 # everything, watcher on and off (25 min on a busy 2-core machine)
    python bench/bench_classroom.py --quick         # 10 sessions, 3 live configurations, one solo visit
    python bench/bench_classroom.py --pages home,deep_nets --sessions 30 --json out.json
    python bench/bench_classroom.py --watcher none --live 0 --no-browser   # the issue-16 table (sections)
    python bench/bench_classroom.py --url http://127.0.0.1:8080   # an already running server or deploy/run.sh

With --url the app is not started (the watcher is whatever that server uses; CPU and memory are read only
for the processes named by --pids, summed); the floor page still runs on a local server with the watcher off.
Set GRADVIZ_BENCH_PORTS=lo-hi to choose ports.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

import st_client as sc  # noqa: E402
from servers import ROOT as APP_ROOT  # noqa: E402
from servers import Streamlit, cpu_seconds, data_note, rss_mb  # noqa: E402

FLOOR_APP = HERE / "floor_app.py"
LIVE_PAGE = "deep_nets"  # the heaviest lesson: live training of an MLP on MNIST
LIVE_PARAM = "seed"  # a control that changes the run but not its cost
LIVE_SEEDS = range(101, 111)  # submitted at once
SOLO_SEEDS = range(201, 211)  # timed alone first (distinct, so the burst finds nothing cached)
LOGS = ROOT / "artifacts"


# -- which pages ------------------------------------------------------------------------------------


def app_pages(sections: bool = True) -> list[tuple[str, str]]:
    """(name, URL path) of home and every lesson in the catalogue, in the app's order: each lesson's
    default view ("lstm"), then each of its other sections through its link ("lstm ▸ reach")."""
    from gradviz.lessons import available

    out = [("home", "/")]
    for lesson in available():
        name = Path(lesson.path).stem
        out.append((name, "/" + name))
        if sections:
            out += [(f"{name} ▸ {s.slug}", f"/{name}?section={s.slug}") for s in lesson.sections[1:]]
    return out


# -- figures ----------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (p95 of 30 values is the 29th smallest)."""
    s = sorted(values)
    return s[max(0, math.ceil(q * len(s)) - 1)] if s else float("nan")


@dataclass
class Burst:
    """N sessions doing the same thing at the same moment."""

    n: int
    p50: float
    p95: float
    max: float
    wall: float  # until the last finished
    exceptions: int  # runs that showed an exception, did not finish or timed out
    cpu_per: float | None  # server CPU seconds per session (None when the server is not ours)
    errors: list[str] = field(default_factory=list)  # the first few distinct messages

    @property
    def per_second(self) -> float:
        return self.n / self.wall if self.wall else float("nan")


def burst_of(runs: list[sc.Run], wall: float, cpu: float | None) -> Burst:
    times = [r.seconds for r in runs]
    bad = [r for r in runs if not r.ok]
    msgs = list(dict.fromkeys(m for r in bad for m in (r.exceptions or [r.status])))[:3]
    return Burst(
        len(runs),
        pct(times, 0.5),
        pct(times, 0.95),
        max(times),
        wall,
        len(bad),
        None if cpu is None else cpu / len(runs),
        msgs,
    )


def median_burst(bursts: list[Burst]) -> Burst:
    """The burst with the median p95, counting every exception of every burst."""
    median = sorted(bursts, key=lambda b: b.p95)[len(bursts) // 2]
    median.exceptions = sum(b.exceptions for b in bursts)
    return median


class CpuMeter:
    """Server CPU seconds spent between two points (None when the server's process is not ours)."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids

    def now(self) -> float | None:
        vals = [cpu_seconds(p) for p in self.pids]
        return None if not vals or None in vals else sum(vals)


# -- the measurements -------------------------------------------------------------------------------


@dataclass
class PageFigures:
    name: str
    first: float  # the first visit on this server (imports, loads, maybe a live run)
    alone: float  # median of the solo visits after it
    burst: Burst
    first_errors: list[str]
    moves: list[dict] = field(default_factory=list)
    first_kb: float = 0.0  # ForwardMsg bytes the first visit received, in kB
    elements: int = 0  # delta messages of the first visit
    p95s: list[float] = field(default_factory=list)  # every burst's p95 (the reported one is their median)


async def measure_page(
    url: str, name: str, n: int, solo_runs: int, cpu: CpuMeter, moves: bool, repeats: int = 3
) -> PageFigures:
    first, s0 = await sc.visit(url, keep=True)
    alone = statistics.median([(await sc.visit(url))[0].seconds for _ in range(solo_runs)])
    bursts = []
    for i in range(repeats):  # the class arrives `repeats` times; the burst with the median p95 is reported
        c0, t0 = cpu.now(), time.perf_counter()
        results = await asyncio.gather(*(sc.visit(url, keep=True) for _ in range(n)))
        wall = time.perf_counter() - t0
        c1 = cpu.now()
        runs, sessions = [r for r, _ in results], [s for _, s in results]
        bursts.append(burst_of(runs, wall, None if c0 is None else c1 - c0))
        if i < repeats - 1:  # the last class stays connected for the control moves
            for s in sessions:
                await s.close()
    burst = median_burst(bursts)
    fig = PageFigures(
        name,
        first.seconds,
        alone,
        burst,
        first.exceptions or ([] if first.ok else [first.status]),
        first_kb=first.bytes / 1000,
        elements=first.elements,
        p95s=[b.p95 for b in bursts],
    )
    if moves and first.ok:
        live = [s for r, s in results if r.ok]
        groups = sc.fragment_groups(first.widgets)
        # Fragments first, the page's own script last: a whole-page rerun would redraw every fragment.
        for fid in sorted(groups, key=lambda f: f == ""):
            section = first.headings.get(fid, "") if fid else "(page script)"
            fig.moves.append(await measure_move(s0, live, groups[fid], cpu, section, repeats))
    for s in [s0, *sessions]:
        await s.close()
    return fig


async def measure_move(
    s0: sc.Session, sessions: list[sc.Session], w: sc.Widget, cpu: CpuMeter, section: str, repeats: int = 3
) -> dict:
    """One control moved: by one session alone (first move, then back and forth), then by all at once."""
    solo = []
    for step in (1, 0, 1, 0, 1):
        r = await s0.rerun([w.moved_state(step)], fragment_id=w.fragment_id)
        solo.append(r)
    bursts = []
    for i in range(repeats):  # the class moves it `repeats` times (to 1, 0, 1, ...: both values are cached)
        c0, t0 = cpu.now(), time.perf_counter()
        runs = await asyncio.gather(
            *(s.rerun([w.moved_state(1 - i % 2)], fragment_id=w.fragment_id) for s in sessions)
        )
        wall = time.perf_counter() - t0
        c1 = cpu.now()
        bursts.append(burst_of(list(runs), wall, None if c0 is None else c1 - c0))
    b = median_burst(bursts)
    bad_solo = [m for r in solo if not r.ok for m in (r.exceptions or [r.status])]
    return {
        "fragment": w.fragment_id,
        "section": section or f"fragment {w.fragment_id[:8]}",
        "control": f"{w.kind} '{w.label}'",
        "first": solo[0].seconds,
        "alone": statistics.median(r.seconds for r in solo[1:]),
        "solo_exceptions": len(bad_solo),
        "burst": asdict(b) | {"per_second": b.per_second},
        "p95s": [x.p95 for x in bursts],  # every burst's, to show the spread
    }


async def measure_live(base: str, n: int, cpu: CpuMeter, cores: int) -> dict:
    """n distinct live configurations: each alone (other seeds), then n others submitted at once."""
    solo = []
    for seed in list(SOLO_SEEDS)[:n]:
        r, _ = await sc.visit(f"{base}/{LIVE_PAGE}?{LIVE_PARAM}={seed}")
        solo.append(r)
    c0 = cpu.now()
    runs, wall = await sc.visits_at_once(
        [f"{base}/{LIVE_PAGE}?{LIVE_PARAM}={s}" for s in list(LIVE_SEEDS)[:n]]
    )
    c1 = cpu.now()
    finish = sorted(r.seconds for r in runs)
    sum_solo = sum(r.seconds for r in solo)
    bad = [r for r in runs + solo if not r.ok]
    return {
        "configs": n,
        "solo_each": [round(r.seconds, 3) for r in solo],
        "sum_solo": sum_solo,
        "ideal_last": sum_solo / cores,  # the sum shared perfectly over the cores
        "first": finish[0],
        "last": finish[-1],
        "last_vs_ideal": finish[-1] / (sum_solo / cores),
        "first_vs_solo": finish[0] / statistics.median(r.seconds for r in solo),
        "exceptions": len(bad),
        "errors": list(dict.fromkeys(m for r in bad for m in (r.exceptions or [r.status])))[:3],
        "wall": wall,
        "cpu_total": None if c0 is None else c1 - c0,
    }


def served(script: Path, watcher: str, tag: str) -> Streamlit:
    LOGS.mkdir(exist_ok=True)
    return Streamlit(script, watcher=watcher, log=LOGS / f"bench-classroom-{tag}-{watcher}.log", cwd=APP_ROOT)


def run_mode(watcher: str | None, args, pages: list[tuple[str, str]]) -> dict:
    """Everything for one watcher setting (or for the server at --url when watcher is None)."""
    out: dict = {"watcher": watcher or "as served", "pages": {}}
    n, solo = args.sessions, args.solo
    with served(FLOOR_APP, watcher or "none", "floor") as floor:
        say(f"[{watcher or 'url'}] floor page on {floor.url}")
        fig = asyncio.run(
            measure_page(
                floor.url + "/", "floor", n, solo, CpuMeter([floor.proc.pid]), not args.no_moves, args.repeats
            )
        )
        out["pages"]["floor"] = asdict(fig)
        out["floor_rss_mb"] = floor.rss_mb()
    if args.url:
        pids = [int(p) for p in args.pids.split(",") if p.strip()]
        measure_app(out, args.url.rstrip("/"), CpuMeter(pids), args, pages, watcher)
        rss = [rss_mb(p) for p in pids]
        out["app_rss_mb"] = sum(rss) if rss and None not in rss else None
        return out
    with served(APP_ROOT / "app.py", watcher, "app") as app:
        measure_app(out, app.url, CpuMeter([app.proc.pid]), args, pages, watcher)
        out["app_rss_mb"] = app.rss_mb()
    return out


def measure_app(res: dict, base: str, cpu: CpuMeter, args, pages, watcher) -> None:
    for name, path in pages:
        say(f"[{watcher or 'url'}] {name}: first visit, {args.solo} alone, {args.sessions} at once, moves")
        fig = asyncio.run(
            measure_page(base + path, name, args.sessions, args.solo, cpu, not args.no_moves, args.repeats)
        )
        res["pages"][name] = asdict(fig)
    if args.live and any(name == LIVE_PAGE for name, _ in pages):
        say(f"[{watcher or 'url'}] {args.live} live {LIVE_PAGE} configurations: alone, then at once")
        res["live"] = asyncio.run(measure_live(base, args.live, cpu, os.cpu_count() or 1))


def measure_browser(pages: list[tuple[str, str]], watcher: str) -> dict:
    """Chromium: navigation until notRunning, a cold server's first lesson link, then warm ones."""
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    try:
        from e2e_support import CHROMIUM, SCRIPT_DONE, VIEWPORT, launch_chromium
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        return {"skipped": f"no Playwright ({e})"}
    if not CHROMIUM.is_file():
        return {"skipped": f"no Chromium at {CHROMIUM}"}
    lesson = next((p for n, p in pages if n != "home"), "/")
    out: dict = {"page": lesson}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)  # launched before the server starts: not counted
        try:
            with served(APP_ROOT / "app.py", watcher, "browser") as app:
                for label, path in (("cold", lesson), ("warm", lesson), ("warm home", "/")):
                    ctx = browser.new_context(viewport=VIEWPORT)
                    page = ctx.new_page()
                    t0 = time.perf_counter()
                    page.goto(app.url + path, wait_until="commit", timeout=300_000)
                    page.wait_for_selector("[data-testid='stApp']", timeout=300_000)
                    out[f"{label} frontend"] = time.perf_counter() - t0
                    page.wait_for_selector(SCRIPT_DONE, timeout=300_000)
                    out[label] = time.perf_counter() - t0
                    out[f"{label} exceptions"] = page.locator("[data-testid='stException']").count()
                    ctx.close()
        finally:
            browser.close()
    return out


# -- printing ---------------------------------------------------------------------------------------


def say(msg: str) -> None:
    print(f"  {dt.datetime.now(dt.UTC):%H:%M:%S} {msg}", file=sys.stderr, flush=True)


def f(x: float | None, fmt: str = ".2f", unit: str = "") -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:{fmt}}{unit}"


def print_report(report: dict) -> None:
    modes, n = report["modes"], report["sessions"]
    print(
        f"\ngradviz classroom benchmark · {report['when']} · {report['cores']} cores · streamlit "
        f"{report['streamlit']} · {n} sessions · {report['target']}"
    )
    print(
        f"{report['data']}. Machine load (1-min average) before {report['load_before'][0]:.1f}, after "
        f"{report['load_after'][0]:.1f} on {report['cores']} cores: other work on the machine slows every figure."
    )
    print(
        "Seconds from a session's first request to script_finished, measured by the client; CPU = the "
        "server process's CPU seconds per session.\n"
    )

    print(f"1. Default view: one visit alone, then {n} sessions opening the page at the same moment")
    hdr = (
        f"{'page':22s} {'watcher':9s} {'first':>6s} {'alone':>6s} {'p50':>6s} {'p95':>6s} {'max':>6s} "
        f"{'exc':>4s} {'visits/s':>8s} {'CPU/visit':>9s} {'alone÷floor':>11s} {'p95÷floor':>9s} "
        f"{'sent kB':>7s} {'elts':>5s}"
    )
    print(hdr + "\n" + "-" * len(hdr))
    names = list(dict.fromkeys(name for m in modes for name in m["pages"]))
    names.sort(key=lambda name: name != "floor")  # the floor first
    for name in names:
        for m in modes:
            p = m["pages"].get(name)
            if not p:
                continue
            b, fl = p["burst"], m["pages"]["floor"]
            print(
                f"{name[:22]:22s} {m['watcher']:9s} {f(p['first']):>6s} {f(p['alone']):>6s} {f(b['p50']):>6s} "
                f"{f(b['p95']):>6s} {f(b['max']):>6s} {b['exceptions']:>4d} {f(b['n'] / b['wall'], '.1f'):>8s} "
                f"{f(b['cpu_per'], '.3f'):>9s} {f(p['alone'] / fl['alone'], '.1f', '×'):>11s} "
                f"{f(b['p95'] / fl['burst']['p95'], '.1f', '×'):>9s} {f(p.get('first_kb'), '.0f'):>7s} "
                f"{p.get('elements', 0):>5d}"
            )
    errs = [
        (m["watcher"], name, e)
        for m in modes
        for name, p in m["pages"].items()
        for e in p["burst"]["errors"] + p["first_errors"]
    ]
    for w, name, e in errs:
        print(f"   ! {name} ({w}): {e}")

    print(
        f"\n2. A control moved: alone (first move, then median of 4 back-and-forth), then by {n} sessions at once"
    )
    hdr = (
        f"{'page':22s} {'section':24s} {'control':26s} {'watcher':9s} {'first':>6s} {'alone':>6s} "
        f"{'p50':>6s} {'p95':>6s} {'max':>6s} {'exc':>4s} {'CPU/move':>8s}"
    )
    print(hdr + "\n" + "-" * len(hdr))
    for name in names:
        rows = [
            (i, m["watcher"], mv)
            for m in modes
            for i, mv in enumerate((m["pages"].get(name) or {}).get("moves", []))
        ]
        rows.sort(key=lambda r: r[0])  # each section's rows side by side, sections in the page's order
        for _, w, mv in rows:
            b = mv["burst"]
            print(
                f"{name[:22]:22s} {mv['section'][:24]:24s} {mv['control'][:26]:26s} {w:9s} {f(mv['first']):>6s} "
                f"{f(mv['alone'], '.3f'):>6s} {f(b['p50']):>6s} {f(b['p95']):>6s} {f(b['max']):>6s} "
                f"{b['exceptions'] + mv['solo_exceptions']:>4d} {f(b['cpu_per'], '.3f'):>8s}"
            )
            for e in b["errors"]:
                print(f"   ! {e}")

    lives = [(m["watcher"], m["live"]) for m in modes if "live" in m]
    if lives:
        print(f"\n3. Different live {LIVE_PAGE} configurations submitted at once ({LIVE_PARAM}=101…)")
        hdr = (
            f"{'watcher':9s} {'configs':>7s} {'sum solo':>8s} {'÷cores':>7s} {'first':>6s} {'first÷solo':>10s} "
            f"{'last':>6s} {'last÷ideal':>10s} {'exc':>4s}"
        )
        print(hdr + "\n" + "-" * len(hdr))
        for w, lv in lives:
            print(
                f"{w:9s} {lv['configs']:>7d} {f(lv['sum_solo'], '.1f'):>8s} {f(lv['ideal_last'], '.1f'):>7s} "
                f"{f(lv['first'], '.1f'):>6s} {f(lv['first_vs_solo'], '.2f', '×'):>10s} {f(lv['last'], '.1f'):>6s} "
                f"{f(lv['last_vs_ideal'], '.2f', '×'):>10s} {lv['exceptions']:>4d}"
            )
            for e in lv["errors"]:
                print(f"   ! {e}")
            print(f"{'':9s} solo times: {', '.join(f'{s:.1f}' for s in lv['solo_each'])} s")

    print("\n4. Server resident memory after all of the above (MB)")
    for m in modes:
        print(
            f"   watcher {m['watcher']:9s} app {f(m.get('app_rss_mb'), '.0f')}   floor page "
            f"{f(m.get('floor_rss_mb'), '.0f')}"
        )

    print("\n6. Against issue 16's targets (30 at once; the floor page in the same run)")
    for m in modes:
        fl = m["pages"]["floor"]["burst"]["p95"]
        for name, p in m["pages"].items():
            if name == "floor":
                continue
            p95, kb = p["burst"]["p95"], p.get("first_kb", 0.0)
            limit = 2.0 if name == "home" else 4.0
            ok = p95 <= (10.0 if name == "home" else 1.0) and p95 <= limit * fl and kb <= 250
            moves = [mv["burst"]["p95"] for mv in p.get("moves", [])]
            print(
                f"   {'ok ' if ok else 'MISS'} {name[:22]:22s} ({m['watcher']}) p95 {f(p95)} s = "
                f"{f(p95 / fl, '.1f', '×')} floor (≤ {'' if name == 'home' else '1.0 s and '}{limit:g}×), "
                f"first visit {f(kb, '.0f')} kB (≤ 250), slowest move p95 {f(max(moves) if moves else None)} s"
            )

    b = report.get("browser")
    if b:
        print("\n5. Chromium: from navigation until the script state is notRunning")
        if "skipped" in b:
            print(f"   skipped: {b['skipped']}")
        else:
            for label in ("cold", "warm", "warm home"):
                page = "/" if label == "warm home" else b["page"]
                print(
                    f"   {label:10s} {page:14s} {f(b[label])} s  (front end loaded after "
                    f"{f(b[label + ' frontend'])} s)   exceptions: {b[label + ' exceptions']}"
                )
            print(
                f"   (watcher {b['watcher']}; 'cold' = the first visit to a server that has just become healthy)"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=30, help="sessions at once (default 30)")
    ap.add_argument(
        "--pages", default="", help="comma-separated page names (home, deep_nets, ...); default all"
    )
    ap.add_argument("--quick", action="store_true", help="10 sessions, 3 live configurations, 1 solo visit")
    ap.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="classes of N arriving one after another per view; the median p95 is reported (default 3)",
    )
    ap.add_argument("--url", default="", help="drive this running server (or the nginx front) instead")
    ap.add_argument("--pids", default="", help="with --url: the server processes' ids, for CPU and memory")
    ap.add_argument(
        "--watcher", default="auto,none", help="fileWatcherType values to compare (default auto,none)"
    )
    ap.add_argument(
        "--live", type=int, default=None, help="live configurations at once (default 10; 0 = skip)"
    )
    ap.add_argument("--no-moves", action="store_true", help="skip the control moves")
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    ap.add_argument("--json", default="", help="also write every figure to this file")
    ap.add_argument(
        "--show", default="", help="print the tables of an earlier run's --json file, run nothing"
    )
    args = ap.parse_args()
    if args.show:
        print_report(json.loads(Path(args.show).read_text()))
        return
    if args.quick and args.sessions == 30:
        args.sessions = 10
    args.solo = 1 if args.quick else 3
    if args.quick:
        args.repeats = 1
    if args.live is None:
        args.live = 3 if args.quick else 10

    pages = app_pages()
    if args.pages:
        wanted = {p.strip() for p in args.pages.split(",")}
        pages = [p for p in pages if p[0].split(" ▸ ")[0] in wanted]
    watchers = [None] if args.url else [w.strip() for w in args.watcher.split(",")]
    import streamlit

    report = {
        "when": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "cores": os.cpu_count(),
        "streamlit": streamlit.__version__,
        "sessions": args.sessions,
        "target": f"--url {args.url}" if args.url else "streamlit run app.py (started here)",
        "data": data_note(),
        "load_before": os.getloadavg(),
        "modes": [run_mode(w, args, pages) for w in watchers],
    }
    report["load_after"] = os.getloadavg()
    if not args.no_browser and not args.url:
        say("Chromium: a cold server's first lesson link, then warm")
        report["browser"] = measure_browser(pages, watchers[0]) | {"watcher": watchers[0]}
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str))
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
