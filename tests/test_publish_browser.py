"""The published 2014 site, opened in a real browser (Chromium driven by Playwright).

Every expectation is computed from the ledger's own `--json` outputs: the
brackets from `bracket --json`, the tables from `standings --json`, the
qualifier list from `qualifiers --json`, the audits from `audit --json`.
Set LEDGER_SCREENSHOTS_DIR to keep the screenshots (the README's come from it).
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import Cli

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    cli = Cli(str(tmp_path_factory.mktemp("demo") / "ledger.db"))
    cli("demo")
    return cli


@pytest.fixture(scope="module")
def site(demo: Cli, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    demo("publish", str(out))
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt-get")
        pytest.skip(f"no browser: apt-get install -y chromium puts one at {CHROMIUM}")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


class Page:
    """A browser tab that records console errors and refuses every non-file request."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None,
        )
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, path: Path) -> Any:
        self.page.goto(path.as_uri())
        return self.page


@pytest.fixture
def tab(browser: Any) -> Iterator[Page]:
    page = Page(browser)
    yield page
    page.page.close()


def load(cli: Cli, *args: str) -> Any:
    return json.loads(cli(*args, "--json").stdout)


def stage_file(site: Path, slug: str) -> Path:
    index = (site / "index.html").read_text()
    assert f'data-stage="{slug}"' in index
    return site / f"stage-{slug}.html"


def texts(locator: Any) -> list[str]:
    return [t.strip() for t in locator.all_text_contents()]


def test_each_bracket_draws_every_match_in_its_box_and_the_champion(
    demo: Cli, site: Path, tab: Page
) -> None:
    knockouts = [s for s in load(demo, "stages") if s["format"] == "knockout"]
    assert knockouts
    for stage in knockouts:
        data = load(demo, "bracket", stage["slug"])
        page = tab.open(stage_file(site, stage["slug"]))
        if not data["matches"]:
            assert page.locator("svg.bracket").count() == 0
            assert "No fixtures recorded yet" in page.inner_text("main")
            continue
        svg = page.locator(f'svg.bracket[data-stage="{stage["slug"]}"]')
        assert svg.count() == 1
        assert svg.locator("g.match").count() == len(data["matches"])
        for m in data["matches"]:
            if m["status"] == "bye":
                box = svg.locator(f'g.match[data-bye="{m["home_team"]}"]')
            else:
                box = svg.locator(f'g.match[data-fixture="{m["fixture"]}"]')
            assert box.count() == 1, m
            assert box.get_attribute("data-round") == (m["round"] or "")
            home = texts(box.locator("g.side.home text.team"))
            assert home == [m["home"] or "to be decided"]
            if m["status"] != "bye":
                assert texts(box.locator("g.side.away text.team")) == [m["away"] or "to be decided"]
            winners = texts(box.locator("g.side.winner text.team"))
            assert winners == ([m["winner"]] if m["winner"] else [])
            # A side nobody has filled yet is drawn as an open slot, named.
            for side, team in (("home", m["home_team"]), ("away", m["away_team"])):
                if m["status"] != "bye" and team is None:
                    assert box.locator(f"g.side.{side}.open").count() == 1
        champion = svg.locator("g.champion")
        assert champion.get_attribute("data-champion") == (data["champion"] or "")
        assert texts(champion.locator("text.team")) == [data["champion"] or "not decided"]
        # Rounds are columns, in the stage's order.
        rounds = texts(svg.locator("text.round"))
        assert rounds[: len(data["rounds"])] == data["rounds"]
        xs = {
            m["round"]: float(
                svg.locator(
                    f'g.match[data-fixture="{m["fixture"]}"]'
                    if m["fixture"]
                    else f'g.match[data-bye="{m["home_team"]}"]'
                )
                .get_attribute("transform")
                .split("(")[1]
                .split(",")[0]
            )
            for m in data["matches"]
        }
        ordered = [xs[r] for r in data["rounds"] if r in xs]
        assert ordered == sorted(ordered) and len(set(ordered)) == len(ordered)
    assert not tab.errors and not tab.outside


