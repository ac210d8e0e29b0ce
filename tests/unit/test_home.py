"""The home page's product against the lecture's published numbers."""

from gradviz.lessons.home.product import repeated_product


def test_the_lectures_numbers():
    df = repeated_product([1.1, 0.9], 50).set_index(["factor", "T"])["product"]
    assert round(df[("1.1", 50)], 1) == 117.4
    assert round(df[("0.9", 50)], 5) == 0.00515
