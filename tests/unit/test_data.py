"""gradviz.data: the real MNIST files, the IDX parser, the download path (against a local HTTP server
serving generated IDX files), and the bundled 8×8 digits fallback."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest

from gradviz import data

# Per-class counts of the MNIST test set (LeCun, Cortes & Burges), and its first ten labels.
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
MNIST_TEST_FIRST_LABELS = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
# Per-class counts of the UCI optdigits test set (= scikit-learn's load_digits), from the UCI record.
DIGITS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


# -- helpers: generated IDX files and a local mirror --------------------------------------------------


def idx_bytes(arr: np.ndarray) -> bytes:
    """IDX encoding of a uint8 array: 0x00 0x00 0x08 ndim, big-endian uint32 dims, then the bytes."""
    header = bytes([0, 0, 8, arr.ndim]) + np.asarray(arr.shape, dtype=">u4").tobytes()
    return header + arr.astype(np.uint8).tobytes()


def fake_mnist(n: int = 50, seed: int = 0) -> dict[str, bytes]:
    """Gzip'd IDX files shaped like MNIST: n random 28×28 images and labels 0..9."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = np.arange(n, dtype=np.uint8) % 10
    return {
        data.MNIST_FILES["images"][0]: gzip.compress(idx_bytes(images), mtime=0),
        data.MNIST_FILES["labels"][0]: gzip.compress(idx_bytes(labels), mtime=0),
    }


def use_files(monkeypatch, files: dict[str, bytes]) -> None:
    """Make gradviz.data expect these files (their md5s and sizes) instead of the real MNIST ones."""
    table = {
        key: (name, data.FileSpec(hashlib.md5(files[name]).hexdigest(), len(files[name])))
        for key, (name, _) in data.MNIST_FILES.items()
    }
    monkeypatch.setattr(data, "MNIST_FILES", table)


class Mirror:
    """A local HTTP server: routes map a path to bytes; `truncate` paths send half their declared body."""

    def __init__(self):
        self.routes: dict[str, bytes] = {}
        self.truncate: set[str] = set()
        self.requests: list[str] = []
        mirror = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the name http.server calls
                mirror.requests.append(self.path)
                body = mirror.routes.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if self.path in mirror.truncate else body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def serve(self, prefix: str, files: dict[str, bytes], truncate: str | None = None) -> str:
        """Serve `files` under /prefix/; returns that mirror's base URL."""
        for name, body in files.items():
            self.routes[f"/{prefix}/{name}"] = body
        if truncate:
            self.truncate.add(f"/{prefix}/{truncate}")
        return f"{self.url}/{prefix}/"


@pytest.fixture
def mirror():
    m = Mirror()
    yield m
    m.server.shutdown()
    m.server.server_close()


@pytest.fixture
def cache(monkeypatch, tmp_path) -> Path:
    """An empty user cache folder, and no GRADVIZ_DATA_DIR."""
    folder = tmp_path / "cache" / "mnist"
    monkeypatch.setattr(data, "cache_dir", lambda: folder)
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    return folder


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# -- the real MNIST test set ------------------------------------------------------------------------


def test_real_files_have_the_published_checksums(mnist_dir):
    for path, (_, spec) in zip(data.mnist_files(mnist_dir), data.MNIST_FILES.values(), strict=True):
        assert data.md5_of(path) == spec.md5
        assert path.stat().st_size == spec.size


def test_real_files_parse_to_10000_digits_with_the_known_labels(mnist_dir):
    images_path, labels_path = data.mnist_files(mnist_dir)
    images, labels = data.read_idx_gz(images_path), data.read_idx_gz(labels_path)
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,)
    assert np.bincount(labels).tolist() == MNIST_TEST_COUNTS
    assert labels[:10].tolist() == MNIST_TEST_FIRST_LABELS
    assert images.min() == 0 and images.max() == 255


def test_mnist_dataset_is_split_8000_2000_and_scaled_to_unit_range(mnist_dir):
    ds = data.load_dataset("mnist")
    assert (ds.name, ds.image_shape) == ("mnist", (28, 28))
    assert ds.x_train.shape == (8000, 784) and ds.x_test.shape == (2000, 784)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert ds.y_train.shape == (8000,) and ds.y_test.shape == (2000,)
    assert float(ds.x_train.min()) == 0.0 and float(ds.x_train.max()) == 1.0
    assert ds.source == f"GRADVIZ_DATA_DIR ({mnist_dir})"
    assert "8,000" in ds.description and "2,000" in ds.description and "fixed seed" in ds.description
    # together the two parts are exactly the 10,000 test digits
    assert np.bincount(np.concatenate([ds.y_train, ds.y_test])).tolist() == MNIST_TEST_COUNTS
    # each row is the file's image divided by 255, at the split's index
    images = data.read_idx_gz(data.mnist_files(mnist_dir)[0])
    train, test = data.split_indices(10000)
    np.testing.assert_array_equal(ds.x_test[17], images[test[17]].reshape(-1) / np.float32(255))
    np.testing.assert_array_equal(ds.x_train[-1], images[train[-1]].reshape(-1) / np.float32(255))


