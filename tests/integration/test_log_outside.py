"""docs/verify_ledger.py against the shop's own log: the leaves the shop appended for real
orders, refunds and payouts (with a correction), their proofs read from the stored tiles and
the entries and payouts of the export, checked by the outside script."""

import base64
import importlib.util
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from storefront.domain import merkle, notes
from storefront.services import ledger, log, payouts
from tests.factories import Line, make_paid_order, refund_line
from tests.integration.test_log import START

DOCS = Path(__file__).resolve().parents[2] / "docs"
ORIGIN = "shop.example.org/ledger"
SIGNER = notes.Signer(ORIGIN, Ed25519PrivateKey.from_private_bytes(b"s" * 32))
KEY = str(SIGNER.verifier_key)


def load_script():
    spec = importlib.util.spec_from_file_location("docs_verify_ledger", DOCS / "verify_ledger.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = load_script()


def run(*args):
    return subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(DOCS / "verify_ledger.py"), *map(str, args)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def b64(raw):
    return base64.b64encode(raw).decode()


def history(session, shop, tmp_path):
    """Four orders of two lines, a payout and its correction, a refunded line, a payout."""
    made = []
    for n in range(4):
        lines = [Line(shop.product), Line(shop.cheap, quantity=2)]
        made.append(make_paid_order(session, shop.venture, lines, when=START + timedelta(hours=n)))
        session.commit()
    paid = payouts.record(
        session, shop.cause.id, 500, date(2026, 11, 1), "국민 KB-1", "", None, tmp_path, None,
        "KRW", START + timedelta(hours=5),
    )  # fmt: skip
    session.commit()
    payouts.correct(session, paid, "두 번 입력", None, START + timedelta(hours=6))
    session.commit()
    refund_line(session, made[1], made[1].lines[0], START + timedelta(days=1))
    session.commit()
    payouts.record(
        session, shop.cause.id, 700, date(2026, 11, 2), "KB-2", "", None, tmp_path, None,
        "KRW", START + timedelta(days=1, hours=1),
    )  # fmt: skip
    session.commit()


def signed(session, size):
    root = merkle.root_hash(log.source(session, size), size)
    return notes.Checkpoint(ORIGIN, size, root).sign(SIGNER)


def export_with_log(session, size):
    """The export's entries and payouts with their leaf indexes, and a checkpoint of ``size``:
    the shape /ledger/export.json takes with the log (docs/ledger.md)."""
    entries = list(ledger.export_rows(session))
    extras = ledger.export_extras(session)
    indexes = log.leaf_indexes(session, [e["id"] for e in entries])
    for entry in entries:
        entry["leaf_index"] = indexes[entry["id"]]
    paid = log.payout_leaf_indexes(session, [p["id"] for p in extras["payouts"]])
    for payout in extras["payouts"]:
        payout["leaf_index"] = paid[payout["id"]]
    log_part = {"origin": ORIGIN, "verifier_key": KEY, "checkpoint": signed(session, size)}
    return {"format": ledger.EXPORT_FORMAT, "entries": entries, **extras, "log": log_part}


def test_every_leaf_of_the_shops_log_rebuilds_from_the_export_and_proves_in(
    session, shop, tmp_path
):
    history(session, shop, tmp_path)
    size = log.size(session)
    export = export_with_log(session, size)
    assert len(export["payouts"]) == 3 and size == len(export["entries"]) + 3
    source = log.source(session, size)
    root = merkle.root_hash(source, size)
    rows = [("entry", e) for e in export["entries"]] + [("payout", p) for p in export["payouts"]]
    for kind, row in rows:  # the script's encoding of each row is the shop's leaf
        data = script.canonical(row) if kind == "entry" else script.payout_canonical(row)
        assert script.leaf_hash(data) == log.leaf_hash(session, row["leaf_index"])
        proof = merkle.inclusion_proof(source, row["leaf_index"], size)
        assert script.inclusion_root(row["leaf_index"], size, script.leaf_hash(data), proof) == root

    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    result = run(path, "--key", KEY)
    assert result.returncode == 0, result.stderr
    assert f"log: {size} leaves; the first {size} have the root" in result.stdout

    older = export_with_log(session, size - 4)  # a checkpoint before the last payout
    path.write_text(json.dumps(older, ensure_ascii=False), encoding="utf-8")
    result = run(path, "--key", KEY)
    assert result.returncode == 0 and "(4 newer, not in it yet)" in result.stdout

    export["payouts"][2]["bank_reference"] = "KB-3"  # the export's payout, not the leaf's
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    edited = run(path, "--key", KEY)
    assert edited.returncode == 1 and "a leaf was changed" in edited.stderr


def test_a_receipt_proof_of_the_shops_log_checks_outside(session, shop, tmp_path):
    history(session, shop, tmp_path)
    size = log.size(session)
    export = export_with_log(session, size)
    entry = export["entries"][3]
    source = log.source(session, size)
    data = script.canonical(entry)
    proof = {
        "kind": "entry", "id": entry["id"], "index": entry["leaf_index"], "size": size,
        "leaf_hash": b64(log.leaf_hash(session, entry["leaf_index"])),
        "leaf_data": data.decode(), "checkpoint": signed(session, size),
        "proof": [b64(h) for h in merkle.inclusion_proof(source, entry["leaf_index"], size)],
    }  # fmt: skip
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    result = run("receipt", path, "--key", KEY, "--hash", entry["hash"])
    assert result.returncode == 0, result.stderr
    assert f"entry {entry['id']} is leaf {entry['leaf_index']} of the log" in result.stdout
