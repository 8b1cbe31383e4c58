"""The terminal as a new user meets it: help, examples that run, tables that fit,
and refusals that say what to do."""

from __future__ import annotations

import io
import json
import re
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rich.console import Console

from ledger import progress
from ledger.cli import cli, load_all
from ledger.cli_io import DEMO, bundled_text
from tests.conftest import PG_URL, Cli, _pg_schema

ROOT = Path(__file__).resolve().parent.parent


def walk(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    load_all()
    yield " ".join(path), command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))


def examples() -> list[tuple[str, str]]:
    out = []
    for name, command in walk(cli):
        for found in re.finditer(r"Example:\s*(.+?)(?:\n\s*\n|$)", command.help or "", re.S):
            out.append((name or "ledger", " ".join(found.group(1).split())))
    return out


def ledger_args(line: str) -> list[list[str]]:
    """The `ledger` commands of a shell line (`a && ledger b && ...`), as argument lists."""
    runs = []
    for piece in line.split("&&"):
        words = shlex.split(piece, comments=True)
        if words and (words[0] == "ledger" or words[0].endswith("/ledger")):
            runs.append(words[1:])
    return runs


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    Cli(str(path))("demo")
    return path


def test_every_command_has_an_example() -> None:
    named = {name for name, _ in examples()}
    for name, command in walk(cli):
        if not isinstance(command, click.Group) or name == "":
            assert (name or "ledger") in named, f"`ledger {name}` has no Example: in its help"


