"""The catalogue of lessons, in teaching order: the one place the router (app.py), the home page's cards and
`gradviz.precompute` read. Each lesson lives in its own package beside this file (`gradviz.lessons.<name>`):
its maths, `experiment.py` (config + run, when it trains), `charts.py` and `words.py`. Shared machinery
(`gradviz.data`, `nets`, `probe`, `train`, `tasks`, `results`, `ui`, ...) never imports a lesson.

A lesson appears in the app as soon as its page file exists, so pages can land one at a time.
Nothing here imports a lesson's code: experiments are named by module path and imported on demand, so
reading the catalogue never imports torch.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Lesson:
    """A lesson's identity, said once: every page, card, link, test and README row reads it from here."""

    path: str  # page file, relative to the repo root; its stem is the URL path (/deep_nets)
    title: str  # the page's heading, the navigation entry and the home card's title
    icon: str  # a Material icon, shown in the navigation and on the card
    promise: str  # one sentence: what the student will see
    # the lesson's trained experiments: (name, module), the name being the folder under results/
    experiments: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        """The page file's stem: the URL path (/deep_nets) and the lesson's package under gradviz/lessons/."""
        return Path(self.path).stem


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "app_pages/deep_nets.py",
        "Vanishing gradients in deep nets",
        ":material/stacked_line_chart:",
        "Train a deep network on real MNIST digits, measure the factor each layer multiplies the gradient by "
        "on its way back, and see which activation and initialization keep that factor near 1.",
        (("deep_nets", "gradviz.lessons.deep_nets.experiment"),),
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
        "blows up without clipping and keeps training with it, and measure how much it learned.",
        (("clipping", "gradviz.lessons.clipping.experiment"),),
    ),
    Lesson(
        "app_pages/lstm.py",
        "LSTM gates and the constant error carousel",
        ":material/memory:",
        "Slide one LSTM cell's gates, measure how far back the gradient reaches through a tanh RNN, an IRNN and "
        "an LSTM, and train all three on a task whose answer lies far back in the sequence.",
        (("lstm", "gradviz.lessons.lstm.experiment"), ("lstm_reach", "gradviz.lessons.lstm.reach_experiment")),
    ),
    Lesson(
        "app_pages/resnet.py",
        "Residual connections",
        ":material/alt_route:",
        "Train plain and residual twins of one network on MNIST at growing depth: the deep plain nets train "
        "worse, the residual ones keep improving; then see why, block by block and path by path.",
        (("resnet", "gradviz.lessons.resnet.experiment"), ("resnet_jacobian", "gradviz.lessons.resnet.jacobian")),
    ),
)

# Every lesson's trained experiments: name (the folder under results/) -> module. Each module defines
# `Config` (a frozen dataclass, every field a URL key with a safe default), `PRESETS` (named configs whose
# results are precomputed and committed, always including "default") and
# `run(cfg, on_step=None) -> gradviz.results.Result` (deterministic for a config; the seed is a field).
EXPERIMENTS: dict[str, str] = dict(e for lesson in LESSONS for e in lesson.experiments)


def lesson(name: str) -> Lesson:
    """The catalogue entry of the lesson whose page is app_pages/<name>.py."""
    for found in LESSONS:
        if found.name == name:
            return found
    raise KeyError(f"unknown lesson {name!r}; known: {[found.name for found in LESSONS]}")


def available() -> tuple[Lesson, ...]:
    """The lessons whose page file exists."""
    return tuple(lesson for lesson in LESSONS if (ROOT / lesson.path).is_file())


def get_experiment(name: str) -> ModuleType:
    """The experiment module registered as `name` (imported now, so naming one never imports torch)."""
    if name not in EXPERIMENTS:
        raise KeyError(f"unknown experiment {name!r}; known: {sorted(EXPERIMENTS)}")
    return importlib.import_module(EXPERIMENTS[name])


@functools.cache
def experiment_file(name: str) -> Path:
    """The source file of experiment `name`, found without importing it (nor torch)."""
    if name not in EXPERIMENTS:
        raise KeyError(f"unknown experiment {name!r}; known: {sorted(EXPERIMENTS)}")
    spec = importlib.util.find_spec(EXPERIMENTS[name])
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(EXPERIMENTS[name])
    return Path(spec.origin)


def code_version(name: str) -> str:
    """The code version of experiment `name`: `gradviz.results.code_version` of its file, whose memo is
    the only one (computed once per process under its lock; later look-ups read a dict)."""
    from gradviz import results  # here, not at the top: reading the catalogue stays cheap

    return results.code_version(experiment_file(name))


def result_key(name: str, cfg: object) -> str:
    """The key of experiment `name`'s result for `cfg` under the current code: a hash of (config, code)."""
    from gradviz import results

    return results.result_key(name, cfg, code_version(name))
