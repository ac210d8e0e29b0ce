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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Section:
    """One section of a lesson: a tab, computed and sent only while it is open, linked as ?section=<slug>."""

    slug: str  # its value of the URL key `section`
    title: str  # the tab's label
    keys: tuple[str, ...] = ()  # the URL keys of its controls: a link carrying one opens this section


@dataclass(frozen=True)
class Lesson:
    """A lesson's identity, said once: every page, card, link, test and README row reads it from here."""

    path: str  # page file, relative to the repo root; its stem is the URL path (/deep_nets)
    title: str  # the page's heading, the navigation entry and the home card's title
    icon: str  # a Material icon, shown in the navigation and on the card
    promise: str  # one sentence: what the student will see
    # the lesson's trained experiments: (name, module), the name being the folder under results/
    experiments: tuple[tuple[str, str], ...] = ()
    sections: tuple[Section, ...] = ()  # in teaching order; the first opens by default
    keys: tuple[str, ...] = ()  # URL keys of the page-wide controls (the sidebar), shared by every section

    @property
    def name(self) -> str:
        """The page's URL path without the slash (its file's stem): /lstm -> "lstm"."""
        return Path(self.path).stem

    def section(self, slug: str) -> Section:
        return next(s for s in self.sections if s.slug == slug)

    def section_for(self, present: Iterable[str]) -> Section:
        """The section a link without `section=` opens: the first whose keys the link carries (links made
        before lessons had sections still open the view they were made on), else the first."""
        given = set(present)
        return next((s for s in self.sections if given & set(s.keys)), self.sections[0])


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "app_pages/deep_nets.py",
        "Vanishing gradients in deep nets",
        ":material/stacked_line_chart:",
        "Train a deep network on real MNIST digits, measure the factor each layer multiplies the gradient by "
        "on its way back, and see which activation and initialization keep that factor near 1.",
        experiments=(("deep_nets", "gradviz.lessons.deep_nets.experiment"),),
        sections=(
            Section("training", "1 · Training, layer by layer"),
            Section("why", "2 · What is going on"),
            Section("by-hand", "3 · By hand", ("chain_depth", "chain_w", "chain_act", "scalar_w")),
        ),
        keys=("activation", "init", "depth", "width", "optimizer", "lr", "epochs", "batch", "seed", "dataset",
              "compare", "b_activation", "b_init", "c_activation", "c_init"),  # fmt: skip
    ),
    Lesson(
        "app_pages/rnn_dynamics.py",
        "Backprop through time",
        ":material/cyclone:",
        "See a recurrent net as an iterated map: inside an attractor's basin the past is forgotten and the "
        "gradient vanishes; on a basin boundary it explodes, and the loss surface grows cliffs.",
        sections=(
            Section("chain", "1 · The scalar chain", ("chain_w", "chain_T")),
            Section("map", "2 · Iterated maps", ("map_r", "map_x0", "map_n", "map_mandelbrot")),
            Section("unit", "3 · A one-unit RNN", ("unit_form", "unit_w", "unit_b", "unit_T")),
            Section("cliff", "4 · Cliffs in the loss", ("cliff_w", "cliff_b", "cliff_T", "cliff_target", "cliff_h0")),
            Section("many", "5 · Many units", ("many_n", "many_rho", "many_T", "many_act", "many_seed")),
        ),
    ),
    Lesson(
        "app_pages/clipping.py",
        "Gradient clipping",
        ":material/content_cut:",
        "Watch one SGD step fall off a loss cliff, and a clipped step stay put; then train a real RNN that "
        "blows up without clipping and keeps training with it, and measure how much it learned.",
        experiments=(("clipping", "gradviz.lessons.clipping.experiment"),),
        sections=(
            Section("cliff", "1 · On the cliff", ("w0", "b0", "cliff_lr", "cliff_threshold", "cliff_steps")),
            Section("vector", "2 · Norm or value?", ("gx", "gy", "vec_threshold")),
            Section("rnn", "3 · A real RNN", ("T", "rho", "threshold", "lr", "steps", "seed", "clip")),
        ),
    ),
    Lesson(
        "app_pages/lstm.py",
        "LSTM gates and the constant error carousel",
        ":material/memory:",
        "Slide one LSTM cell's gates, measure how far back the gradient reaches through a tanh RNN, an IRNN and "
        "an LSTM, and train all three on a task whose answer lies far back in the sequence.",
        experiments=(("lstm", "gradviz.lessons.lstm.experiment"), ("lstm_reach", "gradviz.lessons.lstm.reach_experiment")),
        sections=(
            Section("cell", "1 · One cell", ("i", "f", "o", "g", "c_prev", "notation")),
            Section("reach", "2 · How far back", ("reach_T", "forget_bias", "hidden", "reach_seed")),
            Section("learn", "3 · Learning", ("task", "learn_T", "models", "steps", "lr", "learn_seed",
                                             "learn_forget_bias")),
        ),
    ),
    Lesson(
        "app_pages/resnet.py",
        "Residual connections",
        ":material/alt_route:",
        "Train plain and residual twins of one network on MNIST at growing depth: the deep plain nets train "
        "worse, the residual ones keep improving; then see why, block by block and path by path.",
        experiments=(("resnet", "gradviz.lessons.resnet.experiment"), ("resnet_jacobian", "gradviz.lessons.resnet.jacobian")),
        sections=(
            Section("sweep", "1 · Deeper and deeper"),
            Section("gradient", "2 · Where the gradient goes", ("grad_depth",)),
            Section("jacobian", "3 · The Jacobian", ("jac_depth", "jac_act")),
            Section("paths", "4 · Many paths", ("lesion_depth",)),
            Section("context", "5 · Context"),
        ),
        keys=("depths", "norm", "width", "steps", "lr", "seed"),
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
