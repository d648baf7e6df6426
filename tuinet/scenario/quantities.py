"""Quantities named by expressions over one iteration's trace: ``a1[0,1]``, ``delta2[0,0] * W2[0,0]``, ``mean(abs(e))``.

Lessons and presets quote numbers through these, so every number on screen is one the engine computed.
The grammar is a small, safe subset of Python expressions, parsed with ``ast`` (never ``eval``):
numbers, trace matrix names (``z1``, ``a2``, ``e``, ``delta1``, ``dW2``, ``W1_new``, ``loss`` …), cells
``name[i, j]``, ``+ − * / **``, unary minus, and the functions ``abs``, ``mean``, ``sum``, ``sqrt``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from tuinet.engine import Trace
from tuinet.engine.types import Matrix

__all__ = ["check_expression", "evaluate"]

Value = Matrix | float

_FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "abs": lambda x: np.abs(x),
    "mean": lambda x: float(np.mean(x)),
    "sum": lambda x: float(np.sum(x)),
    "sqrt": lambda x: np.sqrt(x),
}
_OPERATORS: dict[type[ast.operator], Callable[[Value, Value], Value]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


@lru_cache(maxsize=512)
def _parse(expression: str) -> ast.expr:
    if len(expression) > 200:
        raise ValueError("is longer than 200 characters")
    try:
        tree = ast.parse(expression.replace("−", "-"), mode="eval").body
    except SyntaxError:
        raise ValueError(f"is not an expression: {expression!r}") from None
    _check(tree)
    return tree


def _check(node: ast.AST) -> None:
    """Refuse anything outside the grammar, before it is ever evaluated."""
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, int | float) or isinstance(node.value, bool):
            raise ValueError(f"has a constant that is not a number: {node.value!r}")
    elif isinstance(node, ast.Name):
        pass
    elif isinstance(node, ast.Subscript):
        if not isinstance(node.value, ast.Name):
            raise ValueError("can index only a matrix name, as in a1[0,1]")
        index = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if len(index) != 2 or not all(isinstance(i, ast.Constant) and type(i.value) is int for i in index):
            raise ValueError("indexes a cell with two whole numbers, as in a1[0,1]")
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            raise ValueError("uses an operator other than + − * / **")
        _check(node.left)
        _check(node.right)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand)
    elif isinstance(node, ast.Call):
        known = isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS
        if not known or len(node.args) != 1 or node.keywords:
            raise ValueError(f"calls something other than {', '.join(_FUNCTIONS)} of one argument")
        _check(node.args[0])
    else:
        raise ValueError("uses something other than numbers, matrix names, cells, + − * / ** and functions")


def check_expression(expression: str) -> None:
    """Raise ValueError (a phrase: 'is not an expression: …') if ``expression`` is outside the grammar."""
    _parse(expression)


def _value(node: ast.expr, trace: Trace) -> Value:
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)  # _check allowed only numbers
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in trace:
            raise KeyError(node.id)
        return trace[node.id]
    if isinstance(node, ast.Subscript):
        assert isinstance(node.value, ast.Name)
        index = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        i, j = (k.value for k in index if isinstance(k, ast.Constant) and isinstance(k.value, int))
        matrix = trace[node.value.id]
        if not (0 <= i < matrix.shape[0] and 0 <= j < matrix.shape[1]):
            raise IndexError(f"{node.value.id}[{i},{j}] is outside its {matrix.shape[0]}×{matrix.shape[1]}")
        return float(matrix[i, j])
    if isinstance(node, ast.BinOp):
        return _OPERATORS[type(node.op)](_value(node.left, trace), _value(node.right, trace))
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, trace)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        return _FUNCTIONS[node.func.id](_value(node.args[0], trace))
    raise ValueError("cannot be evaluated")  # unreachable: _check refused it


def evaluate(expression: str, trace: Trace) -> float:
    """The number ``expression`` names in ``trace`` (raises KeyError/ValueError/IndexError if it names none)."""
    try:
        with np.errstate(all="ignore"):
            value = _value(_parse(expression), trace)
    except OverflowError:  # a Python float power: 10.0 ** 400
        raise ValueError(f"{expression!r} overflows") from None
    if isinstance(value, np.ndarray):
        if value.size != 1:
            raise ValueError(f"{expression!r} is a {value.shape[0]}×{value.shape[1]} matrix, not one number")
        return float(value.reshape(-1)[0])
    return float(value)
