"""The lessons, in teaching order: one source for the navigation (app.py) and the home page's cards.

A lesson appears in the app as soon as its page file exists, so pages can land one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Lesson:
    path: str  # page file, relative to the repo root; its stem is the URL path (/deep_nets)
    title: str
    icon: str  # a Material icon, shown in the navigation and on the card
    promise: str  # one sentence: what the student will see


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "app_pages/deep_nets.py",
        "Vanishing gradients in deep nets",
        ":material/stacked_line_chart:",
        "Train a deep network on real MNIST digits and watch its first layer receive a hundred-thousandth "
        "of the gradient its last layer gets, then fix it with ReLU and a better initialization.",
    ),
    Lesson(
        "app_pages/rnn_dynamics.py",
        "Backprop through time",
        ":material/cyclone:",
        "See a recurrent net as an iterated map: inside an attractor's basin the past is forgotten and the "
        "gradient vanishes; on a basin boundary it explodes, and the loss surface grows cliffs.",
    ),
    Lesson(
        "app_pages/clipping.py",
        "Gradient clipping",
        ":material/content_cut:",
        "Watch one SGD step fall off a loss cliff, and a clipped step stay put; then train a real RNN that "
        "explodes without clipping and learns with it.",
    ),
)


def available() -> tuple[Lesson, ...]:
    """The lessons whose page file exists."""
    return tuple(lesson for lesson in LESSONS if (ROOT / lesson.path).is_file())
