"""The outside checks of the donation log: docs/verify_ledger.py (checkpoints, receipts'
inclusion proofs, consistency, the tree rebuilt from the export) and docs/witness.py. Both
scripts are written from the RFCs and C2SP specs without the shop's code; here the shop's own
domain code (merkle, notes, chain) makes their inputs, so each checks the other."""

import base64
import hashlib
import importlib.util
import json
import os
import random
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from storefront.domain import chain, merkle, notes

DOCS = Path(__file__).resolve().parents[2] / "docs"
ORIGIN = "shop.example.org/ledger"
LOG = notes.Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
KEY = str(LOG.verifier_key)
IMPOSTOR = notes.Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33))))
WITNESS = notes.Signer(
    "witness.example", Ed25519PrivateKey.from_private_bytes(b"w" * 32), notes.COSIGNATURE_V1
)


def load_script(name):
    spec = importlib.util.spec_from_file_location(f"docs_{name}", DOCS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = load_script("verify_ledger")

# Without cryptography: the import fails, so the script falls back to its own Ed25519 check.
WITHOUT_CRYPTOGRAPHY = (
    "import runpy, sys; sys.modules['cryptography'] = None; sys.argv = sys.argv[1:]; "
    "runpy.run_path(sys.argv[0], run_name='__main__')"
)


def run(name, *args, pure=False):
    """Run docs/<name>.py as its users do; ``pure`` hides cryptography from it."""
    path = str(DOCS / f"{name}.py")
    command = [sys.executable, "-c", WITHOUT_CRYPTOGRAPHY, path] if pure else [sys.executable, path]
    return subprocess.run(  # noqa: S603 - our own scripts
        [*command, *map(str, args)], capture_output=True, text=True, check=False, timeout=120
    )


def b64(raw):
    return base64.b64encode(raw).decode()


# --- Ed25519 (RFC 8032) ---------------------------------------------------------------------

# RFC 8032 §7.1: TEST 1, 2, 3 and SHA(abc): secret key, public key, message, signature.
RFC8032 = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701"
        "cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d"
        "0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f7609"
        "84dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
    (
        "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
        "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
        hashlib.sha512(b"abc").hexdigest(),
        "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66"
        "431e0303dca179c138ac17ad9bef1177331a704",
    ),
]


@pytest.fixture(params=["cryptography", "pure"])
def verify(request, monkeypatch):
    """The script's Ed25519 check, with cryptography, or with it hidden (then the pure check
    must be the one that answers)."""
    if request.param == "cryptography":
        return script.ed25519_verify
    monkeypatch.setitem(sys.modules, "cryptography.exceptions", None)
    calls = []
    pure = script.ed25519_verify_pure
    monkeypatch.setattr(script, "ed25519_verify_pure", lambda *a: calls.append(a) or pure(*a))

    def checked(*args):
        before = len(calls)
        answer = script.ed25519_verify(*args)
        assert len(calls) == before + 1
        return answer

    return checked


@pytest.mark.parametrize(("secret", "public", "message", "signature"), RFC8032)
def test_the_rfc_8032_vectors_verify_and_a_changed_one_does_not(
    verify, secret, public, message, signature
):
    public, message, signature = map(bytes.fromhex, (public, message, signature))
    assert verify(public, message, signature)
    assert not verify(public, message + b"x", signature)
    for position in (0, 31, 32, 63):
        changed = bytearray(signature)
        changed[position] ^= 0x01
        assert not verify(public, message, bytes(changed))
    other = RFC8032[0][1] if public.hex() != RFC8032[0][1] else RFC8032[1][1]
    assert not verify(bytes.fromhex(other), message, signature)


def test_the_pure_check_agrees_with_cryptography_on_random_keys_and_messages():
    rng = random.Random(8032)
    for _ in range(25):
        private = Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        message = rng.randbytes(rng.randrange(0, 300))
        signature = private.sign(message)
        flipped = bytearray(signature)
        flipped[rng.randrange(64)] ^= 1 << rng.randrange(8)
        for candidate in (signature, bytes(flipped)):
            for text in (message, message + b"\n"):
                expected = script.ed25519_verify(public, text, candidate)
                assert script.ed25519_verify_pure(public, text, candidate) is expected
        assert script.ed25519_verify_pure(public, message, signature)


