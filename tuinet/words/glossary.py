"""The glossary shown in ``?``: every symbol on screen, said once, exactly."""

from __future__ import annotations

__all__ = ["GLOSSARY", "HELP_CONVENTIONS"]

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("δ_l", "= ∂C/∂z_l: how the cost C changes with each unit's input z, per sample (not ∂C/∂W)"),
    ("e", "= a_L − y, the output error; for C = ½Σe² it is ∂C/∂a_L (mean loss: e/(N·K); C = Σe²: 2e)"),
    ("dW_l", "= ∂C/∂W_l = a_{l−1}ᵀ·δ_l, the shape of W_l; the update is W_l − lr·dW_l (dW points uphill)"),
    ("∂", "partial derivative: ∂C/∂w is how much C changes per unit change of w, the rest held still"),
    ("⊙", "cell by cell product (numpy's *): (A ⊙ B)[n,j] = A[n,j]·B[n,j]"),
    ("·", "matrix product (numpy's .dot or @): (A·B)[i,j] = Σ_k A[i,k]·B[k,j]"),
    ("⊗", "outer product of a column and a row: (u ⊗ v)[i,j] = u[i]·v[j]; dW = Σ_n a_prev[n]ᵀ ⊗ δ[n]"),
    ("ᵀ", "transpose: rows become columns; row i of a_prevᵀ is column i of a_prev (input i, every sample)"),
    ("σ, σ′", "sigmoid σ(z) = 1/(1 + e^(−z)); σ′(z) = σ(z)(1 − σ(z)) = a(1 − a), so derv_sigmoid takes a"),
    ("Σ_n", "a sum over the samples n of the batch: C sums over samples, so every gradient does too"),
    ("a row is a sample", "a0 = X is N×n0: row n holds sample n; a_l, z_l, δ_l, e are N × (units of layer l)"),
    ("W_l", "is n_{l−1}×n_l (inputs×outputs): W_l[i,j] joins unit i below to unit j above; z_l = a_{l−1}·W_l"),
    ("W in textbooks", "Nielsen, Ng: W is outputs×inputs, z = W·a — tuinet's W is their Wᵀ (n switches notation)"),
    ("f′(z_l)", "the activation's derivative at z_l, cell by cell; shown beside δ"),
)
"""(term, meaning) in the order the help shows them."""

HELP_CONVENTIONS = (
    "Conventions: C = ½ Σ (a − y)² by default (sum over samples and outputs). e = a − y is then ∂C/∂a (the outputs; "
    "the mean loss makes it e/(N·K)), "
    "δ = ∂C/∂z (the units' inputs), dW = ∂C/∂W (the weights); only the dW panes are gradients of W. The update is "
    "W − lr·dW — the same numbers as the tutorials' W += lr·a_prevᵀ·δ with their δ built from (y − a), which is "
    "−δ. In the tutorial's code, dC_dw2 = (y − a2)·a2·(1 − a2) is −δ2 = −∂C/∂z2, not ∂C/∂W2 (n shows it in "
    "your names)."
)
"""The help's paragraph on what the numbers are (it replaces the old "Everything shown is ∂C/∂W")."""
