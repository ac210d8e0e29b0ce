"""The clipping lesson's predict-then-reveal questions; the explodes question is answered from the result on screen."""

from __future__ import annotations

import math

from gradviz import results
from gradviz.fmt import sci
from gradviz.lessons.clipping.words import RUN_NAMES, learning_words


def rnn_question(result) -> dict:
    """The "explodes" question with its explanation read from that preset's result (the one on screen)."""
    summary, steps = result.tables["summary"], result.tables["steps"]
    k = results.value(summary, run="none", quantity="diverged_at")
    first = steps[(steps["run"] == "none") & (steps["quantity"] == "grad_norm") & (steps["step"] == 0)][
        "value"
    ]
    baseline = float(result.meta["baseline_mse"])
    clipped = "; ".join(
        f"{RUN_NAMES[r]}: "
        + (
            f"blew up at step {int(results.value(summary, run=r, quantity='diverged_at'))}"
            if math.isfinite(results.value(summary, run=r, quantity="diverged_at"))
            else learning_words(results.value(summary, run=r, quantity="final_loss"), baseline)
        )
        for r in ("norm", "value")
    )
    blew = f"until it overflows at step {int(k)}" if math.isfinite(k) else "(in this run it did not overflow)"
    return {
        **QUESTIONS["rnn"],
        "explanation": f"Its very first gradient is {sci(float(first.iloc[0]))} long, and each large step lands where "
        f"the next gradient is larger; the loss multiplies step after step {blew}. The clipped runs, same start "
        f"and same data: {clipped}.",
    }


QUESTIONS: dict[str, dict] = {
    "cliff": {
        "question": "From the default start the unclipped descent reaches the cliff face at step 8, where "
        "‖∇L‖ ≈ 71. With lr = 0.5, how long is its next step?",
        "options": ["about 0.5", "about 35", "about 0.07"],
        "answer": "about 35",
        "explanation": "A plain step is lr·‖g‖ = 0.5 × 71 ≈ 35: the parameters land far off the map, on a plateau "
        "so flat (‖∇L‖ ≈ 1e-42) that descent never moves again. The clipped step is lr·η = 0.5 long and lands "
        "just across the cliff.",
    },
    "rnn": {
        "question": "Preset “explodes” (ρ = 3, T = 10, lr = 0.1). What happens to the run without clipping?",
        "options": [
            "its loss falls slowly",
            "it blows up to inf/NaN within 50 steps",
            "it stays at the 1/6 baseline",
        ],
        "answer": "it blows up to inf/NaN within 50 steps",
        # on the preset's own view the explanation is read from its result: rnn_question(result)
        "explanation": "Each large step lands where the next gradient is larger, and the loss multiplies until it "
        "overflows. Press **explodes** to see the step at which it does, and what the clipped runs did.",
    },
    "vector": {
        "question": "g = (3, 1) and η = 1. By how much does clipping by value turn its direction?",
        "options": ["not at all", "about 27°", "90°"],
        "answer": "about 27°",
        "explanation": "g points at atan(1/3) ≈ 18.4°; clamping both components to 1 gives (1, 1) at 45°, a "
        "turn of 26.6°. Clipping by norm gives (0.949, 0.316): shorter, same direction.",
    },
}
