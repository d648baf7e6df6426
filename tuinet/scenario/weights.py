"""``--weights FILE``: a learner's own starting weights, from numpy's ``.npz`` or the same as JSON.

The file holds ``W1``, ``W2``, … (and ``b1``, … for a network with biases), in tuinet's orientation: W_l is
n_{l−1}×n_l (inputs × outputs), b_l is 1×n_l (a 1-D b_l of n_l numbers is read as that row). Each is checked
against the network's shapes; a wrong one is one line naming the shape expected::

    np.savez("mine.npz", W1=W1, W2=W2)        # or: json.dump({"W1": W1.tolist(), "W2": W2.tolist()}, f)
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from typing import Any

import numpy as np

from tuinet.engine import NetConfig, build
from tuinet.errors import ConfigError
from tuinet.fileio import ReadRefused, read_limited
from tuinet.scenario.tomlfile import ScenarioError

__all__ = ["MAX_WEIGHTS_BYTES", "read_weights", "with_weights"]

MAX_WEIGHTS_BYTES = 16 * 2**20


def read_weights(path: str) -> dict[str, np.ndarray[Any, np.dtype[np.float64]]]:
    """The named arrays in ``path`` (.npz, else JSON), as float64; ScenarioError for an unusable file."""
    try:
        raw = read_limited(path, MAX_WEIGHTS_BYTES)
    except ReadRefused as refused:
        raise ScenarioError(f"weights file {path!r} {refused.reason}") from None
    arrays: dict[str, Any]
    if raw[:4] == b"PK\x03\x04":  # a zip archive: what np.savez writes
        try:
            with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
        except (ValueError, OSError, zipfile.BadZipFile, EOFError) as error:
            raise ScenarioError(f"weights file {path!r} is not a readable .npz: {str(error)[:80]}") from None
    else:
        try:
            document = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise ScenarioError(f"weights file {path!r} is neither an .npz (np.savez) nor JSON") from None
        if not isinstance(document, dict):
            raise ScenarioError(f'weights file {path!r} must hold a JSON object like {{"W1": [[…]], "W2": [[…]]}}')
        arrays = document
    out: dict[str, np.ndarray[Any, np.dtype[np.float64]]] = {}
    for name, value in arrays.items():
        try:
            array = np.asarray(value, dtype=np.float64)
        except (ValueError, TypeError):
            raise ScenarioError(f"weights file {path!r}: {name} is not a matrix of numbers") from None
        if array.ndim == 1 and name.startswith("b"):
            array = array.reshape(1, -1)
        if array.ndim != 2:
            raise ScenarioError(f"weights file {path!r}: {name} must be a 2-D matrix, got {array.ndim} dimensions")
        if not np.isfinite(array).all():
            raise ScenarioError(f"weights file {path!r}: {name} holds NaN or infinity; only finite numbers")
        out[str(name)] = array
    return out


def with_weights(config: NetConfig, path: str) -> NetConfig:
    """``config`` starting from the weights (and biases) in file ``path``, checked against its network's shapes."""
    arrays = read_weights(path)
    sizes = build(replace(config, weights=(), biases=())).sizes
    L = len(sizes) - 1
    expected = {f"W{layer}": (sizes[layer - 1], sizes[layer]) for layer in range(1, L + 1)}
    if config.bias:
        expected |= {f"b{layer}": (1, sizes[layer]) for layer in range(1, L + 1)}
    shape = "-".join(map(str, sizes))
    for name in arrays:
        if name not in expected:
            if name[:1] == "b" and name[1:].isdigit() and not config.bias:
                raise ScenarioError(f"weights file {path!r} has {name}, but this network has no biases (add --bias)")
            raise ScenarioError(f"weights file {path!r} has {name}; a {shape} network has {', '.join(expected)}")
    for name, (rows, cols) in expected.items():
        if name not in arrays:
            if name.startswith("b"):
                continue  # biases may be left out: they start at zero
            raise ScenarioError(f"weights file {path!r} has no {name} ({rows}×{cols} for this {shape} network)")
        got = arrays[name].shape
        if got != (rows, cols):
            raise ScenarioError(
                f"weights file {path!r}: {name} must be {rows}×{cols} (inputs × outputs of layer {name[1:]} "
                f"in this {shape} network), got {got[0]}×{got[1]}"
            )
    weights = tuple(_rows(arrays[f"W{layer}"]) for layer in range(1, L + 1))
    biases: tuple[tuple[tuple[float, ...], ...], ...] = ()
    if any(f"b{layer}" in arrays for layer in range(1, L + 1)):
        biases = tuple(
            _rows(arrays[f"b{layer}"]) if f"b{layer}" in arrays else ((0.0,) * sizes[layer],)
            for layer in range(1, L + 1)
        )
    try:
        return replace(config, weights=weights, biases=biases)
    except ConfigError as error:
        raise ScenarioError(f"weights file {path!r}: {error}") from None


def _rows(array: np.ndarray[Any, np.dtype[np.float64]]) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in array.tolist())