def test_split_is_fixed_and_ignores_the_global_rng(mnist_dir):
    first = data.load_dataset("mnist")
    train, test = data.split_indices(10000)
    assert len(np.intersect1d(train, test)) == 0
    assert np.array_equal(np.union1d(train, test), np.arange(10000))
    np.random.seed(1234)
    np.random.permutation(100)  # disturb the global RNG: the split must not notice
    data._mnist_dataset.cache_clear()  # force a fresh parse and split
    again = data.load_dataset("mnist")
    assert again.x_train is not first.x_train
    for a, b in [(first.x_train, again.x_train), (first.y_test, again.y_test)]:
        np.testing.assert_array_equal(a, b)
    t2, s2 = data.split_indices(10000)
    assert np.array_equal(train, t2) and np.array_equal(test, s2)


def test_repeated_loads_share_read_only_arrays(mnist_dir):
    a, b = data.load_dataset("mnist"), data.load_dataset("mnist")
    assert a.x_train is b.x_train  # parsed once per process
    for arr in (a.x_train, a.y_train, a.x_test, a.y_test):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 0


# -- IDX parsing --------------------------------------------------------------------------------------


def test_idx_round_trip():
    arr = np.random.default_rng(3).integers(0, 256, size=(3, 5, 7), dtype=np.uint8)
    np.testing.assert_array_equal(data.parse_idx(idx_bytes(arr)), arr)


def test_bad_magic_is_a_clear_error():
    raw = bytearray(idx_bytes(np.zeros((2, 3), dtype=np.uint8)))
    raw[2] = 0x0D  # 0x0D is IDX's float32 type code: not the unsigned bytes MNIST uses
    with pytest.raises(data.IdxFormatError, match="bad magic number 00000d02"):
        data.parse_idx(bytes(raw), "x.idx")


def test_truncated_idx_is_a_clear_error(tmp_path):
    raw = idx_bytes(np.zeros((10, 28, 28), dtype=np.uint8))
    with pytest.raises(data.IdxFormatError, match=r"need 7840 bytes of pixels, found 7839"):
        data.parse_idx(raw[:-1])
    with pytest.raises(data.IdxFormatError, match="header cut short"):
        data.parse_idx(raw[:9])
    cut = tmp_path / "cut.gz"
    cut.write_bytes(gzip.compress(raw)[:-20])  # a gzip stream cut off before its end
    with pytest.raises(data.IdxFormatError, match="not a complete gzip file"):
        data.read_idx_gz(cut)


# -- look-up order and download -----------------------------------------------------------------------


def test_download_verifies_caches_and_reports_progress(monkeypatch, cache, mirror):
    files = fake_mnist(n=50)
    use_files(monkeypatch, files)
    monkeypatch.setattr(data, "MIRRORS", (mirror.serve("good", files),))
    monkeypatch.setattr(data, "_CHUNK", 4096)  # several reads per file, so several progress reports
    seen: list[float] = []
    ds = data.load_dataset("mnist", on_progress=lambda fraction, message: seen.append(fraction))
    assert ds.source == f"downloaded from {mirror.url}/good/"
    assert ds.x_train.shape == (40, 784) and ds.x_test.shape == (10, 784)
    assert leftovers(cache) == sorted(files)  # both files, no temporary ones
    for name, body in files.items():
        assert (cache / name).read_bytes() == body
    assert len(seen) > 5 and seen == sorted(seen) and seen[-1] == 1.0 and 0 < seen[0] < 1
    # the second load reads the cache and asks no mirror
    n_requests = len(mirror.requests)
    assert data.load_dataset("mnist").source == f"cache ({cache})"
    assert len(mirror.requests) == n_requests == 2


@pytest.mark.parametrize("fault", ["truncated", "wrong md5"])
def test_a_bad_download_raises_and_leaves_nothing_in_the_cache(monkeypatch, cache, mirror, fault):
    files = fake_mnist()
    images = data.MNIST_FILES["images"][0]
    use_files(monkeypatch, files)
    if fault == "wrong md5":
        table = dict(data.MNIST_FILES)
        table["images"] = (images, data.FileSpec("0" * 32, len(files[images])))
        monkeypatch.setattr(data, "MNIST_FILES", table)
    url = mirror.serve("bad", files, truncate=images if fault == "truncated" else None)
    monkeypatch.setattr(data, "MIRRORS", (url,))
    with pytest.raises(data.DataUnavailable, match=url) as err:
        data.load_dataset("mnist")
    assert isinstance(err.value, RuntimeError)
    assert ("cut off after" if fault == "truncated" else "md5") in str(err.value)
    assert leftovers(cache) == []