def test_the_pure_check_refuses_a_non_canonical_s_and_a_public_key_off_the_field():
    _, public, message, signature = map(bytes.fromhex, RFC8032[1])
    s = int.from_bytes(signature[32:], "little") + script.L  # the same S, plus the group order
    assert not script.ed25519_verify_pure(
        public, message, signature[:32] + s.to_bytes(32, "little")
    )
    assert not script.ed25519_verify(public, message, signature[:32] + s.to_bytes(32, "little"))
    y_too_big = (script.P + 1).to_bytes(32, "little")  # y >= p is no encoding
    assert not script.ed25519_verify_pure(y_too_big, message, signature)
    assert not script.ed25519_verify_pure(public[:31], message, signature)


# --- the Merkle tree (RFC 9162) against the shop's domain code -------------------------------


def leaves(count, salt=b""):
    return [salt + f"leaf {i}".encode() for i in range(count)]


def test_every_audit_path_of_small_trees_leads_to_the_root_and_a_changed_one_does_not():
    for size in range(1, 34):
        tree = merkle.MemoryTree(leaves(size))
        for index in range(size):
            leaf = merkle.leaf_hash(f"leaf {index}".encode())
            path = merkle.inclusion_proof(tree, index, size)
            assert script.inclusion_root(index, size, leaf, path) == tree.root()
            if path:
                changed = [*path[:-1], bytes(32)]
                assert script.inclusion_root(index, size, leaf, changed) != tree.root()
                assert script.inclusion_root(index, size, leaf, path[:-1]) != tree.root()
            other = (index + 1) % size
            if other != index:
                assert script.inclusion_root(other, size, leaf, path) != tree.root()


def test_every_consistency_proof_of_small_trees_checks_and_a_fork_does_not():
    tree = merkle.MemoryTree(leaves(33))
    forked = merkle.MemoryTree([*leaves(5), b"changed", *leaves(33)[6:]])
    for new in range(0, 34):
        for old in range(0, new + 1):
            proof = merkle.consistency_proof(tree, old, new)
            assert script.consistent(old, new, tree.root(old), tree.root(new), proof)
            assert not script.consistent(new, old, tree.root(new), tree.root(old), proof) or (
                old == new
            )
            if old > 5:  # the fork changed leaf 5: the new root cannot extend the old one
                fork_proof = merkle.consistency_proof(forked, old, new)
                assert not script.consistent(old, new, tree.root(old), forked.root(new), fork_proof)
                assert not script.consistent(old, new, tree.root(old), forked.root(new), proof)


def test_the_tree_rebuilt_leaf_by_leaf_has_the_shops_roots():
    tree = script.Tree()
    assert tree.root() == merkle.EMPTY_ROOT
    reference = merkle.MemoryTree()
    for data in leaves(300):
        tree.append(data)
        reference.append(data)
        assert tree.root() == reference.root()
        assert len(tree.stack) == tree.size.bit_count()  # only O(log n) hashes are kept


# --- checkpoints -----------------------------------------------------------------------------


def checkpoint(size=3, signer=LOG, origin=ORIGIN, tree=None):
    tree = tree or merkle.MemoryTree(leaves(size))
    return notes.Checkpoint(origin, size, tree.root(size)).sign(signer)


def test_a_checkpoint_is_opened_with_the_logs_key_and_witnesses_cosignatures():
    note = checkpoint(7)
    line = notes.cosign(note, WITNESS, 1_764_000_000).line
    opened = script.open_checkpoint(
        note + line, [script.parse_key(KEY)], [script.parse_key(str(WITNESS.verifier_key), 4)]
    )
    assert (opened["origin"], opened["size"], opened["key"]) == (ORIGIN, 7, ORIGIN)
    assert opened["root"] == merkle.MemoryTree(leaves(7)).root()
    assert opened["cosigned"] == [("witness.example", 1_764_000_000)]


@pytest.mark.parametrize(
    ("note", "error"),
    [
        (checkpoint(signer=IMPOSTOR), "no known key of the log"),  # the wrong key, same name
        (checkpoint(signer=notes.Signer.generate("other.example/ledger")), "no known key"),
        (checkpoint(origin="evil.example/ledger"), "no known key of the log evil.example"),
        (checkpoint().replace("\n3\n", "\n4\n", 1), "does not check"),  # the size changed
        (checkpoint().replace("\n\n", "\n", 1), "not a signed note"),
        ("shop.example.org/ledger\n3\nnot base64\n\n— x AAAAAAA=\n", "not base64"),
    ],
)
def test_a_forged_or_mangled_checkpoint_is_refused(note, error):
    with pytest.raises(script.Refused, match=error):
        script.open_checkpoint(note, [script.parse_key(KEY)])


