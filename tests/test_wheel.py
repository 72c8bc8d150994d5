"""The wheel works outside a checkout: `steady-bot console` from a fresh venv in an empty folder.

`pip install .` used to ship neither `content/` nor `migrations/`, so the
entry point failed anywhere but in a checkout. This builds the wheel from a
copy of the sources (so no build output lands in the checkout), installs it
with `--no-deps` into a new venv that borrows this environment's installed
dependencies through a `.pth` file (nothing is downloaded for it), and talks
to the installed console from a folder with nothing else in it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from bot.content import Content

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("bot", "content", "migrations", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")


def run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def venv_site_packages(venv: Path) -> Path:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return venv / "lib" / version / "site-packages"


@pytest.mark.packaging
def test_the_installed_wheel_runs_the_console_in_an_empty_folder(
    tmp_path: Path, content: Content
) -> None:
    source = tmp_path / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path / "dist"
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, source)
    assert built.returncode == 0, built.stderr
    [wheel] = dist.glob("steady_bot-*.whl")
    with zipfile.ZipFile(wheel) as packed:
        names = packed.namelist()
    assert "bot/core/safety/screen_heads.json" in names  # the crisis screen's heads ship
    assert not any(n.startswith(("bench/", "tests/")) for n in names)

    venv = tmp_path / "venv"
    made = run(sys.executable, "-m", "venv", "--without-pip", venv)
    assert made.returncode == 0, made.stderr
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (venv_site_packages(venv) / "borrowed-dependencies.pth").write_text("\n".join(sorted(here)))
    pip = (sys.executable, "-m", "pip", "--python", venv / "bin" / "python")
    installed = run(*pip, "install", "-q", "--no-deps", wheel)
    assert installed.returncode == 0, installed.stderr

    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    talked = run(venv / "bin" / "steady-bot", "console", cwd=empty, env=env, input="1\n/quit\n")

    assert talked.returncode == 0, talked.stderr
    assert content.messages.console_intro in talked.stdout
    assert content.steps[1].question in talked.stdout
    assert (empty / "data" / "bot.sqlite3").exists()
    assert sorted(p.name for p in empty.iterdir()) == ["data"]


def test_the_docker_image_builds_from_every_source_the_wheel_needs() -> None:
    """The image runs `pip install .`: a source it does not copy is a wheel without its data."""
    copied = {
        source.rstrip("/")
        for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if line.startswith("COPY ")
        for source in line.split()[1:-1]
    }
    assert set(SOURCES) <= copied, sorted(set(SOURCES) - copied)
