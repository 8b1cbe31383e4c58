# ruff: noqa: RUF001  (look-alike characters are the point of these inputs)
"""Hostile input through the CLI: score lines, dates, team and stage names, whole files.

Every input is driven through click's CliRunner against a real SQLite ledger
(and, in a smaller run, PostgreSQL). Whatever the input:

* no traceback, `result.exception` is None or SystemExit, exit status 0, 1 or 2;
* a refused command prints exactly one non-empty line on stderr and leaves
  `log --json` byte-identical;
* an accepted command (a weird but valid name, say) leaves a ledger that
  verifies, and the fact it was accepted for is the fact the ledger shows.

Each property runs a fixed number of examples (derandomized, so CI tries the
same inputs every time); the number of inputs tried is printed (run with -s).
"""

from __future__ import annotations

import collections
import functools
import json
import sqlite3
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ledger.cli import cli
from ledger.cli_io import bundled_text

EXAMPLES = 300
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # No `explain` phase: it traces every line, and takes longer than the fuzzing.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
TRIED: collections.Counter[str] = collections.Counter()
OUTCOMES: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)

KO_TEAMS = ["Home FC", "Away United", "FC Tacoma 253", "O'Brien's XI", "Known FC"]
GROUP_TEAMS = ["G1 Rovers", "G2 City", "G3 Athletic", "G4 Wanderers"]
STAGES = {"ko": "Knockout", "grp": "Group stage"}
SLOT_PREFIXES = ("winner:", "loser:", "group:", "champion:")

DAY_ONE = ("--on", "2025-01-01")
KICKOFF = ("--kickoff", "2025-02-01", "--on", "2025-01-02")
BASE_SCRIPT = [
    ["new", "cup", "--name", "Fuzz Cup", *DAY_ONE],
    [
        "stage",
        "ko",
        "--name",
        "Knockout",
        "--format",
        "knockout",
        "--rounds",
        "Round 1,Final",
        *DAY_ONE,
    ],
    [
        "stage",
        "grp",
        "--name",
        "Group stage",
        "--format",
        "group",
        "--rules",
        "points-gd-gf",
        *DAY_ONE,
    ],
    ["enter", "ko", *KO_TEAMS, *DAY_ONE],
    ["enter", "grp", *GROUP_TEAMS, *DAY_ONE],
    ["group", "grp", "A", *GROUP_TEAMS, *DAY_ONE],
    [
        "schedule",
        "ko",
        "Home FC",
        "Away United",
        "--round",
        "Round 1",
        "--fixture",
        "ko-1",
        *KICKOFF,
    ],
    [
        "schedule",
        "ko",
        "FC Tacoma 253",
        "Known FC",
        "--round",
        "Round 1",
        "--fixture",
        "ko-2",
        *KICKOFF,
    ],
    ["record", "ko", "FC Tacoma 253 2-1 Known FC", "--on", "2025-02-01", "--fixture", "ko-2"],
]


# --- the harness -----------------------------------------------------------------------


