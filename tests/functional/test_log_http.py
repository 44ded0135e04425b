"""The donation log over HTTP: checkpoints, tiles, proofs that verify against the signed
root, witnesses' cosignatures, and the proofs printed on the order ledger page and receipts.

Proofs are checked with ``merkle.verify_inclusion`` / ``verify_consistency`` against the root
of the signed checkpoint the response carries, opened with the shop's verifier key; tiles
are compared with a tree built in memory from the rows' own leaf data."""

import base64
import html
import io
import json
import re
from datetime import date

import pytest
from flask import current_app
from pypdf import PdfReader
from sqlalchemy import select

from storefront import jobs
from storefront.domain import chain, merkle, notes
from storefront.models import LedgerEntry, LogCheckpoint, LogLeaf, LogWitness, Payout, utcnow
from storefront.services import log, payouts
from storefront.web import log as log_web
from tests.factories import Line, make_paid_order, refund_line
from tests.helpers import text


def b64d(value):
    return base64.b64decode(value, validate=True)


def verifier(app):
    return app.extensions["log_signer"].verifier_key


def opened(app, note, witnesses=()):
    return notes.open_checkpoint(note, [verifier(app)], list(witnesses))


def sign(session):
    """The checkpoint of the log as it is now: the job signed it after the last commit (tests
    run jobs right away), or it is signed here."""
    made = log.checkpoint(session, current_app.extensions["log_signer"], utcnow())
    session.commit()
    return made or log.latest(session)


@pytest.fixture
def unsigned(monkeypatch):
    """Sign no checkpoint after each commit, as if the job had not run yet."""
    monkeypatch.setitem(jobs.PERFORMERS, log.CHECKPOINT_JOB, lambda payload: None)


def order(session, shop, lines=1):
    made = make_paid_order(session, shop.venture, [Line(shop.product)] * lines)
    session.commit()
    return made


def memory_tree(session):
    """The log rebuilt in memory from each row's leaf data, in leaf order."""
    tree = merkle.MemoryTree()
    for leaf in session.scalars(select(LogLeaf).order_by(LogLeaf.idx)):
        row = (
            session.get(LedgerEntry, leaf.entry_id)
            if leaf.entry_id is not None
            else session.get(Payout, leaf.payout_id)
        )
        tree.append(log.leaf_data(row))
    return tree


@pytest.fixture
def logged(app, session, shop, tmp_path):
    """Orders, a refund and a payout with its correction, signed at two sizes."""
    first = order(session, shop, lines=2)
    old = sign(session)
    placed = order(session, shop, lines=3)
    refund_line(session, placed, placed.lines[0], utcnow())
    paid = payouts.record(
        session, shop.cause.id, 100, date(2026, 11, 2), "KB-1", "", None, tmp_path, None,
        "KRW", utcnow(),
    )  # fmt: skip
    payouts.correct(session, paid, "잘못 기록", None, utcnow())
    session.commit()
    new = sign(session)
    return {"old": old, "new": new, "first": first, "placed": placed, "payout": paid}


# --- checkpoints -------------------------------------------------------------------------


def test_the_latest_checkpoint_is_the_signed_note_of_the_whole_log(app, client, session, logged):
    response = client.get("/ledger/log/checkpoint")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "max-age=5" in response.headers["Cache-Control"]
    signed = opened(app, text(response))
    assert signed.checkpoint.size == logged["new"].size == log.size(session)
    assert signed.checkpoint.root_hash == logged["new"].root


def test_a_checkpoint_by_size_is_kept_briefly_and_an_unknown_one_is_not_found(app, client, logged):
    old = logged["old"]
    response = client.get(f"/ledger/log/checkpoint/{old.size}")
    assert response.status_code == 200 and text(response) == old.note
    # not immutable: witnesses' cosignatures are added to the note after it was signed
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert opened(app, text(response)).checkpoint.size == old.size
    missing = client.get(f"/ledger/log/checkpoint/{old.size + 1}")
    assert missing.status_code == 404 and "error" in missing.json
    assert client.get("/ledger/log/checkpoint/99999999999999999999").status_code == 404


def test_no_checkpoint_yet_is_a_404_not_a_500(client, session, shop, unsigned):
    order(session, shop)
    for url in ("/ledger/log/checkpoint", "/ledger/log/proof/inclusion?index=0"):
        response = client.get(url)
        assert response.status_code == 404 and response.json["error"]


