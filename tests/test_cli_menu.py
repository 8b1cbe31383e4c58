"""`ledger --help` lists every command from a menu, without loading the commands."""

from __future__ import annotations

import subprocess
import sys

from ledger.cli import COMMANDS, cli, load_all


def test_the_menu_names_every_command_and_its_module() -> None:
    load_all()
    assert set(COMMANDS) == set(cli.commands)
    for name, (module, _) in COMMANDS.items():
        command = cli.commands[name]
        assert command.callback is not None
        assert command.callback.__module__ == module, name


def test_each_menu_line_begins_the_command_s_own_help() -> None:
    load_all()
    for name, (_, summary) in COMMANDS.items():
        text = " ".join((cli.commands[name].help or "").split())
        assert text.startswith(summary.rstrip(".")), (name, summary, text[:80])


def test_listing_the_commands_loads_none_of_them() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from ledger.cli import cli\n"
        "out = CliRunner().invoke(cli, ['--help']).output\n"
        "assert 'record' in out and 'standings' in out, out\n"
        "heavy = [m for m in ('ledger.commands', 'ledger.service', 'eventsourcing', 'rich',"
        " 'sqlite_utils', 'psycopg', 'projections.model') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
