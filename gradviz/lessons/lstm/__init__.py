"""Lesson "LSTM gates and the constant error carousel".

What it teaches: a plain RNN multiplies the back-propagated gradient by W_hh·diag(φ′) at every step, so it
vanishes (or explodes) exponentially with distance. The LSTM's cell is updated additively,
c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t, so along the cell the gradient is multiplied only by the forget gates:
∂c_t/∂c_{t−1} = diag(f_t) plus the paths through the gates. With f = 1 and i = 0 the cell's value and its
gradient pass unchanged (Hochreiter & Schmidhuber's constant error carousel); with a forget gate near ½ —
PyTorch's zero bias — the cell forgets fast, which is why a forget bias of 1 is recommended.

Modules, from simple to composite:
- `cell`: one LSTM cell by hand in numpy, in the standard names (i, f, o, g, c, h) and the lecture notes'
  (rem, save, focus, ltm′, ltm, wm); the four regimes of (i, f).
- `configs`: configs, presets and the live-run budget (torch-free).
- `unroll`: nn.RNN / nn.LSTM written out step by step on the modules' own weights (torch).
- `reach`, `reach_experiment`: ‖∂h_T/∂h_t‖, ‖∂c_T/∂c_t‖ against distance at initialization (torch autograd).
- `learn`, `experiment`: tanh RNN vs IRNN vs LSTM on the adding problem and the temporal-order task.
- `charts`, `words`: one function per chart; every sentence computed from the measured values.

Sources: S. Hochreiter & J. Schmidhuber (1997), Long short-term memory, Neural Computation 9(8);
F. Gers, J. Schmidhuber & F. Cummins (2000), Learning to forget, Neural Computation 12(10);
R. Jozefowicz, W. Zaremba & I. Sutskever (2015), An empirical exploration of recurrent network architectures;
Q. Le, N. Jaitly & G. Hinton (2015), https://arxiv.org/abs/1504.00941; seeds 000 (Suresh 2016),
001 (lecture notes, ltm/wm notation), 002 (Grosse & Ba, Lecture 14), 003 (Q&A), 004 (blog post, 2019).
"""