def test_a_checkpoint_signed_only_by_a_log_key_of_another_name_is_refused():
    # the other log's key is known and its signature checks, but it does not vouch for this log
    other = notes.Signer.generate("other.example/ledger")
    note = notes.sign_note(notes.Checkpoint(ORIGIN, 1, bytes(32)).text, other)
    with pytest.raises(script.Refused, match=r"no known key of the log shop\.example\.org/ledger"):
        script.open_checkpoint(note, [script.parse_key(str(other.verifier_key))])


@pytest.mark.parametrize("pure", [False, True])
def test_the_checkpoint_command_says_what_checks_by_its_exit_status(tmp_path, pure):
    good = tmp_path / "good.note"
    good.write_text(checkpoint(5) + notes.cosign(checkpoint(5), WITNESS, 7).line)
    forged = tmp_path / "forged.note"
    forged.write_text(checkpoint(5, signer=IMPOSTOR))
    witness_key = str(WITNESS.verifier_key)
    ok = run(
        "verify_ledger", "checkpoint", good, "--key", KEY, "--witness-key", witness_key, pure=pure
    )
    assert ok.returncode == 0, ok.stderr
    assert f"{ORIGIN} at size 5" in ok.stdout and "cosigned by witness.example at 7" in ok.stdout
    bad = run("verify_ledger", "checkpoint", forged, "--key", KEY, pure=pure)
    assert bad.returncode == 1 and "no known key of the log" in bad.stderr
    unwitnessed = run(
        "verify_ledger",
        "checkpoint",
        forged,
        "--key",
        str(IMPOSTOR.verifier_key),
        "--witness-key",
        witness_key,
    )
    assert unwitnessed.returncode == 1 and "no cosignature by witness.example" in (
        unwitnessed.stderr
    )
    missing = run("verify_ledger", "checkpoint", tmp_path / "none.note", "--key", KEY)
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_each_witness_key_given_needs_its_own_cosignature_even_under_one_name(tmp_path):
    other = notes.Signer.generate("witness.example", notes.COSIGNATURE_V1)  # WITNESS's name
    note = tmp_path / "one.note"
    note.write_text(checkpoint(5) + notes.cosign(checkpoint(5), WITNESS, 7).line)
    keys = ["--witness-key", str(WITNESS.verifier_key), "--witness-key", str(other.verifier_key)]
    both = run("verify_ledger", "checkpoint", note, "--key", KEY, *keys)
    assert both.returncode == 1 and "no cosignature by witness.example" in both.stderr


# --- an export with its log ------------------------------------------------------------------

PAYOUT_LEAF = (
    '{"amount":300,"bank_reference":"국민 KB-1","cause_id":1,"corrects_id":null,'
    '"created_at":"2026-11-20T01:00:00.000000+00:00","currency":"KRW","leaf":"payout",'
    '"ledger_head_id":3,"paid_on":"2026-11-20","proof_sha256":"' + "ab" * 32 + '"}'
)


def make_entries(count):
    rows, previous = [], chain.GENESIS
    for i in range(1, count + 1):
        fields = {
            "created_at": f"2026-11-{i:02d}T06:30:00.123456+00:00",
            "kind": "donation",
            "amount": 100 * i,
            "currency": "KRW",
            "order_id": i,
            "order_line_id": i,
            "venture_id": 1,
            "cause_id": 1,
            "rule": "5% of 고객 주문",
            "reverses_id": None,
            "refund_id": None,
            "prev_hash": previous,
        }
        previous = chain.entry_hash(fields)
        rows.append({"id": i, **fields, "hash": previous})
    return rows


def make_payout(payout_id, head, amount=300):
    return {
        "id": payout_id,
        "cause_id": 1,
        "amount": amount,
        "currency": "KRW",
        "paid_on": "2026-11-20",
        "bank_reference": "국민 KB-1",
        "proof_sha256": "ab" * 32,
        "corrects_id": None,
        "ledger_head_id": head,
        "created_at": "2026-11-20T01:00:00.000000+00:00",
    }


def payout_leaf(payout):
    """A payout's leaf data, as the shop writes it."""
    return chain.payout_canonical(payout)