class Fuzz:
    """One SQLite ledger reset to the base before every example that needs it."""

    def __init__(self, base: Path, work: Path) -> None:
        self.base, self.work = base, work
        self.runner = CliRunner()
        self.dirty = True
        self.base_log = self.log_of(base)
        self.base_ids = [e["event_id"] for e in json.loads(self.base_log)]

    def invoke(self, db: Path, *args: str) -> Result:
        return self.runner.invoke(cli, ["--db", str(db), *args], catch_exceptions=True)

    def log_of(self, db: Path) -> str:
        result = self.invoke(db, "log", "--json", "--all")
        assert result.exit_code == 0, result.output
        return result.stdout

    def reset(self) -> None:
        if not self.dirty:
            return
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.work}{suffix}").unlink(missing_ok=True)
        src, dst = sqlite3.connect(self.base), sqlite3.connect(self.work)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        self.dirty = False

    def run(self, prop: str, *args: str, writes: bool = True) -> Result:
        """Run one command on a fresh copy of the base; check the universal rules."""
        self.reset()
        TRIED[prop] += 1
        result = self.invoke(self.work, *args)
        where = f"[{prop}: input {TRIED[prop]}, {sum(TRIED.values())} in all] ledger {args!r}"
        assert_clean(result, where)
        if result.exit_code != 0:
            OUTCOMES[prop]["refused"] += 1
            lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
            assert len(lines) == 1, f"{where}: refused with {len(lines)} lines: {result.stderr!r}"
            assert self.log_of(self.work) == self.base_log, f"{where}: a refusal changed the log"
            return result
        OUTCOMES[prop]["accepted"] += 1
        if not writes:
            assert self.log_of(self.work) == self.base_log, f"{where}: a read changed the log"
            return result
        self.dirty = True
        check = self.invoke(self.work, "verify")
        assert_clean(check, f"{where} then verify")
        assert check.exit_code == 0, f"{where}: accepted, then verify failed: {check.output}"
        return result

    def new_events(self) -> list[dict[str, Any]]:
        entries = json.loads(self.log_of(self.work))
        assert [e["event_id"] for e in entries[: len(self.base_ids)]] == self.base_ids
        return entries[len(self.base_ids) :]

    def json_of(self, where: str, *args: str) -> Any:
        result = self.invoke(self.work, *args)
        assert_clean(result, where)
        assert result.exit_code == 0, f"{where}: ledger {args!r} failed: {result.output}"
        return json.loads(result.stdout)


def assert_clean(result: Result, where: str) -> None:
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        raise AssertionError(f"{where}: crashed with {exc!r}\n{text}")
    assert "Traceback" not in result.stdout + result.stderr, f"{where}: {result.output}"
    assert result.exit_code in (0, 1, 2), f"{where}: exit {result.exit_code}: {result.output}"


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz-base") / "base.db"
    runner = CliRunner()
    for args in BASE_SCRIPT:
        result = runner.invoke(cli, ["--db", str(path), *args], catch_exceptions=False)
        assert result.exit_code == 0, f"{args}: {result.output}"
    return path


@pytest.fixture
def fuzz(base_db: Path, tmp_path: Path) -> Iterator[Fuzz]:
    yield Fuzz(base_db, tmp_path / "work.db")


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    print(f"\nfuzz inputs tried: {sum(TRIED.values())} in all; per property {dict(TRIED)}")
    for prop, counts in OUTCOMES.items():
        print(f"  {prop}: {dict(counts)}")


def figures(prop: str) -> str:
    counts = OUTCOMES[prop]
    return (
        f"[{prop}] inputs tried={TRIED[prop]} accepted={counts['accepted']} "
        f"refused={counts['refused']}"
    )


# --- strategies --------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\t",
    "'",
    '"',
    "\\",
    "'); DROP TABLE stored_events;--",
    '"; DELETE FROM ledger_heads; --',
    "Robert'); DROP TABLE students;--",
    "1' OR '1'='1",
    "%s %d {0} {team}",
    "$(rm -rf /)",
    "`reboot`",
    "<script>alert(1)</script>",
    "null",
    "None",
    "NaN",
    "-x",
    "--help",
    "--db=/etc/passwd",
    "-1",
    "\u202eCF emoH",  # right-to-left override
    # a right-to-left mark, then Hebrew
    "\u200f\u05d4\u05e4\u05d5\u05e2\u05dc \u05ea\u05dc \u05d0\u05d1\u05d9\u05d1",
    "\u0627\u0644\u0623\u0647\u0644\u064a",  # Arabic
    "\u26bd\ufe0f FC \U0001f525",  # emoji
    "\U0001f3f3\ufe0f\u200d\U0001f308 United",  # ZWJ sequence
    "Home\u200bFC",  # zero-width space
    "Home\u00a0FC",  # no-break space
    "Home  FC",
    " home fc ",
    "HOME FC",
    "Home\x00FC",
    "Home\x1bFC",
    "Line one\nLine two",
    "Carriage\rReturn",
    "Tab\tTeam",
    "\ufeffBOM FC",
    "Ｈｏｍｅ ＦＣ",  # fullwidth
    "Ａ" * 300,
    "x" * 5000,
    "Ω" * 1000,
    "\ud7ff\ue000\uffff",
    "winner:ko-1",
    "group:grp:A:1",
    "FC 2-1",
    "2-1",
    "Tacoma 253 2",
]


