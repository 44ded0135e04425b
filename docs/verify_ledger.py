"""Re-verify Sangsaeng's public ledger and its log with the standard library (and
``cryptography`` when it is installed: without it, a short RFC 8032 check below is used).

    curl -o ledger.json https://<shop>/ledger/export.json
    python3 verify_ledger.py ledger.json [--key <the verifier key shown on /ledger>]

Checks the hash chain, that no entry is reversed beyond its amount nor by an entry of
another kind, that no shopper's gift (kind ``gift``) names a matching fund, that every reversal
names a refund and an order refunded in full gives nothing any more, that each matching
fund's remaining money is its top-ups less its matches plus what refunds gave back, that
each correction cancels exactly one payout, and that no payout paid a cause more than it
was owed when it was recorded (docs/ledger.md, "Balances and payouts"). When the export
carries the log, it also rebuilds the log's Merkle tree from the entries and payouts (by
``leaf_index``) and compares its root with the export's latest signed checkpoint. Prints
each cause's balance (pledged, reversed, paid out, outstanding), or says what does not
check and exits 1.

The log on its own (docs/ledger.md, "Checking it yourself"); NOTE, PROOF and the rest are
files, ``-`` for standard input, or http(s) URLs:

    verify_ledger.py checkpoint NOTE --key KEY [--witness-key WKEY ...]
    verify_ledger.py receipt PROOF --key KEY [--hash HEX] [--entry ENTRY.json]
    verify_ledger.py consistency OLD NEW PROOF --key KEY
    verify_ledger.py consistency OLD --url https://<shop> --key KEY [--new N]

``checkpoint`` checks a signed checkpoint (C2SP signed-note and tlog-checkpoint) and any
witness cosignatures asked for; ``receipt`` checks an inclusion proof from
``/ledger/log/entries/<id>/proof`` (or ``payouts/<id>/proof``): the leaf hash of its data,
the audit path up to the checkpoint's root (RFC 9162 §2.1.3) and the checkpoint's signature,
and that the data is the entry whose chain hash the receipt shows (``--hash``) or the entry
given (``--entry``); ``consistency`` checks that the newer checkpoint's tree extends the older
one's (RFC 9162 §2.1.4). Exit status: 0 when everything checks, 1 when something does not,
2 when an input cannot be read.
"""

import argparse
import base64
import binascii
import hashlib
import heapq
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from bisect import bisect_right
from collections import defaultdict
from itertools import accumulate

FIELDS = ["amount", "cause_id", "created_at", "currency", "kind", "order_id", "order_line_id",
          "prev_hash", "refund_id", "reverses_id", "rule", "venture_id"]  # fmt: skip


def canonical(entry):
    """The bytes an entry's hash (and its leaf in the log) is computed over."""
    body = {name: entry[name] for name in FIELDS}
    if entry.get("fund_id") is not None:  # hashed only when set
        body["fund_id"] = entry["fund_id"]
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def check(entries):
    """The id of the first entry whose hash or link does not match, or None."""
    previous = "0" * 64
    for entry in sorted(entries, key=lambda e: e["id"]):
        digest = hashlib.sha256(canonical(entry)).hexdigest()
        if entry["prev_hash"] != previous or digest != entry["hash"]:
            return entry["id"]
        previous = entry["hash"]
    return None


