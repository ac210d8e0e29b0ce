"""gradviz: why gradients vanish and explode in deep and recurrent networks, and what fixes them.

`import gradviz` is cheap on purpose: torch is imported only by the modules that train (the lessons' `nets.py`,
`gradviz.probe`, `gradviz.train`, and the lessons' experiments, each lazily when a run starts). Shared
machinery lives at the top of this package; each lesson lives in its own package under `gradviz/lessons/`
(see README, "Architecture" and "Use gradviz from Python", for the layout and a notebook example).
"""

__version__ = "0.1.0"
