"""The ledger's hash chain: each entry carries the SHA-256 of its canonical encoding,
which includes the hash of the entry before it. Changing, removing or reordering any
entry changes every hash after it.

Canonical encoding (documented for third parties in docs/ledger.md): the JSON object of the
fields below, keys sorted, no spaces, UTF-8, with ``created_at`` as ISO 8601 in UTC with
microseconds and a ``+00:00`` offset, and absent references as ``null``. Fields added after
the first version (``OPTIONAL``) are part of the object only when they carry a value, so the
hashes of entries written before them still check.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

GENESIS = "0" * 64
# The id is not hashed (it is only known once the row is written); the order of the chain is
# the id order, and each entry's prev_hash ties it to the one before.
FIELDS = (
    "created_at", "kind", "amount", "currency", "order_id", "order_line_id", "venture_id",
    "cause_id", "rule", "reverses_id", "refund_id", "prev_hash",
)  # fmt: skip
OPTIONAL = ("fund_id",)  # the matching fund of a match entry (added with matching funds)


def iso(moment: datetime) -> str:
    """A timestamp as the chain writes it: UTC, microseconds, ``+00:00``."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def fields_of(row: Any) -> dict[str, Any]:
    """The hashed fields of an entry given as an object with them as attributes (a row)."""
    return {name: getattr(row, name) for name in (*FIELDS, *OPTIONAL)}


def canonical(fields: dict[str, Any]) -> bytes:
    """The exact bytes that are hashed for one entry."""
    values = dict(fields)
    created = values["created_at"]
    if isinstance(created, datetime):
        values["created_at"] = iso(created)
    ordered = {name: values.get(name) for name in FIELDS}
    ordered.update({name: values[name] for name in OPTIONAL if values.get(name) is not None})
    return json.dumps(ordered, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


# The columns of an entry in the order ``canonical_row`` takes them.
ROW = (*FIELDS[:10], *OPTIONAL, *FIELDS[10:])
_string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) does to a str


def _json(value: Any) -> str:
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is str:
        return _string(value)
    return json.dumps(value, ensure_ascii=False)  # anything rarer, exactly as canonical would


def canonical_row(
    created_at: datetime | str, kind: Any, amount: Any, currency: Any, order_id: Any,
    order_line_id: Any, venture_id: Any, cause_id: Any, rule: Any, reverses_id: Any,
    fund_id: Any, refund_id: Any, prev_hash: Any,
) -> bytes:  # fmt: skip
    """``canonical`` of an entry given as its columns (in ``ROW`` order), the same bytes about
    five times faster: the keys are written in sorted order by hand, the values as json.dumps
    writes them. ``flask ledger verify`` hashes a million entries with it."""
    if isinstance(created_at, datetime):
        created_at = iso(created_at)
    if (
        type(amount) is int and type(cause_id) is int and type(order_id) is int
        and type(order_line_id) is int and type(venture_id) is int and type(kind) is str
        and type(currency) is str and type(rule) is str and type(prev_hash) is str
        and type(created_at) is str
    ):  # fmt: skip
        # the usual row, written without a call per value (what json.dumps writes for an
        # int is its repr; a str goes through the encoder json.dumps uses)
        fund = "" if fund_id is None else f',"fund_id":{_json(fund_id)}'
        return (
            f'{{"amount":{amount!r},"cause_id":{cause_id!r},'
            f'"created_at":{_string(created_at)},"currency":{_string(currency)}{fund},'
            f'"kind":{_string(kind)},"order_id":{order_id!r},'
            f'"order_line_id":{order_line_id!r},"prev_hash":{_string(prev_hash)},'
            f'"refund_id":{"null" if refund_id is None else _json(refund_id)},'
            f'"reverses_id":{"null" if reverses_id is None else _json(reverses_id)},'
            f'"rule":{_string(rule)},"venture_id":{venture_id!r}}}'
        ).encode()
    fund = "" if fund_id is None else f',"fund_id":{_json(fund_id)}'
    return (
        f'{{"amount":{_json(amount)},"cause_id":{_json(cause_id)},'
        f'"created_at":{_json(created_at)},"currency":{_json(currency)}{fund},'
        f'"kind":{_json(kind)},"order_id":{_json(order_id)},'
        f'"order_line_id":{_json(order_line_id)},"prev_hash":{_json(prev_hash)},'
        f'"refund_id":{_json(refund_id)},"reverses_id":{_json(reverses_id)},'
        f'"rule":{_json(rule)},"venture_id":{_json(venture_id)}}}'
    ).encode()


def first_break(entries: list[dict[str, Any]]) -> int | None:
    """The id of the first entry (in id order) whose link or hash does not check, or None."""
    previous = GENESIS
    for entry in sorted(entries, key=lambda e: e["id"]):
        if entry["prev_hash"] != previous or entry_hash(entry) != entry["hash"]:
            return int(entry["id"])
        previous = entry["hash"]
    return None


# The fields of a payout's leaf in the donation log (docs/ledger.md, "The log"). The "leaf"
# key never appears in an entry's encoding, so a payout's leaf data can never be an entry's.
PAYOUT_FIELDS = (
    "amount", "bank_reference", "cause_id", "corrects_id", "created_at", "currency",
    "ledger_head_id", "paid_on", "proof_sha256",
)  # fmt: skip


def payout_canonical(fields: dict[str, Any]) -> bytes:
    """The exact bytes of a payout's leaf in the log: the JSON object of ``PAYOUT_FIELDS`` and
    ``"leaf": "payout"``, keys sorted, no spaces, UTF-8, ``created_at`` as ``iso`` writes it and
    ``paid_on`` as ``YYYY-MM-DD``, absent references as ``null``."""
    values = {name: fields.get(name) for name in PAYOUT_FIELDS}
    created = values["created_at"]
    if isinstance(created, datetime):
        values["created_at"] = iso(created)
    paid_on = values["paid_on"]
    if isinstance(paid_on, date):
        values["paid_on"] = paid_on.isoformat()
    values["leaf"] = "payout"
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