def name_variants(names: list[str]) -> st.SearchStrategy[str]:
    """Spellings that a case- and space-insensitive lookup confuses with `names`."""
    return st.builds(
        lambda name, how: how(name),
        st.sampled_from(names),
        st.sampled_from(
            [
                str.upper,
                str.lower,
                str.swapcase,
                lambda s: f"  {s} ",
                lambda s: s.replace(" ", "  "),
                lambda s: s.replace(" ", "\t"),
                lambda s: s.replace(" ", "\u2003"),  # an em space (str.split() splits on it)
            ]
        ),
    )


weird_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.text(alphabet=st.characters(max_codepoint=0x7F), min_size=1, max_size=30),
    st.text(min_size=300, max_size=3000),
    name_variants(KO_TEAMS),
)

score_part = st.one_of(
    st.integers(min_value=-3, max_value=12).map(str),
    st.sampled_from(
        ["100", "99999999999999999999999", "0x10", "1e3", "٣", "２", "½", "", " ", "-", "²"]
    ),
)
score_text = st.one_of(
    st.builds(lambda a, b: f"{a}-{b}", st.integers(0, 12), st.integers(0, 12)),
    st.builds(lambda a, b: f"{a}-{b}", score_part, score_part),
    st.builds(
        lambda a, b, sep: f"{a}{sep}{b}",
        score_part,
        score_part,
        st.sampled_from([":", "–", " - ", "—"]),
    ),
    st.sampled_from(
        [
            "2 (4)-2 (1)",
            "1-1 a.e.t., 4-3 pen.",
            "1-1 aet 4-3 pens",
            "3-3 (a.e.t.)",
            "2-2 a.e.t., 5-5 pen.",
            "1-0 a.e.t.",
            "0-0 (3-4 p)",
            "w/o",
            "3-0 (forfeit)",
            "2-1 (1-1)",
            "1-1 (2 (4)-2 (1))",
            "(",
            "1-1 a.e.t., 4-3 pen., 2-1",
        ]
    ),
    st.text(max_size=12),
)
team_name = st.one_of(st.sampled_from(KO_TEAMS), weird_text)

dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "2025-02-30",
            "2025-13-01",
            "2025-00-10",
            "2025-2-1",
            "2025/02/01",
            "01/02/2025",
            "20250201",
            " 2025-02-01 ",
            "2025-02-01T10:00",
            "2025-02-01Z",
            "２０２５-０２-０１",
            "٢٠٢٥-٠٢-٠١",
            "today",
            "yesterday",
            "-1",
            "",
            "0000-01-01",
            "10000-01-01",
            "1 February 2025",
            "Feb 1, 2025",
            "March 15",
        ]
    ),
    st.text(max_size=15),
)

stage_slugs = st.one_of(
    st.sampled_from(["ko", "KO", "grp", "Grp", "r2", "Round-2", "new stage", "ＫＯ"]),
    weird_text,
)
stage_names = st.one_of(
    st.sampled_from(["Knockout", "knockout", "KNOCKOUT ", "Group stage", "ko", "grp", "Round 2"]),
    name_variants(list(STAGES.values())),
    weird_text,
)


# --- properties --------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


@st.composite
def result_lines(draw: st.DrawFn) -> tuple[str, str, str]:
    """(home, score, away): half of them two different real teams, so that the
    score itself is what gets tested; the rest hostile names."""
    kind = draw(st.integers(0, 3))
    if kind <= 1:
        home, away = draw(st.permutations(KO_TEAMS))[:2]
    elif kind == 2:
        home, away = draw(team_name), draw(st.sampled_from(KO_TEAMS))
    else:
        home, away = draw(team_name), draw(team_name)
    return home, draw(score_text), away


