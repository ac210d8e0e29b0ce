"""Lesson "Vanishing gradients in deep nets": an MLP trained on real MNIST whose first layer gets a tiny
fraction of the gradient its last layer gets, and what fixes it (activation, initialization).

Modules: `experiment` (frozen Config, presets, run: trains and probes the net; torch), `closed_form`
(the by-hand chains, numpy only), `charts`, `words` (verdicts and explanations from the measurements).

Follows Suresh (2016) "Vanishing Gradients & LSTMs" and the lecture notes "Vanishing and Exploding Gradients"
(their diagonal linear chain); Glorot & Bengio (2010) and He et al. (2015) for the initializations and the variance argument.
"""
