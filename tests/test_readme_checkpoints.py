"""The README's checkpoint flow, for a competition secretary and for a fan, run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Checkpoints anyone can check", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.S)


def test_the_secretary_and_fan_flows_run_as_written(tmp_path: Path) -> None:
    secretary, fan = _blocks()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("LEDGER_DB", None)
    env.pop("LEDGER_DATABASE_URL", None)

    kept = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", secretary],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert kept.returncode == 0, kept.stderr
    assert "extends the checkpoint" in kept.stdout
    assert "signed by key" in kept.stdout

    # The fan has only what was published: another directory, no ledger.
    fan_dir = tmp_path / "fan"
    fan_dir.mkdir()
    for name in ("usssa-final.proof", "matchday.checkpoint", "federation.key.pub"):
        (fan_dir / name).write_bytes((tmp_path / name).read_bytes())
    checked = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", fan],
        cwd=fan_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("ok: result_recorded ")
    assert "usssa-final-1" in checked.stdout
    assert sorted(p.name for p in fan_dir.iterdir()) == [
        "federation.key.pub",
        "matchday.checkpoint",
        "usssa-final.proof",
    ]
