"""Packaging beyond pyproject.toml: the wheel carries `content/` and `migrations/`.

Both stay at the top of a checkout. `pyproject.toml` cannot map folders outside
the package into it while still finding packages by themselves, so building
copies them to `bot/_data/` in the wheel, where `bot.paths` looks first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = {"content": ("*.yaml", "*.md"), "migrations": ("*.py", "*.mako")}


class BuildWithData(build_py):
    """`build_py`, then the data folders copied into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's own folders
            return
        for folder, patterns in DATA.items():
            for pattern in patterns:
                for source in Path(folder).rglob(pattern):
                    target = Path(self.build_lib, "bot", "_data", source)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target)


setup(cmdclass={"build_py": BuildWithData})