def problems(export):
    """What does not add up between the entries, refunds, funds and payouts."""
    entries = {e["id"]: e for e in export["entries"]}
    found = []
    left = {i: e["amount"] for i, e in entries.items() if e["reverses_id"] is None}
    for e in entries.values():
        if e["reverses_id"] is not None:
            left[e["reverses_id"]] += e["amount"]
    found += [f"entry {i} is reversed beyond its amount" for i, v in left.items() if v < 0]
    found += [
        f"entry {e['id']} reverses entry {e['reverses_id']} of another kind"
        for e in entries.values()
        if e["reverses_id"] in entries
        and e["kind"] != f"{entries[e['reverses_id']]['kind']}_reversal"
    ]
    found += [  # a shopper's gift is never matched, so no fund moves with it
        f"gift entry {e['id']} names fund {e['fund_id']}"
        for e in entries.values()
        if e["kind"].startswith("gift") and e.get("fund_id") is not None
    ]
    refunds = {r["id"]: r for r in export.get("refunds", [])}
    found += [
        f"entry {e['id']} reverses without a refund"
        for e in entries.values()
        if e["reverses_id"] is not None and e["refund_id"] not in refunds
    ]
    refunded, totals = defaultdict(int), {}
    for r in refunds.values():
        refunded[r["order_id"]] += r["amount"]
        totals[r["order_id"]] = r["order_total"]
    for order_id, amount in refunded.items():
        net = sum(e["amount"] for e in entries.values() if e["order_id"] == order_id)
        if amount >= totals[order_id] and net != 0:
            found.append(f"order {order_id} is refunded in full but still gives {net}")
    funds = {f["id"]: f for f in export.get("funds", [])}
    for fund in funds.values():
        moved = sum(e["amount"] for e in entries.values() if e.get("fund_id") == fund["id"])
        expected = sum(t["amount"] for t in fund["top_ups"]) - moved
        if expected != fund["remaining"]:
            found.append(f"fund {fund['id']} should have {expected} left, says {fund['remaining']}")
    return found + payout_problems(export)


def payout_problems(export):
    """Corrections that do not cancel exactly one earlier payout of its cause, and payouts
    that took a cause past its net pledges when they were recorded: up to the chain's head
    the payout names (``ledger_head_id``; by ``created_at`` when an older payout has none),
    replayed in id order, leaving out each cancelled payout with its correction."""
    payouts = {d["id"]: d for d in export.get("payouts", export.get("disbursements", []))}
    found, seen = [], set()
    for d in sorted(payouts.values(), key=lambda d: d["id"]):
        target = payouts.get(d["corrects_id"]) if d["corrects_id"] is not None else None
        if d["corrects_id"] is not None and (
            target is None or target["corrects_id"] is not None or target["id"] > d["id"]
            or target["cause_id"] != d["cause_id"] or d["amount"] != -target["amount"]
            or target["id"] in seen
        ):  # fmt: skip
            found.append(f"payout {d['id']} does not cancel exactly payout {d['corrects_id']}")
        seen.add(d["corrects_id"])
    per_cause = defaultdict(list)
    for e in export["entries"]:
        per_cause[e["cause_id"]].append(e)
    running = {}
    for cause_id, entries in per_cause.items():
        by_id = sorted(entries, key=lambda e: e["id"])
        by_time = sorted(entries, key=lambda e: (e["created_at"], e["id"]))
        running[cause_id] = (
            [e["id"] for e in by_id], list(accumulate((e["amount"] for e in by_id), initial=0)),
            [e["created_at"] for e in by_time],
            list(accumulate((e["amount"] for e in by_time), initial=0)),
        )  # fmt: skip
    cancelled = {d["corrects_id"] for d in payouts.values()}
    paid = defaultdict(int)
    for d in sorted(payouts.values(), key=lambda d: d["id"]):
        if d["corrects_id"] is not None or d["id"] in cancelled:
            continue
        ids, net_by_id, times, net_by_time = running.get(d["cause_id"], ([], [0], [], [0]))
        if d.get("ledger_head_id") is not None:
            owed = net_by_id[bisect_right(ids, d["ledger_head_id"])]
        else:
            owed = net_by_time[bisect_right(times, d["created_at"])]
        paid[d["cause_id"]] += d["amount"]
        if paid[d["cause_id"]] > owed:
            found.append(
                f"payout {d['id']} pays cause {d['cause_id']} more than it was owed "
                f"({paid[d['cause_id']]} paid in all, {owed} owed when it was recorded)"
            )
    return found


def balances(export):
    """Per cause id: [pledged, reversed, paid out, outstanding]."""
    rows = defaultdict(lambda: [0, 0, 0, 0])
    for e in export["entries"]:
        rows[e["cause_id"]][0 if e["amount"] > 0 else 1] += abs(e["amount"])
    for d in export.get("payouts", export.get("disbursements", [])):  # -3, or -2's old name
        rows[d["cause_id"]][2] += d["amount"]
    for row in rows.values():
        row[3] = max(row[0] - row[1] - row[2], 0)
    return rows


# --- Ed25519 verification (RFC 8032) ----------------------------------------------------------


