"""Lesson "Gradient clipping": one SGD step falls off a loss cliff while a clipped step stays put
(`cliff`, numpy only, on the one-unit RNN of the rnn_dynamics lesson), then a real tanh RNN on the adding
problem trained with and without clipping (`experiment`, torch). `charts` and `words` lay it out.

Follows Pascanu, Mikolov & Bengio (2013), section 3.2, and the lecture (Grosse & Ba, CSC421/2516 Lecture 14);
clipping by threshold as in "The gradient problem in RNN" (2019).
"""
