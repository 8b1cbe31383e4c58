"""Published checkpoints and inclusion proofs, driven through the CLI on both backends.

The hole they close: an attacker who rewrites one result and re-chains every
later hash and the heads rows passes `ledger verify`; a checkpoint published
before the rewrite does not let it pass `ledger verify --checkpoint`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import msgspec
import pytest

from events.base import Goals, Score
from events.catalogue import decode_body, encode_body
from events.matches import ResultRecorded
from ledger.store import stream_id
from tests.conftest import Cli
from tests.test_tamper import CUP, Log, build

# --- a consistent rewrite: the attack the in-database checks cannot see -------------


def _rows(url: str) -> list[tuple[int, str, int, bytes]]:
    if url.startswith("postgres"):
        import psycopg

        dsn, schema = url.split("?")[0], url.split("schema=")[1]
        with psycopg.connect(dsn) as conn:
            found = conn.execute(
                f'SELECT notification_id, originator_id, originator_version, state FROM "{schema}"'
                ".ledger_events ORDER BY notification_id"
            ).fetchall()
    else:
        with sqlite3.connect(url) as conn:
            found = conn.execute(
                "SELECT rowid, originator_id, originator_version, state FROM stored_events "
                "ORDER BY rowid"
            ).fetchall()
    return [(int(p), str(o), int(v), bytes(s)) for p, o, v, s in found]


def _write(url: str, changes: list[tuple[int, str, int, bytes, str]]) -> None:
    """Replace rows' states and their heads, with every trigger out of the way."""
    if url.startswith("postgres"):
        import psycopg

        dsn, schema = url.split("?")[0], url.split("schema=")[1]
        events, heads = f'"{schema}".ledger_events', f'"{schema}".ledger_events_heads'
        with psycopg.connect(dsn) as conn:
            conn.execute(f"DROP TRIGGER ledger_events_append_only ON {events}")
            conn.execute(f"DROP TRIGGER ledger_events_heads_append_only ON {heads}")
            for position, sid, version, state, digest in changes:
                conn.execute(
                    f"UPDATE {events} SET state = %s WHERE notification_id = %s", (state, position)
                )
                conn.execute(
                    f"UPDATE {heads} SET hash = %s WHERE stream_id = %s AND version = %s",
                    (digest, sid, version),
                )
        return
    conn = sqlite3.connect(url)
    try:
        for trigger in ("stored_events_no_update", "ledger_heads_no_update"):
            conn.execute(f"DROP TRIGGER {trigger}")
        for position, sid, version, state, digest in changes:
            conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (state, position))
            conn.execute(
                "UPDATE ledger_heads SET hash = ? WHERE stream_id = ? AND version = ?",
                (digest, sid, version),
            )
        conn.commit()
    finally:
        conn.close()


def rewrite_result(url: str, stream: str, version: int, score: Goals) -> None:
    """Change one result's score and re-chain every later event of its stream."""
    sid = str(stream_id(stream))
    changes = []
    prev = ""
    for position, originator, v, state in _rows(url):
        if uuid.UUID(originator) != stream_id(stream) or v < version:
            continue
        envelope = json.loads(state)
        raw = state[state.index(b'"body":') + len(b'"body":') : -1]
        assert hashlib.sha256(raw).hexdigest() == envelope["hash"]
        body = decode_body(raw)
        if v == version:
            assert isinstance(body.event, ResultRecorded)
            event = msgspec.structs.replace(body.event, score=Score(regulation=score))
            body = msgspec.structs.replace(body, event=event)
        else:
            body = msgspec.structs.replace(body, prev_hash=prev)
        new_raw = encode_body(body)
        digest = hashlib.sha256(new_raw).hexdigest()
        new_state = b'{"hash":"' + digest.encode() + b'","body":' + new_raw + b"}"
        changes.append((position, sid, v, new_state, digest))
        prev = digest
    _write(url, changes)


# --- the flows ----------------------------------------------------------------------


@pytest.fixture
def published(ledger_cli: Cli, tmp_path: Path) -> tuple[Cli, Path, Path, Path]:
    """The built ledger, a key, and a signed checkpoint published from it."""
    build(ledger_cli)
    key = tmp_path / "federation.key"
    ledger_cli("keygen", str(key))
    checkpoint = tmp_path / "published.checkpoint"
    ledger_cli("checkpoint", "--key", str(key), "-o", str(checkpoint))
    return ledger_cli, key, Path(str(key) + ".pub"), checkpoint


