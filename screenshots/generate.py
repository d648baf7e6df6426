"""Regenerate the README's screenshots from the real app: python screenshots/generate.py

Each shot builds the app through the same factory as the CLI, presses keys with Textual's
Pilot at a fixed terminal size, and saves an SVG next to this file.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from tuinet.app import make_app
from tuinet.engine import NetConfig
from tuinet.scenario import load_preset
from tuinet.scenario.notation import profile_of

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Shot:
    name: str
    keys: tuple[str, ...] = ()
    size: tuple[int, int] = (120, 40)
    theme: str = "dark"
    config: NetConfig = field(default_factory=NetConfig)
    notation: str = "tuinet"
    preset: str | None = None
    """A built-in preset (its network, names and lesson), as `tuinet --preset NAME` opens it."""


SHOTS = (
    Shot("start"),
    Shot("product-forming", ("space", *["right"] * 10, *["full_stop"] * 6)),
    Shot("cell-level", ("full_stop",) * 7),
    Shot("light-theme", ("space", "space", "right", "right", "right"), theme="light"),
    Shot("compact-80x24", ("space", *["right"] * 9, "full_stop", "full_stop"), size=(80, 24)),
    Shot("large-network", ("space", "right", "right", "full_stop"), config=NetConfig(hidden=(64,), dataset="xor")),
    Shot("outer-products", ("space", "o", "full_stop", "full_stop")),
    Shot("gradient-check", ("space", "c")),
    Shot("sign-conventions", ("space", "s")),
    Shot("prediction-map", ("g", "1", "5", "0", "0", "enter", "m")),
    # The reasons, in the learner's own names: the tutorial's dC_dw2 at dW2 = a1ᵀ·δ2, on a classroom screen.
    Shot("tutorial-notation-80x24", ("right",) * 8, size=(80, 24), notation="tutorial"),
    Shot("derivation", (*["right"] * 8, "d")),
    Shot("mistakes", ("space", "w")),
    Shot("mazur-lesson", (*["right"] * 13, "full_stop"), preset="mazur"),
    Shot("loss-plot", ("g", "1", "5", "0", "0", "enter", "L")),
)


async def take(shot: Shot) -> Path:
    if shot.preset is not None:
        scenario = load_preset(shot.preset)
        names = profile_of(scenario)  # the preset's own names (Mazur's w1…w8), as the CLI picks them
        notation = names.name if names else shot.notation
        app = make_app(scenario.config, theme=shot.theme, scenario=scenario, notation=notation)
    else:
        app = make_app(shot.config, theme=shot.theme, notation=shot.notation)
    async with app.run_test(size=shot.size) as pilot:
        await pilot.pause()
        if shot.keys:
            await pilot.press(*shot.keys)
        await pilot.pause()
        path = app.save_screenshot(filename=f"{shot.name}.svg", path=str(HERE))
    return Path(path)


async def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)  # save_screenshot does not create the folder
    for shot in SHOTS:
        print(await take(shot))


if __name__ == "__main__":
    asyncio.run(main())
