"""The LSTM lesson's predict-then-reveal question, answered by the cell's own update at the settings it names."""

from __future__ import annotations

from gradviz.lessons.lstm.cell import gated_update

QUESTION_SETTINGS = {"i": 0.0, "f": 1.0}  # what the question tells the student to set


def question(o: float = 1.0, g: float = 0.5, c_prev: float = 1.0) -> dict:
    """The lecture's exercise as predict-then-reveal; the answer is computed from the cell at i = 0, f = 1."""
    s = gated_update(QUESTION_SETTINGS["i"], QUESTION_SETTINGS["f"], o, g, c_prev)
    options = [
        "It vanishes: about 0",
        "It shrinks by a sigmoid's slope, at most 0.25",
        "It passes unchanged: exactly 1",
        "It depends on the recurrent weights W",
    ]
    if s.dc_dcprev == 1.0:
        answer = options[2]
    elif s.dc_dcprev == 0.0:
        answer = options[0]
    else:
        answer = options[1]
    return {
        "question": (
            "In section 1 set the input gate **i = 0** and the forget gate **f = 1** (the regime “remember”). "
            "A gradient of size 1 arrives at the new cell cₜ. How much of it reaches the old cell cₜ₋₁ along the cell?"
        ),
        "options": options,
        "answer": answer,
        "explanation": (
            f"cₜ = f·cₜ₋₁ + i·g, so ∂cₜ/∂cₜ₋₁ = f = {s.dc_dcprev:g}: no weight matrix and no squashing "
            f"slope sit on this path. The cell's value passes too: cₜ = {s.c:g} = cₜ₋₁. Over any number of "
            "steps with f = 1 the product of the factors stays 1 — Hochreiter & Schmidhuber's constant error "
            "carousel. (The paths through the gates still multiply by sigmoid and tanh slopes; they shrink.)"
        ),
    }
