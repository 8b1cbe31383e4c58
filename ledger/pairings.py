"""Pure pairing algorithms for draws: round robins (circle method) and seeded knockouts.

No ledger state here: names in, pairings out. `ledger/commands/draw.py` turns
them into fixtures.
"""

from __future__ import annotations

from dataclasses import dataclass


def round_robin(teams: list[str], *, double: bool = False) -> list[list[tuple[str, str]]]:
    """Rounds of (home, away) pairs in which every pair meets once (twice, home
    and away, with `double`). Circle method: the first team stays, the others
    rotate; with an odd field one team rests each round. Home and away are
    balanced: each team is at home in half its games, give or take one."""
    # Orientation: among an odd number m of teams, i hosts j when j follows i
    # by at most (m - 1) / 2 places around the circle, so each hosts exactly
    # half its games; with an even field the last team sits outside that circle
    # and alternates home and away by round.
    cyc = teams if len(teams) % 2 else teams[:-1]
    fixed = None if len(teams) % 2 else teams[-1]
    place = {t: i for i, t in enumerate(cyc)}
    m = len(cyc)
    field: list[str | None] = [fixed, *cyc]
    n = len(field)
    rounds: list[list[tuple[str, str]]] = []
    for r in range(n - 1):
        pairs: list[tuple[str, str]] = []
        for i in range(n // 2):
            a, b = field[i], field[n - 1 - i]
            if a is None or b is None:
                continue  # with an odd field, the team drawn against nobody rests
            if a == fixed:
                home, away = (a, b) if r % 2 == 0 else (b, a)
            elif b == fixed:
                home, away = (b, a) if r % 2 == 0 else (a, b)
            elif (place[b] - place[a]) % m <= (m - 1) // 2:
                home, away = a, b
            else:
                home, away = b, a
            pairs.append((home, away))
        rounds.append(pairs)
        field = [field[0], field[-1], *field[1:-1]]
    if double:
        rounds += [[(away, home) for home, away in pairs] for pairs in rounds]
    return rounds


def bracket_order(size: int) -> list[int]:
    """Seed numbers (1 = best) in bracket order for a power-of-two size: 1 and 2
    can only meet in the final, 1 meets the lowest seed first."""
    order = [1]
    while len(order) < size:
        total = 2 * len(order) + 1
        order = [s for seed in order for s in (seed, total - seed)]
    return order


def round_names(rounds: int) -> list[str]:
    """The usual names of a knockout's rounds, last one the final."""
    named = {1: "Final", 2: "Semi-finals", 3: "Quarter-finals"}
    return [named.get(rounds - i, f"Round of {2 ** (rounds - i)}") for i in range(rounds)]


@dataclass(frozen=True)
class Tie:
    """One slot of a knockout round: a match of two earlier slots, or a team."""

    round: int  # 0 = first round
    index: int
    home: Tie | str
    away: Tie | str | None  # None: `home` has a bye through this round


def knockout(seeded: list[str]) -> list[list[Tie]]:
    """The rounds of a knockout for a field in seed order (best first). When the
    field is not a power of two the top seeds get byes through the first round."""
    if len(seeded) < 2:
        raise ValueError("a knockout needs at least two teams")
    size = 1
    while size < len(seeded):
        size *= 2
    slots: list[str | None] = [
        seeded[s - 1] if s <= len(seeded) else None for s in bracket_order(size)
    ]
    first: list[Tie] = []
    for i in range(size // 2):
        a, b = slots[2 * i], slots[2 * i + 1]
        assert a is not None  # the better seed of a pair is always in the field
        first.append(Tie(round=0, index=i, home=a, away=b))
    rounds = [first]
    while len(rounds[-1]) > 1:
        prev = rounds[-1]
        rounds.append(
            [
                Tie(round=len(rounds), index=i, home=prev[2 * i], away=prev[2 * i + 1])
                for i in range(len(prev) // 2)
            ]
        )
    return rounds