def _json(path: Path) -> Any:
    return json.loads(path.read_text())


def test_a_checkpoint_states_ledger_size_root_and_signature(
    published: tuple[Cli, Path, Path, Path],
) -> None:
    cli, _, _, checkpoint = published
    log = Log(cli)
    cp = _json(checkpoint)

    assert cp["format"] == "results-ledger-checkpoint"
    assert cp["size"] == len(log.entries)
    assert cp["ledger"] == log.entries[0]["hash"]
    assert len(bytes.fromhex(cp["root"])) == 32
    assert cp["signature"] and cp["key"]
    # Unsigned, to stdout: the same ledger, size and root.
    plain = json.loads(cli("checkpoint").stdout)
    assert (plain["ledger"], plain["size"], plain["root"]) == (cp["ledger"], cp["size"], cp["root"])
    assert plain["signature"] is None


def test_verify_proves_the_ledger_extends_its_checkpoint_after_more_events(
    published: tuple[Cli, Path, Path, Path],
) -> None:
    cli, _, pub, checkpoint = published
    size = _json(checkpoint)["size"]
    cli("-c", CUP, "record", "ko", "Alpha 1-0 Gamma", "--on", "2025-03-01", "--round", "Final")

    result = cli("verify", "--checkpoint", str(checkpoint), "--pubkey", str(pub))

    assert "extends the checkpoint" in result.stdout
    assert f"({size} events, signed by key" in result.stdout
    assert len(Log(cli).entries) > size


def test_a_consistent_rewrite_before_a_checkpoint_passes_verify_but_not_the_checkpoint(
    published: tuple[Cli, Path, Path, Path], ledger_url: str
) -> None:
    cli, _, pub, checkpoint = published
    log = Log(cli)
    assert log.entry(CUP, 10)["event"]["score"]["regulation"] == [2, 1]

    rewrite_result(ledger_url, CUP, 10, Goals(7, 1))

    # The rewrite is consistent: every chain and every head agrees with it...
    rewritten = Log(cli)
    assert rewritten.entry(CUP, 10)["event"]["score"]["regulation"] == [7, 1]
    assert rewritten.entry(CUP, 14)["hash"] != log.entry(CUP, 14)["hash"]
    assert cli("verify").exit_code == 0
    # ...but the ledger no longer extends what was published.
    result = cli("verify", "--checkpoint", str(checkpoint), "--pubkey", str(pub), ok=False)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert "does not extend the checkpoint" in lines[0]
    assert f"first {_json(checkpoint)['size']} events" in lines[0]


def test_a_fan_checks_a_result_with_the_proof_and_the_checkpoint_only(
    published: tuple[Cli, Path, Path, Path], tmp_path: Path
) -> None:
    cli, _, pub, checkpoint = published
    result = Log(cli).entry(CUP, 10)
    proof = tmp_path / "alpha-beta.proof"
    cli("prove", result["event_id"][:12], "--checkpoint", str(checkpoint), "-o", str(proof))

    proven = _json(proof)
    assert proven["hash"] == result["hash"]
    assert proven["body"]["event"]["score"]["regulation"] == [2, 1]
    # No database: a --db that does not exist, in a directory that does not exist.
    fan = Cli(str(tmp_path / "nowhere" / "fan.db"))
    checked = fan("verify-proof", str(proof), "--checkpoint", str(checkpoint), "--pubkey", str(pub))
    assert checked.stdout.startswith(f"ok: result_recorded {result['event_id']} of {CUP}")
    assert '"regulation":[2,1]' in checked.stdout
    assert not (tmp_path / "nowhere").exists()


def _tampered(path: Path, tmp_path: Path, name: str, change: Any) -> Path:
    data = _json(path)
    change(data)
    out = tmp_path / name
    out.write_text(json.dumps(data))
    return out


