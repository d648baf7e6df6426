"""Notation profiles: the engine's numbers, labelled and oriented as the learner's own source writes them.

The engine has one set of matrix keys (``a0, z1, a1, …, e, delta2, dW2, W2_new``) and one orientation (rows are
samples, W_l is n_{l−1}×n_l). A profile maps each key to the name a source uses for it, says whether that source
draws matrices transposed (column vectors, W as outputs×inputs), and adds a one-line note wherever a name hides
a different quantity.

**Signs.** The tutorials' ``delta2 = y − a2`` and ``dC_dw2 = delta2 * derv_sigmoid(a2)`` are the *negatives* of
tuinet's e and δ2. A profile never changes a number: the screen always shows the engine's matrices, and where the
source's variable is the negative of the engine's quantity the label says so — tuinet's e is shown as
``−delta2``, tuinet's δ2 as ``−dC_dw2`` — and the note states the relation. So every label is an exact name for
the numbers under it.

Presets (scenarios) may supply their own names, per matrix and optionally per cell (Mazur's w1…w8):
``custom("mazur", names={"W1": "w"}, cells={"W1": {(0, 0): "w1", …}})`` or ``register(profile)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np

from tuinet.engine.types import Matrix
from tuinet.errors import TuinetError
from tuinet.words.names import display_name

__all__ = [
    "DEFAULT",
    "NAMES",
    "NotationError",
    "Profile",
    "Slot",
    "custom",
    "get_profile",
    "next_name",
    "register",
    "registered",
    "slot_of",
]

DEFAULT = "tuinet"
SYMBOLS = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "linear": "id"}
"""Activation name → its symbol in labels (σ′(z1))."""


class NotationError(TuinetError):
    """An unknown profile name."""


@dataclass(frozen=True)
class Slot:
    """What a label template needs to know about one matrix key."""

    key: str
    kind: str
    """``a z dadz delta W b dW db W_new b_new e y loss``."""
    layer: int
    """The layer number in the key (0 for e, y, loss)."""
    L: int
    """The output layer."""
    activation: str = "sigmoid"
    """The activation of ``layer`` (for dadz labels such as ``derv_sigmoid(a2)``)."""


_KEY = re.compile(r"^(a|z|dadz|delta|W|b|dW|db)(\d+)(_new)?$")


def slot_of(key: str, L: int, activations: tuple[str, ...] = ()) -> Slot:
    """The slot of ``key`` in a network with output layer ``L`` and activations by layer (1-based)."""
    match = _KEY.match(key)
    if match is None:
        return Slot(key, key, 0, L)
    kind = match.group(1) + ("_new" if match.group(3) else "")
    layer = int(match.group(2))
    act = activations[layer - 1] if 1 <= layer <= len(activations) else "sigmoid"
    return Slot(key, kind, layer, L, act)


Template = str | Callable[[Slot], str]
"""A label or note: a format string over ``{l}`` (layer), ``{p}`` (layer − 1), ``{q}`` (layer − 2), ``{L}``,
or a function of the slot."""


def _fill(template: Template, slot: Slot) -> str:
    if callable(template):
        return template(slot)
    return template.format(l=slot.layer, p=slot.layer - 1, q=slot.layer - 2, L=slot.L)


@dataclass(frozen=True)
class Profile:
    """A source's names and orientation for the engine's matrices."""

    name: str
    title: str
    """One line: whose notation this is."""
    labels: Mapping[str, Template] = field(default_factory=dict)
    """Kind → label template; a kind not listed keeps tuinet's label."""
    notes: Mapping[str, Template] = field(default_factory=dict)
    """Kind → one-line note, for the names that hide a different quantity."""
    columns: bool = False
    """Column vectors (Nielsen, Ng): every matrix drawn transposed; W is outputs×inputs."""
    once: str = ""
    """Said once, where the profile is introduced (e.g. "tuinet's W1 is this W1ᵀ")."""
    names: Mapping[str, str] = field(default_factory=dict)
    """Key → label, overriding ``labels`` (presets' own names)."""
    cells: Mapping[str, Mapping[tuple[int, int], str]] = field(default_factory=dict)
    """Key → (row, col) in the engine's orientation → the cell's own name (Mazur's w1…w8)."""

    def label(self, key: str, L: int, activations: tuple[str, ...] = ()) -> str:
        """How this source names the matrix ``key`` (an exact name for the engine's numbers under it)."""
        if key in self.names:
            return self.names[key]
        slot = slot_of(key, L, activations)
        template = self.labels.get(slot.kind)
        if template is None and slot.kind == "dadz":
            return f"{SYMBOLS.get(slot.activation, 'f')}′(z{slot.layer})"
        if template is None:
            return display_name(key)
        return _fill(template, slot)

    def note(self, key: str, L: int, activations: tuple[str, ...] = ()) -> str:
        """The one-line note for ``key``, or ''."""
        slot = slot_of(key, L, activations)
        template = self.notes.get(slot.kind)
        return "" if template is None else _fill(template, slot)

    def cell_name(self, key: str, row: int, col: int) -> str | None:
        """The source's own name of cell (row, col) of ``key`` (engine orientation), if it has one."""
        return self.cells.get(key, {}).get((row, col))

    def negated(self, key: str, L: int, activations: tuple[str, ...] = ()) -> bool:
        """Whether the label is minus the source's variable (the numbers are the engine's)."""
        return self.label(key, L, activations).startswith("−")

    # -- orientation ---------------------------------------------------------------------------------------------

    def orient(self, matrix: Matrix) -> Matrix:
        """``matrix`` as this source draws it (transposed for column vectors); the numbers are unchanged."""
        return matrix.T if self.columns else matrix

    def shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(reversed(shape)) if self.columns else shape

    def shape_text(self, shape: tuple[int, ...]) -> str:
        """(4, 3) → ``(4×3)``, in this source's orientation."""
        return "(" + "×".join(str(n) for n in self.shape(shape)) + ")"

    def position(self, row: int, col: int) -> tuple[int, int]:
        """Where the engine's cell (row, col) is drawn."""
        return (col, row) if self.columns else (row, col)


