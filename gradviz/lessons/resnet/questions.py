"""The residual lesson's predict-then-reveal questions, answered from the runs on screen (None when they cannot be)."""

from __future__ import annotations

import math

import pandas as pd

from gradviz.lessons.resnet.experiment import Degradation
from gradviz.lessons.resnet.words import CHANCE, loss_text


def lesion_question(lesion: pd.DataFrame, depth: int) -> dict | None:
    """Predict-then-reveal on the lesion study; the answer is computed from the measured accuracies."""
    d = lesion[(lesion.depth == depth) & (lesion.net == "residual")]
    if depth < 2 or not len(d) or not (d.block == 0).any():
        return None
    intact = float(d[d.block == 0].accuracy.iloc[0])
    mean = float(d[d.block > 0].accuracy.mean())
    drop = intact - mean
    options = [
        "it falls to chance (about 10 %)",
        "it drops by less than 5 points on average",
        "it drops by 5 points or more, but stays above chance",
    ]
    if mean < CHANCE:
        answer = options[0]
    elif drop < 0.05:
        answer = options[1]
    else:
        answer = options[2]
    return {
        "question": f"Delete one block, any one, from the trained {depth}-block residual net (intact: {intact:.1%} "
        "held-out accuracy). What happens to its accuracy?",
        "options": options,
        "answer": answer,
        "explanation": (
            f"Measured: on average {mean:.1%} with one block deleted, a drop of {100 * drop:.1f} points. "
            "Deleting a block removes the paths through it, half of all paths, but leaves every other path "
            "intact; in a plain net there is only one path, and deleting a block breaks it."
        ),
    }


def depth_question(plain: Degradation | None, residual: Degradation | None) -> dict | None:
    """Predict-then-reveal on the sweep: which ends lower, the deepest plain net or its residual twin?"""
    if plain is None or residual is None or not math.isfinite(residual.deepest_loss):
        return None
    options = ["the plain net", "the residual net", "about the same (within 0.05)"]
    p, r = plain.deepest_loss, residual.deepest_loss
    if not math.isfinite(p) or p > r + 0.05:
        answer = options[1]
    elif r > p + 0.05:
        answer = options[0]
    else:
        answer = options[2]
    return {
        "question": f"Both {plain.deepest}-block twins start from the same weights and see the same minibatches. "
        "Which ends with the lower training loss?",
        "options": options,
        "answer": answer,
        "explanation": f"Measured: plain {loss_text(p)}, residual {loss_text(r)}. The only difference is the skip connection.",
    }
