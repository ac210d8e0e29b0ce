"""The digits the lessons train on: real MNIST when it can be had, a small real set shipped otherwise.

MNIST (Y. LeCun, C. Cortes, C. J. C. Burges; CC BY-SA 3.0; http://yann.lecun.com/exdb/mnist/): we use
its 10,000-digit test set only (1.6 MB), split once with a fixed seed into 8,000 for training and 2,000
held out. The two gzip'd IDX files are looked up in this order:

1. the folder named by the environment variable ``GRADVIZ_DATA_DIR`` (developers and CI),
2. the user cache folder (``platformdirs.user_cache_dir("gradviz")/mnist``),
3. a download from the public mirrors in ``MIRRORS``, each file checked against its md5 and written to
   the cache atomically (temporary file, then ``os.replace``), so a half-finished download never
   poisons the cache,

and when all fail, ``DataUnavailable`` says what was tried. ``load_with_fallback`` then trains on the
8×8 handwritten digits that scikit-learn distributes (UCI "Optical Recognition of Handwritten Digits",
E. Alpaydin & C. Kaynak 1998, CC BY 4.0), shipped in ``gradviz/assets/digits8x8.npz``; see
``gradviz/assets/README.md``.

Only numpy and the standard library are imported (platformdirs lazily): ``import gradviz.data`` is
cheap. IDX files are parsed with numpy; nothing is ever unpickled. Arrays are read-only and shared
between callers (parsed once per process); use ``torch.tensor(ds.x_train)``, which copies.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from gradviz.progress import ProgressFn

DATASETS = ("mnist", "digits")
ENV_VAR = "GRADVIZ_DATA_DIR"
SPLIT_SEED = 20130101  # fixed forever, independent of any training seed: the held-out digits never change
TEST_FRACTION = 0.2  # 2,000 of MNIST's 10,000 held out; 359 of the 1,797 bundled digits
ASSET = Path(__file__).resolve().parent / "assets" / "digits8x8.npz"
MIRRORS = (  # base URLs tried in order; tests point these at a local server
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
TIMEOUT_S = 15.0  # per connect and per read (not in total): a silent mirror is skipped after this
_CHUNK = 1 << 16  # download in 64 KiB reads, reporting progress after each


class FileSpec(NamedTuple):
    md5: str
    size: int  # bytes, to weight progress and to stop a mirror that sends far more than the file


MNIST_FILES = {  # the canonical MNIST test set; tests substitute their own generated files
    "images": ("t10k-images-idx3-ubyte.gz", FileSpec("9fb629c4189551a2d022fa330f9573f3", 1_648_877)),
    "labels": ("t10k-labels-idx1-ubyte.gz", FileSpec("ec29112dd5afa0611ce80d1b7f02629c", 4_542)),
}


class DataUnavailable(RuntimeError):
    """MNIST could not be found or downloaded; `tried` lists each place and why it failed."""

    def __init__(self, tried: list[str]):
        self.tried = tuple(tried)
        super().__init__("MNIST could not be found or downloaded. Tried: " + "; ".join(tried) + ".")


class IdxFormatError(ValueError):
    """A file is not a well-formed (gzip'd) IDX file of unsigned bytes."""


@dataclass(frozen=True)
class Dataset:
    x_train: np.ndarray  # (n_train, n_features) float32 in [0, 1], read-only
    y_train: np.ndarray  # (n_train,) int64
    x_test: np.ndarray  # (n_test, n_features) float32
    y_test: np.ndarray  # (n_test,) int64
    name: str  # "mnist" or "digits"
    image_shape: tuple[int, int]  # (28, 28) or (8, 8)
    description: str  # one sentence for the page
    source: str  # where the data came from: GRADVIZ_DATA_DIR, cache, a mirror, or bundled


# -- Parsing and checking ----------------------------------------------------------------------------


def parse_idx(raw: bytes, what: str = "IDX data") -> np.ndarray:
    """An IDX array of unsigned bytes: magic 0x00 0x00 0x08 ndim, then ndim big-endian uint32 sizes."""
    if len(raw) < 4 or raw[:3] != b"\x00\x00\x08" or not 1 <= raw[3] <= 4:
        raise IdxFormatError(f"{what}: bad magic number {raw[:4].hex() or 'none'} (want 000008 + ndim 1-4)")
    ndim, header = raw[3], 4 + 4 * raw[3]
    if len(raw) < header:
        raise IdxFormatError(f"{what}: header cut short ({len(raw)} of {header} bytes)")
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    if len(raw) != header + int(np.prod(dims)):
        need = int(np.prod(dims))
        raise IdxFormatError(f"{what}: dims {dims} need {need} bytes of pixels, found {len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def read_idx_gz(path: Path) -> np.ndarray:
    try:
        raw = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as err:  # BadGzipFile is an OSError; a cut-off stream an EOFError
        raise IdxFormatError(f"{path.name}: not a complete gzip file ({err})") from err
    return parse_idx(raw, path.name)


def md5_of(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "md5").hexdigest()


def mnist_files(data_dir: Path | str) -> tuple[Path, Path]:
    """The (images, labels) file paths inside `data_dir`."""
    return Path(data_dir) / MNIST_FILES["images"][0], Path(data_dir) / MNIST_FILES["labels"][0]


def _problem(data_dir: Path) -> str | None:
    """Why `data_dir` cannot serve MNIST (missing or corrupt files), or None if it can."""
    if not data_dir.is_dir():
        return "no such folder"
    for path, (_, spec) in zip(mnist_files(data_dir), MNIST_FILES.values(), strict=True):
        if not path.is_file():
            return f"{path.name} missing"
        if md5_of(path) != spec.md5:
            return f"{path.name} has the wrong md5 checksum"
    return None


# -- Download ----------------------------------------------------------------------------------------


def cache_dir() -> Path:
    import platformdirs  # lazily: only needed when MNIST is not in GRADVIZ_DATA_DIR

    return Path(platformdirs.user_cache_dir("gradviz")) / "mnist"


def _fetch(url: str, dest: Path, spec: FileSpec, report: Callable[[int], None]) -> None:
    """Download `url` to `dest` only if its md5 matches; never leaves a partial file behind."""
    import urllib.request  # lazily, like everything only a download needs

    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".", suffix=".part")
    try:
        digest, got = hashlib.md5(), 0
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp:
            while chunk := resp.read(_CHUNK):
                got += len(chunk)
                if got > spec.size:
                    raise OSError(f"sent more than the expected {spec.size:,} bytes")
                digest.update(chunk)
                out.write(chunk)
                report(got)
        if got != spec.size:
            raise OSError(f"cut off after {got:,} of {spec.size:,} bytes")
        if digest.hexdigest() != spec.md5:
            raise OSError(f"md5 {digest.hexdigest()} != expected {spec.md5} ({got:,} bytes)")
        os.replace(tmp, dest)  # atomic: the cache holds the whole verified file or nothing
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def download_mnist(dest: Path, on_progress: ProgressFn | None = None) -> str:
    """Fetch both files into `dest` from the first mirror that serves them intact; returns that mirror."""
    import http.client

    say = on_progress or (lambda fraction, message: None)
    total = sum(spec.size for _, spec in MNIST_FILES.values())
    tried = []
    for mirror in MIRRORS:
        done = 0  # bytes of the files already fetched from this mirror
        try:
            for filename, spec in MNIST_FILES.values():
                message = f"Downloading {filename} from {mirror}"
                _fetch(mirror + filename, dest / filename, spec,
                       lambda got, done=done, message=message: say(min((done + got) / total, 1.0), message))
                done += spec.size
        except (OSError, ValueError, http.client.HTTPException) as err:  # refused, 404, cut off, bad md5
            tried.append(f"{mirror} ({err})")
            continue
        say(1.0, f"MNIST downloaded from {mirror} and checked")
        return mirror
    raise DataUnavailable(tried)


# -- Public API --------------------------------------------------------------------------------------


def split_indices(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) row indices: a permutation by the fixed SPLIT_SEED, never the global RNG."""
    order = np.random.default_rng(SPLIT_SEED).permutation(n)
    n_test = round(TEST_FRACTION * n)
    return np.sort(order[n_test:]), np.sort(order[:n_test])


def _make(pixels: np.ndarray, labels: np.ndarray, scale: float, **info) -> Dataset:
    train, test = split_indices(len(labels))
    # x = pixel / max_pixel ∈ [0, 1]
    x = (pixels.astype(np.float32) / np.float32(scale)).reshape(len(labels), -1)
    y = labels.astype(np.int64)
    parts = [x[train], y[train], x[test], y[test]]
    for a in parts:
        a.setflags(write=False)
    return Dataset(*parts, **info)


_LOCK = threading.Lock()  # sessions run in threads: one download at a time


@functools.lru_cache(maxsize=2)
def _mnist_dataset(data_dir: str, _stamp: tuple) -> Dataset:
    """Parsed once per (resolved folder, file mtimes and sizes): repeated loads are instant."""
    images, labels = (read_idx_gz(p) for p in mnist_files(data_dir))  # (n, 28, 28), (n,) uint8
    if images.ndim != 3 or images.shape[1:] != (28, 28) or labels.shape != images.shape[:1]:
        raise IdxFormatError(f"MNIST shapes do not fit: images {images.shape}, labels {labels.shape}")
    if labels.max(initial=0) > 9:
        raise IdxFormatError(f"MNIST labels must be 0-9, found {labels.max()}")
    n_test = round(TEST_FRACTION * len(labels))
    desc = (f"MNIST test set (LeCun, Cortes & Burges), {len(labels) - n_test:,} digits for training and "
            f"{n_test:,} held out, split with a fixed seed")
    return _make(images, labels, 255.0, name="mnist", image_shape=(28, 28), description=desc, source="")


def _from(data_dir: Path, source: str) -> Dataset:
    """The dataset in a checked folder, labelled with where it came from (the arrays are shared)."""
    stamp = tuple((p.stat().st_mtime_ns, p.stat().st_size) for p in mnist_files(data_dir.resolve()))
    return dataclasses.replace(_mnist_dataset(str(data_dir.resolve()), stamp), source=source)


def _load_mnist(on_progress: ProgressFn | None, allow_download: bool) -> Dataset:
    env = os.environ.get(ENV_VAR, "").strip()
    tried = [] if env else [f"{ENV_VAR} is not set"]
    candidates = [(Path(env), f"{ENV_VAR} ({env})")] if env else []
    with _LOCK:
        cache = cache_dir()
        for data_dir, source in [*candidates, (cache, f"cache ({cache})")]:
            try:
                problem = _problem(data_dir)
                if problem is None:
                    return _from(data_dir, source)
            except (OSError, IdxFormatError) as err:  # unreadable, or passes md5 but does not parse
                problem = str(err)
            tried.append(f"{source}: {problem}")
        if not allow_download:
            raise DataUnavailable([*tried, "downloads are switched off"])
        try:
            mirror = download_mnist(cache, on_progress)
            return _from(cache, f"downloaded from {mirror}")
        except DataUnavailable as err:
            raise DataUnavailable(tried + [f"download from {t}" for t in err.tried]) from None
        except (OSError, IdxFormatError) as err:
            raise DataUnavailable([*tried, f"download into {cache} ({err})"]) from None


@functools.cache
def _digits_dataset() -> Dataset:
    with np.load(ASSET, allow_pickle=False) as npz:
        images, labels = npz["images"], npz["labels"]  # (1797, 8, 8) uint8 in 0..16, (1797,) uint8
    n_test = round(TEST_FRACTION * len(labels))
    desc = (f"8×8 handwritten digits (UCI, Alpaydin & Kaynak, as shipped by scikit-learn), "
            f"{len(labels) - n_test:,} for training and {n_test:,} held out, split with a fixed seed")
    return _make(images, labels, 16.0, name="digits", image_shape=(8, 8), description=desc, source="bundled")


def load_dataset(name: str = "mnist", on_progress: ProgressFn | None = None, allow_download: bool = True) -> Dataset:
    """MNIST (looked up, else downloaded; raises DataUnavailable) or the bundled 8×8 "digits"."""
    if name == "digits":
        return _digits_dataset()
    if name == "mnist":
        return _load_mnist(on_progress, allow_download)
    raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")


def load_with_fallback(name: str = "mnist", on_progress: ProgressFn | None = None) -> tuple[Dataset, str | None]:
    """`load_dataset(name)`, or the bundled digits plus a plain-words notice for the page if that fails."""
    if name not in DATASETS:
        return _digits_dataset(), f"Unknown dataset {name!r}; training on the bundled 8×8 digits instead."
    try:
        return load_dataset(name, on_progress), None
    except DataUnavailable as err:
        why = "; ".join(err.tried)
        return _digits_dataset(), f"MNIST could not be found or downloaded ({why}); training on the bundled 8×8 digits instead."
