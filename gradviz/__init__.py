"""gradviz: why gradients vanish and explode in deep and recurrent networks, and what fixes them.

`import gradviz` is cheap on purpose: torch is imported only by the modules that train
(`gradviz.nets`, `gradviz.probe`, `gradviz.train`, and the experiments that use them). The analytic
parts (`gradviz.lessons.rnn_dynamics`, `gradviz.lessons.deep_nets.closed_form`) and the chart builders run on numpy alone.

Typical notebook use::

    from gradviz.lessons.deep_nets import experiment as deep_nets
    result = deep_nets.run(deep_nets.Config(activation="sigmoid", depth=6))
    result.tables["layers"].head()
"""

__version__ = "0.1.0"
