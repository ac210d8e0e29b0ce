"""Teach with gradviz: a 50-minute lesson plan through the five lessons (data only; app_pages/plan.py lays it out).

Each step names the exact view (a page, its URL parameters, and the section on screen), one sentence for
the instructor to say, the predict-then-reveal question to poll (its key on that page), and the minutes it
takes. The sentences set a question up without giving its answer away. tests/app/test_plan_app.py opens every
step's link and checks that the page shows the controls at these values, the section and the question.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

TOTAL_MINUTES = 50


@dataclass(frozen=True)
class Step:
    title: str
    page: str  # the page's URL path: "" for home, else the file stem in app_pages/ ("deep_nets")
    params: tuple[tuple[str, str], ...]  # (URL key, value) of the controls that set up the view
    section: str  # the slug of the section to open (the lesson's catalogue entry), "" for home
    say: str  # one sentence for the instructor
    question: str | None  # the question to poll, in brief; None: no poll in this step
    question_key: str | None  # the predict-then-reveal key on that page (the poll's question id)
    minutes: int

    @property
    def file(self) -> str:
        return f"app_pages/{self.page or 'home'}.py"

    @property
    def query(self) -> dict[str, str]:
        """The link's URL parameters: the controls, and the section to open (`?section=`)."""
        return dict(self.params) | ({"section": self.section} if self.section else {})

    @property
    def section_title(self) -> str:
        """The section's tab label, read from the catalogue (the page itself for home)."""
        if not self.section:
            return "the page"
        from gradviz import lessons  # the catalogue: stdlib only

        return lessons.lesson(self.page).section(self.section).title


STEPS: tuple[Step, ...] = (
    Step(
        "The whole story in one product", "", (("factor", "0.9"), ("T", "50")), "",
        "A gradient sent back through T steps is multiplied by T factors, so a factor a little below or above 1 "
        "makes the product vanish or explode.",
        None, None, 3,
    ),
    Step(
        "Vanishing gradients in a deep sigmoid net", "deep_nets", (("activation", "sigmoid"), ("depth", "6")),
        "why",
        "Backpropagation multiplies the gradient by one factor per layer on its way back to layer 1: ask the "
        "class what doubling the depth does before anyone moves a control.",
        "Double the sigmoid net's depth: how small does the gradient reaching layer 1 become?", "q-depth", 7,
    ),
    Step(
        "Initialization for ReLU", "deep_nets", (("activation", "relu"), ("init", "glorot"), ("depth", "30")),
        "why",
        "Glorot's initialization keeps the signal's variance level for a unit whose slope is 1; ReLU's slope "
        "is 0 for every negative input.",
        "With Glorot's init, by what factor does each ReLU layer multiply the gradient?", "q-init", 5,
    ),
    Step(
        "Backprop through time: the scalar chain", "rnn_dynamics", (("chain_w", "1.1"), ("chain_T", "50")),
        "chain",
        "Through time one recurrent weight multiplies the gradient at every step: T steps give T factors.",
        "A linear unit gives w^T = 1.1⁵⁰; what does the tanh unit give?", "predict-chain", 5,
    ),
    Step(
        "Cliffs in the loss", "rnn_dynamics", (), "cliff",
        "Where a small change of the bias moves the final state into another attractor's basin, the loss "
        "changes abruptly: a cliff.",
        "One plain gradient step from the cliff face: what happens to b?", "predict-cliff", 5,
    ),
    Step(
        "Clipping the step on a cliff", "clipping", (("cliff_lr", "0.5"),), "cliff",
        "Clipping by norm rescales any gradient longer than the threshold η to length η, keeping its direction.",
        "With lr = 0.5, how long is the unclipped step after the cliff face?", "predict-cliff", 5,
    ),
    Step(
        "Clipping a real RNN", "clipping", (("rho", "3.0"),), "rnn",
        "With the recurrent weights' spectral radius at 3, backpropagation through time multiplies gradients by "
        "large factors: compare the clipped and unclipped runs.",
        "Without clipping, what happens to the run?", "predict-rnn", 5,
    ),
    Step(
        "The LSTM's constant error carousel", "lstm", (("i", "0.0"), ("f", "1.0")), "cell",
        "The LSTM's cell is updated by adding, cₜ = f·cₜ₋₁ + i·g, so the gradient along the cell meets no weight "
        "matrix.",
        "With i = 0 and f = 1, how much of a gradient reaches the old cell?", "predict-lstm-cell", 6,
    ),
    Step(
        "Plain vs residual nets", "resnet", (), "sweep",
        "A residual block computes x + F(x), so the gradient has a path through the identity at every block.",
        "Plain and residual twins, same start and minibatches: which ends with the lower training loss?",
        "q-depth", 6,
    ),
    Step(
        "Wrap-up: one product, several fixes", "", (("factor", "1.0"), ("T", "50")), "",
        "Every lesson today was this product of factors: careful initialization, the LSTM's cell and the "
        "residual identity keep the factors near 1, and clipping bounds the step when they are not.",
        None, None, 3,
    ),
)  # fmt: skip


def schedule(steps: tuple[Step, ...] = STEPS) -> Iterator[tuple[int, int, Step]]:
    """(start minute, end minute, step) for each step, in order."""
    start = 0
    for step in steps:
        yield start, start + step.minutes, step
        start += step.minutes
