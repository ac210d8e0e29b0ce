"""README's figures, written from the committed results: the screenshot's caption and the two lines the
notebook snippet prints. README marks each block with `<!-- figures:NAME -->` … `<!-- /figures:NAME -->`;
this script rewrites what is between the marks, so README's numbers are the numbers the app shows.

    python tools/readme_figures.py           # rewrite README.md (after `python -m gradviz.precompute`)
    python tools/readme_figures.py --check   # exit 1 if README.md disagrees with the committed results

tests/unit/test_readme.py runs the check, and runs the snippet from outside the repository.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gradviz import results  # noqa: E402
from gradviz.lessons.deep_nets import experiment as dn  # noqa: E402
from gradviz.lessons.deep_nets.summary import Summary, summarize  # noqa: E402
from gradviz.net_options import ACTIVATIONS  # noqa: E402

# the snippet's two runs, as README's snippet builds them
SNIPPET_RUNS = {
    "sigmoid / default": dn.Config(activation="sigmoid", init="default"),
    "relu / he": dn.Config(activation="relu", init="he"),
}
SNIPPET_LINE = "{name:18}  layer 1 / layer {out} gradient: {ratio:.1e}   held-out accuracy: {accuracy:.1%}"
NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "gelu": "GELU"}
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _committed(cfg: dn.Config) -> Summary:
    found = results.load("deep_nets", cfg, results.code_version(dn.__file__))
    if found is None:
        raise SystemExit(f"no committed result for {cfg}: run `python -m gradviz.precompute deep_nets` first")
    return summarize(found)


def _power_of_ten(x: float) -> str:
    """2.04e-05 -> '2·10⁻⁵' (one significant digit, as the caption shows it)."""
    mantissa, exponent = f"{x:.0e}".split("e")
    return f"{mantissa}·10{str(int(exponent)).translate(SUPERSCRIPT)}"


def caption() -> str:
    """The screenshot of /deep_nets?compare=activations and its caption: the runs that view compares, each
    number read from its committed result (the gradient reaching hidden layer 1 over the one reaching the
    last hidden layer, as the page's first readout; and the held-out accuracy)."""
    base = dn.PRESETS["default"]
    runs = {a: _committed(replace(base, activation=a)) for a in ACTIVATIONS}
    d = base.depth

    def listed(parts: list[str]) -> str:
        return ", ".join(parts[:-1]) + " and " + parts[-1]

    ratios = listed([f"{_power_of_ten(s.back_ratio)} ({NAMES.get(a, a)})" for a, s in runs.items()])
    shown = [f"{s.accuracy:.1%}" for s in runs.values()]
    accuracies = f"{shown[0]} for each" if len(set(shown)) == 1 else f"{listed(shown)}, in that order"
    sig = runs["sigmoid"].back_ratio
    return (
        f"![The deep-nets lesson comparing {listed([NAMES.get(a, a) for a in runs])} side by side: gradient norm "
        f"of every layer during training on MNIST, log scale; with sigmoid the first hidden layer gets {sig:.0e} "
        f"of the gradient reaching the last](docs/deep_nets_compare.png)\n"
        "\n"
        f'*The "Vanishing gradients in deep nets" lesson at `/deep_nets?compare=activations`: the same '
        f"{d}-hidden-layer MLP, with PyTorch's default initialization and the same seed, trained on MNIST once "
        f"per activation. Over training, hidden layer 1 receives {ratios} of the gradient that reaches layer "
        f"{d}; held-out accuracy is {accuracies} (chance is 10%).*"
    )


def snippet_output() -> str:
    lines = []
    for name, cfg in SNIPPET_RUNS.items():
        s = _committed(cfg)
        lines.append(SNIPPET_LINE.format(name=name, out=cfg.depth, ratio=s.back_ratio, accuracy=s.accuracy))
    return "```\n" + "\n".join(lines) + "\n```"


BLOCKS = {"caption": caption, "snippet-output": snippet_output}


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- figures:{name} -->\n)(.*?)(\n<!-- /figures:{name} -->)", re.S)


def rewritten(text: str) -> str:
    """`text` (README) with every figures block written from the committed results."""
    for name, make in BLOCKS.items():
        pattern = _pattern(name)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no <!-- figures:{name} --> block")
        body = make()
        text = pattern.sub(lambda m, body=body: m.group(1) + body + m.group(3), text)
    return text


def block(text: str, name: str) -> str:
    """The current content of README's block `name`."""
    found = _pattern(name).search(text)
    if not found:
        raise KeyError(name)
    return found.group(2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if README.md is stale")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    new = rewritten(text)
    if args.check:
        if new != text:
            print("README.md's figures differ from the committed results: run python tools/readme_figures.py")
            return 1
        print("README.md's figures match the committed results")
        return 0
    if new != text:
        README.write_text(new, encoding="utf-8")
        print("rewrote README.md's figures from the committed results")
    else:
        print("README.md's figures already match the committed results")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