@FUZZ
@given(line=result_lines(), extra=st.sampled_from(["", "aet", "pens"]))
def test_fuzz_score_lines(fuzz: Fuzz, line: tuple[str, str, str], extra: str) -> None:
    """`record ko "HOME SCORE AWAY"` with hostile teams and scores. Accepted:
    the result the ledger shows is between the teams that were typed."""
    prop = "score lines"
    home, score, away = line
    typed = f"{home} {score} {away}"
    args = ["record", "ko", typed, "--on", "2025-02-01"]
    if extra == "aet":
        args += ["--aet", score]
    elif extra == "pens":
        args += ["--pens", score]
    result = fuzz.run(prop, *args)
    if result.exit_code == 0 and "already recorded" not in result.stdout:
        new = fuzz.new_events()
        results = [e for e in new if e["type"] == "result_recorded"]
        assert len(results) == 1, f"{figures(prop)} {typed!r}: {new}"
        fixture = results[0]["event"]["fixture"]
        match = fuzz.json_of(prop, "bracket", "ko", "--json")["matches"]
        shown = next(m for m in match if m["fixture"] == fixture)
        typed = sorted(_norm(t) for t in (home, away))
        assert sorted(_norm(shown[k] or "") for k in ("home_team", "away_team")) == typed, (
            f"{figures(prop)} {line!r} was recorded for {shown['home_team']} v {shown['away_team']}"
        )


@settings(FUZZ, max_examples=100)
@given(
    home=st.sampled_from(KO_TEAMS),
    away=st.sampled_from(KO_TEAMS),
    goals=st.tuples(st.integers(0, 9), st.integers(0, 9)),
)
def test_fuzz_result_for_a_named_fixture(
    fuzz: Fuzz, home: str, away: str, goals: tuple[int, int]
) -> None:
    """`record ko "A x-y B" --fixture ko-1`: ko-1 is Home FC v Away United. A
    result typed for two other teams must not be stored as ko-1's result."""
    prop = "result for a named fixture"
    line = f"{home} {goals[0]}-{goals[1]} {away}"
    result = fuzz.run(prop, "record", "ko", line, "--on", "2025-02-01", "--fixture", "ko-1")
    if result.exit_code == 0:
        assert (home, away) == ("Home FC", "Away United"), (
            f"{figures(prop)}: `record ko {line!r} --fixture ko-1` was accepted and stored "
            f"as the result of ko-1 (Home FC v Away United)"
        )


def _date_commands(day: str) -> list[list[str]]:
    return [
        ["record", "ko", "Home FC 1-0 Away United", "--on", day, "--fixture", "ko-1"],
        ["enter", "ko", "Late Entrants FC", "--on", day],
        ["cards", "ko-2", "Known FC", "--yellow", "2", "--on", day],
        ["schedule", "ko", "Known FC", "Home FC", "--kickoff", day, "--on", "2025-01-03"],
        ["stages", "--as-of", day, "--json"],
        ["standings", "grp", "--known-at", day, "--json"],
    ]


@FUZZ
@given(day=dates, which=st.integers(0, 5))
def test_fuzz_dates(fuzz: Fuzz, day: str, which: int) -> None:
    """Hostile dates for --on, --kickoff, --as-of and --known-at."""
    args = _date_commands(day)[which]
    fuzz.run("dates", *args, writes=which < 4)


@settings(FUZZ, max_examples=150)
@given(day=st.one_of(st.dates().map(lambda d: d.isoformat()), dates), which=st.integers(0, 1))
def test_fuzz_dated_facts_take_effect(fuzz: Fuzz, day: str, which: int) -> None:
    """A dated fact the ledger accepts must count: an entry makes the team part
    of the stage, a result makes the fixture played (in the views, at any date)."""
    prop = "accepted dated facts take effect"
    args = _date_commands(day)[which]
    result = fuzz.run(prop, *args)
    if result.exit_code != 0 or "already recorded" in result.stdout:
        return
    if which == 1:
        stages = fuzz.json_of(prop, "stages", "--json")
        ko = next(s for s in stages if s["slug"] == "ko")
        assert ko["teams"] == len(KO_TEAMS) + 1, (
            f"{figures(prop)}: `enter ko 'Late Entrants FC' --on {day}` was accepted "
            f"(stage ko was created on 2025-01-01) but the stage still has {ko['teams']} teams"
        )
    else:
        matches = fuzz.json_of(prop, "bracket", "ko", "--json")["matches"]
        ko1 = next(m for m in matches if m["fixture"] == "ko-1")
        assert ko1["status"] == "played" and ko1["score"] == "1-0", (
            f"{figures(prop)}: `record ... --fixture ko-1 --on {day}` accepted; bracket: {ko1}"
        )