def make_export(checkpoint_size=None):
    """Six entries and two payouts (after entries 3 and 6): leaves 0-2, 3, 4-6, 7; the tree is
    the shop's own MemoryTree over chain.canonical and the payout encoding."""
    entries = make_entries(6)
    payouts = [make_payout(1, 3), make_payout(2, 6, 500)]
    order = [*entries[:3], payouts[0], *entries[3:], payouts[1]]
    tree = merkle.MemoryTree()
    for index, row in enumerate(order):
        row["leaf_index"] = index
        tree.append(payout_leaf(row) if "paid_on" in row else chain.canonical(row))
    size = tree.size if checkpoint_size is None else checkpoint_size
    return {
        "format": "sangsaeng-ledger-5",
        "entries": entries,
        "payouts": payouts,
        "causes": [{"id": 1, "name": "징검다리재단", "registration": "123"}],
        "refunds": [],
        "funds": [],
        "log": {
            "origin": ORIGIN,
            "verifier_key": KEY,
            "checkpoint": notes.Checkpoint(ORIGIN, size, tree.root(size)).sign(LOG),
        },
    }


def test_a_payouts_leaf_data_is_the_documented_encoding():
    assert script.payout_canonical(make_payout(1, 3)) == PAYOUT_LEAF.encode()
    assert chain.payout_canonical(make_payout(1, 3)) == PAYOUT_LEAF.encode()


def verify_export(tmp_path, export, *args):
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    return run("verify_ledger", path, *args)


def test_the_export_rebuilds_to_the_root_its_checkpoint_signed(tmp_path):
    result = verify_export(tmp_path, make_export(), "--key", KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("6 entries check; donations 2100, matches 0")
    assert "log: 8 leaves; the first 8 have the root the checkpoint signed by" in result.stdout
    # without --key it says whose key it trusted
    plain = verify_export(tmp_path, make_export())
    assert plain.returncode == 0 and "pass --key" in plain.stdout


def test_leaves_newer_than_the_checkpoint_are_counted_and_not_yet_checked(tmp_path):
    result = verify_export(tmp_path, make_export(checkpoint_size=5), "--key", KEY)
    assert result.returncode == 0, result.stderr
    assert "the first 5 have the root" in result.stdout and "(3 newer" in result.stdout


def edited(change):
    export = make_export()
    change(export)
    return export


def drop_payout_and_renumber(export):
    """Hide payout 1 and fill its place: every index is there, the tree is another."""
    del export["payouts"][0]
    for row in [*export["entries"][3:], export["payouts"][0]]:
        row["leaf_index"] -= 1
    export["payouts"].append({**make_payout(3, 6, 100), "leaf_index": 7})


def swap_entries(export):
    first, second = export["entries"][0], export["entries"][1]
    first["leaf_index"], second["leaf_index"] = second["leaf_index"], first["leaf_index"]


def forge_checkpoint(export):
    tree = merkle.MemoryTree([b"another tree"] * 8)
    export["log"]["checkpoint"] = notes.Checkpoint(ORIGIN, 8, tree.root()).sign(IMPOSTOR)
    export["log"]["verifier_key"] = str(IMPOSTOR.verifier_key)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda e: e["payouts"].pop(0), "the export has no leaf at index 3"),
        (drop_payout_and_renumber, "a leaf was changed, dropped, added or moved"),
        (lambda e: e["payouts"][1].update(bank_reference="KB-2"), "a leaf was changed"),
        (lambda e: e["payouts"][1].update(paid_on="2026-11-21"), "a leaf was changed"),
        (swap_entries, "a leaf was changed, dropped, added or moved"),
        (lambda e: e["entries"].pop(), "the export has no leaf at index 6"),
        (lambda e: e["payouts"].pop(), "the checkpoint covers 8 leaves, the export has 7"),
        (lambda e: e["entries"][3].update(leaf_index=3), "two leaves at index 3"),
        (lambda e: e["entries"][2].pop("leaf_index"), "entry 3 has no leaf_index"),
        (forge_checkpoint, "no known key of the log shop.example.org/ledger"),
        (
            lambda e: e["log"].update(checkpoint=checkpoint(8).replace("\n8\n", "\n9\n")),
            "does not check",
        ),
        (lambda e: e["log"].update(origin="other.example/ledger"), "the export of other.example"),
    ],
    ids=[
        "dropped payout",
        "dropped and renumbered",
        "edited payout",
        "edited date",
        "reordered entries",
        "dropped last entry",
        "dropped last payout",
        "duplicate index",
        "no index",
        "forged checkpoint",
        "changed size",
        "other origin",
    ],
)
def test_an_edited_export_or_a_forged_checkpoint_is_refused(tmp_path, change, error):
    result = verify_export(tmp_path, edited(change), "--key", KEY)
    assert result.returncode == 1, result.stdout
    assert error in result.stderr


