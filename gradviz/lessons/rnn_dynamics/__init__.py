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
- `configs`: each section's config dataclass and presets;
- `scalar_chain`: section 1, products of per-step factors (linear and tanh units);
- `logistic`: section 2, iterated maps (logistic map, cobweb, Lyapunov exponent, bifurcation diagram,
  period doubling, the Mandelbrot aside);
- `one_unit`: section 3, the one-unit RNN as a dynamical system: its fixed points, stability and basins;
- `cliffs`: section 4, the loss over the parameters and its cliffs;
- `many_units`: section 5, random matrices of spectral radius ρ and products of Jacobians;
- `words`: each section's verdict, equations and readouts, and the fixes (FIXES);
- `questions`: predict, then reveal (QUESTIONS; `question(section)` adds the explanation computed at the
  question's settings).

Import the module a name lives in (`from gradviz.lessons.rnn_dynamics import logistic`); this package
re-exports nothing. The one-unit tanh RNN itself and the bounded arithmetic are shared with the clipping
lesson: `gradviz.unit_rnn` and `gradviz.bounded`.
"""
