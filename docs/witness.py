"""Witness a Sangsaeng shop's donation log: check each checkpoint it publishes against the
last one this witness saw, and co-sign only those that extend it.

    python3 witness.py --generate-key my-witness.example --key-file witness.key
    python3 witness.py --shop https://<shop> --log-key '<the key /ledger shows>' \\
        --key-file witness.key --state witness-state.json --interval 60

Each round fetches ``/ledger/log/checkpoint``, checks the shop's signature with ``--log-key``
(C2SP signed-note; the key's name must be the checkpoint's origin), then compares it with the
state file: a smaller size than seen is a rollback, the same size with another root a split
view, and a larger size must come with a consistency proof (``/ledger/log/proof/consistency``,
RFC 9162 §2.1.4) from the size seen. Only then it co-signs (C2SP tlog-cosignature,
cosignature/v1, with the time now), posts the note with its cosignature line to
``/ledger/log/cosignatures``, and keeps the new size and root in the state file (written to a
temporary file, then renamed over it). The first round trusts what it is shown.

Exit status: 0 when the checkpoint was co-signed (or had been already); 1 when it is refused:
the message on standard error says why and carries the signed notes that prove it; 2 for a
bad key, state file or option; 3 when the shop could not be reached or did not take the
cosignature (with ``--interval`` these are reported and the witness tries again next round).

Needs ``verify_ledger.py`` beside it (the checks are the auditor's), and ``cryptography`` to
sign. A witness's key is kept as ``PRIVATE+KEY+<name>+<hex key ID>+base64(0x04 || seed)``;
give its verifier key (``--generate-key`` and ``--show-key`` print it) to the shop's operator,
who registers it with ``flask ledger witness-add``.
"""

import argparse
import base64
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import verify_ledger as check  # the script beside this one

try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
except ImportError:  # reported when a key is needed, so that --help still works
    Ed25519PrivateKey = None

PRIVATE = "PRIVATE+KEY+"


class Misconfigured(Exception):
    """A key, a state file or an option this witness cannot work with (exit status 2)."""


# --- the witness's key ------------------------------------------------------------------------


class WitnessKey:
    """An Ed25519 key that makes cosignature/v1 lines under a name."""

    def __init__(self, name, seed):
        if Ed25519PrivateKey is None:
            raise Misconfigured("a witness signs: install cryptography (pip install cryptography)")
        self.name = name
        self.private = Ed25519PrivateKey.from_private_bytes(seed)
        self.seed = seed
        self.public = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = check.key_id(name, check.COSIGNATURE_V1, self.public)

    @classmethod
    def read(cls, path):
        try:
            text = Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise Misconfigured(f"cannot read the key file {path}: {error}") from None
        parts = text.removeprefix(PRIVATE).split("+", 2)
        if not text.startswith(PRIVATE) or len(parts) != 3:
            raise Misconfigured(f"{path} does not hold a PRIVATE+KEY+name+hash+base64 key")
        name, hash_hex, material = parts
        try:
            raw = check.b64(material, 33)
        except check.Refused as refused:
            raise Misconfigured(f"{path}: {refused}") from None
        if raw[0] != check.COSIGNATURE_V1:
            raise Misconfigured(f"{path} is not a witness key (type {raw[0]}, not 4)")
        key = cls(name, raw[1:])
        if key.key_id.hex() != hash_hex:
            raise Misconfigured(f"{path}: the key's hash {hash_hex} is not its key's")
        return key

    @classmethod
    def generate(cls, name, path):
        """A new key, written to ``path`` (which must not exist yet) readable by its owner only."""
        if not name or any(c.isspace() or c == "+" for c in name):
            raise Misconfigured(f"{name!r} cannot name a key: no spaces and no '+'")
        key = cls(name, os.urandom(32))
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise Misconfigured(f"cannot create {path}: {error}") from None
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key.private_key_string() + "\n")
        return key

    def private_key_string(self):
        material = base64.b64encode(bytes([check.COSIGNATURE_V1]) + self.seed).decode()
        return f"{PRIVATE}{self.name}+{self.key_id.hex()}+{material}"

    @property
    def verifier_key(self):
        material = base64.b64encode(bytes([check.COSIGNATURE_V1]) + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{material}"

    def cosign(self, text, timestamp):
        """The cosignature/v1 line of a checkpoint's text at POSIX time ``timestamp``."""
        signature = self.private.sign(check.cosigned(text, timestamp))
        raw = self.key_id + timestamp.to_bytes(8, "big") + signature
        return f"{check.DASH}{self.name} {base64.b64encode(raw).decode()}\n"


# --- the state: the last checkpoint seen -------------------------------------------------------


def load_state(path):
    try:
        with open(path, encoding="utf-8") as handle:
            state = json.load(handle)
        if not {"origin", "size", "root", "note"} <= state.keys():
            raise ValueError("it lacks origin, size, root or note")
        check.b64(state["root"], 32)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, AttributeError, check.Refused) as error:
        raise Misconfigured(f"the state file {path} cannot be used: {error}") from None
    return state


def save_state(path, state):
    """Write the state to a temporary file beside it, flush it to disk, then rename it over
    the old one: a crash leaves the old state or the new, never half of one."""
    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=".witness-", dir=folder)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


# --- one round --------------------------------------------------------------------------------


def evidence(*notes):
    return "".join(f"\n--- signed by the shop:\n{note}" for note in notes)


