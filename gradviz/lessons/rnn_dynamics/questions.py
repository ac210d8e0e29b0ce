"""Predict, then reveal: each section's question, with its options, answer and explanation."""

from __future__ import annotations

# == Predict, then reveal: each section's question; tests/unit/test_dynamics.py checks every claimed number ==

QUESTIONS: dict[str, dict] = {
    "chain": {
        "question": "With w = 1.1 and T = 50 the linear unit's product is 117. What does the tanh unit give?",
        "options": ["more than 117", "about 117", "far less than 1"],
        "answer": "far less than 1",
        "explanation": "Each factor is w(1 − h_t²) ≤ w. The state settles near h ≈ 0.50, so each factor is about "
        "0.82 and fifty of them multiply to about 6e-5: the squashing forward pass makes it vanish.",
    },
    "map": {
        "question": "At r = 3.2 the orbit settles on a 2-cycle. As n grows, |dxₙ/dx₀| will…",
        "options": ["grow", "shrink", "stay near 1"],
        "answer": "shrink",
        "explanation": "The 2-cycle's multiplier is −r² + 2r + 4 = 0.16, so λ = ½ ln 0.16 ≈ −0.92: each step "
        "divides the sensitivity by about 2.5. Try the preset.",
    },
    "unit": {
        "question": "w = 2, b = 0, T = 20: at which start h_0 is |∂h_T/∂h_0| largest?",
        "options": ["near h_0 = ±1", "at h_0 = 0", "the same everywhere"],
        "answer": "at h_0 = 0",
        "explanation": "0 is the repelling fixed point, with f′(0) = w = 2, so the product there is 2²⁰ ≈ 1e6, "
        "while inside the basins it is about 1e-15.",
    },
    "cliff": {
        "question": "From the default settings, move b onto the cliff (b ≈ −0.45) and take one plain gradient "
        "step with learning rate 0.1. What happens?",
        "options": [
            "a small careful step",
            "a giant step that throws b far away",
            "no step: the gradient is zero",
        ],
        "answer": "a giant step that throws b far away",
        "explanation": "On the cliff |∂L/∂b| is about 9e4, so 0.1 × 9e4 moves b by thousands: far off the map. "
        "Clipping the gradient's norm is the fix the next lesson teaches.",
    },
    "many": {
        "question": "ρ = 1.1: linear units explode (thousands by T = 100). With tanh units the same W gives…",
        "options": ["an even bigger number", "about the same", "a number of order 1 or less"],
        "answer": "a number of order 1 or less",
        "explanation": "tanh′ ≤ 1 and the state saturates, so most factors shrink: the squashing forward pass "
        "keeps this backward product bounded.",
    },
}
