"""URL-bound controls: every widget's value lives in a query parameter named by its key, checked before the
widget exists (one rule for every kind of control), plus preset buttons that set several such widgets."""

from __future__ import annotations

import decimal
import math
import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from gradviz.ui import compat

# -- URL-bound widgets ----------------------------------------------------------------------------------
# Every control binds its value to a query parameter named by its key, so a link reproduces the view.
# A link's value is checked once, before its widget exists, by one rule for every kind of control:
# - a valid value is handed to Streamlit in canonical form, so the widget shows exactly that value;
# - anything else (malformed, out of range, not finite, fractional for a whole-number control, too long,
#   or a key given twice with different values) is removed before the widget reads it, so the widget starts
#   from its default, and a notice names the ignored value and the default the page uses instead.
# What the notice announces is what the control shows and what the page computes with.
# Streamlit seeds a bound widget from the URL *as it was when the run started* (even after
# `del st.query_params[key]`), and its own parsers take the last of repeated values for some widgets and
# reject them for others, and raise OverflowError on `seed=inf`: hence `compat.seed_query_param`.

_LINK_MAX_CHARS = 64  # longer link values are refused (a 10,000-digit "number" is an attack, not a setting)
_SHOWN_CHARS = 40  # a refused value is echoed at most this long
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)  # plain decimals


def _link_values(key: str) -> list[str]:
    """Every value the URL gives for `key` (several when the key is repeated)."""
    try:
        return list(st.query_params.get_all(key))
    except Exception:  # noqa: BLE001 - an inaccessible parameter is treated as absent
        return []


def _shown(raw: str) -> str:
    """A link's value as it may be echoed inside a Markdown code span: no backtick (it would close the
    span and let the rest render as links or images), no control, format or space characters (percent-
    encoded, as in the address bar), and at most `_SHOWN_CHARS` characters."""
    out = []
    for ch in raw[:_SHOWN_CHARS]:
        category = unicodedata.category(ch)
        safe = ch != "`" and ch != "\\" and category[0] not in "CZ"
        out.append(ch if safe else urllib.parse.quote(ch, safe=""))
    return "".join(out) + ("…" if len(raw) > _SHOWN_CHARS else "")


def from_link(
    key: str, parse: Callable[[str], Any], canonical: Callable[[Any], str], expected: str, default: Any
) -> Any:
    """The value the page will use for `key`: the link's value if `parse` accepts it, else `default` with a
    notice. `parse(raw)` returns the value or None; `canonical(value)` is its form in a URL."""
    values = _link_values(key)
    if not values:
        return default
    distinct = list(dict.fromkeys(values))
    value = None
    if len(distinct) > 1:
        expected = f"one value, not {len(values)}"
    elif len(distinct[0]) <= _LINK_MAX_CHARS:
        value = parse(distinct[0])
    if value is None:
        shown = _shown("&".join(f"{key}={v}" for v in values))
        st.warning(
            f"Ignored the link's `{shown}`: expected {expected}. Using the default, `{_shown(canonical(default))}`.",
            icon=":material/link_off:",
        )
        compat.seed_query_param(key, None)
        return default
    if values != [canonical(value)]:
        compat.seed_query_param(key, canonical(value))
    return value


def _number_from_link(raw: str, kind: type, lo: float, hi: float) -> int | float | None:
    """A plain decimal within [lo, hi]; for whole-number controls an exact integer (no 2.5, no 1e400)."""
    if not _DECIMAL.fullmatch(raw):
        return None
    v = float(raw)
    if not math.isfinite(v) or not lo <= v <= hi:
        return None
    if kind is int:
        exact = decimal.Decimal(raw)  # 1.0000000000000001 is not a whole number, though its float is
        return int(exact) if exact == exact.to_integral_value() else None
    return v


def _bool_text(v: bool) -> str:
    return "true" if v else "false"


def _number_text(v: float) -> str:
    return str(int(v)) if isinstance(v, int) else repr(float(v))