def _x(slot: Slot) -> str:
    """The tutorial's name of the layer's input a_{l−1}: x for the data, a1, a2, … above it."""
    return "x" if slot.layer == 1 else f"a{slot.layer - 1}"


def _prime_tutorial(slot: Slot) -> str:
    # The tutorials' derivative helpers take the activation a, not z (see words/reasons.py: σ′(z) = a(1 − a)).
    return {
        "sigmoid": f"derv_sigmoid(a{slot.layer})",
        "tanh": f"derv_tanh(a{slot.layer})",
        "relu": f"derv_relu(z{slot.layer})",
        "linear": "1",
    }.get(slot.activation, f"f′(z{slot.layer})")


def _prime_trask(slot: Slot) -> str:
    if slot.activation == "sigmoid":
        return f"nonlin(l{slot.layer},deriv=True)"
    return f"f′(l{slot.layer - 1}.dot(syn{slot.layer - 1}))"


_TUTORIAL = Profile(
    "tutorial",
    "the tutorial loop (README): x, weight1, z1 = x @ weight1, delta2 = y − a2, dC_dw2 = delta2 * derv_sigmoid(a2)",
    labels={
        "a": lambda s: "x" if s.layer == 0 else f"a{s.layer}",
        "W": "weight{l}",
        "W_new": "weight{l}′",
        "e": "−delta{L}",
        "delta": "−dC_dw{l}",
        "dadz": _prime_tutorial,
        "dW": lambda s: f"−{'x' if s.layer == 1 else f'a{s.layer - 1}'}.T@dC_dw{s.layer}",
        "db": "−Σ dC_dw{l}",
    },
    notes={
        "a": lambda s: "x is tuinet's a0: one row per sample" if s.layer == 0 else "",
        "W": "weight{l} is tuinet's W{l}: inputs×outputs, one column per unit",
        "e": "your delta{L} = y − a{L} is −e (e = a{L} − y), so the numbers shown are −delta{L}",
        "delta": lambda s: (
            f"your dC_dw{s.layer} is −δ{s.layer} = −∂C/∂z{s.layer}, not ∂C/∂W{s.layer}; ∂C/∂W{s.layer} is "
            f"{_x(s)}ᵀ·δ{s.layer}, so the numbers shown are −dC_dw{s.layer}"
        ),
        "dW": lambda s: (
            f"dW{s.layer} = ∂C/∂W{s.layer} = {_x(s)}ᵀ·δ{s.layer} = −{_x(s)}.T @ dC_dw{s.layer}: your "
            f"`weight{s.layer} += lr * {_x(s)}.T @ dC_dw{s.layer}` is weight{s.layer} − lr·dW{s.layer}"
        ),
        "db": "db{l} = ∂C/∂b{l} = Σ_n δ{l}[n,:] = −Σ_n dC_dw{l}[n,:]",
        "dadz": lambda s: {
            "sigmoid": "derv_sigmoid(a) = a·(1 − a) = σ′(z): it takes the activation a, not z",
            "tanh": "derv_tanh(a) = 1 − a² = tanh′(z): it takes the activation a, not z",
        }.get(s.activation, ""),
    },
)