def ed25519_verify(public_key, message, signature):
    """Whether ``signature`` is the Ed25519 signature of ``message`` by ``public_key``."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return ed25519_verify_pure(public_key, message, signature)
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


P = 2**255 - 19  # the field
L = 2**252 + 27742317777372353535851937790883648493  # the order of the base point
D = -121665 * pow(121666, P - 2, P) % P  # the curve: -x^2 + y^2 = 1 + d x^2 y^2
SQRT_M1 = pow(2, (P - 1) // 4, P)
BASE_Y = 4 * pow(5, P - 2, P) % P
BASE = (
    15112221349535400772501151409588531511454012693041857206046113283949847762202,
    BASE_Y, 1,
    15112221349535400772501151409588531511454012693041857206046113283949847762202 * BASE_Y % P,
)  # fmt: skip
IDENTITY = (0, 1, 1, 0)


def _add(a, b):
    """Two points in extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z, added
    (RFC 8032 §5.1.4; the formula is complete, so it doubles too)."""
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    e1, e2 = (y1 - x1) * (y2 - x2) % P, (y1 + x1) * (y2 + x2) % P
    c, d = 2 * D * t1 * t2 % P, 2 * z1 * z2 % P
    e, f, g, h = e2 - e1, d - c, d + c, e2 + e1
    return e * f % P, g * h % P, f * g % P, e * h % P


def _times(point, scalar):
    result = IDENTITY
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point = _add(point, point)
        scalar >>= 1
    return result


def _encode(point):
    x, y, z, _ = point
    inverse = pow(z, P - 2, P)
    x, y = x * inverse % P, y * inverse % P
    return (y | (x & 1) << 255).to_bytes(32, "little")


def _decode(raw):
    """The point of a 32-byte encoding (RFC 8032 §5.1.3), or None when it is not one."""
    if len(raw) != 32:
        return None
    y = int.from_bytes(raw, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= P:
        return None
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    if v * x * x % P == (-u) % P:
        x = x * SQRT_M1 % P
    elif v * x * x % P != u:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = P - x
    return x, y, 1, x * y % P


def ed25519_verify_pure(public_key, message, signature):
    """RFC 8032 §5.1.7 in plain Python (slow, a few milliseconds, but only ever verifying):
    accept when ``[S]B = R + [k]A`` with ``k = SHA-512(R || A || message)``, checked as the
    encoding of ``[S]B - [k]A`` being R's bytes."""
    if len(signature) != 64 or len(public_key) != 32:
        return False
    a = _decode(public_key)
    s = int.from_bytes(signature[32:], "little")
    if a is None or s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little")
    minus_a = ((P - a[0]) % P, a[1], a[2], (P - a[3]) % P)
    return _encode(_add(_times(BASE, s), _times(minus_a, k % L))) == signature[:32]


# --- signed notes and checkpoints (C2SP signed-note, tlog-checkpoint, tlog-cosignature) --------

ED25519, COSIGNATURE_V1 = 0x01, 0x04  # the type byte of a log's key and of a witness's
DASH = "\u2014 "  # a signature line starts with an em dash and a space


class Refused(Exception):
    """Something that does not verify: the message says what."""


class Unreadable(Exception):
    """An input that cannot be read at all (a missing file, a shop that does not answer)."""


def b64(text, size=None):
    """Standard base64 (of ``size`` bytes when given), or Refused."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise Refused(f"{text!r} is not base64") from None
    if size is not None and len(raw) != size:
        raise Refused(f"{text!r} is not {size} bytes of base64")
    return raw


def key_id(name, kind, public_key):
    """The 4 bytes that name a key in a note: SHA-256(name || 0x0A || type || key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public_key).digest()[:4]


def parse_key(text, kind=ED25519):
    """A verifier key ``<name>+<hex key ID>+<base64(type || 32-byte key)>`` of type ``kind``,
    as (name, key ID, public key)."""
    parts = text.strip().split("+", 2)  # the base64 may hold "+" too
    if len(parts) != 3 or not parts[0] or any(c.isspace() for c in parts[0]):
        raise Refused(f"{text!r} is not a verifier key (name+hash+base64)")
    name, hash_hex, material = parts
    raw = b64(material, 33)
    if raw[0] != kind:
        raise Refused(f"the key {name} is of type {raw[0]}, not {kind}")
    if hash_hex != key_id(name, kind, raw[1:]).hex():
        raise Refused(f"the key {name}'s hash {hash_hex} is not its key's")
    return name, bytes.fromhex(hash_hex), raw[1:]


