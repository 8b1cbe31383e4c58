"""The Merkle tree of `ledger.checkpoint` against the published RFC 6962/9162 vectors.

The vectors are the reference ones used by Certificate Transparency
implementations: the eight leaf inputs, the root of every tree size 0..8, and
the inclusion and consistency proofs of transparency-dev/merkle
(`testonly/constants.go` and `proof/verify_test.go`, carried over from
google/certificate-transparency's `merkle_tree_test.cc`). Then every proof of
every size up to 40 is checked against the RFC's verification algorithms, and
every corruption of a proof that the reference tests try must fail.
"""

from __future__ import annotations

import pytest

from ledger.checkpoint import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]

ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]

# (leaf index, tree size, proof); the reference file numbers leaves from 1.
INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (0, 1, []),
]

CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]

SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def test_empty_tree_root_is_the_hash_of_nothing() -> None:
    assert MerkleTree([]).root() == EMPTY_ROOT == ROOTS[0]


@pytest.mark.parametrize("size", range(9))
def test_root_of_every_prefix_matches_the_reference_roots(size: int) -> None:
    assert MerkleTree.of_leaves(LEAVES[:size]).root() == ROOTS[size]
    # And the prefix root read from the full tree is the same.
    assert MerkleTree.of_leaves(LEAVES).root(size) == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_proofs_match_the_reference_and_verify(
    index: int, size: int, proof: list[str]
) -> None:
    tree = MerkleTree.of_leaves(LEAVES)
    made = tree.inclusion_proof(index, size)
    assert [p.hex() for p in made] == proof
    assert verify_inclusion(
        index=index, size=size, leaf=leaf_hash(LEAVES[index]), proof=made, root=ROOTS[size]
    )


@pytest.mark.parametrize(("old", "size", "proof"), CONSISTENCY)
def test_consistency_proofs_match_the_reference_and_verify(
    old: int, size: int, proof: list[str]
) -> None:
    tree = MerkleTree.of_leaves(LEAVES)
    made = tree.consistency_proof(old, size)
    assert [p.hex() for p in made] == proof
    assert verify_consistency(
        old_size=old, size=size, old_root=ROOTS[old], root=ROOTS[size], proof=made
    )


def _inclusion_corruptions(
    index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes
) -> list[tuple[str, int, int, bytes, list[bytes], bytes]]:
    """The wrong inputs transparency-dev/merkle's verifier tests try."""
    out = [
        ("index - 1", index - 1, size, leaf, proof, root),
        ("index + 1", index + 1, size, leaf, proof, root),
        ("index ^ 2", index ^ 2, size, leaf, proof, root),
        ("size * 2", index, size * 2, leaf, proof, root),
        ("size // 2", index, size // 2, leaf, proof, root),
        ("wrong leaf", index, size, b"WrongLeaf", proof, root),
        ("empty root", index, size, leaf, proof, EMPTY_ROOT),
        ("random root", index, size, leaf, proof, SOME_HASH),
        ("trailing garbage", index, size, leaf, [*proof, b""], root),
        ("trailing root", index, size, leaf, [*proof, root], root),
        ("preceding garbage", index, size, leaf, [b"", *proof], root),
        ("preceding root", index, size, leaf, [root, *proof], root),
    ]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        out.append((f"flipped bit in proof[{i}]", index, size, leaf, flipped, root))
    if proof:
        out.append(("removed component", index, size, leaf, proof[:-1], root))
    if len(proof) > 1:
        out.append(
            ("inserted component", index, size, leaf, [proof[0], SOME_HASH, *proof[1:]], root)
        )
    return out


def _consistency_corruptions(
    old: int, size: int, old_root: bytes, root: bytes, proof: list[bytes]
) -> list[tuple[str, int, int, bytes, bytes, list[bytes]]]:
    out = [
        ("old - 1", old - 1, size, old_root, root, proof),
        ("old + 1", old + 1, size, old_root, root, proof),
        ("old ^ 2", old ^ 2, size, old_root, root, proof),
        ("size * 2", old, size * 2, old_root, root, proof),
        ("size // 2", old, size // 2, old_root, root, proof),
        ("wrong old root", old, size, b"WrongRoot", root, proof),
        ("wrong root", old, size, old_root, b"WrongRoot", proof),
        ("swapped roots", old, size, root, old_root, proof),
        ("empty proof", old, size, old_root, root, []),
        ("trailing garbage", old, size, old_root, root, [*proof, b""]),
        ("trailing old root", old, size, old_root, root, [*proof, old_root]),
        ("trailing root", old, size, old_root, root, [*proof, root]),
        ("preceding garbage", old, size, old_root, root, [b"", *proof]),
        ("preceding old root", old, size, old_root, root, [old_root, *proof]),
        ("preceding root", old, size, old_root, root, [root, *proof]),
        ("preceding proof[0]", old, size, old_root, root, [proof[0], *proof]),
        ("truncated", old, size, old_root, root, proof[:-1]),
    ]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        out.append((f"flipped bit in proof[{i}]", old, size, old_root, root, flipped))
    return out


def test_every_proof_of_every_size_verifies_and_no_corruption_does() -> None:
    leaves = [f"event {i}".encode() for i in range(40)]
    tree = MerkleTree.of_leaves(leaves)
    tried = 0
    for size in range(1, 41):
        root = tree.root(size)
        assert root == MerkleTree.of_leaves(leaves[:size]).root()
        for index in range(size):
            leaf = leaf_hash(leaves[index])
            proof = tree.inclusion_proof(index, size)
            assert verify_inclusion(index=index, size=size, leaf=leaf, proof=proof, root=root)
            for desc, i, n, lf, pr, rt in _inclusion_corruptions(index, size, leaf, proof, root):
                assert not verify_inclusion(index=i, size=n, leaf=lf, proof=pr, root=rt), desc
                tried += 1
        for old in range(1, size):
            old_root = tree.root(old)
            proof = tree.consistency_proof(old, size)
            assert verify_consistency(
                old_size=old, size=size, old_root=old_root, root=root, proof=proof
            )
            for desc, m, n, r1, r2, pr in _consistency_corruptions(
                old, size, old_root, root, proof
            ):
                assert not verify_consistency(old_size=m, size=n, old_root=r1, root=r2, proof=pr), (
                    desc,
                    old,
                    size,
                )
                tried += 1
    assert tried > 10_000


def test_edge_sizes_follow_the_rfc_callers() -> None:
    root1 = leaf_hash(b"a")
    assert verify_consistency(old_size=0, size=1, old_root=EMPTY_ROOT, root=root1, proof=[])
    assert verify_consistency(old_size=1, size=1, old_root=root1, root=root1, proof=[])
    assert not verify_consistency(old_size=1, size=1, old_root=root1, root=SOME_HASH, proof=[])
    assert not verify_consistency(old_size=2, size=1, old_root=root1, root=root1, proof=[])
    assert not verify_consistency(
        old_size=1, size=1, old_root=root1, root=root1, proof=[EMPTY_ROOT]
    )
    assert not verify_inclusion(index=0, size=0, leaf=root1, proof=[], root=EMPTY_ROOT)
    assert verify_inclusion(index=0, size=1, leaf=root1, proof=[], root=root1)
