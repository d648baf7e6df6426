"""Words: everything that turns the engine's numbers into language.

Number formatting, cell explanations, the chain-rule reasons, the why-views' sentences and the py/md exporters.
Imports the engine only (never textual); the app, the CLI and the transcript all call the same functions here,
so the screen, a handout and a transcript can never disagree.
"""