def test_the_checkpoints_are_listed_newest_first_a_page_at_a_time(
    client, session, logged, monkeypatch
):
    listed = client.get("/ledger/log/checkpoints").json
    sizes = [c["size"] for c in listed["checkpoints"]]
    assert sizes == sorted(sizes, reverse=True) and logged["new"].size == sizes[0]
    assert logged["old"].size in sizes and listed["next"] is None
    first = listed["checkpoints"][0]
    assert b64d(first["root"]) == logged["new"].root and first["created_at"]
    monkeypatch.setattr(log_web, "PER_PAGE", 1)
    page = client.get("/ledger/log/checkpoints").json
    assert [c["size"] for c in page["checkpoints"]] == sizes[:1]
    after = client.get(page["next"].removeprefix("http://shop.test")).json
    assert [c["size"] for c in after["checkpoints"]] == sizes[1:2]


# --- tiles -------------------------------------------------------------------------------


def test_tiles_are_the_trees_hashes_as_tlog_tiles_serves_them(client, session, logged):
    tree = memory_tree(session)
    size = logged["new"].size
    assert tree.size == size and tree.root() == logged["new"].root
    tiles = list(merkle.tiles_changed(0, size))
    assert tiles
    for tile in tiles:
        response = client.get(f"/ledger/log/{tile.path}")
        assert response.status_code == 200, tile.path
        assert response.mimetype == "application/octet-stream"
        assert response.data == merkle.tile_hashes(tree, tile)
    # a partial tile of an older size is still served: a prefix of the tile it grew into
    old = logged["old"].size
    for tile in merkle.tiles_changed(0, old):
        assert client.get(f"/ledger/log/{tile.path}").data == merkle.tile_hashes(tree, tile)


def test_a_full_tile_is_served_as_immutable(client, session, shop):
    order(session, shop, lines=130)  # 260 entries: a full tile at level 0
    response = client.get("/ledger/log/tile/0/000")
    assert response.status_code == 200 and len(response.data) == 256 * 32
    assert "immutable" in response.headers["Cache-Control"]
    assert client.get("/ledger/log/tile/0/001.p/4").status_code == 200
    assert client.get("/ledger/log/tile/0/001.p/5").status_code == 404  # not that many yet


@pytest.mark.parametrize(
    "path",
    ["0/1", "0/0000", "00/000", "0/000.p/0", "0/000.p/256", "0/000.p/01", "0/x000/001",
     "entries/000", "0/000/", "64/000", "a/000", "0/-01"],
)  # fmt: skip
def test_a_tile_path_that_is_not_canonical_is_not_found(client, logged, path):
    response = client.get(f"/ledger/log/tile/{path}")
    assert response.status_code == 404 and response.json["error"]


def test_tile_paths_parse_as_tlog_tiles_spells_them():
    assert log_web.parse_tile_path("0/000") == merkle.Tile(0, 0, 256)
    assert log_web.parse_tile_path("1/x001/234.p/7") == merkle.Tile(1, 1234, 7)
    assert log_web.parse_tile_path("2/x001/x234/067") == merkle.Tile(2, 1234067, 256)
    assert log_web.parse_tile_path("0/x000/001") is None
    for tile in (merkle.Tile(0, 5, 3), merkle.Tile(3, 10**9, 256)):
        assert log_web.parse_tile_path(tile.path.removeprefix("tile/")) == tile


# --- proofs ------------------------------------------------------------------------------


def test_every_inclusion_proof_verifies_against_its_signed_checkpoint(app, client, logged):
    for signed in (logged["old"], logged["new"]):
        for index in range(signed.size):
            body = client.get(f"/ledger/log/proof/inclusion?index={index}&size={signed.size}").json
            assert (body["index"], body["size"]) == (index, signed.size)
            root = opened(app, body["checkpoint"]).checkpoint.root_hash
            proof = [b64d(h) for h in body["proof"]]
            assert merkle.verify_inclusion(index, signed.size, b64d(body["leaf_hash"]), proof, root)
    latest = client.get("/ledger/log/proof/inclusion?index=0")
    assert latest.json["size"] == logged["new"].size
    assert "max-age=5" in latest.headers["Cache-Control"]  # the latest changes
    at_size = client.get(f"/ledger/log/proof/inclusion?index=0&size={logged['old'].size}")
    assert "public" in at_size.headers["Cache-Control"]


