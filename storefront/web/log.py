"""The donation log over HTTP: signed checkpoints, C2SP tlog-tiles, inclusion and consistency
proofs as JSON, and witnesses' cosignatures. Public, no sign-in, no cookies needed.

Every view parses its parameters strictly (a bad one is a 400 with a JSON ``error``), asks
``services.log`` / ``services.log_proofs``, and answers JSON or text. A size or index the log
does not have is a 404. Hashes in JSON are standard base64 of the 32 raw bytes.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from typing import Any, NoReturn

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from storefront.domain import chain, merkle
from storefront.domain.errors import LogRefused
from storefront.extensions import csrf, db, limiter
from storefront.models import utcnow
from storefront.services import log, log_proofs
from storefront.web.messages import describe
from storefront.web.receipt_text import LOG_PROOF_NOTE, NOT_IN_CHECKPOINT

bp = Blueprint("log", __name__, url_prefix="/ledger/log")

IMMUTABLE = "public, max-age=31536000, immutable"
LATEST = "public, max-age=5"  # a new checkpoint is signed at most every few seconds
# A proof at a given size never changes, but the checkpoint it carries gains cosignatures.
AT_SIZE = "public, max-age=300"
PER_PAGE = 100
MAX_NOTE_BYTES = 16 * 1024  # a checkpoint and up to 100 signature lines fit well under this
MAX_SIZE = 2**63 - 1  # sizes and indexes are BIGINT
MAX_LEVEL = 63  # tlog-tiles: a tile level is 0 to 63
_NUMBER = re.compile(r"0|[1-9][0-9]{0,18}")
_TILE = re.compile(r"(0|[1-9][0-9]?)/((?:x[0-9]{3}/)*[0-9]{3})(?:\.p/([1-9][0-9]{0,2}))?")
# Refusals that mean "the log has no such thing" (404); the others are bad requests (400) or,
# for a note no key we know signed (or one whose signature does not check), forbidden (403).
NOT_FOUND = frozenset({"log.leaf_out_of_range", "log.unknown_size", "log.unknown_checkpoint"})
FORBIDDEN = frozenset({"log.unverified", "log.bad_signature", "log.unknown_witness"})


@bp.app_context_processor
def log_words() -> dict[str, object]:
    return {"LOG_PROOF_NOTE": LOG_PROOF_NOTE, "NOT_IN_CHECKPOINT": NOT_IN_CHECKPOINT}


@bp.app_template_filter("b64")
def b64_filter(raw: bytes) -> str:
    """Standard base64 of raw bytes (a hash), as the log's JSON writes them."""
    return base64.b64encode(raw).decode()


def _error(status: int, message: str) -> NoReturn:
    response = jsonify(error=message)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    abort(response)


def _refused(error: LogRefused) -> NoReturn:
    status = 404 if error.code in NOT_FOUND else 403 if error.code in FORBIDDEN else 400
    _error(status, describe(error))


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    """Answer in JSON here, as an API does (a rate limit's 429, a 405)."""
    response = jsonify(error=error.description or error.name)
    response.status_code = error.code or 500
    response.headers["Cache-Control"] = "no-store"
    return response


def parse_number(name: str, value: str | None) -> int:
    """A size or an index: a plain decimal without leading zeros, at most 2**63 - 1."""
    if value is None or not _NUMBER.fullmatch(value) or int(value) > MAX_SIZE:
        _error(400, _("%(name)s must be a whole number, 0 or more.", name=name))
    return int(value)


def parse_tile_path(path: str) -> merkle.Tile | None:
    """The hash tile a C2SP tlog-tiles path names (``<L>/<N>`` or ``<L>/<N>.p/<W>`` after
    ``tile/``), or None for anything else, including a non-canonical spelling."""
    found = _TILE.fullmatch(path)
    if found is None:
        return None
    level, index_path, width = found.groups()
    index = int(index_path.replace("x", "").replace("/", ""))
    if int(level) > MAX_LEVEL or index > MAX_SIZE:
        return None
    if width is not None and int(width) >= merkle.TILE_WIDTH:
        return None
    tile = merkle.Tile(int(level), index, int(width) if width else merkle.TILE_WIDTH)
    return tile if tile.path == f"tile/{path}" else None