@FUZZ
@given(name=team_name)
def test_fuzz_team_names(fuzz: Fuzz, name: str) -> None:
    """`enter ko NAME`. Accepted: the stage has one more team, stored as typed
    (surrounding blanks aside), and the clerk can schedule it by that name."""
    prop = "team names"
    result = fuzz.run(prop, "enter", "ko", name, "--on", "2025-01-01")
    if result.exit_code != 0 or name.startswith("-"):
        return  # refused; or an option to click (e.g. --help), not a name
    if "already recorded" in result.stdout:
        assert name.strip() in KO_TEAMS, f"{figures(prop)}: {name!r} said already recorded"
        return
    new = fuzz.new_events()
    assert [e["type"] for e in new] == ["team_entered"], new
    stored = new[0]["event"]["team"]
    assert stored == name.strip(), f"{figures(prop)}: {name!r} stored as {stored!r}"
    stages = fuzz.json_of(prop, "stages", "--json")
    ko = next(s for s in stages if s["slug"] == "ko")
    assert ko["teams"] == len(KO_TEAMS) + 1, f"{figures(prop)}: {name!r}: {ko['teams']} teams"
    if stored.startswith(SLOT_PREFIXES) or stored.startswith("-"):
        return  # slot syntax / an option to click: not addressable as a plain name
    scheduled = fuzz.invoke(
        fuzz.work, "schedule", "ko", stored, "Known FC", "--fixture", "fz-1", "--on", "2025-01-03"
    )
    assert_clean(scheduled, f"{prop} {stored!r} then schedule")
    assert scheduled.exit_code == 0, (
        f"{figures(prop)}: team {stored!r} was entered but `schedule ko {stored!r} 'Known FC'` "
        f"is refused: {scheduled.stderr.strip()}"
    )
    fixture = fuzz.new_events()[-1]["event"]
    assert fixture["home"] == {"kind": "team", "team": stored}, (
        f"{figures(prop)}: scheduling {stored!r} picked {fixture['home']} instead "
        f"(its name is indistinguishable from another team's)"
    )


@settings(FUZZ, max_examples=200)
@given(
    slug=stage_slugs,
    name=stage_names,
    fmt=st.sampled_from(["knockout", "group", "league", "", "KNOCKOUT"]),
    rounds=st.one_of(
        st.just(""), st.sampled_from(["R1,R2", ",,", "Final,Final", " , "]), weird_text
    ),
)
def test_fuzz_stage_names(fuzz: Fuzz, slug: str, name: str, fmt: str, rounds: str) -> None:
    """`stage SLUG --name NAME`. Accepted: both the slug and the display name
    lead to that stage (reads take either, case-insensitive)."""
    prop = "stage names"
    args = ["stage", slug, "--name", name, "--format", fmt, "--on", "2025-01-01"]
    if rounds:
        args += ["--rounds", rounds]
    result = fuzz.run(prop, *args)
    if result.exit_code != 0 or "already recorded" in result.stdout or slug.startswith("-"):
        return
    new = fuzz.new_events()
    created = [e["event"] for e in new if e["type"] == "stage_created"]
    assert len(created) == 1, new
    stored = created[0]["stage"]
    for key in (slug, name):
        if key.startswith("-"):
            continue  # an option to click
        shown = fuzz.invoke(fuzz.work, "bracket", key, "--json")
        assert_clean(shown, f"{prop} then bracket {key!r}")
        assert shown.exit_code == 0, (
            f"{figures(prop)}: stage {stored!r} (name {name!r}) was created but "
            f"`bracket {key!r}` is refused: {shown.stderr.strip()}"
        )
        found = json.loads(shown.stdout)["stage"]
        assert found == stored, (
            f"{figures(prop)}: stage {stored!r} (name {name!r}) was created but "
            f"`bracket {key!r}` shows stage {found!r}"
        )


@functools.cache
def _script_lines() -> list[str]:
    return bundled_text().splitlines(keepends=True)


# The import strategies draw a short description of the file (printed by
# Hypothesis when a property fails) and `build_file` turns it into bytes.
Damage = tuple[str, int, int, str]


