"""The home page's share: the one-line essence (a per-step factor raised to the power T) and its chart.

Sources: Grosse & Ba, CSC421/2516 Lecture 14 (1.1^50 and 0.9^50); Suresh (2016), "Vanishing Gradients & LSTMs".
"""
