"""Altair chart builders: one function per chart, long-form DataFrame in, `alt.Chart` out.

Conventions (see `gradviz.charts.style`): types always written (`:Q :O :N`), log scales for gradient
sizes, formatted tooltips, a colour-blind-safe palette plus a second cue (dashes or labels).
"""
