"""Cheap, stable keys for cache look-ups: what gradviz.ui keys charts and cached helpers by.

Streamlit's own cache hashes every argument on every call, and for a DataFrame that means
`pandas.util.hash_pandas_object` over every row: ~5 ms for a 700-row table, ~25 ms for a whole `Result`,
paid on every visit by every student. Here:

- an object that came out of a gradviz cache (a `Result`, its tables, a cached helper's output, a built
  chart) is *remembered* with the key it was cached under, and its fingerprint is that key: O(1);
- any other DataFrame, Series or array is hashed from its raw column buffers (blake2b runs at GB/s;
  strings are joined once), about 0.1 ms for the lessons' tables;
- numbers, strings, tuples, dicts and frozen config dataclasses are hashed from their values.

Remembered objects are shared by every visitor and must be treated as read-only (pandas 3's copy-on-write
makes every derived frame a new object, so only an explicit in-place assignment could break that).
This module does not import streamlit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import threading
import weakref
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

_KNOWN: dict[int, tuple[weakref.ref, str]] = {}  # id(obj) -> (weak reference to obj, its key)
_KNOWN_LOCK = threading.Lock()


def remember(obj: Any, key: str, depth: int = 2) -> Any:
    """Mark `obj` (shared, read-only from now on) as known by `key`; return `obj`. Forgotten when it dies.
    The values of a dict, tuple, list or dataclass are remembered too (`key/name`), `depth` levels down,
    so a cached helper's `{"layers": frame, ...}` or `(grid, boundary)` passes its parts on cheaply."""
    if depth > 0:
        if isinstance(obj, Mapping):
            for name, value in obj.items():
                remember(value, f"{key}/{name}", depth - 1)
        elif isinstance(obj, (tuple, list)):
            for i, value in enumerate(obj):
                remember(value, f"{key}/{i}", depth - 1)
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            for f in dataclasses.fields(obj):
                remember(getattr(obj, f.name), f"{key}/{f.name}", depth - 1)
    if obj is None or isinstance(obj, (bool, int, float, str, bytes)):
        return obj  # hashed by value, and cheap
    ident = id(obj)

    def forget(_ref: weakref.ref, ident: int = ident) -> None:
        with _KNOWN_LOCK:
            entry = _KNOWN.get(ident)
            if entry is not None and entry[0] is _ref:
                del _KNOWN[ident]

    try:
        ref = weakref.ref(obj, forget)
    except TypeError:  # not weak-referenceable (e.g. a tuple): it will be hashed by value instead
        return obj
    with _KNOWN_LOCK:
        _KNOWN[ident] = (ref, key)
    return obj


def known(obj: Any) -> str | None:
    """The key `obj` was remembered by, or None."""
    entry = _KNOWN.get(id(obj))
    if entry is not None and entry[0]() is obj:  # the same object, not a new one at a recycled address
        return entry[1]
    return None


def of(*parts: Any) -> str:
    """A 32-hex-digit key for `parts`: equal for equal contents, whatever the objects' identities."""
    h = hashlib.sha256()  # the fastest of hashlib's digests on CPUs with SHA instructions
    _feed(h, parts)
    return h.hexdigest()[:32]


def _bytes_of(values: Any) -> bytes | memoryview:
    """The raw bytes of a column: its buffer when numeric, else its values' reprs joined once."""
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind in "biufcmM":
        return memoryview(np.ascontiguousarray(values)).cast("B")
    # strings, categoricals, mixed objects (repr keeps None, 'None' and 1 vs '1' apart)
    return "\x1f".join(map(repr, values.tolist())).encode()


def _feed(h: Any, obj: Any) -> None:
    key = known(obj)
    if key is not None:
        h.update(b"K" + key.encode())
    elif obj is None or isinstance(obj, (bool, int, float, complex, str, bytes)):
        h.update(f"{type(obj).__name__}:{obj!r};".encode())
    elif isinstance(obj, (tuple, list)):
        h.update(f"{type(obj).__name__}[{len(obj)}".encode())
        for item in obj:
            _feed(h, item)
        h.update(b"]")
    elif isinstance(obj, Mapping):
        h.update(f"map{{{len(obj)}".encode())
        for k in sorted(obj, key=repr):
            _feed(h, k)
            _feed(h, obj[k])
        h.update(b"}")
    elif isinstance(obj, pd.DataFrame):
        h.update(f"df{obj.shape}".encode())
        _feed(h, obj.index)
        for name, col in obj.items():
            h.update(f"{name!r}:{col.dtype};".encode())
            h.update(_bytes_of(col.to_numpy() if isinstance(col.dtype, np.dtype) else col.array))
    elif isinstance(obj, (pd.Series, pd.Index)):
        if isinstance(obj, pd.RangeIndex):
            h.update(f"range({obj.start},{obj.stop},{obj.step})".encode())
            return
        h.update(f"{type(obj).__name__}{len(obj)}{obj.dtype}{obj.name!r};".encode())
        if isinstance(obj, pd.Series):
            _feed(h, obj.index)
        h.update(_bytes_of(obj.to_numpy() if isinstance(obj.dtype, np.dtype) else obj.array))
    elif isinstance(obj, np.ndarray):
        h.update(f"nd{obj.shape}{obj.dtype};".encode())
        h.update(_bytes_of(obj.ravel()))
    elif isinstance(obj, np.generic):
        h.update(f"{obj.dtype}:{obj!r};".encode())
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        h.update(f"dc:{type(obj).__module__}.{type(obj).__qualname__}(".encode())
        for f in dataclasses.fields(obj):
            h.update(f.name.encode())
            _feed(h, getattr(obj, f.name))
        h.update(b")")
    elif callable(obj) and hasattr(obj, "__qualname__"):
        h.update(f"fn:{getattr(obj, '__module__', '')}.{obj.__qualname__};".encode())
    else:
        try:
            h.update(b"pickle:" + pickle.dumps(obj, protocol=5))
        except Exception as exc:  # noqa: BLE001 - say which argument cannot be keyed
            raise TypeError(f"cannot fingerprint a {type(obj).__name__} for a cache key") from exc