def test_an_export_before_the_first_checkpoint_checks_its_indexes_and_refuses_a_key(tmp_path):
    export = make_export()
    export["log"]["checkpoint"] = None
    result = verify_export(tmp_path, export)
    assert result.returncode == 0, result.stderr
    assert "log: 8 leaves, no checkpoint signed yet" in result.stdout
    export["payouts"].pop(0)
    assert "no leaf at index 3" in verify_export(tmp_path, export).stderr
    keyed = verify_export(tmp_path, make_export() | {"log": {**export["log"]}}, "--key", KEY)
    assert keyed.returncode == 1 and "no signed checkpoint to check the key" in keyed.stderr


def test_an_export_without_a_log_is_checked_as_before_but_a_key_for_it_is_refused(tmp_path):
    export = make_export()
    del export["log"]
    assert verify_export(tmp_path, export).returncode == 0
    result = verify_export(tmp_path, export, "--key", KEY)
    assert result.returncode == 1 and "carries no log" in result.stderr


# --- a receipt's inclusion proof -------------------------------------------------------------


def receipt(export, kind, row, size=None):
    """The JSON of /ledger/log/<kind>s/<id>/proof, made with the shop's own code."""
    order = sorted([*export["entries"], *export["payouts"]], key=lambda r: r["leaf_index"])
    data = [payout_leaf(r) if "paid_on" in r else chain.canonical(r) for r in order]
    tree = merkle.MemoryTree(data)
    size = size or tree.size
    index = row["leaf_index"]
    return {
        "kind": kind,
        "id": row["id"],
        "index": index,
        "size": size,
        "leaf_hash": b64(merkle.leaf_hash(data[index])),
        "leaf_data": data[index].decode(),
        "proof": [b64(h) for h in merkle.inclusion_proof(tree, index, size)],
        "checkpoint": notes.Checkpoint(ORIGIN, size, tree.root(size)).sign(LOG),
    }


def check_receipt(tmp_path, proof, *args, pure=False):
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    return run("verify_ledger", "receipt", path, "--key", KEY, *args, pure=pure)


@pytest.mark.parametrize("pure", [False, True])
def test_a_receipts_proof_checks_with_its_hash_and_its_entry(tmp_path, pure):
    export = make_export()
    entry = export["entries"][4]
    (tmp_path / "entry.json").write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    result = check_receipt(
        tmp_path,
        receipt(export, "entry", entry, size=7),
        "--hash",
        entry["hash"],
        "--entry",
        tmp_path / "entry.json",
        pure=pure,
    )
    assert result.returncode == 0, result.stderr
    assert f"entry 5 is leaf 5 of the log; checkpoint of {ORIGIN} at size 7" in result.stdout


def test_a_payouts_proof_checks(tmp_path):
    export = make_export()
    payout = export["payouts"][0]
    (tmp_path / "payout.json").write_text(json.dumps(payout), encoding="utf-8")
    result = check_receipt(
        tmp_path, receipt(export, "payout", payout), "--entry", tmp_path / "payout.json"
    )
    assert result.returncode == 0, result.stderr
    assert "payout 1 is leaf 3 of the log" in result.stdout


def bad_path(proof):
    proof["proof"][1] = b64(bytes(32))


def other_leaf(proof):
    proof["leaf_data"] = proof["leaf_data"].replace('"amount":400', '"amount":4000')
    proof["leaf_hash"] = b64(merkle.leaf_hash(proof["leaf_data"].encode()))


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (bad_path, "the audit path does not lead from leaf 4"),
        (lambda p: p.update(index=3), "the audit path does not lead from leaf 3"),
        (lambda p: p["proof"].pop(), "the audit path does not lead"),
        (lambda p: p.update(leaf_data=p["leaf_data"].replace("400", "401")), "leaf_hash is not"),
        (other_leaf, "the audit path does not lead"),
        (lambda p: p.update(size=9), "the proof is for size 9, its checkpoint is of 8"),
        (lambda p: p.update(checkpoint=checkpoint(8, signer=IMPOSTOR)), "no known key"),
        (lambda p: p.update(kind="payout"), "leaf_data is not a payout's"),
        (lambda p: p.update(proof="AAAA"), "a proof is a list of base64 hashes"),
    ],
)
def test_a_tampered_receipt_proof_is_refused(tmp_path, change, error):
    export = make_export()
    proof = receipt(export, "entry", export["entries"][3])
    change(proof)
    result = check_receipt(tmp_path, proof)
    assert result.returncode == 1, result.stdout
    assert error in result.stderr