def split_note(note):
    """A signed note's text and its signature lines as (name, key ID, signature bytes)."""
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise Refused("not a signed note: no blank line before the signatures")
    text, lines = note[: cut + 1], note[cut + 2 :].splitlines()
    signatures = []
    for line in lines:
        name, _, material = line.removeprefix(DASH).partition(" ")
        if not line.startswith(DASH) or not name or not material:
            raise Refused(f"not a signature line: {line!r}")
        raw = b64(material)
        if len(raw) < 5:
            raise Refused(f"a signature line too short: {line!r}")
        signatures.append((name, raw[:4], raw[4:]))
    if not signatures:
        raise Refused("the note has no signature")
    return text, signatures


def cosigned(text, timestamp):
    """What a witness's cosignature/v1 signs."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def open_checkpoint(note, keys, witness_keys=()):
    """Check a signed checkpoint; return {origin, size, root, text, key, cosigned}.

    ``keys`` are the log's (name, key ID, public key): one whose name is the checkpoint's
    origin must have signed it. A signature by a known key that does not check refuses the
    note; signatures by keys not given are ignored. ``cosigned`` lists the ``witness_keys``
    names whose cosignature checked, with their times."""
    text, signatures = split_note(note)
    lines = text.split("\n")[:-1]
    if len(lines) < 3 or not all(lines):
        raise Refused("not a checkpoint: it needs an origin, a size and a root hash")
    origin, size_text, root_text = lines[:3]
    if not size_text.isdigit() or (size_text != "0" and size_text[0] == "0"):
        raise Refused(f"not a checkpoint: the size {size_text!r} is not a decimal number")
    root = b64(root_text, 32)
    log_keys = {(name, kid): public for name, kid, public in keys}
    cosigners = {(name, kid): public for name, kid, public in witness_keys}
    signed_by, cosigned_by = None, []
    cosigned_keys: set[tuple[str, bytes]] = set()  # a name may have several keys
    for name, kid, signature in signatures:
        if (name, kid) in log_keys:
            if not ed25519_verify(log_keys[(name, kid)], text.encode(), signature):
                raise Refused(f"the signature of {name} does not check")
            if name == origin:
                signed_by = signed_by or name
        elif (name, kid) in cosigners:
            timestamp = int.from_bytes(signature[:8], "big")
            if len(signature) != 72 or not ed25519_verify(
                cosigners[(name, kid)], cosigned(text, timestamp), signature[8:]
            ):
                raise Refused(f"the cosignature of {name} does not check")
            cosigned_by.append((name, timestamp))
            cosigned_keys.add((name, kid))
    if signed_by is None:
        known = ", ".join(sorted({name for name, _ in log_keys})) or "none"
        raise Refused(f"no known key of the log {origin} signed it (keys given: {known})")
    return {
        "origin": origin, "size": int(size_text), "root": root, "text": text,
        "key": signed_by, "cosigned": cosigned_by, "cosigned_keys": cosigned_keys,
    }  # fmt: skip


# --- the Merkle tree (RFC 9162 §2.1) --------------------------------------------------------

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def inclusion_root(index, size, leaf, path):
    """The root an audit path leads to from a leaf hash (RFC 9162 §2.1.3.2), or None."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def consistent(first, second, first_root, second_root, path):
    """Whether ``path`` proves the tree of ``second`` leaves extends the one of ``first``
    (RFC 9162 §2.1.4.2; equal sizes need equal roots, every tree extends the empty one)."""
    if not 0 <= first <= second:
        return False
    if first == second:
        return not path and first_root == second_root
    if first == 0:
        return not path and first_root == EMPTY_ROOT
    if not path:
        return False
    if first & (first - 1) == 0:
        path = [first_root, *path]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


class Tree:
    """A tree grown one leaf at a time, keeping only the roots of its largest perfect
    subtrees (one per bit of the size: O(log n) hashes)."""

    def __init__(self):
        self.size = 0
        self.stack = []  # (height, hash), left to right

    def append(self, data):
        height, current = 0, leaf_hash(data)
        while self.stack and self.stack[-1][0] == height:
            current = node_hash(self.stack.pop()[1], current)
            height += 1
        self.stack.append((height, current))
        self.size += 1

    def root(self):
        if not self.stack:
            return EMPTY_ROOT
        root = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            root = node_hash(left, root)
        return root