def test_altered_proofs_checkpoints_and_keys_are_refused(
    published: tuple[Cli, Path, Path, Path], tmp_path: Path
) -> None:
    cli, _, pub, checkpoint = published
    result = Log(cli).entry(CUP, 10)
    proof = tmp_path / "p.proof"
    cli("prove", result["event_id"], "--checkpoint", str(checkpoint), "-o", str(proof))
    other_key = tmp_path / "other.key"
    cli("keygen", str(other_key))

    def score(data: Any) -> None:
        data["body"]["event"]["score"]["regulation"] = [7, 1]

    def rehashed(data: Any) -> None:
        score(data)
        raw = json.dumps(data["body"], separators=(",", ":")).encode()
        data["hash"] = hashlib.sha256(raw).hexdigest()

    def index(data: Any) -> None:
        data["index"] += 1

    def path(data: Any) -> None:
        data["path"][0] = "00" * 32

    def root(data: Any) -> None:
        data["root"] = "11" * 32

    def size(data: Any) -> None:
        data["size"] -= 1

    cases = {
        "score changed": (_tampered(proof, tmp_path, "a", score), checkpoint, pub),
        "score changed, rehashed": (_tampered(proof, tmp_path, "b", rehashed), checkpoint, pub),
        "index moved": (_tampered(proof, tmp_path, "c", index), checkpoint, pub),
        "path altered": (_tampered(proof, tmp_path, "d", path), checkpoint, pub),
        "checkpoint root altered": (proof, _tampered(checkpoint, tmp_path, "e", root), pub),
        "checkpoint size altered": (proof, _tampered(checkpoint, tmp_path, "f", size), pub),
        "another key": (proof, checkpoint, Path(str(other_key) + ".pub")),
    }
    for what, (p, cp, key) in cases.items():
        out = Cli(cli.url).refused(
            "verify-proof", str(p), "--checkpoint", str(cp), "--pubkey", str(key)
        )
        assert out.exit_code == 1, what
    # The untouched proof still verifies.
    cli("verify-proof", str(proof), "--checkpoint", str(checkpoint), "--pubkey", str(pub))
    # A checkpoint whose root was altered after signing is refused by verify too.
    bad = _tampered(checkpoint, tmp_path, "g", root)
    assert cli("verify", "--checkpoint", str(bad), "--pubkey", str(pub), ok=False).exit_code != 0
    assert cli("verify", "--checkpoint", str(bad), ok=False).exit_code != 0


def test_events_removed_after_a_checkpoint_are_named(
    published: tuple[Cli, Path, Path, Path], tmp_path: Path
) -> None:
    cli, _, _, checkpoint = published
    size = _json(checkpoint)["size"]
    bigger = _tampered(checkpoint, tmp_path, "bigger", lambda d: d.update(size=size + 5))

    result = cli("verify", "--checkpoint", str(bigger), ok=False)

    assert result.exit_code == 2
    assert f"fewer than the {size + 5}" in result.stderr


def test_prove_refuses_events_after_the_checkpoint_and_unknown_ids(
    published: tuple[Cli, Path, Path, Path],
) -> None:
    cli, _, _, checkpoint = published
    cli("-c", CUP, "record", "ko", "Alpha 1-0 Gamma", "--on", "2025-03-01", "--round", "Final")
    newest = Log(cli).entries[-1]["event_id"]

    assert (
        "after the checkpoint"
        in cli.refused("prove", newest, "--checkpoint", str(checkpoint)).stderr
    )
    assert (
        "no event" in cli.refused("prove", "abcdef123456", "--checkpoint", str(checkpoint)).stderr
    )
    assert "not an event id" in cli.refused("prove", "x", "--checkpoint", str(checkpoint)).stderr


def test_keygen_never_replaces_a_key(tmp_path: Path) -> None:
    cli = Cli(str(tmp_path / "l.db"))
    key = tmp_path / "k.key"
    cli("keygen", str(key))
    before = key.read_bytes()

    assert "already exists" in cli.refused("keygen", str(key)).stderr
    assert key.read_bytes() == before
    assert key.stat().st_mode & 0o077 == 0
    assert not (tmp_path / "l.db").exists()


def test_checkpoint_and_prove_refuse_an_existing_output_before_reading_the_ledger(
    sqlite_cli: Cli, tmp_path: Path
) -> None:
    sqlite_cli("new", CUP, "--name", "County Cup", "--on", "2025-01-10")
    taken = tmp_path / "taken.txt"
    taken.write_text("keep me")
    missing = tmp_path / "no.checkpoint"

    refused = sqlite_cli.refused("checkpoint", "-o", str(taken))
    assert "already exists" in refused.stderr
    # Refused before anything else is read: not the missing checkpoint file.
    refused = sqlite_cli.refused(
        "prove", "abcdef123456", "--checkpoint", str(missing), "-o", str(taken)
    )
    assert "already exists" in refused.stderr
    assert taken.read_text() == "keep me"
