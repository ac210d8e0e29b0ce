"""The home page's product against the lecture's published numbers, and its words against the product:
the readout factor^T and the formula under it count the same T factors; the verdict names the regime the
product is in, at every slider's extremes."""

import itertools
import re

import pytest

from gradviz.lessons.home import words
from gradviz.lessons.home.product import repeated_product


def test_the_lectures_numbers():
    df = repeated_product([1.1, 0.9], 50).set_index(["factor", "T"])["product"]
    assert round(df[("1.1", 50)], 1) == 117.4
    assert round(df[("0.9", 50)], 5) == 0.00515
    assert "117.4" in words.comparison() and "0.00515" in words.comparison()


@pytest.mark.parametrize(
    ("factor", "steps"), list(itertools.product((0.5, 0.9, 0.99, 1.0, 1.01, 1.1, 1.5), (1, 2, 50, 100)))
)
def test_formula_has_as_many_factors_as_the_readout(factor, steps):
    latex = words.product_latex(factor, steps)
    # the product runs t = 1 … T: exactly T factors, the power the readout shows
    assert r"\prod_{t=1}^{T}" in latex and "T-1" not in latex and r"\prod_{t=2}" not in latex
    assert f"{factor:g}^{{{steps}}}" in latex
    mantissa, exponent = re.search(r"= (-?[\d.]+)\\times10\^\{(-?\d+)\}$", latex).groups()
    assert float(mantissa) * 10 ** int(exponent) == pytest.approx(factor**steps, rel=1e-3)
    # the verdict names the regime of that same product
    v, product = words.verdict(factor, steps), factor**steps
    assert v.startswith("**Vanishing.**") == (product < 1e-2)
    assert v.startswith("**Exploding.**") == (product > 1e2)
    assert v.startswith("**Survives.**") == (1e-2 <= product <= 1e2)
    assert f"After {steps} step" in v and ("steps" in v) == (steps > 1)
    assert "nan" not in v.lower() and "inf" not in v


def test_chart_builds_with_typed_fields():
    from gradviz.lessons.home.charts import product_vs_steps

    spec = product_vs_steps(repeated_product([1.5, 1.1, 0.9], 100), highlight="1.5").to_dict()
    enc = [layer.get("encoding", {}) for layer in spec["layer"]]
    assert any(e.get("y", {}).get("scale", {}).get("type") == "log" for e in enc)


def test_readme_lists_every_lesson_by_its_catalogue_title():
    """README's "What it teaches" table has one row per lesson, titled and linked as the catalogue says."""
    import re
    from pathlib import Path

    from gradviz import lessons

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \*\*(.+?)\*\* \(`/(\w+)`\) \|", readme, flags=re.M)
    assert rows == [(lesson.title, lesson.name) for lesson in lessons.LESSONS]