def test_a_receipt_whose_data_is_not_the_shoppers_entry_is_refused(tmp_path):
    export = make_export()
    entry = export["entries"][3]
    proof = receipt(export, "entry", export["entries"][2])  # a good proof, of another entry
    wrong_hash = check_receipt(tmp_path, proof, "--hash", entry["hash"])
    assert wrong_hash.returncode == 1
    assert f"leaf_data is not the entry whose hash is {entry['hash']}" in wrong_hash.stderr
    (tmp_path / "entry.json").write_text(json.dumps(entry), encoding="utf-8")
    wrong_entry = check_receipt(tmp_path, proof, "--entry", tmp_path / "entry.json")
    assert wrong_entry.returncode == 1 and "leaf_data is not the entry in" in wrong_entry.stderr


# --- consistency between two checkpoints -----------------------------------------------------


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_consistency_between_two_checkpoints_from_files(tmp_path):
    tree = merkle.MemoryTree(leaves(12))
    old = write(tmp_path / "old.note", checkpoint(5, tree=tree))
    new = write(tmp_path / "new.note", checkpoint(12, tree=tree))
    proof = {"old": 5, "new": 12, "proof": [b64(h) for h in merkle.consistency_proof(tree, 5, 12)]}
    good = write(tmp_path / "proof.json", json.dumps(proof))
    result = run("verify_ledger", "consistency", old, new, good, "--key", KEY)
    assert result.returncode == 0, result.stderr
    assert f"the checkpoint of {ORIGIN} at size 12" in result.stdout
    # rolled back: the "newer" checkpoint is the smaller tree
    back = write(tmp_path / "back.json", json.dumps({"old": 12, "new": 5, "proof": []}))
    rolled = run("verify_ledger", "consistency", new, old, back, "--key", KEY)
    assert rolled.returncode == 1 and "does not extend the tree at 12" in rolled.stderr
    # a fork: a tree of 12 leaves whose leaf 2 differs, with its own honest proof
    fork = merkle.MemoryTree([*leaves(2), b"other", *leaves(12)[3:]])
    forked = write(tmp_path / "fork.note", checkpoint(12, tree=fork))
    fork_proof = {
        "old": 5,
        "new": 12,
        "proof": [b64(h) for h in merkle.consistency_proof(fork, 5, 12)],
    }
    write(tmp_path / "fork.json", json.dumps(fork_proof))
    result = run("verify_ledger", "consistency", old, forked, tmp_path / "fork.json", "--key", KEY)
    assert result.returncode == 1 and "(a fork)" in result.stderr
    # a proof of other sizes than the checkpoints'
    result = run("verify_ledger", "consistency", old, forked, back, "--key", KEY)
    assert result.returncode == 1 and "not from 5 to 12" in result.stderr


# --- a fake shop over HTTP, for the witness --------------------------------------------------


class FakeShop:
    """The log's HTTP endpoints of the spec, served from trees built with the shop's domain code;
    a test publishes honest or dishonest checkpoints on it."""

    def __init__(self):
        self.published = {}  # size -> (note, tree)
        self.latest = None
        self.posted = []
        self.paths = []
        self.post_status = 204
        self.outages = 0  # the next GETs of the checkpoint that answer 503

    def publish(self, tree, size=None, signer=LOG):
        size = tree.size if size is None else size
        note = notes.Checkpoint(ORIGIN, size, tree.root(size)).sign(signer)
        self.published[size] = (note, tree)
        self.latest = size
        return note

    def answer(self, method, path, body):
        self.paths.append(f"{method} {path}")
        url = urlsplit(path)
        if method == "POST" and url.path == "/ledger/log/cosignatures":
            self.posted.append(body.decode())
            return self.post_status, b"" if self.post_status == 204 else b'{"error": "no"}'
        if url.path == "/ledger/log/checkpoint":
            if self.outages:
                self.outages -= 1
                return 503, b"busy"
            return 200, self.published[self.latest][0].encode()
        if url.path.startswith("/ledger/log/checkpoint/"):
            size = int(url.path.rsplit("/", 1)[1])
            return (200, self.published[size][0].encode()) if size in self.published else (404, b"")
        if url.path == "/ledger/log/proof/consistency":
            query = parse_qs(url.query)
            old, new = int(query["old"][0]), int(query["new"][0])
            tree = self.published[new][1]
            proof = [b64(h) for h in merkle.consistency_proof(tree, old, new)]
            return 200, json.dumps({"old": old, "new": new, "proof": proof}).encode()
        return 404, b""


