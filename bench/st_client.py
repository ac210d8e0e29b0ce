"""A headless Streamlit client: one student's session spoken over Streamlit's own websocket protocol.

What the browser's front end (Streamlit 1.67) does, and this module repeats:

1. GET the page's URL over HTTP (the browser loads index.html there; behind the nginx recipe in deploy/
   this is the request that receives the session-affinity cookie, which every later request carries);
2. open a websocket to ``ws://host:port/_stcore/stream`` with the subprotocol ``streamlit``;
3. send a ``BackMsg`` whose ``rerun_script`` is a ``ClientState``: the query string without its "?",
   ``page_name`` = the URL path below the app's base ("deep_nets"; "" for the default page),
   ``page_script_hash`` = "" on the first load (afterwards the hash the server announced), the widget
   states, ``fragment_id`` when a control inside an ``@st.fragment`` moved, and ``context_info``;
4. read ``ForwardMsg``s until ``script_finished``. Every ``delta`` whose element is ``exception`` is a
   failure the student would see.

A control move is what the front end sends when a widget changes: a rerun with the page's script hash,
the changed widget's state and, inside a fragment, that fragment's id. Only the changed widget is sent:
the server keeps every other widget's value in its session state, so the rerun it runs is the same.

Uses `websockets` (installed with Streamlit's server, uvicorn) and Streamlit's protobufs; nothing else.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = ForwardMsg.ScriptFinishedStatus
OK_STATUSES = (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
# Widgets whose value the bench knows how to change, by the Element field that holds them.
MOVABLE = ("slider", "number_input", "selectbox", "radio", "checkbox")
DEFAULT_TIMEOUT_S = 600.0  # a live training run on a shared 2-core machine, queued behind others


@dataclass(frozen=True)
class Widget:
    """A control seen in a render: enough to send the state a moved control would send."""

    kind: str  # the Element field: "slider", "selectbox", ...
    id: str
    label: str
    fragment_id: str  # "" when the control is drawn by the page's script itself, not inside a fragment
    proto: object  # the element's protobuf message (Slider, Selectbox, ...)

    def moved_state(self, step: int = 1):
        """A WidgetState with this control moved `step` notches from its current value."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        p, ws = self.proto, WidgetState(id=self.id)
        if self.kind == "slider" and p.options:  # select_slider: the options' labels
            i = _current_index(p)
            ws.string_array_value.data.append(p.options[(i + step) % len(p.options)])
        elif self.kind == "slider":
            lo, hi, st = p.min, p.max, p.step or 1
            vals = list(p.value) if p.set_value else list(p.default)
            moved = [v + step * st if v + step * st <= hi else v - step * st for v in vals]
            ws.double_array_value.data.extend(max(lo, m) for m in moved)
        elif self.kind == "number_input":
            v = p.value if p.set_value else p.default
            st = p.step or 1
            ws.double_value = v + step * st if not p.has_max or v + step * st <= p.max else v - step * st
        elif self.kind in ("selectbox", "radio"):
            i = _current_index(p)
            ws.string_value = p.options[(i + step) % len(p.options)]
        elif self.kind == "checkbox":
            v = p.value if p.set_value else p.default
            ws.bool_value = not v if step % 2 else v
        else:
            raise ValueError(f"cannot move a {self.kind}")
        return ws


def _current_index(p) -> int:
    raw = getattr(p, "raw_value", None)
    if raw and raw in p.options:
        return list(p.options).index(raw)
    if p.DESCRIPTOR.name == "Slider":  # select_slider: value / default are indices
        vals = list(p.value) if p.set_value else list(p.default)
        return int(vals[0]) if vals else 0
    default = p.default
    return int(default[0] if hasattr(default, "__len__") else default)


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float  # from the visit's first byte (HTTP GET, or the rerun message) to script_finished
    status: str  # a ScriptFinishedStatus name, or "timeout" / "disconnected: ..."
    exceptions: list[str] = field(default_factory=list)  # "Type: message" of every exception element
    widgets: list[Widget] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)  # "label=value" of every st.metric drawn
    headings: dict[str, str] = field(default_factory=dict)  # fragment id ("" = page script) -> first heading
    elements: int = 0  # delta messages received
    bytes: int = 0  # ForwardMsg bytes received

    @property
    def ok(self) -> bool:
        return self.status in {FINISHED.Name(s) for s in OK_STATUSES} and not self.exceptions


