"""The published numbers the lesson sets beside its own measurements, exactly as their sources give them.

- The lecture's ImageNet (ILSVRC) top-5 error table (Grosse & Ba, CSC421/2516 Lecture 14), with
  the human error it quotes (5.1 %, from Russakovsky et al. 2015's human study).
- He et al. (2016), "Deep residual learning for image recognition", Table 6: CIFAR-10 test error of the
  residual nets ResNet-20/32/44/56/110 (the 110-layer figure is their best of 5 runs; the mean was
  6.61 ± 0.16 %). Their plain nets of the same depths are shown only as curves (Fig. 6, left): training
  and test error rise with depth, plain-56 worse than plain-20. No table of plain numbers is published,
  so none is invented here.
"""

from __future__ import annotations

import pandas as pd

LECTURE = (
    "R. Grosse & J. Ba, CSC421/2516 Lecture 14: Exploding and Vanishing Gradients (seed text): the ImageNet table",
    "https://www.cs.toronto.edu/~rgrosse/courses/csc421_2019/",
)
HE_2016 = (
    "K. He, X. Zhang, S. Ren & J. Sun (2016), Deep Residual Learning for Image Recognition, CVPR (Table 6, Fig. 6)",
    "https://arxiv.org/abs/1512.03385",
)
RUSSAKOVSKY_2015 = (
    "O. Russakovsky et al. (2015), ImageNet Large Scale Visual Recognition Challenge, IJCV (human top-5 error 5.1 %)",
    "https://arxiv.org/abs/1409.0575",
)

# (year, model, top-5 error in %): the lecture's table, row for row
IMAGENET_TOP5: tuple[tuple[int, str, float], ...] = (
    (2010, "hand-designed descriptors + SVM", 28.2),
    (2011, "compressed Fisher vectors + SVM", 25.8),
    (2012, "AlexNet", 16.4),
    (2013, "a variant of AlexNet", 11.7),
    (2014, "GoogLeNet", 6.6),
    (2015, "deep residual nets", 4.5),
)
HUMAN_TOP5 = 5.1  # % (the lecture; Russakovsky et al. 2015)

# (layers, CIFAR-10 test error in %): He et al. 2016, Table 6, the residual nets of the Fig. 6 comparison
CIFAR10_RESNET: tuple[tuple[int, float], ...] = ((20, 8.75), (32, 7.51), (44, 7.17), (56, 6.97), (110, 6.43))


def imagenet_table() -> pd.DataFrame:
    """year, model, top5_error (%), one row per year."""
    return pd.DataFrame(IMAGENET_TOP5, columns=["year", "model", "top5_error"])


def cifar_table() -> pd.DataFrame:
    """layers, net ("ResNet"), test_error (%)."""
    return pd.DataFrame(
        [(d, f"ResNet-{d}", e) for d, e in CIFAR10_RESNET], columns=["layers", "model", "test_error"]
    )
