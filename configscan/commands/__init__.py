"""Sub-commands beyond ``scan``: each module here defines ``register(app)``.

Modules are found by listing this package (not by import side effects): adding a command is adding a
module with a ``register`` function.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

from configscan import helptext


def mount(app: typer.Typer) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(app)
    helptext.decorate(app)  # examples and exit codes in every command's --help
