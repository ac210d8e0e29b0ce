from gradviz.lessons.clipping import experiment as exp
def test_show():
    r = exp.run(exp.PRESETS["explodes"])
    print("DIVERGED_AT", exp.summary_value(r, "none", "diverged_at"), "train is", exp.train.__name__)
