"""Where a class's time goes on the server: py-spy samples a `streamlit run app.py` while 30 sessions open one
view at once (or move one of its controls at once), again and again, and prints the top costs.

Samples are taken only from the thread holding the GIL (`py-spy --gil`): with thirty script threads in one
process, a thread waiting for the GIL is not doing work, and without --gil it would show as time spent in
whatever call released the GIL last (asyncio's self-pipe write, after every message a script sends).

Printed, for the samples of the script threads:
- the top frames by own time (the Python line that held the GIL);
- the top calls made from gradviz or a page into Streamlit or a library (e.g. `readouts -> st.metric`):
  what the page asks for, and what it costs.

    python bench/profile_class.py /lstm                            # 30 open the LSTM lesson, 10 times
    python bench/profile_class.py "/rnn_dynamics?section=map" --move r --rounds 40
    python bench/profile_class.py /lstm --top 5 --sessions 30

Needs py-spy (requirements-dev.txt) and the right to trace a child process (root, or ptrace allowed).
No assertions: figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import st_client as sc  # noqa: E402
from servers import Streamlit  # noqa: E402

OURS = ("gradviz/", "app_pages/")  # frames of the app's own code


def _spy(pid: int, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            "py-spy",
            "record",
            "-p",
            str(pid),
            "-r",
            "200",
            "-f",
            "raw",
            "-o",
            str(out),
            "--nonblocking",
            "--gil",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _drive(url: str, sessions: int, rounds: int, move: str | None, pid: int, out: Path) -> float:
    """Warm the view, then sample while `sessions` visit (or move `move`) at once, `rounds` times."""
    first, s0 = await sc.visit(url, keep=True)
    widget = None
    if move:
        widget = next((w for w in first.widgets if w.label.startswith(move)), None)
        if widget is None:
            raise SystemExit(f"no control labelled {move!r} on {url}: {[w.label for w in first.widgets]}")
        for step in (1, 0, 1, 0):  # both values computed and cached before sampling
            await s0.rerun([widget.moved_state(step)], fragment_id=widget.fragment_id)
        opened = await asyncio.gather(*(sc.visit(url, keep=True) for _ in range(sessions)))
        class_ = [s for _, s in opened]
    else:
        for _ in range(2):
            await sc.visit(url)
    spy = _spy(pid, out)
    await asyncio.sleep(1.5)  # py-spy attached
    t0 = time.perf_counter()
    for i in range(rounds):
        if widget is not None:
            await asyncio.gather(
                *(s.rerun([widget.moved_state(i % 2)], fragment_id=widget.fragment_id) for s in class_)
            )
        else:
            await sc.visits_at_once([url] * sessions)
    seconds = (time.perf_counter() - t0) / rounds
    spy.send_signal(2)
    spy.wait(timeout=60)
    if widget is not None:
        for s in class_:
            await s.close()
    await s0.close()
    return seconds


def _report(out: Path, top: int) -> None:
    own, calls = collections.Counter(), collections.Counter()
    total = script = 0
    for line in out.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        count, frames = int(n), stack.split(";")
        total += count
        if not any("script_runner" in f for f in frames):
            continue  # the event loop's thread: sending, the websocket
        script += count
        own[frames[-1]] += count
        mine = [i for i, f in enumerate(frames) if any(k in f for k in OURS)]
        if mine:
            i = mine[-1]
            callee = frames[i + 1].split(" (")[0] if i + 1 < len(frames) else "(its own line)"
            calls[f"{frames[i].split(' (')[0]} ({frames[i].rsplit('/', 1)[-1]} -> {callee}"] += count
    if not total:
        print("no samples (is py-spy allowed to trace the server?)")
        return
    print(
        f"{total} samples with the GIL held; {100 * script / total:.0f}% in script threads, the rest in the event loop"
    )
    print(f"\ntop {top} lines by own time")
    for frame, n in own.most_common(top):
        print(f"  {100 * n / total:5.1f}%  {frame[:130]}")
    print(f"\ntop {top} calls from the app's code")
    for call, n in calls.most_common(top):
        print(f"  {100 * n / total:5.1f}%  {call[:130]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("view", help="the view's path and query, e.g. /lstm or '/rnn_dynamics?section=map'")
    ap.add_argument(
        "--move", default="", help="move the control whose label starts with this, instead of visiting"
    )
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args()
    if shutil.which("py-spy") is None:
        raise SystemExit("py-spy is not installed (pip install -r requirements-dev.txt)")
    server = Streamlit("app.py", watcher="none").start()
    try:
        server.wait_healthy()
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "samples.txt"
            seconds = asyncio.run(
                _drive(
                    server.url + args.view,
                    args.sessions,
                    args.rounds,
                    args.move or None,
                    server.proc.pid,
                    out,
                )
            )
            what = f"moving {args.move!r}" if args.move else "opening it"
            print(
                f"{args.view}: {args.sessions} sessions {what} at once, {args.rounds} times, {seconds:.2f} s a round"
            )
            _report(out, args.top)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