def test_an_entrys_proof_carries_its_leaf_data(app, client, session, logged):
    entry = session.scalars(select(LedgerEntry).order_by(LedgerEntry.id.desc())).first()
    body = client.get(f"/ledger/log/entries/{entry.id}/proof").json
    assert (body["kind"], body["id"]) == ("entry", entry.id)
    data = body["leaf_data"].encode()
    assert json.loads(data)["prev_hash"] == entry.prev_hash
    assert chain.entry_hash(json.loads(data)) == entry.hash  # the bytes the chain hashes
    assert merkle.leaf_hash(data) == b64d(body["leaf_hash"])
    root = opened(app, body["checkpoint"]).checkpoint.root_hash
    proof = [b64d(h) for h in body["proof"]]
    assert merkle.verify_inclusion(body["index"], body["size"], merkle.leaf_hash(data), proof, root)
    older = client.get(f"/ledger/log/entries/{entry.id}/proof?size={logged['old'].size}")
    assert older.status_code == 404  # it came after that checkpoint


def test_a_payouts_proof_carries_its_own_encoding(app, client, logged):
    paid = logged["payout"]
    body = client.get(f"/ledger/log/payouts/{paid.id}/proof").json
    data = json.loads(body["leaf_data"])
    assert data["leaf"] == "payout" and data["amount"] == 100 and data["bank_reference"] == "KB-1"
    leaf = merkle.leaf_hash(body["leaf_data"].encode())
    root = opened(app, body["checkpoint"]).checkpoint.root_hash
    proof = [b64d(h) for h in body["proof"]]
    assert merkle.verify_inclusion(body["index"], body["size"], leaf, proof, root)


def test_the_consistency_proof_links_two_signed_checkpoints(app, client, logged):
    old, new = logged["old"], logged["new"]
    body = client.get(f"/ledger/log/proof/consistency?old={old.size}&new={new.size}").json
    assert (body["old"], body["new"]) == (old.size, new.size)
    old_root = opened(app, client.get(f"/ledger/log/checkpoint/{old.size}").data).checkpoint
    new_root = opened(app, client.get(f"/ledger/log/checkpoint/{new.size}").data).checkpoint
    proof = [b64d(h) for h in body["proof"]]
    assert merkle.verify_consistency(
        old.size, new.size, old_root.root_hash, new_root.root_hash, proof
    )
    assert not merkle.verify_consistency(
        old.size, new.size, b"\x00" * 32, new_root.root_hash, proof
    )


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/ledger/log/proof/inclusion", 400),
        ("/ledger/log/proof/inclusion?index=", 400),
        ("/ledger/log/proof/inclusion?index=-1", 400),
        ("/ledger/log/proof/inclusion?index=01", 400),
        ("/ledger/log/proof/inclusion?index=1e3", 400),
        ("/ledger/log/proof/inclusion?index=0&size=x", 400),
        ("/ledger/log/proof/inclusion?index=99999999999999999999", 400),
        ("/ledger/log/proof/inclusion?index=100000", 404),
        ("/ledger/log/proof/inclusion?index=0&size=3", 404),  # no checkpoint of 3 entries
        ("/ledger/log/proof/consistency?old=1", 400),
        ("/ledger/log/proof/consistency?old=b&new=1", 400),
        ("/ledger/log/proof/consistency?old={new}&new={old}", 400),
        ("/ledger/log/proof/consistency?old=3&new={new}", 404),
        ("/ledger/log/entries/999999/proof", 404),
        ("/ledger/log/entries/1/proof?size=-2", 400),
        ("/ledger/log/payouts/999999/proof", 404),
        ("/ledger/log/checkpoints?before=x", 400),
    ],
)
def test_bad_parameters_are_400_and_unknown_sizes_404_in_json(client, logged, url, status):
    url = url.format(old=logged["old"].size, new=logged["new"].size)
    response = client.get(url)
    assert response.status_code == status, text(response)
    assert response.mimetype == "application/json" and response.json["error"]


def test_an_entry_newer_than_the_latest_checkpoint_says_so(client, session, logged, shop, unsigned):
    placed = order(session, shop)
    entry = session.scalars(select(LedgerEntry).filter_by(order_id=placed.id)).first()
    response = client.get(f"/ledger/log/entries/{entry.id}/proof")
    assert response.status_code == 404 and "서명된 체크포인트" in response.json["error"]