@pytest.fixture
def shop():
    fake = FakeShop()

    class Handler(BaseHTTPRequestHandler):
        def reply(self, method):
            length = int(self.headers.get("Content-Length") or 0)
            status, body = fake.answer(method, self.path, self.rfile.read(length))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self.reply("GET")

        def do_POST(self):
            self.reply("POST")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()


def test_consistency_fetched_from_the_shop(shop, tmp_path):
    tree = merkle.MemoryTree(leaves(20))
    old = write(tmp_path / "old.note", shop.publish(tree, 6))
    shop.publish(tree, 20)
    result = run("verify_ledger", "consistency", old, "--url", shop.url, "--key", KEY)
    assert result.returncode == 0, result.stderr
    assert "GET /ledger/log/proof/consistency?old=6&new=20" in shop.paths
    by_size = run("verify_ledger", "consistency", 6, 20, "--url", shop.url, "--key", KEY)
    assert by_size.returncode == 0, by_size.stderr


# --- the witness -----------------------------------------------------------------------------


@pytest.fixture
def witness_key(tmp_path):
    path = tmp_path / "witness.key"
    path.write_text(WITNESS.private_key_string() + "\n", encoding="utf-8")
    return path


def witness(shop, key, state, *args):
    return run(
        "witness", "--shop", shop.url, "--log-key", KEY, "--key-file", key, "--state", state, *args
    )


def cosigned_by_the_witness(note):
    opened = notes.open_checkpoint(note, [LOG.verifier_key], [WITNESS.verifier_key])
    return [c.key for c in opened.cosignatures] == [WITNESS.verifier_key]


def test_the_witness_cosigns_a_growing_log_and_keeps_what_it_saw(shop, witness_key, tmp_path):
    state = tmp_path / "state.json"
    tree = merkle.MemoryTree(leaves(40))
    shop.publish(tree, 5)
    first = witness(shop, witness_key, state, "--once")
    assert first.returncode == 0, first.stderr
    assert f"co-signed the checkpoint of {ORIGIN} at size 5" in first.stdout
    [posted] = shop.posted
    assert cosigned_by_the_witness(posted)
    saved = json.loads(state.read_text())
    assert (saved["size"], saved["root"], saved["cosigned"]) == (5, b64(tree.root(5)), True)

    shop.publish(tree, 40)
    second = witness(shop, witness_key, state)
    assert second.returncode == 0, second.stderr
    assert "GET /ledger/log/proof/consistency?old=5&new=40" in shop.paths
    assert len(shop.posted) == 2 and cosigned_by_the_witness(shop.posted[1])
    assert json.loads(state.read_text())["size"] == 40

    again = witness(shop, witness_key, state)
    assert again.returncode == 0 and "no new checkpoint" in again.stdout
    assert len(shop.posted) == 2


def seen(shop, witness_key, state, tree, size):
    shop.publish(tree, size)
    result = witness(shop, witness_key, state)
    assert result.returncode == 0, result.stderr
    return state.read_bytes()