def build_file(damage: Damage | bytes) -> bytes:
    if isinstance(damage, bytes):
        return damage
    how, i, j, extra = damage
    lines = _script_lines()
    text = "".join(lines)
    if how == "cut anywhere":
        return text[:i].encode()
    if how == "cut at line":
        return "".join(lines[:i]).encode()
    if how == "prefix then garbage":
        return ("".join(lines[:i]) + extra + "\n").encode("utf-8", "surrogatepass")
    edited = list(lines)
    if how == "drop line":
        del edited[i]
    elif how == "double line":
        edited.insert(j, lines[i])
    elif how == "swap lines":
        edited[i], edited[j] = edited[j], edited[i]
    return "".join(edited).encode()


def _line(i: int) -> int:
    return min(i, len(_script_lines()) - 1)


garbage_files = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.builds(lambda n: ("cut anywhere", n, 0, ""), st.integers(0, len(bundled_text()))),
    st.builds(
        lambda n, junk: ("prefix then garbage", _line(n), 0, junk),
        st.integers(0, len(bundled_text().splitlines())),
        weird_text,
    ),
    st.builds(
        lambda slug, name, day: f"new {slug} --name {name} --on {day}\n".encode(
            "utf-8", "surrogatepass"
        ),
        weird_text,
        weird_text,
        dates,
    ),
)
damaged_scripts = st.builds(
    lambda how, i, j: (how, _line(i), _line(j), ""),
    st.sampled_from(["cut at line", "drop line", "double line", "swap lines"]),
    st.integers(0, len(bundled_text().splitlines())),
    st.integers(0, len(bundled_text().splitlines())),
)


def check_import(fuzz: Fuzz, prop: str, damage: Damage | bytes, path: Path) -> None:
    """Import once; when accepted, importing the same file again appends nothing."""
    path.write_bytes(build_file(damage))
    result = fuzz.run(prop, "import", str(path))
    if result.exit_code == 0:
        before = fuzz.log_of(fuzz.work)
        again = fuzz.invoke(fuzz.work, "import", str(path))
        assert_clean(again, f"{prop} re-import")
        assert again.exit_code == 0, (
            f"{figures(prop)}: the file was imported, but importing it again is refused: "
            f"{again.output.strip()}"
        )
        assert fuzz.log_of(fuzz.work) == before, f"{figures(prop)}: re-import appended"


@settings(FUZZ, max_examples=150)
@given(content=garbage_files)
def test_fuzz_import_garbage(fuzz: Fuzz, content: Damage | bytes, tmp_path: Path) -> None:
    """`ledger import FILE` of random bytes and text and of cut or padded
    copies of the bundled 2014 script."""
    check_import(fuzz, "import garbage", content, tmp_path / "fuzz.ledger")


@settings(FUZZ, max_examples=60)
@given(content=damaged_scripts)
def test_fuzz_import_damaged_scripts(fuzz: Fuzz, content: Damage, tmp_path: Path) -> None:
    """`ledger import FILE` of the bundled 2014 script with a line cut, dropped,
    doubled or moved: all or nothing, and a second import appends nothing."""
    check_import(fuzz, "import damaged scripts", content, tmp_path / "fuzz.ledger")


def test_import_of_a_script_that_lost_a_stage_date(fuzz: Fuzz, tmp_path: Path) -> None:
    """Found by fuzzing damaged scripts: the bundled script without its line 53
    (`--rounds ... --on 2014-01-01 \\`, the date of `stage swc`) dates the stage
    today, after the entries, fixtures and results that refer to it. The import
    must then be refused, or hold: swc keeps its six teams and five results, and
    importing the file again appends nothing."""
    prop = "import damaged scripts"
    path = tmp_path / "no-stage-date.ledger"
    path.write_bytes(build_file(("drop line", 52, 0, "")))
    result = fuzz.run(prop, "import", str(path))
    if result.exit_code != 0:
        return
    stages = fuzz.json_of(prop, "--competition", "usoc-2014", "stages", "--json")
    swc = next(s for s in stages if s["slug"] == "swc")
    again = fuzz.invoke(fuzz.work, "import", str(path))
    assert_clean(again, "re-import")
    figures_ = (
        f"import accepted ({result.stdout.strip()}); stage swc shows {swc['teams']} teams, "
        f"{swc['played']} of {swc['fixtures']} fixtures played; re-import exit "
        f"{again.exit_code}: {again.output.strip()}"
    )
    print(figures_)
    assert (swc["teams"], swc["fixtures"], swc["played"]) == (6, 5, 5), figures_
    assert again.exit_code == 0, figures_