def parse_url(url: str) -> tuple[str, str, str]:
    """(base http URL without trailing slash, page_name, query string) of an app URL.

    `page_name` is the path below the server root, as the front end sends it: "" for "/", "deep_nets" for
    "/deep_nets". (This client assumes the app is served at the root, no server.baseUrlPath.)"""
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    return base, parts.path.strip("/"), parts.query


class Session:
    """One browser tab: an HTTP GET of the page, then one websocket for all of that tab's reruns."""

    def __init__(self, base: str, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.page_script_hash = ""
        self.page_name = ""
        self.query = ""
        self.upstream = ""  # the X-Gradviz-Backend header of the websocket handshake, when a proxy sets one
        self.http_upstream = ""

    async def open(self, page_name: str = "", query: str = "") -> None:
        self.page_name, self.query = page_name, query
        url = f"{self.base}/{page_name}" + (f"?{query}" if query else "")
        await asyncio.to_thread(self._get_page, url)
        ws_url = "ws" + self.base[len("http") :] + "/_stcore/stream"
        headers = self._cookie_header() or None
        self.ws = await websockets.connect(
            ws_url,
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=None,  # a chart's spec with its data can exceed websockets' 1 MiB default
            open_timeout=self.timeout,
            ping_interval=None,  # the server answers pings; a long live run must not look like a dead link
        )
        self.upstream = self.ws.response.headers.get("X-Gradviz-Backend", "")

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def _get_page(self, url: str) -> None:
        req = urllib.request.Request(url, headers=self._cookie_header())
        with urllib.request.urlopen(req, timeout=self.timeout) as r:
            r.read()
            self.http_upstream = r.headers.get("X-Gradviz-Backend", "")
            for header in r.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value

    async def rerun(self, widget_states=(), fragment_id: str = "", started: float | None = None) -> Run:
        """Send a rerun_script and read until script_finished. `started`: when the visit began."""
        t0 = time.perf_counter() if started is None else started
        await self.send_rerun(widget_states, fragment_id)
        return await self.read_run(started=t0)

    async def send_rerun(self, widget_states=(), fragment_id: str = "") -> None:
        """Only send the rerun_script (`read_run` reads its answer): a class's requests can all be on the
        wire before the server has answered any of them."""
        from streamlit.proto.ClientState_pb2 import ContextInfo

        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_script_hash
        cs.page_name = "" if self.page_script_hash else self.page_name
        cs.fragment_id = fragment_id
        cs.widget_states.widgets.extend(widget_states)
        cs.context_info.CopyFrom(
            ContextInfo(
                timezone="UTC",
                timezone_offset=0,
                locale="en-US",
                url=f"{self.base}/{self.page_name}",
                color_scheme="light",
            )
        )
        await self.ws.send(msg.SerializeToString())

    async def read_run(self, started: float | None = None) -> Run:
        """Read ForwardMsgs until script_finished (or the timeout, or a closed connection)."""
        t0 = time.perf_counter() if started is None else started
        run = Run(seconds=0.0, status="timeout")
        try:
            await asyncio.wait_for(self._read_until_finished(run), self.timeout)
        except TimeoutError:
            run.status = "timeout"
        except websockets.ConnectionClosed as e:
            run.status = f"disconnected: {e}"
        run.seconds = time.perf_counter() - t0
        return run

    async def _read_until_finished(self, run: Run) -> None:
        fm = ForwardMsg()
        while True:
            data = await self.ws.recv()
            run.bytes += len(data)
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "delta":
                run.elements += 1
                _collect(fm.delta, run)
            elif kind == "new_session":
                self.page_script_hash = fm.new_session.page_script_hash or self.page_script_hash
            elif kind == "navigation":
                self.page_script_hash = fm.navigation.page_script_hash or self.page_script_hash
            elif kind == "page_not_found":
                run.exceptions.append(f"PageNotFound: {fm.page_not_found.page_name!r}")
            elif kind == "script_finished":
                if fm.script_finished == FINISHED.FINISHED_EARLY_FOR_RERUN:
                    continue  # a rerun follows (e.g. st.rerun, st.switch_page): wait for its end
                run.status = FINISHED.Name(fm.script_finished)
                return

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _collect(delta, run: Run) -> None:
    if delta.WhichOneof("type") != "new_element":
        return
    el = delta.new_element
    kind = el.WhichOneof("type")
    if kind == "exception":
        run.exceptions.append(f"{el.exception.type}: {el.exception.message}"[:300])
    elif kind == "heading":
        run.headings.setdefault(delta.fragment_id, el.heading.body)
    elif kind == "metric":
        run.metrics.append(f"{el.metric.label}={el.metric.body}")
    elif kind in MOVABLE:
        p = getattr(el, kind)
        if not p.disabled:
            run.widgets.append(Widget(kind, p.id, p.label, delta.fragment_id, p))


async def visit(url: str, timeout: float = DEFAULT_TIMEOUT_S, keep: bool = False) -> tuple[Run, Session]:
    """One student opening `url`: GET, connect, first rerun, until script_finished. Closes the session
    unless `keep` (then the caller moves controls on it and closes it)."""
    base, page_name, query = parse_url(url)
    s = Session(base, timeout)
    t0 = time.perf_counter()
    try:
        await s.open(page_name, query)
        run = await s.rerun(started=t0)
    except (OSError, websockets.InvalidHandshake, websockets.ConnectionClosed) as e:
        run = Run(seconds=time.perf_counter() - t0, status=f"disconnected: {type(e).__name__}: {e}")
    if not keep:
        await s.close()
    return run, s


async def visits_at_once(urls: list[str], timeout: float = DEFAULT_TIMEOUT_S) -> tuple[list[Run], float]:
    """Every URL opened at the same moment by its own session: (runs, wall seconds until the last)."""
    t0 = time.perf_counter()
    results = await asyncio.gather(*(visit(u, timeout) for u in urls))
    return [r for r, _ in results], time.perf_counter() - t0


async def class_at_once(urls: list[str], timeout: float = DEFAULT_TIMEOUT_S) -> list[Run]:
    """A class opening `urls` at the same moment, strictly: every session first loads its page over HTTP
    and connects its websocket (the server runs nothing until a session asks), then every session's first
    rerun request is sent, back to back, and only then are the answers read. So no request waits for
    another's answer and the script runs overlap, as when a whole class opens a link on a freshly started
    server. One Run per URL, in the URLs' order; its `seconds` count from the moment the last request was
    sent."""
    parsed = [parse_url(u) for u in urls]
    sessions = [Session(base, timeout) for base, _, _ in parsed]
    runs: list[Run | None] = [None] * len(urls)

    async def connect(i: int) -> None:
        _, page_name, query = parsed[i]
        try:
            await sessions[i].open(page_name, query)
        except (OSError, websockets.InvalidHandshake, websockets.ConnectionClosed) as e:
            runs[i] = Run(seconds=0.0, status=f"disconnected before the rerun: {type(e).__name__}: {e}")

    try:
        await asyncio.gather(*(connect(i) for i in range(len(urls))))
        for i in range(len(urls)):
            if runs[i] is None:
                try:
                    await sessions[i].send_rerun()
                except websockets.ConnectionClosed as e:
                    runs[i] = Run(seconds=0.0, status=f"disconnected before the rerun: {e}")
        ready = [i for i in range(len(urls)) if runs[i] is None]
        t0 = time.perf_counter()
        answers = await asyncio.gather(*(sessions[i].read_run(started=t0) for i in ready))
        for i, run in zip(ready, answers, strict=True):
            runs[i] = run
    finally:
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return runs  # type: ignore[return-value] - every index is set above


def run_sync(coro):
    """Run a coroutine of this module to its end from synchronous code, on an event loop of its own in a
    thread of its own: works even where the calling thread already has a running loop (Playwright's sync
    API keeps one in the thread of a pytest process that drives a browser), where asyncio.run refuses."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="st-client") as pool:
        return pool.submit(asyncio.run, coro).result()


def fragment_groups(widgets: list[Widget]) -> dict[str, Widget]:
    """The first movable control of each fragment ("" = the page's own script), preferring a slider."""
    rank = {k: i for i, k in enumerate(MOVABLE)}
    groups: dict[str, Widget] = {}
    for w in widgets:
        best = groups.get(w.fragment_id)
        if best is None or rank[w.kind] < rank[best.kind]:
            groups[w.fragment_id] = w
    return groups