# --- the log's leaves in an export ------------------------------------------------------------

PAYOUT_FIELDS = ("amount", "bank_reference", "cause_id", "corrects_id", "created_at",
                 "currency", "ledger_head_id", "paid_on", "proof_sha256")  # fmt: skip


def payout_canonical(payout):
    """A payout's leaf data: its fields and ``"leaf": "payout"``, as the chain writes JSON."""
    body = {name: payout.get(name) for name in PAYOUT_FIELDS}
    body["leaf"] = "payout"
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def log_leaves(export):
    """(leaf index, "entry" or "payout", row) for every entry and payout, in leaf order."""

    def in_order(rows, kind):
        previous = -1
        for row in rows:  # usually in order already: then nothing is copied
            index = row.get("leaf_index")
            if type(index) is not int:
                raise Refused(f"{kind} {row.get('id')} has no leaf_index")
            if index < previous:
                rows = sorted(rows, key=lambda row: row["leaf_index"])
                break
            previous = index
        return ((row["leaf_index"], kind, row) for row in rows)

    entries = in_order(export["entries"], "entry")
    payouts = in_order(export.get("payouts", []), "payout")
    return heapq.merge(entries, payouts, key=lambda item: item[0])


def log_problems(export, keys):
    """Rebuild the log's tree from the export and compare it with its latest checkpoint: a
    sentence saying what checked, or Refused. Before the shop signed its first checkpoint
    only the leaf indexes are checked (and refused when a key was given to check)."""
    log = export["log"]
    checkpoint = None
    if log.get("checkpoint"):
        checkpoint = open_checkpoint(log["checkpoint"], keys or [parse_key(log["verifier_key"])])
        if checkpoint["origin"] != log.get("origin"):
            raise Refused(
                f"the checkpoint is of {checkpoint['origin']}, the export of {log['origin']}"
            )
    elif keys:
        raise Refused("the export has no signed checkpoint to check the key against")
    size = checkpoint["size"] if checkpoint else None
    tree, at_checkpoint = Tree(), None
    for expected, (index, kind, row) in enumerate(log_leaves(export)):
        if index != expected:
            if index < expected:
                raise Refused(f"the export has two leaves at index {index} ({kind} {row['id']})")
            raise Refused(
                f"the export has no leaf at index {expected} ({kind} {row['id']} is {index})"
            )
        if tree.size == size:
            at_checkpoint = tree.root()
        tree.append(canonical(row) if kind == "entry" else payout_canonical(row))
    if checkpoint is None:
        return f"log: {tree.size} leaves, no checkpoint signed yet"
    if tree.size == size:
        at_checkpoint = tree.root()
    if at_checkpoint is None:
        raise Refused(f"the checkpoint covers {size} leaves, the export has {tree.size}")
    if at_checkpoint != checkpoint["root"]:
        raise Refused(
            f"the tree of the export's first {size} leaves has the root "
            f"{base64.b64encode(at_checkpoint).decode()}, the checkpoint signed "
            f"{base64.b64encode(checkpoint['root']).decode()}: a leaf was changed, dropped, "
            "added or moved"
        )
    later = tree.size - size
    return (
        f"log: {tree.size} leaves; the first {size} have the root the checkpoint "
        f"signed by {checkpoint['key']} says"
        + (f" ({later} newer, not in it yet)" if later else "")
    )


# --- reading inputs ---------------------------------------------------------------------------


USER_AGENT = "sangsaeng-verify-ledger"


def read(source):
    """The bytes of a file, of standard input (``-``) or of an http(s) URL."""
    try:
        if source == "-":
            return sys.stdin.buffer.read()
        if urllib.parse.urlsplit(source).scheme in ("http", "https"):
            # only http(s) gets here: no file: or custom schemes
            request = urllib.request.Request(source, headers={"User-Agent": USER_AGENT})  # noqa: S310
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.read()
        with open(source, "rb") as handle:
            return handle.read()
    except (OSError, urllib.error.URLError, ValueError) as error:
        raise Unreadable(f"cannot read {source}: {error}") from None


def read_json(source):
    try:
        return json.loads(read(source))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Unreadable(f"{source} is not JSON: {error}") from None


def read_note(source):
    try:
        return read(source).decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(f"{source} is not UTF-8") from None


