"""Published checkpoints and inclusion proofs of the ledger, signed with Ed25519.

A checkpoint states the ledger's id (the hash of its first event), its size and
the Merkle root of every event in ledger order (`ledger.checkpoint`), at a time,
optionally signed. Whoever kept one can later prove that the ledger still
extends it (a consistency proof), and a fan holding a proof of one event and the
checkpoint can check, with no database, that the event is in the ledger.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from events.catalogue import Body, decode_body
from ledger.checkpoint import MerkleTree, leaf_hash, verify_consistency, verify_inclusion
from ledger.errors import InvalidInput, LedgerError
from ledger.files import read_bytes
from ledger.store import EventStore, open_envelope

CHECKPOINT = "results-ledger-checkpoint"
PROOF = "results-ledger-inclusion-proof"


class TrustError(LedgerError):
    """A checkpoint, proof or signature that does not hold."""


class Checkpoint(msgspec.Struct, frozen=True, kw_only=True):
    format: str = CHECKPOINT
    version: int = 1
    ledger: str  # hash of the ledger's first event: which ledger this is
    size: int  # events covered, in ledger order
    root: str  # RFC 9162 Merkle tree head of those events, hex
    time: str  # when the checkpoint was made, ISO 8601 UTC
    key: str | None = None  # id of the signing key (sha256 of its raw public bytes)
    signature: str | None = None  # Ed25519 over `statement()`, base64

    def statement(self) -> bytes:
        """The exact bytes signed: one field a line, nothing left to interpret."""
        return (
            f"{CHECKPOINT} v{self.version}\nledger {self.ledger}\nsize {self.size}\n"
            f"root {self.root}\ntime {self.time}\n"
        ).encode()


class InclusionProof(msgspec.Struct, frozen=True, kw_only=True):
    format: str = PROOF
    version: int = 1
    ledger: str
    size: int  # the checkpoint's size
    root: str  # the checkpoint's root
    index: int  # the event's place in ledger order, from 0
    position: int  # its position in the ledger (as `ledger log` shows)
    hash: str  # the event's own chain hash: sha256 of `body`
    path: list[str]  # RFC 9162 inclusion path, hex
    body: msgspec.Raw  # the stored body exactly as hashed


_checkpoint_decoder = msgspec.json.Decoder(Checkpoint)
_proof_decoder = msgspec.json.Decoder(InclusionProof)


# -- keys --------------------------------------------------------------------


def new_key() -> tuple[bytes, bytes, str]:
    """(private PEM, public PEM, key id) of a fresh Ed25519 key."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public, key_id(key.public_key())


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_private(path: Path) -> Ed25519PrivateKey:
    data = read_bytes(path, what="key file")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"{path} is not an unencrypted PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(f"{path} is not an Ed25519 key (make one with `ledger keygen`)")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    data = read_bytes(path, what="public key file")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"{path} is not a PEM public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(f"{path} is not an Ed25519 public key")
    return key


# -- the ledger as a tree -------------------------------------------------------


def _bodies(store: EventStore) -> Iterator[tuple[int, str, bytes]]:
    """(position, event hash, body bytes as hashed) in ledger order."""
    for position, state in store.read_raw():
        try:
            digest, raw = open_envelope(state)
        except msgspec.DecodeError as exc:
            raise TrustError(
                f"the row at position {position} is not an event; run `ledger verify`"
            ) from exc
        yield position, digest, raw


@dataclasses.dataclass(frozen=True)
class LedgerTree:
    ledger: str
    tree: MerkleTree
    # (index, position, hash, body) of the events whose id starts with the id asked for
    found: list[tuple[int, int, str, bytes]]


def ledger_tree(store: EventStore, *, event_id: str | None = None) -> LedgerTree:
    """The tree of every event, in one pass; finds the event `event_id` on the way."""
    needle = None if event_id is None else b'"event_id":"' + _event_id(event_id).encode()
    first = ""
    hashes: list[bytes] = []
    found: list[tuple[int, int, str, bytes]] = []
    for index, (position, digest, raw) in enumerate(_bodies(store)):
        if not first:
            first = digest
        hashes.append(leaf_hash(raw))
        if needle is not None and needle in raw:
            found.append((index, position, digest, raw))
    if not hashes:
        raise TrustError("the ledger is empty: there is nothing to checkpoint or prove")
    return LedgerTree(first, MerkleTree(hashes), found)


def _event_id(text: str) -> str:
    wanted = text.strip().lower()
    if len(wanted) < 6 or len(wanted) > 64 or not all(c in "0123456789abcdef" for c in wanted):
        raise InvalidInput(f"{text!r} is not an event id (see `ledger log`)")
    return wanted


def make_checkpoint(store: EventStore, *, key: Ed25519PrivateKey | None = None) -> Checkpoint:
    lt = ledger_tree(store)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    cp = Checkpoint(ledger=lt.ledger, size=lt.tree.size, root=lt.tree.root().hex(), time=now)
    if key is None:
        return cp
    signature = base64.b64encode(key.sign(cp.statement())).decode()
    return msgspec.structs.replace(cp, key=key_id(key.public_key()), signature=signature)


