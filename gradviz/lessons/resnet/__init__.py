"""Lesson "Residual connections: plain vs residual nets as depth grows".

A residual block computes x + F(x), so backprop multiplies by I + ∂F/∂x instead of ∂F/∂x alone: the identity
carries the gradient through any number of blocks. The lesson trains plain and residual twins of the same MLP
blocks on real MNIST at several depths (with and without batch norm), measures the back-propagated gradient
∂L/∂x⁽ℓ⁾ at every block, the singular values of the input–output Jacobian at initialization, the gradient
carried by paths of each length, and what deleting one block does.

Modules: `experiment` (the depth sweep: frozen Config, presets, run; torch imported only inside run),
`sweep` (the training and the measurements on trained nets; torch), `jacobian` (singular values at init; a
second registered experiment so its default view is precomputed), `paths` (Veit et al.'s path counting,
numpy, and the path-gradient and lesion measurements, torch inside), `context` (the published tables),
`charts`, `words` (verdicts and sentences computed from the measurements).

Sources: Grosse & Ba, CSC421/2516 Lecture 14, the ResNet part: the residual block, backprop
x̄⁽ℓ⁾ = x̄⁽ℓ⁺¹⁾(I + ∂F/∂x), plain vs residual depth on CIFAR-10 and the ImageNet top-5 table.
He, Zhang, Ren & Sun (2016), "Deep residual learning for image recognition", CVPR,
https://arxiv.org/abs/1512.03385 (degradation of plain nets; CIFAR-10 Table 6 and Fig. 6).
Veit, Wilber & Belongie (2016), "Residual networks behave like ensembles of relatively shallow networks",
NeurIPS, https://arxiv.org/abs/1605.06431 (paths, their length distribution, lesion study).
"""
