"""Backprop through time seen as an iterated map: numpy-only maths for the "rnn_dynamics" lesson.

An RNN applies the same function at every step, h_t = f(h_{t-1}), so its hidden state is the orbit of an
iterated map and ∂h_T/∂h_0 is a product of T per-step factors f'(h_{t-1}). Inside an attractor's basin a
small change of h_0 is forgotten (the product vanishes); on a basin boundary it flips the outcome (the
product explodes), and the loss as a function of the parameters gets cliffs.

Sources: Grosse & Ba, CSC421/2516 Lecture 14 "Exploding and Vanishing Gradients";
Pascanu, Mikolov & Bengio (2013) "On the difficulty of training recurrent neural networks",
https://arxiv.org/abs/1211.5063 ; Strogatz, "Nonlinear Dynamics and Chaos" (2nd ed., 2015), ch. 10.

Convention used everywhere in this module (and on the page): T counts *steps*. States are h_0 … h_T,
so ∂h_T/∂h_0 is a product of exactly T factors; a linear unit gives w^T. (The lecture numbers its states
h^(1) … h^(T) and writes w^(T-1); its quoted 117.4 = 1.1^50 is a product of fifty factors.)

Every function is vectorised over numpy broadcasting (a loop over time steps only), and bounded: values
whose true size exceeds 1e300 are returned as ±1e300 (`BIG`) so nothing overflows to inf or warns.

The package, one module per concept (each section's code in its own module):

- `citations`: the lesson's sources;
- `bounded`: `BIG` and the clipping that keeps every value finite, tanh' without overflow;
- `configs`: each section's config dataclass and presets;
- `scalar_chain`: section 1, products of per-step factors (linear and tanh units);
- `logistic`: section 2, iterated maps (logistic map, cobweb, Lyapunov exponent, bifurcation diagram,
  period doubling, the Mandelbrot aside);
- `one_unit`: the one-unit RNN (forward pass, ∂h_T/∂h_0, loss and gradients) and section 3, its fixed
  points, stability and basins;
- `cliffs`: section 4, the loss over the parameters and its cliffs;
- `many_units`: section 5, random matrices of spectral radius ρ and products of Jacobians;
- `words`: each section's verdict, equations and readouts, number formatting, and the fixes (FIXES);
- `questions`: predict, then reveal (QUESTIONS; `question(section)` adds the explanation computed at the
  question's settings).

Every name is re-exported here, so `from gradviz.lessons import rnn_dynamics; rnn_dynamics.scalar_chain(...)` works.
"""

from __future__ import annotations

from gradviz.bounded import BIG, tanh_prime_from_z
from gradviz.lessons.rnn_dynamics.citations import (
    FEIGENBAUM_1978,
    SOMPOLINSKY_1988,
    SOURCES,
    STROGATZ_2015,
)
from gradviz.lessons.rnn_dynamics.cliffs import (
    cliff_curves,
    cliff_surface,
    face_width,
    slider_b_on_cliff,
)
from gradviz.lessons.rnn_dynamics.configs import (
    CHAIN_PRESETS,
    CLIFF_PRESETS,
    COST_SLOPE_HALF_WIDTH,
    COST_STARTS,
    MANY_PRESETS,
    MAP_PRESETS,
    UNIT_PRESETS,
    ChainConfig,
    CliffConfig,
    ManyConfig,
    MapConfig,
    UnitConfig,
)
from gradviz.lessons.rnn_dynamics.logistic import (
    FEIGENBAUM_DELTA,
    R_INFINITY,
    bifurcation_table,
    cobweb_path,
    feigenbaum_limit,
    find_attractor,
    iterated_map,
    logistic,
    logistic_fixed_points,
    logistic_orbit,
    logistic_prime,
    logistic_to_mandelbrot_c,
    lyapunov_exponent,
    lyapunov_table,
    mandelbrot_table,
    orbit_derivative,
    orbit_lyapunov,
    period_doubling_points,
    period_doubling_table,
    superstable_points,
)
from gradviz.lessons.rnn_dynamics.many_units import (
    ACTIVATIONS,
    REFERENCE_RADII,
    initial_state,
    jacobian_gain,
    late_rate,
    many_units,
    mean_slope,
    random_recurrent_matrix,
)
from gradviz.lessons.rnn_dynamics.one_unit import (
    FORMS,
    count_stable_fixed_points,
    sigmoid,
    stable_count_table,
    unit_dynamics,
    unit_fixed_points,
    unit_map,
    unit_map_prime,
    unit_state_range,
    unit_unroll,
)
from gradviz.lessons.rnn_dynamics.questions import QUESTIONS, question
from gradviz.lessons.rnn_dynamics.scalar_chain import (
    LECTURE_EXPLODING,
    LECTURE_VANISHING,
    linear_chain,
    scalar_chain,
)
from gradviz.lessons.rnn_dynamics.words import (
    FIXES,
    chain_words,
    cliff_words,
    many_words,
    map_words,
    unit_words,
)
from gradviz.unit_rnn import (
    basin_boundary_bias,
    cliff_bias,
    loss_grid,
    rnn_unit_dhT_dh0,
    rnn_unit_forward,
    rnn_unit_loss_grad,
    saddle_node_bias,
)

__all__ = [
    "STROGATZ_2015",
    "FEIGENBAUM_1978",
    "SOMPOLINSKY_1988",
    "SOURCES",
    "BIG",
    "tanh_prime_from_z",
    "rnn_unit_forward",
    "rnn_unit_dhT_dh0",
    "rnn_unit_loss_grad",
    "loss_grid",
    "LECTURE_EXPLODING",
    "LECTURE_VANISHING",
    "ChainConfig",
    "CHAIN_PRESETS",
    "linear_chain",
    "scalar_chain",
    "FEIGENBAUM_DELTA",
    "R_INFINITY",
    "MapConfig",
    "MAP_PRESETS",
    "logistic",
    "logistic_prime",
    "logistic_orbit",
    "orbit_derivative",
    "cobweb_path",
    "lyapunov_exponent",
    "logistic_fixed_points",
    "find_attractor",
    "bifurcation_table",
    "lyapunov_table",
    "superstable_points",
    "period_doubling_points",
    "feigenbaum_limit",
    "period_doubling_table",
    "logistic_to_mandelbrot_c",
    "mandelbrot_table",
    "iterated_map",
    "FORMS",
    "UnitConfig",
    "UNIT_PRESETS",
    "sigmoid",
    "unit_map",
    "unit_map_prime",
    "unit_state_range",
    "unit_unroll",
    "unit_fixed_points",
    "count_stable_fixed_points",
    "stable_count_table",
    "unit_dynamics",
    "CliffConfig",
    "CLIFF_PRESETS",
    "COST_SLOPE_HALF_WIDTH",
    "COST_STARTS",
    "basin_boundary_bias",
    "cliff_bias",
    "saddle_node_bias",
    "face_width",
    "slider_b_on_cliff",
    "cliff_curves",
    "cliff_surface",
    "ACTIVATIONS",
    "REFERENCE_RADII",
    "ManyConfig",
    "MANY_PRESETS",
    "random_recurrent_matrix",
    "initial_state",
    "jacobian_gain",
    "many_units",
    "chain_words",
    "map_words",
    "unit_words",
    "cliff_words",
    "many_words",
    "FIXES",
    "QUESTIONS",
    "question",
    "orbit_lyapunov",
    "mean_slope",
    "late_rate",
]