def hashes(values):
    if not isinstance(values, list):
        raise Refused("a proof is a list of base64 hashes")
    return [b64(value, 32) for value in values]


def number(document, name):
    value = document.get(name)
    if type(value) is not int or value < 0:
        raise Refused(f"{name} is not a number: {value!r}")
    return value


# --- commands ---------------------------------------------------------------------------------


def verify_export(args):
    export = read_json(args.export)
    entries = export["entries"]
    broken = check(entries)
    if broken is not None:
        raise Refused(f"entry {broken} does not match the chain")
    wrong = problems(export)
    if wrong:
        raise Refused("; ".join(wrong))
    log = None
    if export.get("log") is not None:
        log = log_problems(export, [parse_key(k) for k in args.key])
        named = export["log"].get("verifier_key")
        if args.key and named not in args.key:
            print(f"note: the export names another verifier key, {named}", file=sys.stderr)
    elif args.key:
        raise Refused("the export carries no log to check the key against")
    given = sum(e["amount"] for e in entries if e["kind"].startswith("donation"))
    matched = sum(e["amount"] for e in entries if e["kind"].startswith("match"))
    gifts = sum(e["amount"] for e in entries if e["kind"].startswith("gift"))
    print(f"{len(entries)} entries check; donations {given}, matches {matched}, "
          f"gifts {gifts} (minor units)")  # fmt: skip
    names = {c["id"]: c["name"] for c in export.get("causes", [])}
    for cause_id, (pledged, reversed_, paid, owed) in sorted(balances(export).items()):
        print(f"{names.get(cause_id, cause_id)}: pledged {pledged}, reversed {reversed_}, "
              f"paid out {paid}, outstanding {owed}")  # fmt: skip
    if log is not None:
        print(log if args.key else f"{log} (with the key the export names: pass --key)")


def describe(checkpoint):
    root = base64.b64encode(checkpoint["root"]).decode()
    return f"{checkpoint['origin']} at size {checkpoint['size']}, root {root}"


def verify_checkpoint(args):
    witnesses = [parse_key(k, COSIGNATURE_V1) for k in args.witness_key]
    checkpoint = open_checkpoint(read_note(args.note), [parse_key(k) for k in args.key], witnesses)
    missing = sorted(
        {name for name, kid, _ in witnesses if (name, kid) not in checkpoint["cosigned_keys"]}
    )
    if missing:
        raise Refused(f"no cosignature by {', '.join(missing)}")
    print(f"checkpoint of {describe(checkpoint)}: signed by {checkpoint['key']}")
    for name, timestamp in checkpoint["cosigned"]:
        print(f"cosigned by {name} at {timestamp}")


def verify_receipt(args):
    proof = read_json(args.proof)
    if not isinstance(proof, dict) or not isinstance(proof.get("leaf_data"), str):
        raise Refused(f"{args.proof} is not a proof of a receipt (no leaf_data)")
    checkpoint = open_checkpoint(proof.get("checkpoint") or "", [parse_key(k) for k in args.key])
    index, size = number(proof, "index"), number(proof, "size")
    if size != checkpoint["size"]:
        raise Refused(f"the proof is for size {size}, its checkpoint is of {checkpoint['size']}")
    data = proof["leaf_data"].encode("utf-8")
    leaf = leaf_hash(data)
    if "leaf_hash" in proof and b64(proof["leaf_hash"], 32) != leaf:
        raise Refused("leaf_hash is not the hash of leaf_data")
    if inclusion_root(index, size, leaf, hashes(proof.get("proof"))) != checkpoint["root"]:
        raise Refused(f"the audit path does not lead from leaf {index} to the checkpoint's root")
    kind = proof.get("kind", "entry")
    try:
        body = json.loads(data)
    except json.JSONDecodeError:
        raise Refused("leaf_data is not JSON") from None
    if (body.get("leaf") == "payout") != (kind == "payout"):
        raise Refused(f"leaf_data is not a {kind}'s")
    if args.hash is not None and hashlib.sha256(data).hexdigest() != args.hash.lower():
        raise Refused(f"leaf_data is not the entry whose hash is {args.hash}")
    if args.entry is not None:
        given = read_json(args.entry)
        if (canonical(given) if kind == "entry" else payout_canonical(given)) != data:
            raise Refused(f"leaf_data is not the {kind} in {args.entry}")
        if "id" in given and "id" in proof and given["id"] != proof["id"]:
            raise Refused(f"the proof is for {kind} {proof['id']}, {args.entry} is {given['id']}")
    what = f"{kind} {proof['id']}" if "id" in proof else "the leaf"
    print(f"{what} is leaf {index} of the log; checkpoint of {describe(checkpoint)}: "
          f"signed by {checkpoint['key']}")  # fmt: skip