# --- witnesses ---------------------------------------------------------------------------


@pytest.fixture
def witness(session):
    signer = notes.Signer.generate("witness.example/w1", notes.COSIGNATURE_V1)
    session.add(LogWitness(name="Witness One", verifier_key=str(signer.verifier_key)))
    session.commit()
    return signer


def cosigned(note, witness, timestamp=1_800_000_000):
    return notes.add_signatures(note, notes.cosign(note, witness, timestamp))


def test_a_registered_witness_cosignature_is_accepted_and_served(
    app, client, session, logged, witness
):
    note = text(client.get("/ledger/log/checkpoint"))
    response = client.post("/ledger/log/cosignatures", data=cosigned(note, witness))
    assert response.status_code == 204, text(response)
    served = text(client.get("/ledger/log/checkpoint"))
    assert served.startswith(note) and served != note
    signed = opened(app, served, [witness.verifier_key])
    assert [(c.key, c.timestamp) for c in signed.cosignatures] == [
        (witness.verifier_key, 1_800_000_000)
    ]
    # sent again later: still one line, the newer one
    again = client.post("/ledger/log/cosignatures", data=cosigned(note, witness, 1_800_000_100))
    assert again.status_code == 204
    served = text(client.get("/ledger/log/checkpoint"))
    assert opened(app, served, [witness.verifier_key]).cosignatures[0].timestamp == 1_800_000_100
    assert served.count("witness.example/w1") == 1


def test_a_witness_that_is_removed_is_no_longer_served(app, client, session, logged, witness):
    note = text(client.get("/ledger/log/checkpoint"))
    client.post("/ledger/log/cosignatures", data=cosigned(note, witness))
    session.scalars(select(LogWitness)).one().active = False
    session.commit()
    assert text(client.get("/ledger/log/checkpoint")) == note
    refused = client.post("/ledger/log/cosignatures", data=cosigned(note, witness))
    assert refused.status_code == 403


def test_a_cosignature_from_an_unregistered_key_is_refused(client, logged, witness):
    stranger = notes.Signer.generate("stranger.example", notes.COSIGNATURE_V1)
    note = text(client.get("/ledger/log/checkpoint"))
    response = client.post("/ledger/log/cosignatures", data=cosigned(note, stranger))
    assert response.status_code == 403 and response.json["error"]
    assert text(client.get("/ledger/log/checkpoint")) == note


def test_a_forged_cosignature_is_refused(client, logged, witness):
    note = text(client.get("/ledger/log/checkpoint"))
    good = notes.cosign(note, witness, 1_800_000_000)
    forged = notes.Signature(
        good.name, good.key_id, good.signature[:-1] + bytes([good.signature[-1] ^ 1])
    )
    response = client.post("/ledger/log/cosignatures", data=notes.add_signatures(note, forged))
    assert response.status_code == 403 and response.json["error"]
    assert text(client.get("/ledger/log/checkpoint")) == note


def test_a_cosignature_on_a_checkpoint_the_shop_never_signed_is_refused(
    app, client, logged, witness
):
    shop_key = notes.Signer.generate(verifier(app).name)  # same name, another key
    fake = notes.Checkpoint(verifier(app).name, logged["new"].size, b"\x01" * 32).sign(shop_key)
    response = client.post("/ledger/log/cosignatures", data=cosigned(fake, witness))
    assert response.status_code == 404 and response.json["error"]
    unknown = notes.Checkpoint(verifier(app).name, 10**6, b"\x01" * 32).sign(shop_key)
    assert (
        client.post("/ledger/log/cosignatures", data=cosigned(unknown, witness)).status_code == 404
    )


@pytest.mark.parametrize("body", [b"", b"hello", b"\xff\xfe", "x\n\n— a b\n".encode()])
def test_a_malformed_cosignature_is_a_bad_request(client, logged, witness, body):
    response = client.post("/ledger/log/cosignatures", data=body)
    assert response.status_code == 400 and response.json["error"]


