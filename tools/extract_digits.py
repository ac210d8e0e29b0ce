"""One-off: write gradviz/assets/digits8x8.npz from the 8×8 digits that scikit-learn distributes.

The data are the 1,797-image test part of the UCI "Optical Recognition of Handwritten Digits" set
(E. Alpaydin, C. Kaynak, 1998; https://doi.org/10.24432/C50P49; CC BY 4.0). Each pixel counts the
"on" pixels of a 4×4 block of a 32×32 bitmap, so it is an integer 0..16; we store it as uint8 exactly,
with no pickled objects, so `np.load(..., allow_pickle=False)` reads it. scikit-learn is needed only
here, never at run time:

    python tools/extract_digits.py          # needs scikit-learn; rewrites the asset
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

OUT = Path(__file__).resolve().parents[1] / "gradviz" / "assets" / "digits8x8.npz"


def main() -> None:
    digits = load_digits()
    images = digits.images  # (1797, 8, 8) float64 holding integers 0..16
    if not np.array_equal(images, np.round(images)) or images.min() < 0 or images.max() > 16:
        raise SystemExit("expected integer pixels in 0..16; scikit-learn's copy has changed")
    labels = digits.target  # (1797,) int
    np.savez_compressed(OUT, images=images.astype(np.uint8), labels=labels.astype(np.uint8))
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, sha256 {digest}): images {images.shape}, "
          f"label counts {np.bincount(labels).tolist()}")


if __name__ == "__main__":
    main()