def verify_consistency(args):
    keys = [parse_key(k) for k in args.key]
    base = args.url.rstrip("/") + "/ledger/log" if args.url else None
    if base is None and (args.new is None or args.proof is None):
        raise Unreadable("give OLD NEW PROOF, or OLD and --url")
    old_source = args.old
    if base is not None and args.old.isdigit():
        old_source = f"{base}/checkpoint/{int(args.old)}"
    old = open_checkpoint(read_note(old_source), keys)
    new_source = args.new or f"{base}/checkpoint"
    if base is not None and new_source.isdigit():
        new_source = f"{base}/checkpoint/{int(new_source)}"
    new = open_checkpoint(read_note(new_source), keys)
    if old["origin"] != new["origin"]:
        raise Refused(f"the checkpoints are of two logs, {old['origin']} and {new['origin']}")
    proof_source = args.proof or f"{base}/proof/consistency?old={old['size']}&new={new['size']}"
    proof = read_json(proof_source)
    if not isinstance(proof, dict):
        raise Refused(f"{proof_source} is not a consistency proof")
    if (proof.get("old"), proof.get("new")) != (old["size"], new["size"]):
        raise Refused(f"the proof is from {proof.get('old')} to {proof.get('new')}, "
                      f"not from {old['size']} to {new['size']}")  # fmt: skip
    if not consistent(old["size"], new["size"], old["root"], new["root"], hashes(proof["proof"])):
        raise Refused(
            f"the tree at {new['size']} does not extend the tree at {old['size']}: "
            "the log was rewritten (a fork)"
        )
    print(f"the checkpoint of {describe(new)} extends the one of {describe(old)}")


def parser():
    top = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = top.add_subparsers(dest="command", required=True)

    def command(name, run, help_):
        sub = commands.add_parser(name, help=help_)
        sub.set_defaults(run=run)
        return sub

    key_help = "the log's verifier key (name+hash+base64), as /ledger shows it; repeat for old keys"
    export = command("export", verify_export, "the whole export (the default)")
    export.add_argument("export", help="the JSON export, /ledger/export.json")
    export.add_argument("--key", action="append", default=[], help=key_help)
    note = command("checkpoint", verify_checkpoint, "a signed checkpoint")
    note.add_argument("note", help="the note: a file, - or /ledger/log/checkpoint")
    note.add_argument("--key", action="append", required=True, help=key_help)
    note.add_argument("--witness-key", action="append", default=[],
                      help="a witness's key whose cosignature must be there")  # fmt: skip
    receipt = command("receipt", verify_receipt, "an inclusion proof of one entry or payout")
    receipt.add_argument("proof", help="the JSON of /ledger/log/entries/<id>/proof")
    receipt.add_argument("--key", action="append", required=True, help=key_help)
    receipt.add_argument("--hash", help="the entry's hash, as the receipt shows it")
    receipt.add_argument("--entry", help="the entry (or payout) as JSON, from the export")
    consistency = command("consistency", verify_consistency, "two checkpoints")
    consistency.add_argument("old", help="the older checkpoint note (with --url: or its size)")
    consistency.add_argument("new", nargs="?", help="the newer one (with --url: the latest)")
    consistency.add_argument("proof", nargs="?", help="the JSON of /ledger/log/proof/consistency")
    consistency.add_argument("--url", help="the shop's address, to fetch what is not given")
    consistency.add_argument("--key", action="append", required=True, help=key_help)
    return top


def main(argv):
    commands = ("export", "checkpoint", "receipt", "consistency", "-h", "--help")
    if argv and argv[0] not in commands:
        argv = ["export", *argv]  # the first form: an export file
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except Refused as refused:
        sys.exit(str(refused))
    except Unreadable as unreadable:
        print(unreadable, file=sys.stderr)
        sys.exit(2)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        sys.exit(f"malformed input: {error!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