def slider(
    label: str,
    key: str,
    min_value: float,
    max_value: float,
    default: float,
    step: float | None = None,
    help: str | None = None,
    container: Any = None,
    **kwargs: Any,
) -> Any:
    """`st.slider` bound to the URL parameter `key`, the link's value validated first."""
    kind = type(default)
    noun = "a whole number" if kind is int else "a number"
    from_link(
        key,
        lambda raw: _number_from_link(raw, kind, min_value, max_value),
        _number_text,
        f"{noun} from {min_value} to {max_value}",
        default,
    )
    return (container or st).slider(
        label, min_value, max_value, default, step=step, key=key, help=help, bind="query-params", **kwargs
    )


def select(
    label: str,
    key: str,
    options: Sequence[Any],
    default: Any,
    help: str | None = None,
    container: Any = None,
    widget: str = "selectbox",
    **kwargs: Any,
) -> Any:
    """A choice among `options` (selectbox, radio, select_slider or segmented_control) bound to the URL.

    Options are shown as they are written (no format_func): a bound widget writes its *displayed* label
    into the URL, so a formatted label would make the plain option names in shared links invalid."""
    by_text = {str(o): o for o in options}
    shown = ", ".join(str(o) for o in options[:8]) + (", …" if len(options) > 8 else "")
    from_link(key, by_text.get, str, f"one of {shown}", default)
    box = container or st
    if widget == "select_slider":
        return box.select_slider(
            label, options, value=default, key=key, help=help, bind="query-params", **kwargs
        )
    if widget == "segmented_control":
        value = box.segmented_control(
            label, options, default=default, key=key, help=help, bind="query-params", **kwargs
        )
        return default if value is None else value
    if widget == "radio":
        kwargs.setdefault("horizontal", True)
    fn = getattr(box, widget)
    value = fn(
        label,
        options,
        index=list(options).index(default),
        key=key,
        help=help,
        bind="query-params",
        **kwargs,
    )
    return default if value is None else value


def toggle(
    label: str, key: str, default: bool = False, help: str | None = None, container: Any = None
) -> bool:
    """`st.toggle` bound to the URL: `true` or `false` (any case) in a link."""
    from_link(
        key, lambda raw: {"true": True, "false": False}.get(raw.lower()), _bool_text, "true or false", default
    )
    return (container or st).toggle(label, value=default, key=key, help=help, bind="query-params")


def number(
    label: str,
    key: str,
    min_value: int,
    max_value: int,
    default: int,
    help: str | None = None,
    container: Any = None,
) -> int:
    """An integer input (e.g. a seed) bound to the URL."""
    from_link(
        key,
        lambda raw: _number_from_link(raw, int, min_value, max_value),
        _number_text,
        f"a whole number from {min_value} to {max_value}",
        default,
    )
    value = (container or st).number_input(
        label, min_value, max_value, default, step=1, key=key, help=help, bind="query-params"
    )
    return int(default if value is None else value)


def _set_state(values: dict[str, Any]) -> None:
    for key, value in values.items():
        st.session_state[key] = value


def preset_buttons(presets: Any, keys: dict[str, str], key: str, label: str = "Presets") -> None:
    """The named preset configs as one row of pills ("reset" for the default); a click sets the URL-bound
    widgets named in `keys` (config field -> widget key) to the preset's values and clears the pick: a
    preset is an action, not a state, so moving a slider afterwards leaves no stale highlight. One element
    for the row (a button per preset cost a message each on every rerun). Call it before the widgets it sets."""
    names = {("reset" if name == "default" else name): name for name in presets}
    widget = f"{key}-presets"
    st.pills(label, list(names), key=widget, on_change=_apply_preset, args=(presets, keys, names, widget))


def _apply_preset(presets: Any, keys: dict[str, str], names: dict[str, str], widget: str) -> None:
    picked = st.session_state.get(widget)
    if picked is None:
        return
    cfg = presets[names[picked]]
    _set_state({w: getattr(cfg, field) for field, w in keys.items()})
    st.session_state[widget] = None
