"""The "Backprop through time" lesson's citations, (text, link), for the page's Sources section."""

from __future__ import annotations

from gradviz import sources

# The lesson's citations, (text, link), for the page's Sources section.
STROGATZ_2015 = (
    "S. Strogatz (2015), Nonlinear Dynamics and Chaos, 2nd ed., ch. 10: one-dimensional maps, the logistic "
    "map's period-doubling points r1 … r∞ and Lyapunov exponents",
    None,
)
FEIGENBAUM_1978 = (
    "M. Feigenbaum (1978), Quantitative universality for a class of nonlinear transformations, "
    "J. Stat. Phys. 19",
    "https://doi.org/10.1007/BF01020332",
)
SOMPOLINSKY_1988 = (
    "H. Sompolinsky, A. Crisanti & H. Sommers (1988), Chaos in random neural networks, PRL 61",
    "https://doi.org/10.1103/PhysRevLett.61.259",
)
DOYA_1993 = (
    "K. Doya (1993), Bifurcations of recurrent neural networks in gradient descent learning, IEEE Transactions "
    "on Neural Networks (cited by Pascanu et al. 2013, §2.2): at a bifurcation the output jumps and the gradient "
    "explodes",
    None,
)
SOURCES = [
    sources.GROSSE_BA,
    sources.PASCANU_2013,
    DOYA_1993,
    STROGATZ_2015,
    FEIGENBAUM_1978,
    SOMPOLINSKY_1988,
    sources.LE_2015,
    sources.GERS_2000,
]