def test_second_mirror_is_used_when_the_first_fails(monkeypatch, cache, mirror):
    files = fake_mnist()
    use_files(monkeypatch, files)
    first = mirror.serve("cut", files, truncate=data.MNIST_FILES["labels"][0])  # images fine, labels cut
    second = mirror.serve("good", files)
    monkeypatch.setattr(data, "MIRRORS", (f"{mirror.url}/missing/", first, second))
    ds = data.load_dataset("mnist")
    assert ds.source == f"downloaded from {second}"
    assert leftovers(cache) == sorted(files)
    assert [r.split("/")[1] for r in mirror.requests] == ["missing", "cut", "cut", "good", "good"]


def test_a_corrupt_cached_file_is_replaced(monkeypatch, cache, mirror):
    files = fake_mnist()
    use_files(monkeypatch, files)
    monkeypatch.setattr(data, "MIRRORS", (mirror.serve("good", files),))
    cache.mkdir(parents=True)
    for name, body in files.items():
        (cache / name).write_bytes(body[:-1])
    assert data.load_dataset("mnist").source.startswith("downloaded from")
    assert all((cache / name).read_bytes() == body for name, body in files.items())


def test_data_dir_comes_first_and_bad_files_there_are_named(monkeypatch, cache, tmp_path):
    files = fake_mnist(n=20)
    use_files(monkeypatch, files)
    folder = tmp_path / "mine"
    folder.mkdir()
    for name, body in files.items():
        (folder / name).write_bytes(body)
    (cache.mkdir(parents=True))
    monkeypatch.setenv(data.ENV_VAR, str(folder))
    assert data.load_dataset("mnist").source == f"GRADVIZ_DATA_DIR ({folder})"
    (folder / data.MNIST_FILES["labels"][0]).write_bytes(b"not gzip")
    with pytest.raises(data.DataUnavailable) as err:
        data.load_dataset("mnist", allow_download=False)
    assert f"GRADVIZ_DATA_DIR ({folder}): t10k-labels-idx1-ubyte.gz has the wrong md5" in str(err.value)
    assert "downloads are switched off" in str(err.value)


def test_a_file_with_the_right_md5_but_bad_magic_is_unavailable_not_a_crash(monkeypatch, cache, tmp_path):
    files = fake_mnist(n=10)
    images = data.MNIST_FILES["images"][0]
    raw = bytearray(gzip.decompress(files[images]))
    raw[3] = 9  # ndim 9: not an IDX header
    files[images] = gzip.compress(bytes(raw), mtime=0)
    use_files(monkeypatch, files)
    for name, body in files.items():
        (tmp_path / name).write_bytes(body)
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path))
    with pytest.raises(data.DataUnavailable, match="bad magic number"):
        data.load_dataset("mnist", allow_download=False)


def test_concurrent_first_loads_download_once(monkeypatch, cache, mirror):
    files = fake_mnist()
    use_files(monkeypatch, files)
    monkeypatch.setattr(data, "MIRRORS", (mirror.serve("good", files),))
    sources: list[str] = []
    threads = [threading.Thread(target=lambda: sources.append(data.load_dataset("mnist").source)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(mirror.requests) == 2  # one download of the two files; the other sessions read the cache
    assert sorted(s.split(" ")[0] for s in sources) == ["cache"] * 3 + ["downloaded"]


# -- offline: the bundled digits ----------------------------------------------------------------------


def test_offline_with_nothing_cached_falls_back_to_the_digits(cache, refused_url):
    with pytest.raises(data.DataUnavailable) as err:
        data.load_dataset("mnist")
    tried = " ".join(err.value.tried)
    assert "GRADVIZ_DATA_DIR is not set" in tried and str(cache) in tried and refused_url in tried
    ds, notice = data.load_with_fallback("mnist")
    assert ds.name == "digits" and ds.source == "bundled"
    assert notice.startswith("MNIST could not be found or downloaded (")
    assert notice.endswith("training on the bundled 8×8 digits instead.") and refused_url in notice


def test_bundled_digits_are_the_uci_test_set_split_80_20():
    ds = data.load_dataset("digits")
    assert ds.image_shape == (8, 8) and ds.x_train.shape == (1438, 64) and ds.x_test.shape == (359, 64)
    assert np.bincount(np.concatenate([ds.y_train, ds.y_test])).tolist() == DIGITS_COUNTS
    # pixels were counts 0..16 of "on" pixels in 4×4 blocks, scaled by 1/16: multiples of 1/16 in [0, 1]
    x = np.concatenate([ds.x_train, ds.x_test])
    assert x.min() == 0.0 and x.max() == 1.0 and np.array_equal(x * 16, np.round(x * 16))
    assert data.load_with_fallback("digits") == (ds, None)
    assert not ds.x_train.flags.writeable


def test_bundled_digits_match_scikit_learn_exactly():
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    digits = sklearn_datasets.load_digits()
    with np.load(data.ASSET, allow_pickle=False) as npz:
        np.testing.assert_array_equal(npz["images"], digits.images)
        np.testing.assert_array_equal(npz["labels"], digits.target)


def test_unknown_dataset_names():
    with pytest.raises(ValueError, match="choose one of mnist, digits"):
        data.load_dataset("cifar")
    ds, notice = data.load_with_fallback("cifar")
    assert ds.name == "digits" and "Unknown dataset 'cifar'" in notice