def encode(obj: Checkpoint | InclusionProof) -> bytes:
    return msgspec.json.encode(obj) + b"\n"


def read_checkpoint(path: Path) -> Checkpoint:
    data = read_bytes(path, what="checkpoint")
    try:
        cp = _checkpoint_decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise InvalidInput(f"{path.name}: not a ledger checkpoint: {exc}") from exc
    if cp.format != CHECKPOINT or cp.version != 1:
        raise InvalidInput(f"{path.name}: not a ledger checkpoint ({cp.format} v{cp.version})")
    _hex(cp.root, f"{path.name}: root")
    return cp


def check_signature(cp: Checkpoint, public: Ed25519PublicKey | None) -> str:
    """A sentence on the signature; raises when a key was given and it does not hold."""
    if public is None:
        return "signature not checked (give --pubkey)" if cp.signature else "unsigned"
    if not cp.signature:
        raise TrustError("the checkpoint is not signed, but a public key was given to check it")
    if cp.key != key_id(public):
        raise TrustError(f"the checkpoint was signed by key {cp.key}, not by {key_id(public)}")
    try:
        public.verify(base64.b64decode(cp.signature, validate=True), cp.statement())
    except (InvalidSignature, ValueError) as exc:
        raise TrustError("the checkpoint's signature does not verify: it was altered") from exc
    return f"signed by key {cp.key}"


def extends(lt: LedgerTree, cp: Checkpoint) -> list[bytes]:
    """The consistency proof that the ledger extends `cp`; raises when it does not."""
    size = lt.tree.size
    if cp.ledger != lt.ledger:
        raise TrustError(
            f"the checkpoint is of ledger {cp.ledger[:12]}, this ledger's first event is "
            f"{lt.ledger[:12]} (another ledger, or its first event was rewritten)"
        )
    if size < cp.size:
        raise TrustError(
            f"the ledger holds {size} events, fewer than the {cp.size} the checkpoint of "
            f"{cp.time} published: events were removed"
        )
    proof = lt.tree.consistency_proof(cp.size, size)
    if not verify_consistency(
        old_size=cp.size,
        size=size,
        old_root=bytes.fromhex(cp.root),
        root=lt.tree.root(),
        proof=proof,
    ):
        raise TrustError(
            f"the ledger does not extend the checkpoint of {cp.time}: its first {cp.size} "
            "events are not the ones published (rewritten)"
        )
    return proof


def prove(store: EventStore, cp: Checkpoint, event_id: str) -> InclusionProof:
    lt = ledger_tree(store, event_id=event_id)
    extends(lt, cp)
    if not lt.found:
        raise TrustError(f"no event {event_id!r} in the ledger (see `ledger log`)")
    if len(lt.found) > 1:
        raise InvalidInput(
            f"the short id {event_id!r} names {len(lt.found)} events; give more of it"
        )
    index, position, digest, raw = lt.found[0]
    if index >= cp.size:
        raise TrustError(
            f"event {event_id} was recorded after the checkpoint of {cp.time} "
            f"(it is event {index + 1}, the checkpoint covers {cp.size}): publish a newer one"
        )
    return InclusionProof(
        ledger=cp.ledger,
        size=cp.size,
        root=cp.root,
        index=index,
        position=position,
        hash=digest,
        path=[p.hex() for p in lt.tree.inclusion_proof(index, cp.size)],
        body=msgspec.Raw(raw),
    )


def read_proof(path: Path) -> InclusionProof:
    data = read_bytes(path, what="proof")
    try:
        proof = _proof_decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise InvalidInput(f"{path.name}: not an inclusion proof: {exc}") from exc
    if proof.format != PROOF or proof.version != 1:
        raise InvalidInput(f"{path.name}: not an inclusion proof ({proof.format} v{proof.version})")
    return proof


def check_proof(proof: InclusionProof, cp: Checkpoint) -> Body:
    """The proven event's body; raises unless the proof puts it under the checkpoint."""
    if (proof.ledger, proof.size, proof.root) != (cp.ledger, cp.size, cp.root):
        raise TrustError(
            "the proof is for another checkpoint "
            f"(ledger {proof.ledger[:12]}, {proof.size} events, root {proof.root[:12]})"
        )
    raw = bytes(proof.body)
    if hashlib.sha256(raw).hexdigest() != proof.hash:
        raise TrustError("the event in the proof does not match its hash: it was altered")
    path = [_hex(p, "proof path") for p in proof.path]
    if not verify_inclusion(
        index=proof.index,
        size=proof.size,
        leaf=leaf_hash(raw),
        proof=path,
        root=_hex(cp.root, "checkpoint root"),
    ):
        raise TrustError(
            f"the proof does not place the event at index {proof.index} under the "
            "checkpoint's root: it is not in the published ledger"
        )
    try:
        return decode_body(raw)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise TrustError(f"the proven event cannot be read by this version: {exc}") from exc


def _hex(text: str, what: str) -> bytes:
    try:
        value = bytes.fromhex(text)
    except ValueError as exc:
        raise InvalidInput(f"{what} is not hexadecimal") from exc
    if len(value) != 32:
        raise InvalidInput(f"{what} is not a SHA-256 hash")
    return value