_TRASK = Profile(
    "trask",
    "iamtrask's 11-line network: l0, l1 = nonlin(l0.dot(syn0)), l2_error = y − l2, syn1 += l1.T.dot(l2_delta)",
    labels={
        "a": "l{l}",
        "z": "l{p}.dot(syn{p})",
        "W": "syn{p}",
        "W_new": "syn{p}′",
        "e": "−l{L}_error",
        "delta": "−l{l}_delta",
        "dadz": _prime_trask,
        "dW": "−l{p}.T.dot(l{l}_delta)",
        "b": "bias{p}",
        "b_new": "bias{p}′",
        "db": "−Σ l{l}_delta",
    },
    notes={
        "a": "l{l} is tuinet's a{l} (layer numbers the same, one row per sample)",
        "W": "syn{p} is tuinet's W{l}: Trask numbers the weights from 0",
        "e": "your l{L}_error = y − l{L} is −e (e = a{L} − y), so the numbers shown are −l{L}_error",
        "delta": lambda s: (
            f"your l{s.layer}_delta is −δ{s.layer} = −∂C/∂z{s.layer}"
            + (
                f"; your l{s.layer}_error = l{s.layer + 1}_delta.dot(syn{s.layer}.T) "
                f"is −(δ{s.layer + 1}·W{s.layer + 1}ᵀ)"
                if s.layer < s.L
                else ""
            )
        ),
        "dW": (
            "∂C/∂W{l} = a{p}ᵀ·δ{l} = −l{p}.T.dot(l{l}_delta): your `syn{p} += l{p}.T.dot(l{l}_delta)` "
            "is W{l} − 1·dW{l} (Trask's lr is 1)"
        ),
        "dadz": lambda s: (
            "nonlin(x, deriv=True) returns x·(1 − x): it is given l = σ(z), so it returns σ′(z)"
            if s.activation == "sigmoid"
            else ""
        ),
    },
)

_NIELSEN = Profile(
    "nielsen",
    "column vectors (Nielsen's book, Ng's course): a is units×samples, W is outputs×inputs, z = W·a",
    labels={"dW": "∇W{l}", "db": "∇b{l}"},
    notes={
        "W": "tuinet's W{l} is this W{l}ᵀ: here W{l} is outputs×inputs, so z{l} = W{l}·a{p}",
        "dW": "∇W{l} = ∂C/∂W{l} = δ{l}·a{p}ᵀ (tuinet's dW{l}ᵀ)",
    },
    columns=True,
    once="tuinet's W1 is this W1ᵀ: every matrix here is drawn transposed (columns are samples), the numbers unchanged",
)

_TUINET = Profile("tuinet", "tuinet's own: rows are samples, W_l is inputs×outputs, z = a·W, dW = ∂C/∂W")

_REGISTRY: dict[str, Profile] = {p.name: p for p in (_TUINET, _TUTORIAL, _TRASK, _NIELSEN)}
NAMES: tuple[str, ...] = tuple(_REGISTRY)
"""The built-in profiles, in the order ``n`` cycles them."""


def register(profile: Profile) -> None:
    """Make ``profile`` available by name (a preset's own notation). Built-in names cannot be replaced."""
    if profile.name in NAMES:
        raise NotationError(f"{profile.name!r} is a built-in notation")
    _REGISTRY[profile.name] = profile


def custom(
    name: str,
    *,
    base: str = DEFAULT,
    title: str = "",
    names: Mapping[str, str] | None = None,
    cells: Mapping[str, Mapping[tuple[int, int], str]] | None = None,
    notes: Mapping[str, str] | None = None,
) -> Profile:
    """A preset's profile: ``base``'s names and orientation, with its own matrix and cell names."""
    parent = get_profile(base)
    merged_notes: dict[str, Template] = dict(parent.notes)
    for key, text in (notes or {}).items():
        merged_notes[slot_of(key, 0).kind] = text
    return replace(
        parent,
        name=name,
        title=title or parent.title,
        names=MappingProxyType({**parent.names, **(names or {})}),
        cells=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in (cells or {}).items()}),
        notes=MappingProxyType(merged_notes),
    )


def get_profile(name: str) -> Profile:
    """The profile called ``name`` (raises NotationError naming the choices)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise NotationError(f"--notation must be one of {', '.join(_REGISTRY)}, got {name!r}") from None


def registered() -> tuple[str, ...]:
    """Every profile by name: the built-ins, then those presets registered."""
    return tuple(_REGISTRY)


def next_name(name: str, extra: tuple[str, ...] = ()) -> str:
    """The profile after ``name`` in the cycle (built-ins, then ``extra`` such as a preset's)."""
    cycle = (*NAMES, *(n for n in extra if n not in NAMES))
    return cycle[(cycle.index(name) + 1) % len(cycle)] if name in cycle else cycle[0]


def same_numbers(profile: Profile, matrix: Matrix, shown: Matrix) -> bool:
    """True when ``shown`` is ``matrix`` drawn in ``profile``'s orientation (a test helper for every screen)."""
    return bool(np.array_equal(profile.orient(matrix), shown))
