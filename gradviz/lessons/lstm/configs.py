"""The LSTM lesson's configs, presets and training budget: plain dataclasses (no torch), so the page can
build a config, find a precomputed result and estimate a live run's time without importing torch."""

from __future__ import annotations

from dataclasses import dataclass

# -- section 2: how far back the gradient reaches (at initialization) --------------------------------------


@dataclass(frozen=True)
class ReachConfig:
    T: int = 100  # steps back: far enough for the tanh RNN's product to fall by many orders of magnitude
    forget_bias: float = 1.0  # b_f: Gers et al. (2000) and Jozefowicz et al. (2015) recommend 1
    hidden: int = 32  # units per model, as in the training section below
    seed: int = 0  # weights at init and the input sequence


REACH_PRESETS: dict[str, ReachConfig] = {
    "default": ReachConfig(),
    "PyTorch's zero bias": ReachConfig(forget_bias=0.0),  # σ(0) = ½: the cell halves every step
    "forget bias 3": ReachConfig(forget_bias=3.0),  # σ(3) = 0.953: a half-life of ln ½ / ln σ(3) = 14.3 steps
}
REACH_T_RANGE = (5, 400)
REACH_FORGET_BIAS_RANGE = (-2.0, 5.0)
REACH_HIDDEN_OPTIONS = (8, 16, 32, 64)  # 128 units × 400 steps takes several seconds of SVDs and unrolling


# -- section 3: learning a long dependency -------------------------------------------------------------------

TASKS = ("adding", "order")  # the adding problem; the temporal-order task (Hochreiter & Schmidhuber 1997)
TASK_NAMES = {"adding": "adding problem", "order": "temporal order"}
MODEL_NAMES = {"rnn": "tanh RNN", "irnn": "IRNN", "lstm": "LSTM"}
MODEL_SETS: dict[str, tuple[str, ...]] = {
    "all": ("rnn", "irnn", "lstm"),
    "rnn+lstm": ("rnn", "lstm"),
    "irnn+lstm": ("irnn", "lstm"),
    "rnn+irnn": ("rnn", "irnn"),
    "lstm": ("lstm",),
}
LR_OPTIONS = (0.002, 0.005, 0.01, 0.02, 0.05)
LEARN_FORGET_BIASES = (-1.0, 0.0, 1.0, 2.0, 3.0)


@dataclass(frozen=True)
class LearnConfig:
    task: str = "adding"  # the adding problem: its baseline (MSE 1/6) is the lesson's yardstick
    T: int = 50  # long enough that the tanh RNN stays at the baseline, short enough to train live in seconds
    models: str = "all"  # a key of MODEL_SETS: tanh RNN, IRNN and LSTM side by side
    steps: int = (
        600  # the LSTM passed 1/20 of the baseline by step 400-500 on seeds 0-2 (seed 0: 400, also nudged)
    )
    lr: float = 0.02  # Adam; the same for every model, so the architecture is the only difference
    seed: int = 0  # data, initial weights and minibatch order, shared by every model
    forget_bias: float = 1.0  # the LSTM's forget-gate bias (Gers et al. 2000); "zero forget bias" uses 0

    @property
    def kinds(self) -> tuple[str, ...]:
        return MODEL_SETS[self.models]


LEARN_PRESETS: dict[str, LearnConfig] = {
    "default": LearnConfig(),
    # the LSTM needed ~950 steps at lr 0.01 here (at lr 0.02 it stayed at chance for 1500 steps)
    "temporal order": LearnConfig(task="order", steps=1500, lr=0.01),
    "zero forget bias": LearnConfig(forget_bias=0.0),  # PyTorch's default: the trick's measured effect
}
# "The forget-bias trick, measured" compares b_f = 0 with b_f = 1 on seeds 0–2: seed 0 is the "default" and
# "zero forget bias" presets above (all three models); seeds 1 and 2 train the LSTM alone (the same LSTM, data
# and minibatches as in an all-models run of that seed: each model has its own generator).
FORGET_TRICK_SEEDS = (0, 1, 2)
FORGET_TRICK_BIASES = (0.0, 1.0)
FORGET_TRICK_PRESETS: dict[str, LearnConfig] = {
    f"forget trick, b_f {b:g}, seed {s}": LearnConfig(models="lstm", seed=s, forget_bias=b)
    for b in FORGET_TRICK_BIASES
    for s in FORGET_TRICK_SEEDS
    if s != 0
}


def forget_trick_config(forget_bias: float, seed: int) -> LearnConfig:
    """The run behind one (b_f, seed) entry of the forget-bias comparison."""
    if seed == 0:
        return LEARN_PRESETS["default" if forget_bias == 1.0 else "zero forget bias"]
    return LearnConfig(models="lstm", seed=seed, forget_bias=forget_bias)


LEARN_T_RANGE = (10, 200)
LEARN_STEPS_RANGE = (100, 3000)

HIDDEN = 32  # units per model: enough for both tasks, cheap enough to train three models in seconds
BATCH = 64  # sequences per step
N_TRAIN = 8192  # training sequences: 600 steps see each between four and five times
N_TEST = 256  # held-out sequences: the curves and final losses are measured on these, not on the batches
EVAL_EVERY = 50  # steps between held-out evaluations
CLIP = 1.0  # clip the gradient's norm to 1 for every model (Pascanu et al. 2013), as in the clipping lesson

# Live runs: settings no larger than the default (in steps × T × models) start by themselves; larger ones
# show their estimated time and wait for a click; beyond MAX_WORK the shared server refuses them.
MAX_WORK = 270_000  # 3 models × 1800 steps × T = 50: 3× the default's work


def work(cfg: LearnConfig) -> int:
    """The training work of a config in (step × time step × model) units: the cost is about linear in each."""
    return cfg.steps * cfg.T * len(cfg.kinds)


def estimate_seconds(cfg: LearnConfig, cost: dict[str, float]) -> float:
    """Estimated CPU seconds of training `cfg`, from measured costs per (step × time step) of each model
    (`cost`, e.g. the default result's meta["cost_per_step_T"], measured while it trained)."""
    # t ≈ Σ_models c_model · steps · T
    return sum(cost[k] for k in cfg.kinds) * cfg.steps * cfg.T


def live_plan(cfg: LearnConfig, cost: dict[str, float]) -> tuple[bool, bool, float, int]:
    """For a config that is not precomputed: (starts by itself, allowed on a shared server, estimated
    seconds, work). Starts by itself when it is no larger than the default."""
    w = work(cfg)
    return w <= work(LearnConfig()), w <= MAX_WORK, estimate_seconds(cfg, cost), w
