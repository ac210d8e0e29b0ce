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

# the snippet's two runs, as README's snippet builds them
SNIPPET_RUNS = {
    "sigmoid / default": dn.Config(activation="sigmoid", init="default"),
    "relu / kaiming": dn.Config(activation="relu", init="kaiming"),
}
SNIPPET_LINE = "{name:18}  layer 1 / layer {out} gradient: {ratio:.1e}   held-out accuracy: {accuracy:.1%}"
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _committed(cfg: dn.Config) -> dn.Summary:
    found = results.load("deep_nets", cfg, results.code_version(dn.__file__))
    if found is None:
        raise SystemExit(f"no committed result for {cfg}: run `python -m gradviz.precompute deep_nets` first")
    return dn.summarize(found)


def _power_of_ten(x: float) -> str:
    """2.04e-05 -> '2·10⁻⁵' (one significant digit, as the caption shows it)."""
    mantissa, exponent = f"{x:.0e}".split("e")
    return f"{mantissa}·10{str(int(exponent)).translate(SUPERSCRIPT)}"


def _factor(ratio: float) -> str:
    """How far apart layer 1's and the last layer's gradients are, either way: 0.195 -> '5.1'."""
    return f"{max(ratio, 1 / ratio):.1f}"


def caption() -> str:
    """The screenshot of /deep_nets?compare=activations and its caption: the three runs that view compares."""
    base = dn.PRESETS["default"]
    runs = {a: _committed(replace(base, activation=a)) for a in ("sigmoid", "tanh", "relu")}
    sig, tanh, relu = runs["sigmoid"], runs["tanh"], runs["relu"]
    depth, out = base.depth, base.depth + 1
    learns = (
        f"it reaches {relu.accuracy:.1%} held-out accuracy"
        if relu.accuracy >= 0.2
        else f"it does not learn in {base.epochs} epochs (held-out accuracy {relu.accuracy:.1%}; chance is 10%): "
        "a gradient that reaches layer 1 does not by itself make a net learn"
    )
    return (
        f"![The deep-nets lesson comparing sigmoid, tanh and ReLU side by side: gradient norm of every layer during "
        f"training on MNIST, log scale; with sigmoid the first layer gets {sig.ratio:.0e} of the last layer's "
        f"gradient](docs/deep_nets_compare.png)\n"
        "\n"
        f'*The "Vanishing gradients in deep nets" lesson at `/deep_nets?compare=activations`. The same '
        f"{depth}-hidden-layer MLP, with PyTorch's default initialization and the same seed, is trained on MNIST "
        f"three times. With sigmoid, layer 1 receives {_power_of_ten(sig.ratio)} of the gradient that layer {out} "
        f"gets. With tanh, layer 1's gradient is within a factor of {_factor(tanh.ratio)} of layer {out}'s and "
        f"the net reaches {tanh.accuracy:.1%} held-out accuracy. With ReLU it is within a factor of "
        f"{_factor(relu.ratio)}, yet {learns}.*"
    )


def snippet_output() -> str:
    lines = []
    for name, cfg in SNIPPET_RUNS.items():
        s = _committed(cfg)
        lines.append(SNIPPET_LINE.format(name=name, out=cfg.depth + 1, ratio=s.ratio, accuracy=s.accuracy))
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