def witness(args, log_key, key):
    """Check the shop's latest checkpoint and co-sign it; a sentence saying what was done.

    :raises Refused: the checkpoint does not verify, or it rolls back, splits or forks the log
    :raises Unreadable: the shop did not answer, or did not take the cosignature"""
    base = args.shop.rstrip("/") + "/ledger/log"
    note = check.read_note(f"{base}/checkpoint")
    try:
        checkpoint = check.open_checkpoint(note, [log_key])
    except check.Refused as refused:
        raise check.Refused(f"the shop's checkpoint does not verify: {refused}") from None
    size, root = checkpoint["size"], checkpoint["root"]
    if size == 0 and root != check.EMPTY_ROOT:
        raise check.Refused("the checkpoint of the empty tree has another root" + evidence(note))
    state = load_state(args.state)
    if state is not None and state["origin"] != checkpoint["origin"]:
        raise Misconfigured(f"{args.state} is about {state['origin']}, not {checkpoint['origin']}")
    seen_size = state["size"] if state else 0
    seen_root = check.b64(state["root"], 32) if state else check.EMPTY_ROOT
    if size < seen_size:
        raise check.Refused(
            f"rollback: the shop now says its log has {size} leaves, it said {seen_size}"
            + evidence(state["note"], note)
        )
    if size == seen_size and root != seen_root:
        raise check.Refused(
            f"split view: two different trees of {size} leaves" + evidence(state["note"], note)
        )
    if size == seen_size and state is not None and state.get("cosigned"):
        return f"no new checkpoint: size {size}, co-signed before"
    if 0 < seen_size < size:
        proof = consistency_proof(base, seen_size, size)
        if not check.consistent(seen_size, size, seen_root, root, proof):
            raise check.Refused(
                f"fork: the tree of {size} leaves does not extend the one of {seen_size} it "
                f"showed before (proof: {[base64.b64encode(h).decode() for h in proof]})"
                + evidence(state["note"], note)
            )
    own = [line + "\n" for line in note[note.rfind("\n\n") + 2 :].splitlines()]
    log_lines = [line for line in own if line.startswith(f"{check.DASH}{log_key[0]} ")]
    state = {"origin": checkpoint["origin"], "size": size, "root": base64.b64encode(root).decode(),
             "note": checkpoint["text"] + "\n" + "".join(log_lines), "cosigned": False}  # fmt: skip
    save_state(args.state, state)  # seen and checked: a later rollback below it is caught
    line = key.cosign(checkpoint["text"], int(time.time()))
    post(f"{base}/cosignatures", state["note"] + line)
    save_state(args.state, {**state, "cosigned": True})
    return f"co-signed the checkpoint of {check.describe(checkpoint)}"


def consistency_proof(base, old, new):
    """The shop's proof that its tree of ``new`` leaves extends the one of ``old``."""
    url = f"{base}/proof/consistency?old={old}&new={new}"
    proof = check.read_json(url)
    if not isinstance(proof, dict) or (proof.get("old"), proof.get("new")) != (old, new):
        raise check.Refused(f"{url} did not answer with a proof from {old} to {new}")
    try:
        return check.hashes(proof.get("proof"))
    except check.Refused as refused:
        raise check.Refused(f"{url} did not answer with a proof: {refused}") from None


def post(url, body):
    request = urllib.request.Request(  # noqa: S310 - the shop's http(s) address, checked in main
        url, data=body.encode(), method="POST",
        headers={"Content-Type": "text/plain; charset=utf-8", "User-Agent": "sangsaeng-witness"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace")[:500]
        raise check.Unreadable(f"the shop refused the cosignature: {error.code} {detail}") from None
    except (OSError, urllib.error.URLError) as error:
        raise check.Unreadable(f"cannot post the cosignature to {url}: {error}") from None
    if status != 204:
        raise check.Unreadable(f"the shop answered {status} to the cosignature, not 204")


# --- the command ------------------------------------------------------------------------------


def parser():
    top = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    top.add_argument("--key-file", required=True, help="this witness's private key")
    top.add_argument("--generate-key", metavar="NAME", help="write a new key named NAME, then stop")
    top.add_argument("--show-key", action="store_true", help="print the verifier key, then stop")
    top.add_argument("--shop", help="the shop's address, e.g. https://shop.example.org")
    top.add_argument("--log-key", help="the shop's verifier key, as /ledger shows it")
    top.add_argument("--state", help="where the last checkpoint seen is kept (JSON)")
    when = top.add_mutually_exclusive_group()
    when.add_argument("--once", action="store_true", help="one round, then stop (the default)")
    when.add_argument("--interval", type=float, metavar="SECONDS", help="poll every SECONDS")
    return top


def run(args):
    """The exit status of the rounds asked for."""
    if args.generate_key:
        key = WitnessKey.generate(args.generate_key, args.key_file)
        print(key.verifier_key)
        return 0
    key = WitnessKey.read(args.key_file)
    if args.show_key:
        print(key.verifier_key)
        return 0
    if not (args.shop and args.log_key and args.state):
        raise Misconfigured("--shop, --log-key and --state are needed to witness")
    if not args.shop.startswith(("https://", "http://")):
        raise Misconfigured(f"--shop must be an http(s) address, not {args.shop!r}")
    try:
        log_key = check.parse_key(args.log_key)
    except check.Refused as refused:
        raise Misconfigured(f"--log-key: {refused}") from None
    while True:
        try:
            print(witness(args, log_key, key), flush=True)
            status = 0
        except check.Refused as refused:
            print(f"refused: {refused}", file=sys.stderr, flush=True)
            return 1
        except check.Unreadable as unreadable:
            print(unreadable, file=sys.stderr, flush=True)
            status = 3
        if args.interval is None:
            return status
        time.sleep(args.interval)


def main(argv):
    args = parser().parse_args(argv)
    try:
        return run(args)
    except Misconfigured as error:
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