def test_a_tie_settled_by_an_unknown_method_is_marked_with_its_source(
    demo: Cli, site: Path, tab: Page
) -> None:
    log = {e["event_id"]: e for e in load(demo, "log")}
    marked = 0
    for stage in load(demo, "stages"):
        if stage["format"] != "knockout":
            continue
        data = load(demo, "bracket", stage["slug"])
        page = tab.open(stage_file(site, stage["slug"]))
        for m in data["matches"]:
            decision = log.get(m["decided_by"] or "")
            unknown = (
                decision is not None
                and decision["type"] == "advancement_decided"
                and decision["event"]["method"] == "unknown"
            )
            if m["fixture"] is None:
                continue
            box = page.locator(f'g.match[data-fixture="{m["fixture"]}"]')
            mark = box.locator("g.method-unknown")
            assert mark.count() == (1 if unknown else 0), m["fixture"]
            if unknown:
                assert decision is not None
                hover = mark.locator("title").text_content() or ""
                assert decision["event"]["source"] in hover
                assert decision["event"]["team"] in hover
                marked += 1
    assert marked >= 1  # the 2014 Golden Gate final


def test_each_group_table_matches_standings_json(demo: Cli, site: Path, tab: Page) -> None:
    groups = [s for s in load(demo, "stages") if s["format"] == "group"]
    assert groups
    for stage in groups:
        rows = load(demo, "standings", stage["slug"])
        page = tab.open(stage_file(site, stage["slug"]))
        for group in dict.fromkeys(r["group"] for r in rows):
            want = [r for r in rows if r["group"] == group]
            table = page.locator(f'table.standings[data-group="{group}"]')
            got = table.locator("tbody tr")
            assert got.count() == len(want)
            for i, r in enumerate(want):
                cells = got.nth(i)
                assert cells.get_attribute("data-team") == r["team"]
                pos = cells.locator("td.pos").inner_text()
                assert pos == (f"={r['position']}" if r["shared_with"] else str(r["position"]))
                assert cells.locator("td.team").inner_text() == r["team"]
                for css, key in (
                    ("played", "played"),
                    ("won", "won"),
                    ("drawn", "drawn"),
                    ("lost", "lost"),
                    ("gf", "goals_for"),
                    ("ga", "goals_against"),
                    ("gd", "goal_difference"),
                    ("pts", "points"),
                ):
                    assert int(cells.locator(f"td.{css}").inner_text()) == r[key], (r, css)
                assert r["tiebreak"] in cells.locator("td.tiebreak").inner_text()
    assert not tab.errors and not tab.outside


def test_the_index_shows_every_path_in_colour_and_in_words(
    demo: Cli, site: Path, tab: Page
) -> None:
    entries = load(demo, "qualifiers")
    page = tab.open(site / "index.html")
    for path in dict.fromkeys(e["path"] for e in entries):
        mine = [e for e in entries if e["path"] == path]
        section = page.locator(f'section.path[data-path="{path}"]')
        words = section.locator("p.words").inner_text()
        counts = Counter(e["status"] for e in mine)
        for status, n in counts.items():
            assert f"{n} {status}" in words
            assert section.locator(f".bands .band.{status}").count() == n
        assert section.locator("tbody tr").count() == len(mine)
        berths = mine[0]["berths"]
        if berths is not None:
            noun = "candidate" if mine[0]["oversubscribed"] else "team"
            noun += "" if len(mine) == 1 else "s"
            kind = "" if mine[0]["allocation_confirmed"] else "unconfirmed "
            assert f"{len(mine)} {noun} for {berths} {kind}berth" in words
    # The 2014 USASA list in the issue's own words.
    assert "10 candidates for 8 unconfirmed berths" in page.inner_text("main")
    stages = load(demo, "stages")
    assert page.locator("table.stages tbody tr").count() == len(stages)