@pytest.mark.parametrize(("command", "example"), examples(), ids=[e[0] for e in examples()])
def test_every_help_example_runs_as_written_on_a_fresh_copy_of_the_demo(
    command: str,
    example: str,
    demo_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A fresh copy of the demo ledger, under both names the examples use, and the
    # bundled script the import example reads.
    for name in ("ledger.db", "usoc.db"):
        shutil.copyfile(demo_file, tmp_path / name)
    (tmp_path / DEMO).write_text(bundled_text(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEDGER_DB", raising=False)
    monkeypatch.delenv("LEDGER_DATABASE_URL", raising=False)
    runs = ledger_args(example)
    assert runs, example
    for args in runs:
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, f"{example}\n{result.output}"
        assert "Traceback" not in result.output


# The README's shared-ledger examples name a server; they run on the test one.
EXAMPLE_SERVER = re.compile(r"postgresql://\w+@db\.example/results\?schema=league")


def test_every_example_in_the_readme_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEDGER_DB", raising=False)
    monkeypatch.delenv("LEDGER_DATABASE_URL", raising=False)
    monkeypatch.setenv("LEDGER_READ_DB", str(tmp_path / "ledger-read.db"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    server = _pg_schema() if PG_URL else None
    ran = skipped = 0
    try:
        url = next(server) if server is not None else ""
        for block in re.findall(r"```sh\n(.*?)```", readme, re.S):
            if EXAMPLE_SERVER.search(block) and not url:
                skipped += 1  # no server to run the shared-ledger steps on
                continue
            for line in block.replace("\\\n", " ").splitlines():
                line = EXAMPLE_SERVER.sub(url, line) if url else line
                exported = re.match(r"\s*export (\w+)=(.*)$", line)
                if exported:
                    monkeypatch.setenv(exported[1], shlex.split(exported[2])[0])
                    continue
                for args in ledger_args(line):
                    result = CliRunner().invoke(cli, args)
                    assert result.exit_code == 0, f"ledger {shlex.join(args)}\n{result.output}"
                    ran += 1
    finally:
        if server is not None:
            server.close()
    assert ran > 10 and (skipped == 0 or not PG_URL)


def test_every_option_has_help_text() -> None:
    missing = [
        f"ledger {name} {param.opts[0]}"
        for name, command in walk(cli)
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden and not param.help
    ]
    assert not missing, missing


def test_bare_ledger_prints_the_ordinary_help_and_succeeds() -> None:
    result = CliRunner().invoke(cli, [])
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    assert "Commands:" in result.stdout
    assert "Error" not in result.output


def test_a_group_without_its_subcommand_prints_its_help() -> None:
    result = CliRunner().invoke(cli, ["berth"])
    assert result.exit_code == 2  # click's own code for a missing subcommand
    assert "Usage: " in result.output and "Commands:" in result.output
    assert "confirm" in result.output
    assert "Error" not in result.output


@pytest.mark.parametrize("width", [60, 100, 160])
def test_tables_fit_the_terminal_and_show_slugs_in_full(demo_cli: Cli, width: int) -> None:
    stages = json.loads(demo_cli("stages", "--json").stdout)
    out = demo_cli("stages", env={"COLUMNS": str(width)}).stdout
    assert max(len(line) for line in out.splitlines()) <= width
    for stage in stages:
        assert re.search(rf"(?<![\w-]){re.escape(stage['slug'])}(?![\w-])", out), stage["slug"]
    for stage in stages:
        if stage["format"] != "knockout":
            continue
        data = json.loads(demo_cli("bracket", stage["slug"], "--json").stdout)
        out = demo_cli("bracket", stage["slug"], env={"COLUMNS": str(width)}).stdout
        assert max(len(line) for line in out.splitlines()) <= width
        for m in data["matches"]:
            if m["fixture"]:
                assert m["fixture"] in out


def test_goal_difference_zero_prints_as_zero(demo_cli: Cli) -> None:
    rows = json.loads(demo_cli("standings", "usssa-groups", "--json").stdout)
    level = [r for r in rows if r["goal_difference"] == 0]
    assert level
    out = demo_cli("standings", "usssa-groups", env={"COLUMNS": "200"}).stdout
    assert "+0" not in out and "-0" not in out
    for r in level:
        line = next(line for line in out.splitlines() if r["team"] in line)
        cells = [c.strip() for c in line.split("│")]
        assert cells[cells.index(r["team"]) + 7] == "0"


def test_standings_of_a_knockout_stage_points_to_bracket(demo_cli: Cli) -> None:
    before = demo_cli.log()
    knockout = next(
        s["slug"]
        for s in json.loads(demo_cli("stages", "--json").stdout)
        if s["format"] == "knockout"
    )
    result = demo_cli.refused("standings", knockout)
    assert f"ledger bracket {knockout}" in result.stderr
    assert demo_cli.log() == before


def test_a_stage_asked_for_before_it_existed_says_when_it_was_created(sqlite_cli: Cli) -> None:
    sqlite_cli("new", "cup", "--name", "Cup", "--on", "2025-01-10")
    sqlite_cli("stage", "late", "--name", "Late stage", "--format", "group", "--on", "2025-02-01")
    before = sqlite_cli.log()
    result = sqlite_cli.refused("standings", "late", "--as-of", "2025-01-20")
    assert "created on 2025-02-01" in result.stderr
    result = sqlite_cli.refused("stages", "--as-of", "2024-12-31")
    assert "created on 2025-01-10" in result.stderr
    assert sqlite_cli.log() == before


def test_diff_prints_values_not_python_reprs(demo_cli: Cli) -> None:
    moment = json.loads(demo_cli("log", "--json").stdout)[-1]["recorded_at"]
    demo_cli("correct", "swc-r1-1", "Temecula FC 2-4 FC Force", "--reason", "referee report")
    out = demo_cli("diff", "--known-at", moment).stdout
    changes = [line for line in out.splitlines() if "->" in line]
    assert changes
    for line in changes:
        assert not re.search(r"'|\[|\]|\bNone\b|\bTrue\b|\bFalse\b", line), line
    assert any("5 -> 4" in line or "2-5 -> 2-4" in line for line in changes), changes


def test_an_empty_file_is_refused_as_empty(sqlite_cli: Cli, tmp_path: Path) -> None:
    before = sqlite_cli.log()
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n")
    result = sqlite_cli.refused("import", str(empty))
    assert "the file is empty" in result.stderr
    assert sqlite_cli.log() == before


def test_a_latin1_file_names_the_line_that_is_not_utf8(sqlite_cli: Cli, tmp_path: Path) -> None:
    before = sqlite_cli.log()
    lines = ["= Cup 2020", "", "Mon Jun 1 2020", "  Caf\u00e9 FC  1-0  Harbor City"]
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("\n".join(lines).encode("latin-1"))
    result = sqlite_cli.refused("import", str(bad))
    line = next(i for i, text in enumerate(lines, 1) if not text.isascii())
    assert f"line {line} is not UTF-8; save the file as UTF-8" in result.stderr
    assert sqlite_cli.log() == before


def test_ctrl_c_during_an_import_says_nothing_was_imported(
    sqlite_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ledger.cli_io

    before = sqlite_cli.log()

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ledger.cli_io, "football_txt_batch", interrupted)
    result = sqlite_cli.refused("import", str(ROOT / "tests" / "data" / "euro2016.txt"))
    assert "interrupted: nothing imported" in result.stderr
    assert sqlite_cli.log() == before


def test_football_txt_that_opens_with_comments_is_recognised(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    text = (ROOT / "tests" / "data" / "euro2016.txt").read_text(encoding="utf-8")
    commented = tmp_path / "euro.txt"
    commented.write_text("# openfootball style header\n#\n\n" + text, encoding="utf-8")
    sqlite_cli("import", str(commented))
    stages = json.loads(sqlite_cli("stages", "--json").stdout)
    plain = Cli(str(tmp_path / "plain.db"))
    plain("import", str(ROOT / "tests" / "data" / "euro2016.txt"))
    assert [s["slug"] for s in stages] == [
        s["slug"] for s in json.loads(plain("stages", "--json").stdout)
    ]


def test_a_progress_bar_appears_only_for_work_longer_than_a_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    quick = progress.Steps("publishing", console)
    quick.advance(3, "index")
    quick.stop()
    assert out.getvalue() == ""
    monkeypatch.setattr(progress, "DELAY", 0.0)
    slow = progress.Steps("publishing", console)
    slow.advance(3, "index")
    slow.advance(3, "history")
    slow.stop()
    assert "publishing" in out.getvalue()


def test_a_league_s_long_bracket_prints_as_plain_columns(sqlite_cli: Cli) -> None:
    """Hundreds of matches print as plain columns, each match on one line."""
    teams = [f"Club {n}" for n in range(26)]
    sqlite_cli("new", "lg", "--name", "League", "--on", "2025-01-01")
    sqlite_cli("stage", "table", "--name", "Table", "--format", "group", "--on", "2025-01-01")
    sqlite_cli("enter", "table", *teams, "--on", "2025-01-01")
    sqlite_cli("draw", "table", "--round-robin", "--on", "2025-01-02")
    out = sqlite_cli("bracket", "table").stdout.splitlines()
    fixtures = len(teams) * (len(teams) - 1) // 2
    assert len(out) == 1 + 1 + fixtures + 1  # title, header, one line a match, champion
    assert out[1].split()[:3] == ["fixture", "round", "date"]
    assert out[-1] == "champion: not decided"