def b64(hashes: Sequence[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


def _text(body: str, cache: str) -> Response:
    response = Response(body, mimetype="text/plain")  # Flask adds charset=utf-8
    response.headers["Cache-Control"] = cache
    return response


def _json(payload: dict[str, Any], cache: str) -> Response:
    response = jsonify(payload)
    response.headers["Cache-Control"] = cache
    return response


# --- checkpoints -------------------------------------------------------------------------


@bp.get("/checkpoint")
def checkpoint() -> Response:
    """The latest signed checkpoint, with the cosignatures of the registered witnesses."""
    latest = log.latest(db.session())
    if latest is None:
        _error(404, _("The log has no signed checkpoint yet."))
    return _text(log.cosigned_note(db.session(), latest), LATEST)


@bp.get("/checkpoint/<int:size>")
def checkpoint_at(size: int) -> Response:
    found = log.checkpoint_at(db.session(), size) if size <= MAX_SIZE else None
    if found is None:
        _error(404, _("The shop signed no checkpoint of %(size)d entries.", size=size))
    return _text(log.cosigned_note(db.session(), found), AT_SIZE)  # it gains cosignatures


@bp.get("/checkpoints")
def checkpoints() -> Response:
    """Every checkpoint the shop signed, newest first, 100 a page (``?before=<size>``)."""
    raw = request.args.get("before")
    before = parse_number("before", raw) if raw is not None else None
    rows = log_proofs.checkpoints(db.session(), before, PER_PAGE)
    more = len(rows) == PER_PAGE
    return _json(
        {
            "checkpoints": [
                {
                    "size": c.size,
                    "root": b64([c.root])[0],
                    "created_at": chain.iso(c.created_at),
                }
                for c in rows
            ],
            "next": url_for(".checkpoints", before=rows[-1].size, _external=True) if more else None,
        },
        LATEST if before is None else IMMUTABLE,  # the checkpoints below a size never change
    )


# --- tiles -------------------------------------------------------------------------------


@bp.get("/tile/<path:path>")
def tile(path: str) -> Response:
    """A C2SP tlog-tiles hash tile: full tiles never change, a partial one is a prefix of the
    tile it grows into."""
    wanted = parse_tile_path(path)
    if wanted is None:
        _error(404, _("There is no such tile."))
    content = log.tile(db.session(), wanted.level, wanted.index, wanted.width)
    if content is None:
        _error(404, _("The log has no such tile yet."))
    response = Response(content, mimetype="application/octet-stream")
    response.headers["Cache-Control"] = IMMUTABLE
    return response


# --- proofs ------------------------------------------------------------------------------


def _size_arg(name: str) -> int:
    """A size from the query string; without one, the latest checkpoint's."""
    raw = request.args.get(name)
    if raw is not None:
        return parse_number(name, raw)
    latest = log.latest(db.session())
    if latest is None:
        _error(404, _("The log has no signed checkpoint yet."))
    return latest.size


def _inclusion(index: int, size: int) -> dict[str, Any]:
    """The proof of leaf ``index`` in the checkpoint of ``size``, with that checkpoint."""
    try:
        found = log.checkpoint_at(db.session(), size)
        if found is None:
            raise LogRefused("log.unknown_size", size=size)
        proof = log.inclusion(db.session(), index, size)
    except LogRefused as error:
        _refused(error)
    leaf = log.leaf_hash(db.session(), index)
    if leaf is None:  # the proof was made, so the leaf exists: only a broken store gets here
        _error(404, _("There is no such entry in the log."))
    return {
        "index": index,
        "size": size,
        "leaf_hash": b64([leaf])[0],
        "proof": b64(proof),
        "checkpoint": log.cosigned_note(db.session(), found),
    }


@bp.get("/proof/inclusion")
def inclusion() -> Response:
    index = parse_number("index", request.args.get("index"))
    cache = AT_SIZE if "size" in request.args else LATEST
    return _json(_inclusion(index, _size_arg("size")), cache)


def _leaf_proof(kind: str, row_id: int, index: int | None, data: bytes | None) -> Response:
    if index is None or data is None:
        _error(404, _("There is no such entry in the log."))
    size = _size_arg("size")
    if index >= size and "size" not in request.args:
        _error(404, _("This entry is not yet in a signed checkpoint. Try again in a minute."))
    payload = {"kind": kind, "id": row_id, "leaf_data": data.decode(), **_inclusion(index, size)}
    return _json(payload, AT_SIZE if "size" in request.args else LATEST)


@bp.get("/entries/<id:entry_id>/proof")
def entry_proof(entry_id: int) -> Response:
    index, data = log_proofs.leaf_of(db.session(), entry_id=entry_id)
    return _leaf_proof("entry", entry_id, index, data)


@bp.get("/payouts/<id:payout_id>/proof")
def payout_proof(payout_id: int) -> Response:
    index, data = log_proofs.leaf_of(db.session(), payout_id=payout_id)
    return _leaf_proof("payout", payout_id, index, data)


@bp.get("/proof/consistency")
def consistency() -> Response:
    old = parse_number("old", request.args.get("old"))
    new = parse_number("new", request.args.get("new"))
    try:
        proof = log.consistency(db.session(), old, new)
    except LogRefused as error:
        _refused(error)
    return _json({"old": old, "new": new, "proof": b64(proof)}, IMMUTABLE)


# --- witnesses ---------------------------------------------------------------------------


@bp.post("/cosignatures")
@csrf.exempt
@limiter.limit(lambda: current_app.config["LOG_COSIGNATURE_RATE_LIMIT"])
def cosignatures() -> Response:
    """A witness sends the checkpoint note with its cosignature line(s): 204 when one of a
    registered witness checks on a checkpoint the shop signed."""
    body = request.stream.read(MAX_NOTE_BYTES + 1)
    if len(body) > MAX_NOTE_BYTES:
        _error(413, _("A cosigned checkpoint is at most %(n)d bytes.", n=MAX_NOTE_BYTES))
    try:
        log.add_cosignature(db.session(), body, utcnow())
    except LogRefused as error:
        db.session.rollback()
        _refused(error)
    db.session.commit()
    return Response(status=204)