def test_cosignatures_need_no_csrf_token_but_are_rate_limited(make_app, session, logged):
    app = make_app(WTF_CSRF_ENABLED=True, LOG_COSIGNATURE_RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [client.post("/ledger/log/cosignatures", data=b"x").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


# --- pages -------------------------------------------------------------------------------

PROOF = re.compile(
    r'data-testid="log-proof-(\d+)" data-leaf-index="(\d+)"(?: data-size="(\d+)")?(.*?)</li>\s*'
    r"(?=<li data-testid|</ul>)",
    re.S,
)


def page_proofs(page):
    """entry id -> (leaf index, size or None, audit path, link) as the page prints them."""
    found = {}
    for entry_id, index, size, rest in PROOF.findall(page):
        path = [b64d(h) for h in re.findall(r"<li><code>([^<]+)</code></li>", rest)]
        link = html.unescape(re.search(r'href="([^"]+/proof)"', rest).group(1))
        found[int(entry_id)] = (int(index), int(size) if size else None, path, link)
    return found


def check_page(app, client, session, page, entry_ids):
    shown = page_proofs(page)
    assert sorted(shown) == sorted(entry_ids)
    for entry_id, (index, size, path, link) in shown.items():
        entry = session.get(LedgerEntry, entry_id)
        assert index == log.leaf_index(session, entry_id=entry_id)
        root = session.get(LogCheckpoint, size).root
        leaf = merkle.leaf_hash(log.leaf_data(entry))
        assert merkle.verify_inclusion(index, size, leaf, path, root)
        assert link == f"http://shop.test/ledger/log/entries/{entry_id}/proof"
        assert client.get(link.removeprefix("http://shop.test")).status_code == 200


def test_the_order_ledger_page_proves_each_entry(app, client, session, logged):
    placed = logged["placed"]
    page = text(client.get(f"/ledger/orders/{placed.number}"))
    ids = list(session.scalars(select(LedgerEntry.id).filter_by(order_id=placed.id)))
    check_page(app, client, session, page, ids)
    assert f"http://shop.test/ledger/log/checkpoint/{logged['new'].size}" in page


def test_the_receipt_proves_each_entry(app, client, session, logged):
    placed = logged["placed"]
    page = text(client.get(f"/orders/{placed.number}/receipt?token=t"))
    ids = list(session.scalars(select(LedgerEntry.id).filter_by(order_id=placed.id)))
    check_page(app, client, session, page, ids)


def test_the_pdf_receipt_prints_the_leaf_the_path_and_the_link(client, session, logged):
    placed = logged["placed"]
    response = client.get(f"/orders/{placed.number}/receipt.pdf?token=t")
    assert response.status_code == 200
    content = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    content = re.sub(r"\s+", "", content)
    entry = session.scalars(select(LedgerEntry).filter_by(order_id=placed.id)).first()
    proof = client.get(f"/ledger/log/entries/{entry.id}/proof").json
    assert all(h in content for h in proof["proof"])
    assert f"http://shop.test/ledger/log/entries/{entry.id}/proof" in content


def test_an_entry_not_yet_in_a_checkpoint_says_so(client, session, logged, shop, unsigned):
    placed = order(session, shop)
    page = text(client.get(f"/ledger/orders/{placed.number}"))
    assert "아직 서명된 체크포인트에 들어 있지 않음" in page  # Korean by default
    assert 'data-testid="proof-checkpoint"' not in page  # proved against nothing yet
    shown = page_proofs(page)
    assert shown and all(size is None and not path for _i, size, path, _l in shown.values())


def test_the_ledger_page_shows_the_key_the_latest_checkpoint_and_the_witnesses(
    app, client, logged, witness
):
    page = text(client.get("/ledger"))
    assert str(verifier(app)) in page
    assert base64.b64encode(logged["new"].root).decode() in page
    assert "Witness One" in page and str(witness.verifier_key) in page


def test_the_export_names_each_leaf_and_carries_the_latest_checkpoint(app, client, session, logged):
    export = client.get("/ledger/export.json").json
    for entry in export["entries"]:
        assert entry["leaf_index"] == log.leaf_index(session, entry_id=entry["id"])
    for paid in export["payouts"]:
        assert paid["leaf_index"] == log.leaf_index(session, payout_id=paid["id"])
    assert export["log"]["verifier_key"] == str(verifier(app))
    assert export["log"]["origin"] == verifier(app).name
    assert opened(app, export["log"]["checkpoint"]).checkpoint.size == logged["new"].size