@pytest.mark.parametrize(
    ("show", "error"),
    [
        (lambda shop, tree: shop.publish(tree, 7), "rollback: the shop now says its log has 7"),
        (
            lambda shop, tree: shop.publish(merkle.MemoryTree(leaves(10, b"x")), 10),
            "split view: two different trees of 10 leaves",
        ),
        (
            lambda shop, tree: shop.publish(merkle.MemoryTree([*leaves(3), b"y", *leaves(20)[4:]])),
            "fork: the tree of 20 leaves does not extend the one of 10",
        ),
        (
            lambda shop, tree: shop.publish(tree, 15, signer=IMPOSTOR),
            "the shop's checkpoint does not verify",
        ),
    ],
    ids=["rollback", "split view", "fork", "forged"],
)
def test_the_witness_refuses_and_reports_a_log_that_misbehaves(
    shop, witness_key, tmp_path, show, error
):
    state = tmp_path / "state.json"
    tree = merkle.MemoryTree(leaves(20))
    before = seen(shop, witness_key, state, tree, 10)
    show(shop, tree)
    result = witness(shop, witness_key, state)
    assert result.returncode == 1, result.stdout
    assert error in result.stderr
    assert len(shop.posted) == 1  # only the good one was co-signed
    assert state.read_bytes() == before  # and it still remembers the tree it saw
    if "does not verify" not in error:  # the two signed notes that prove it
        assert "--- signed by the shop:" in result.stderr
        assert result.stderr.count(f"— {ORIGIN} ") == 2


def test_a_cosignature_the_shop_did_not_take_is_posted_again(shop, witness_key, tmp_path):
    state = tmp_path / "state.json"
    shop.publish(merkle.MemoryTree(leaves(4)))
    shop.post_status = 403
    refused = witness(shop, witness_key, state)
    assert refused.returncode == 3 and "the shop refused the cosignature: 403" in refused.stderr
    assert json.loads(state.read_text())["cosigned"] is False  # seen, checked, not yet taken
    shop.post_status = 204
    again = witness(shop, witness_key, state)
    assert again.returncode == 0 and len(shop.posted) == 2


def test_the_polling_witness_rides_out_an_outage_and_stops_at_a_split_view(
    shop, witness_key, tmp_path
):
    state = tmp_path / "state.json"
    tree = merkle.MemoryTree(leaves(9))
    shop.publish(tree)
    shop.outages = 1
    split = {"served": 0}
    answer = shop.answer

    def then_split(method, path, body):  # the third checkpoint it asks for is another tree's
        if path == "/ledger/log/checkpoint":
            split["served"] += 1
            if split["served"] == 3:
                shop.publish(merkle.MemoryTree(leaves(9, b"other")))
        return answer(method, path, body)

    shop.answer = then_split
    result = witness(shop, witness_key, state, "--interval", "0")
    assert result.returncode == 1, result.stdout
    assert "503" in result.stderr and "split view" in result.stderr
    assert "co-signed the checkpoint" in result.stdout and len(shop.posted) == 1


def test_a_generated_witness_key_is_private_and_reads_as_the_shops_domain_code_does(tmp_path):
    path = tmp_path / "new.key"
    made = run("witness", "--generate-key", "witness.example.net", "--key-file", path)
    assert made.returncode == 0, made.stderr
    assert os.stat(path).st_mode & 0o777 == 0o600
    signer = notes.Signer.parse(path.read_text())
    assert signer.algorithm == notes.COSIGNATURE_V1
    assert made.stdout.strip() == str(signer.verifier_key)
    shown = run("witness", "--key-file", path, "--show-key")
    assert shown.stdout == made.stdout
    again = run("witness", "--generate-key", "witness.example.net", "--key-file", path)
    assert again.returncode == 2 and "cannot create" in again.stderr
    log_key = tmp_path / "log.key"
    log_key.write_text(LOG.private_key_string())
    wrong = run("witness", "--key-file", log_key, "--show-key")
    assert wrong.returncode == 2 and "is not a witness key" in wrong.stderr


def test_the_witness_refuses_a_larger_checkpoint_without_a_consistency_proof(
    shop, witness_key, tmp_path
):
    state = tmp_path / "state.json"
    tree = merkle.MemoryTree(leaves(20))
    seen(shop, witness_key, state, tree, 10)
    shop.publish(tree, 20)
    answer = shop.answer

    def wrong_proof(method, path, body):  # a proof, but from another size
        if path.startswith("/ledger/log/proof/consistency"):
            proof = [b64(h) for h in merkle.consistency_proof(tree, 9, 20)]
            return 200, json.dumps({"old": 9, "new": 20, "proof": proof}).encode()
        return answer(method, path, body)

    shop.answer = wrong_proof
    result = witness(shop, witness_key, state)
    assert result.returncode == 1 and "did not answer with a proof from 10 to 20" in result.stderr
    assert json.loads(state.read_text())["size"] == 10 and len(shop.posted) == 1