@FUZZ
@given(
    which=st.integers(0, 7),
    what=st.one_of(
        weird_text, st.sampled_from(["ko", "grp", "Home FC", "knockout", "Group stage", "npsl"])
    ),
    day=st.one_of(st.none(), dates),
)
def test_fuzz_reads(fuzz: Fuzz, which: int, what: str, day: str | None) -> None:
    """Reads with hostile stage, team, path and competition names never write."""
    clocks = [] if day is None else ["--as-of", day]
    args = [
        ["standings", what, "--json", *clocks],
        ["bracket", what, "--json", *clocks],
        ["audit", what, "--json", *clocks],
        ["qualifiers", "--path", what, "--json", *clocks],
        ["--competition", what, "stages", "--json", *clocks],
        ["log", "--json", "--known-at", what],
        ["standings", what, *clocks],  # the human-readable table
        ["bracket", what, *clocks],
    ][which]
    fuzz.run("reads", *args, writes=False)


@FUZZ
@given(
    which=st.integers(0, 4),
    ident=st.one_of(weird_text, st.sampled_from(["ko-1", "ko-2", "KO-2", "ko-99"])),
    reason=weird_text,
)
def test_fuzz_corrections_and_ids(fuzz: Fuzz, which: int, ident: str, reason: str) -> None:
    """Event ids, fixture ids and reasons from nowhere: correct, void, forfeit,
    advance, reschedule."""
    args = [
        ["correct", ident, "3-3", "--reason", reason, "--on", "2025-02-02"],
        ["void", ident, "--reason", reason, "--on", "2025-02-02"],
        ["forfeit", ident, "Known FC", "--reason", reason, "--on", "2025-02-02"],
        [
            "advance",
            ident,
            "Home FC",
            "--method",
            "unknown",
            "--detail",
            reason,
            "--on",
            "2025-02-02",
        ],
        ["reschedule", ident, "2025-03-01", "--reason", reason, "--on", "2025-01-05"],
    ][which]
    fuzz.run("ids and reasons", *args)


# --- a smaller run on PostgreSQL -------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.slow
def test_fuzz_on_postgres(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Team names and score lines on the shared backend. The ledger is not reset
    between examples (a schema per example is too slow), so inputs are not
    shrunk: the log is compared with the log before each example instead."""
    monkeypatch.setenv("LEDGER_READ_DB", str(tmp_path / "read.db"))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--database-url", pg_url, *args], catch_exceptions=True)

    for args in BASE_SCRIPT:
        assert invoke(*args).exit_code == 0, args
    state = {"log": invoke("log", "--json", "--all").stdout}
    prop = "postgres"

    @settings(FUZZ, max_examples=60, phases=[Phase.explicit, Phase.generate])  # no shrinking
    @given(which=st.integers(0, 1), text=team_name, score=score_text)
    def one(which: int, text: str, score: str) -> None:
        TRIED[prop] += 1
        if which == 0:
            args = ["enter", "grp", text, "--on", "2025-01-01"]
        else:
            args = ["record", "ko", f"{text} {score} Known FC", "--on", "2025-02-03"]
        where = f"[{prop}: input {TRIED[prop]}] ledger {args!r}"
        result = invoke(*args)
        assert_clean(result, where)
        after = invoke("log", "--json", "--all").stdout
        if result.exit_code != 0:
            OUTCOMES[prop]["refused"] += 1
            lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
            assert len(lines) == 1, f"{where}: refused with {result.stderr!r}"
            assert after == state["log"], f"{where}: a refusal changed the log"
        else:
            OUTCOMES[prop]["accepted"] += 1
            check = invoke("verify")
            assert check.exit_code == 0, f"{where}: then verify: {check.output}"
            state["log"] = after

    one()
    print(figures(prop))