def test_each_team_page_shows_its_audit_with_event_ids_and_sources(
    demo: Cli, site: Path, tab: Page
) -> None:
    page = tab.open(site / "index.html")
    team_files = sorted(p.name for p in site.glob("team-*.html"))
    assert team_files
    for file in team_files:
        page = tab.open(site / file)
        team = page.locator("h1").inner_text()
        trail = load(demo, "audit", team)
        assert page.locator("table.audit tbody tr").count() == len(trail["steps"])
        hrefs = page.locator("table.audit a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
        for step in trail["steps"]:
            for event_id in step["events"]:
                assert f"history.html#e-{event_id}" in hrefs
            for source in step["sources"]:
                assert source in page.inner_text("table.audit")
        assert trail["status"] in page.locator(".lead").inner_text()


def test_the_history_lists_every_event_with_both_clocks(demo: Cli, site: Path, tab: Page) -> None:
    log = load(demo, "log")
    page = tab.open(site / "history.html")
    rows = page.locator("table.history tbody tr")
    assert rows.count() == len(log)
    for i in (0, len(log) // 2, len(log) - 1):
        row = rows.nth(i)
        event = log[i]
        assert row.get_attribute("id") == f"e-{event['event_id']}"
        text = row.inner_text()
        assert event["occurred_on"] in text
        assert event["recorded_at"][:19].replace("T", " ") in text
    # Every result links to the stage page it changed.
    stage_of = {
        m["fixture"]: s["name"]
        for s in load(demo, "stages")
        if s["format"] == "knockout"
        for m in load(demo, "bracket", s["slug"])["matches"]
    }
    results = [e for e in log if e["type"] == "result_recorded"]
    assert results
    for event in results:
        row = page.locator(f'tr[data-event="{event["event_id"]}"] td.changed')
        for team in event["event"]["teams"]:
            assert team in row.inner_text()
        if event["event"]["fixture"] in stage_of:
            assert stage_of[event["event"]["fixture"]] in row.inner_text()


def test_every_link_resolves_and_nothing_is_fetched_from_outside(site: Path, tab: Page) -> None:
    pages = sorted(site.glob("*.html"))
    ids: dict[Path, set[str]] = {}
    links: list[tuple[Path, str]] = []
    for file in pages:
        page = tab.open(file)
        ids[file] = set(page.locator("[id]").evaluate_all("els => els.map(e => e.id)"))
        hrefs = page.locator("a[href], link[href]").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))"
        )
        links += [(file, h) for h in hrefs]
    assert len(links) > len(pages)
    for file, href in links:
        parts = urlsplit(href)
        assert not parts.scheme and not parts.netloc, f"{file.name} links outside: {href}"
        target = (file.parent / unquote(parts.path)) if parts.path else file
        assert target.exists(), f"{file.name}: {href} does not resolve"
        if parts.fragment and target.suffix == ".html":
            if target not in ids:
                ids[target] = set(
                    tab.open(target).locator("[id]").evaluate_all("els => els.map(e => e.id)")
                )
            assert parts.fragment in ids[target], f"{file.name}: {href} has no such anchor"
    assert not tab.errors, tab.errors
    assert not tab.outside, tab.outside


def _variety(png: bytes) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.thumbnail((320, 320))
    return len(image.getcolors(maxcolors=1 << 24) or [])


def test_a_screenshot_of_each_page_type_is_not_blank(
    demo: Cli, site: Path, tab: Page, tmp_path: Path
) -> None:
    stages = load(demo, "stages")
    bracket = next(s["slug"] for s in stages if s["format"] == "knockout" and s["fixtures"] > 2)
    group = next(s["slug"] for s in stages if s["format"] == "group")
    champion = next(s["winner"] for s in stages if s["winner"])
    team_page = (
        tab.open(stage_file(site, bracket))
        .locator("svg.bracket g.champion a")
        .get_attribute("href")
    )
    assert champion
    shots = {
        "index": site / "index.html",
        "bracket": stage_file(site, bracket),
        "group": stage_file(site, group),
        "team": site / team_page,
        "history": site / "history.html",
    }
    keep = os.environ.get("LEDGER_SCREENSHOTS_DIR")
    for kind, file in shots.items():
        page = tab.open(file)
        png = page.screenshot(full_page=kind in ("bracket", "group"))
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert _variety(png) > 50, f"the {kind} page looks blank"
        if keep and kind in ("bracket", "group"):
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(_save(png, tmp_path / f"{kind}.png"), Path(keep) / f"{kind}.png")
    assert not tab.errors and not tab.outside


def _save(png: bytes, path: Path) -> Path:
    path.write_bytes(png)
    return path
