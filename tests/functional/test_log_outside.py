"""The outside scripts against the real shop over HTTP: docs/verify_ledger.py checks the
export, a receipt's proof, checkpoints and their consistency as the shop serves them, and
docs/witness.py co-signs the shop's checkpoints, which the shop then serves with them."""

import json
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from werkzeug.serving import make_server

from storefront.domain import notes
from storefront.models import utcnow
from storefront.services import log, payouts
from tests.factories import Line, make_paid_order

DOCS = Path(__file__).resolve().parents[2] / "docs"
WITNESS = notes.Signer(
    "witness.example", Ed25519PrivateKey.from_private_bytes(b"v" * 32), notes.COSIGNATURE_V1
)


def run(name, *args):
    return subprocess.run(  # noqa: S603 - our own scripts
        [sys.executable, str(DOCS / f"{name}.py"), *map(str, args)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


@pytest.fixture
def live(app):
    """The app served over HTTP on a local port, as the scripts fetch it (each request is
    addressed to the shop's configured name, as a reverse proxy would)."""

    def addressed(environ, start_response):
        environ["HTTP_HOST"] = app.config["SERVER_NAME"]
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, addressed, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join()


def signed_now(app, session):
    """Sign a checkpoint of the log as it is (the job would, a few seconds later); its size.
    The test's transaction ends before the scripts run: the shop writes while they do."""
    log.checkpoint(session, log.signer(app.config), utcnow())
    size = log.latest(session).size
    session.commit()
    return size


def orders(session, shop, count):
    for _ in range(count):
        make_paid_order(session, shop.venture, [Line(shop.product), Line(shop.cheap)])
        session.commit()


def test_the_scripts_check_the_shops_log_and_the_witness_cosigns_it(
    app, session, shop, client, live, tmp_path
):
    key = str(log.signer(app.config).verifier_key)
    orders(session, shop, 3)
    paid_id = payouts.record(
        session, shop.cause.id, 500, date(2026, 11, 1), "KB-1", "", None, tmp_path, None, "KRW",
        utcnow(),
    ).id  # fmt: skip
    session.commit()
    first = signed_now(app, session)

    # an auditor: the whole export, its tree rebuilt against the latest checkpoint
    export = client.get("/ledger/export.json")
    (tmp_path / "ledger.json").write_bytes(export.get_data())
    audit = run("verify_ledger", tmp_path / "ledger.json", "--key", key)
    assert audit.returncode == 0, audit.stderr
    assert f"log: {first} leaves; the first {first} have the root" in audit.stdout
    from_url = run("verify_ledger", f"{live}/ledger/export.json", "--key", key)
    assert from_url.returncode == 0, from_url.stderr
    edited = export.json
    edited["payouts"][0]["amount"] -= 1  # a payout made to look smaller than it was
    (tmp_path / "edited.json").write_text(json.dumps(edited, ensure_ascii=False))
    refused = run("verify_ledger", tmp_path / "edited.json", "--key", key)
    assert refused.returncode == 1 and "a leaf was changed" in refused.stderr

    # a shopper: one entry's proof, and a payout's
    entry = export.json["entries"][2]
    receipt = run("verify_ledger", "receipt", f"{live}/ledger/log/entries/{entry['id']}/proof",
                  "--key", key, "--hash", entry["hash"])  # fmt: skip
    assert receipt.returncode == 0, receipt.stderr
    assert f"entry {entry['id']} is leaf {entry['leaf_index']} of the log" in receipt.stdout
    other = export.json["entries"][1]["hash"]
    wrong = run("verify_ledger", "receipt", f"{live}/ledger/log/entries/{entry['id']}/proof",
                "--key", key, "--hash", other)  # fmt: skip
    assert wrong.returncode == 1 and "leaf_data is not the entry whose hash" in wrong.stderr
    payout = run("verify_ledger", "receipt", f"{live}/ledger/log/payouts/{paid_id}/proof",
                 "--key", key)  # fmt: skip
    assert payout.returncode == 0, payout.stderr

    # a witness the operator registered co-signs; the shop then serves its cosignature
    key_file = tmp_path / "witness.key"
    key_file.write_text(WITNESS.private_key_string())
    log.add_witness(session, str(WITNESS.verifier_key), "witness", utcnow())
    session.commit()
    state = tmp_path / "state.json"
    witness = ["--shop", live, "--log-key", key, "--key-file", key_file, "--state", state]
    cosigned = run("witness", *witness)
    assert cosigned.returncode == 0, cosigned.stderr
    served = run("verify_ledger", "checkpoint", f"{live}/ledger/log/checkpoint", "--key", key,
                 "--witness-key", str(WITNESS.verifier_key))  # fmt: skip
    assert served.returncode == 0, served.stderr
    assert "cosigned by witness.example" in served.stdout
    old_note = tmp_path / "old.note"
    old_note.write_text(client.get("/ledger/log/checkpoint").get_data(as_text=True))

    # the log grows: the witness checks the shop's consistency proof and co-signs again
    orders(session, shop, 2)
    second = signed_now(app, session)
    assert second > first
    again = run("witness", *witness)
    assert again.returncode == 0, again.stderr
    assert json.loads(state.read_text())["size"] == second
    grown = run("verify_ledger", "consistency", old_note, "--url", live, "--key", key)
    assert grown.returncode == 0, grown.stderr
    assert f"size {second}" in grown.stdout


def test_the_witness_refuses_a_shop_that_shows_it_a_smaller_tree(
    app, session, shop, live, tmp_path
):
    key = str(log.signer(app.config).verifier_key)
    orders(session, shop, 2)
    signed_now(app, session)
    key_file = tmp_path / "witness.key"
    key_file.write_text(WITNESS.private_key_string())
    state = tmp_path / "state.json"
    witness = ["--shop", live, "--log-key", key, "--key-file", key_file, "--state", state]
    assert run("witness", *witness).returncode == 3  # not registered: the shop says 403
    seen = json.loads(state.read_text())
    state.write_text(json.dumps({**seen, "size": seen["size"] + 5}))  # it saw more before
    refused = run("witness", *witness)
    assert refused.returncode == 1 and "rollback" in refused.stderr
