"""Checkpoints and proofs that outsiders can check: keygen, checkpoint, prove, verify-proof."""

from __future__ import annotations

from pathlib import Path

import click
import msgspec

from events.catalogue import tag_of, to_builtins
from ledger.cli import Context, cli, pass_context
from ledger.errors import InvalidInput, LedgerError
from ledger.files import write_atomically, write_atomically_check
from ledger.store import is_postgres_url
from ledger.trust import (
    check_proof,
    check_signature,
    encode,
    load_private,
    load_public,
    make_checkpoint,
    new_key,
    prove,
    read_checkpoint,
    read_proof,
)

_PATH = click.Path(dir_okay=False, path_type=Path)


@cli.command("keygen")
@click.argument("keyfile", type=_PATH)
def keygen(keyfile: Path) -> None:
    """Make an Ed25519 signing key: KEYFILE (secret, readable by you only) and
    KEYFILE.pub (publish it, so that anyone can check your checkpoints).

    Example: ledger keygen federation.key
    """
    public_file = keyfile.with_name(keyfile.name + ".pub")
    for path in (keyfile, public_file):
        if path.exists() or path.is_symlink():
            raise InvalidInput(f"{path} already exists: refusing to replace a key")
    private, public, kid = new_key()
    write_atomically(keyfile, private, mode=0o600)
    write_atomically(public_file, public)
    click.echo(f"wrote {keyfile} (keep it secret) and {public_file} (publish it); key id {kid}")


@cli.command("checkpoint")
@click.option("--key", type=_PATH, default=None, help="Sign with this key (from `ledger keygen`).")
@click.option("--output", "-o", type=_PATH, default=None, help="Write to FILE, not stdout.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@pass_context
def checkpoint(ctx: Context, key: Path | None, output: Path | None, force: bool) -> None:
    """Print a checkpoint: the ledger's id, its size and the Merkle root of every
    event in ledger order, with the time; signed when --key is given. Publish it:
    later, `ledger verify --checkpoint` proves the ledger still extends it.

    Example: ledger keygen federation.key
    && ledger checkpoint --key federation.key -o 2025-02-16.checkpoint
    """
    if output is not None:  # refused before the ledger is read, not after
        write_atomically_check(output, force=force, protect=_ledger_files(ctx))
    private = None if key is None else load_private(key)
    data = encode(make_checkpoint(ctx.ledger.store, key=private))
    if output is None:
        click.echo(data.decode(), nl=False)
        return
    write_atomically(output, data, force=force, protect=_ledger_files(ctx))
    click.echo(f"wrote the checkpoint to {output}")


@cli.command("prove")
@click.argument("event_id")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=_PATH,
    required=True,
    help="The published checkpoint the proof is against.",
)
@click.option("--output", "-o", type=_PATH, default=None, help="Write to FILE, not stdout.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@pass_context
def prove_command(
    ctx: Context, event_id: str, checkpoint_file: Path, output: Path | None, force: bool
) -> None:
    """Write a proof that the event EVENT_ID is in the ledger the checkpoint
    published (EVENT_ID: its id, the short id `ledger log` prints, or a fixture for
    its standing result); the proof carries the event itself. Anyone can check it
    with `ledger verify-proof`, no database needed.

    Example: ledger checkpoint -o 2025-02-16.checkpoint
    && ledger prove swc-final --checkpoint 2025-02-16.checkpoint -o result.proof
    """
    if output is not None:  # refused before the tree is built, not after
        write_atomically_check(output, force=force, protect=_ledger_files(ctx))
    cp = read_checkpoint(checkpoint_file)
    data = encode(prove(ctx.ledger.store, cp, _result_of_fixture(ctx, event_id)))
    if output is None:
        click.echo(data.decode(), nl=False)
        return
    write_atomically(output, data, force=force, protect=_ledger_files(ctx))
    click.echo(f"wrote the proof of {event_id} to {output}")


@cli.command("verify-proof")
@click.argument("proof_file", metavar="PROOF", type=_PATH)
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=_PATH,
    required=True,
    help="The published checkpoint the proof must lead to.",
)
@click.option("--pubkey", type=_PATH, default=None, help="The publisher's public key.")
def verify_proof(proof_file: Path, checkpoint_file: Path, pubkey: Path | None) -> None:
    """Check, with nothing but PROOF and the checkpoint (no database), that the
    event in PROOF is in the ledger the checkpoint published; with --pubkey,
    that the checkpoint is the one its publisher signed.

    Example: ledger checkpoint -o 2025-02-16.checkpoint
    && ledger prove swc-final --checkpoint 2025-02-16.checkpoint -o result.proof
    && ledger verify-proof result.proof --checkpoint 2025-02-16.checkpoint
    """
    cp = read_checkpoint(checkpoint_file)
    signed = check_signature(cp, None if pubkey is None else load_public(pubkey))
    proof = read_proof(proof_file)
    body = check_proof(proof, cp)
    event = body.event
    details = ", ".join(
        f"{k}={msgspec.json.encode(v).decode()}"
        for k, v in to_builtins(event).items()
        if k not in ("type", "event_id", "occurred_on") and v
    )
    click.echo(
        f"ok: {tag_of(event)} {event.event_id} of {body.stream} (event {body.version}, "
        f"on {event.occurred_on}, recorded {body.recorded_at:%Y-%m-%d %H:%M:%S}Z) is event "
        f"{proof.index + 1} of the {cp.size} in checkpoint {cp.time} ({signed})"
    )
    click.echo(f"  {details}")


def _ledger_files(ctx: Context) -> tuple[Path, ...]:
    if is_postgres_url(ctx.url):
        return ()
    return (Path(ctx.ledger.store.sqlite_path),)


def _result_of_fixture(ctx: Context, text: str) -> str:
    """A fixture named where an event id is asked for: its standing result."""
    try:
        state = ctx.ledger.view(ctx.competition)
    except LedgerError:
        return text
    fx = state.fixtures.get(text)
    standing = fx.result or fx.forfeit if fx is not None else None
    return standing.event_id if standing is not None else text
