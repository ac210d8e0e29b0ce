"""ui.provenance: the one sentence a page puts under trained results, saying where its numbers come from."""

from gradviz import ui
from gradviz.results import Result


def _result(precomputed: bool, seconds: float = 1.0) -> Result:
    return Result({}, {"precomputed": True, "seconds": seconds} if precomputed else {"seconds": seconds})


def test_committed_results_are_what_every_visitor_sees():
    text = ui.provenance({"a": _result(True, 2.0), "b": _result(True, 0.5)})
    assert text.startswith("2.5 s of training, precomputed") and "every visitor sees exactly" in text
    assert "differ" not in text


def test_live_runs_say_they_can_differ_on_another_machine():
    for runs in (_result(False), [_result(False), _result(False)]):
        text = ui.provenance(runs)
        assert "trained live" in text and "differ in the last digits" in text and "of these" not in text
    mixed = ui.provenance([_result(True), _result(False)])
    assert "1 of these 2 runs trained live" in mixed and "differ in the last digits" in mixed
