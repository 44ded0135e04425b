"""Signed notes, checkpoints and witness cosignatures: how the donation log says what its tree
is, and how witnesses say they saw the same.

Three C2SP formats, as the Go checksum database and Certificate Transparency's static logs
use them:

- a *signed note* (https://c2sp.org/signed-note): a UTF-8 text ending in a newline, a blank
  line, then signature lines ``— <key name> base64(key ID || signature)``. A key ID is
  ``SHA-256(key name || 0x0A || type byte || public key)[:4]``; a verifier key is shared as
  ``<name>+<hex key ID>+base64(type byte || public key)``. Signatures from unknown keys are
  ignored; one from a known key that does not check refuses the whole note.
- a *checkpoint* (https://c2sp.org/tlog-checkpoint): a note whose text is the log's origin,
  the tree size in decimal and the base64 root hash, one per line, then optional extension
  lines.
- a *cosignature* (https://c2sp.org/tlog-cosignature, cosignature/v1): a witness's signature
  line on a checkpoint, type byte 0x04, whose signature is an 8-byte big-endian POSIX time
  followed by the Ed25519 signature of ``"cosignature/v1\\ntime <time>\\n" + checkpoint text``.

Keys are Ed25519 (``cryptography``). A private key is kept as the string Go's
``golang.org/x/mod/sumdb/note`` writes: ``PRIVATE+KEY+<name>+<hex key ID>+base64(type byte ||
32-byte seed)``; :meth:`Signer.generate` makes one and :meth:`Signer.parse` reads it back.

Everything malformed, or signed by no known key, raises ``LogRefused``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from storefront.domain.errors import LogRefused

ED25519 = 0x01  # a log's own signature on a note
COSIGNATURE_V1 = 0x04  # a witness's timestamped Ed25519 cosignature on a checkpoint
ALGORITHMS = (ED25519, COSIGNATURE_V1)
MAX_SIGNATURES = 100  # the spec asks to accept at least 16; Go's note package stops at 100
MAX_TIMESTAMP = 2**63 - 1
DASH = "\u2014 "  # em dash and space: how a signature line starts
PRIVATE_PREFIX = "PRIVATE+KEY+"
_SIZE = re.compile(r"0|[1-9][0-9]{0,18}")


def key_id(name: str, algorithm: int, public_key: bytes) -> bytes:
    """``SHA-256(name || 0x0A || algorithm || public_key)[:4]``: names a key in a note."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public_key).digest()[:4]


def cosigned_message(text: str, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: a header line, a time line, then the checkpoint text."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def is_key_name(name: str) -> bool:
    """Non-empty, no spaces of any kind, no ``+`` and no control characters."""
    return bool(name) and not any(c.isspace() or c == "+" or ord(c) < 0x20 for c in name)


def _b64decode(text: str) -> bytes | None:
    """Standard base64, canonical only (padding, no stray bits), or None."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b64encode(raw).decode() == text else None


def _key_fields(text: str) -> tuple[str, str, int, bytes]:
    """Split ``name+hash+base64(algorithm || 32 bytes)`` (a verifier key, or a private key
    after its prefix) into its name, hex key hash, algorithm byte and key bytes."""
    parts = text.split("+", 2)
    if len(parts) != 3 or not is_key_name(parts[0]):
        raise LogRefused("log.bad_key")
    name, hash_hex, material = parts
    raw = _b64decode(material)
    if raw is None or len(raw) != 33 or raw[0] not in ALGORITHMS:
        raise LogRefused("log.bad_key")
    return name, hash_hex, raw[0], raw[1:]


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# --- keys ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifierKey:
    """A public key as notes name it: a name, a type byte and 32 bytes of Ed25519 key."""

    name: str
    algorithm: int
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.algorithm, self.public_key)

    def __str__(self) -> str:
        """The ``name+hash+base64`` form to publish."""
        material = _b64encode(bytes([self.algorithm]) + self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{material}"

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        """Read a verifier key string; refuse anything but its exact canonical form."""
        name, hash_hex, algorithm, material = _key_fields(text)
        key = cls(name, algorithm, material)
        if hash_hex != key.key_id.hex():
            raise LogRefused("log.bad_key")
        return key

    def verify(self, text: str, signature: bytes) -> bool:
        """Whether ``signature`` (without its key ID) is this key's over the note ``text``."""
        if self.algorithm == COSIGNATURE_V1:
            if len(signature) != 8 + 64:
                return False
            timestamp = int.from_bytes(signature[:8], "big")
            if timestamp > MAX_TIMESTAMP:
                return False
            message, signature = cosigned_message(text, timestamp), signature[8:]
        else:
            message = text.encode()
        if len(signature) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


class Signer:
    """A private key that signs notes under a name: a log's (``ED25519``) or a witness's
    (``COSIGNATURE_V1``)."""

    def __init__(self, name: str, key: Ed25519PrivateKey, algorithm: int = ED25519) -> None:
        if not is_key_name(name) or algorithm not in ALGORITHMS:
            raise LogRefused("log.bad_key")
        self.name = name
        self.algorithm = algorithm
        self._key = key
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.verifier_key = VerifierKey(name, algorithm, public)

    @classmethod
    def generate(cls, name: str, algorithm: int = ED25519) -> Signer:
        """A new random key."""
        return cls(name, Ed25519PrivateKey.generate(), algorithm)

    @classmethod
    def parse(cls, text: str) -> Signer:
        """Read a ``PRIVATE+KEY+name+hash+base64`` string (surrounding whitespace ignored)."""
        text = text.strip()
        if not text.startswith(PRIVATE_PREFIX):
            raise LogRefused("log.bad_key")
        name, hash_hex, algorithm, seed = _key_fields(text[len(PRIVATE_PREFIX) :])
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(seed), algorithm)
        if hash_hex != signer.verifier_key.key_id.hex():
            raise LogRefused("log.bad_key")
        return signer

    def private_key_string(self) -> str:
        """The ``PRIVATE+KEY+...`` string that :meth:`parse` reads. Keep it secret."""
        seed = self._key.private_bytes_raw()
        material = _b64encode(bytes([self.algorithm]) + seed)
        return f"{PRIVATE_PREFIX}{self.name}+{self.verifier_key.key_id.hex()}+{material}"

    def __repr__(self) -> str:  # never the private key
        return f"Signer({str(self.verifier_key)!r})"

    def sign(self, text: str, timestamp: int | None = None) -> Signature:
        """Sign the note ``text``; a witness's cosignature needs the POSIX ``timestamp``."""
        if self.algorithm == COSIGNATURE_V1:
            if timestamp is None or not 0 <= timestamp <= MAX_TIMESTAMP:
                raise ValueError("a cosignature needs a timestamp from 0 to 2**63 - 1")
            message = cosigned_message(text, timestamp)
            raw = timestamp.to_bytes(8, "big") + self._key.sign(message)
        else:
            if timestamp is not None:
                raise ValueError("only cosignatures carry a timestamp")
            raw = self._key.sign(text.encode())
        return Signature(self.name, self.verifier_key.key_id, raw)


# --- notes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """One signature line of a note: ``signature`` is what follows the 4-byte key ID."""

    name: str
    key_id: bytes
    signature: bytes

    @property
    def line(self) -> str:
        return f"{DASH}{self.name} {_b64encode(self.key_id + self.signature)}\n"

    @property
    def timestamp(self) -> int:
        """The time of a cosignature/v1 (its first 8 bytes, big-endian)."""
        return int.from_bytes(self.signature[:8], "big")


@dataclass(frozen=True)
class Note:
    """A note's text and its signatures, none of them checked yet."""

    text: str
    signatures: tuple[Signature, ...]

    def __str__(self) -> str:
        return self.text + "\n" + "".join(signature.line for signature in self.signatures)


def _check_text(text: str) -> None:
    if not text.endswith("\n") or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise LogRefused("log.bad_note")


def parse_note(note: str | bytes) -> Note:
    """Split a note into its text and signature lines; refuse any that is malformed."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError:
            raise LogRefused("log.bad_note") from None
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise LogRefused("log.bad_note")
    text, block = note[: split + 1], note[split + 2 :]
    _check_text(text)
    _check_text(block)
    lines = block.splitlines()
    if not 0 < len(lines) <= MAX_SIGNATURES or len(lines) != block.count("\n"):
        raise LogRefused("log.bad_note")
    signatures = []
    for line in lines:
        name, _, material = line.removeprefix(DASH).partition(" ")
        raw = _b64decode(material)
        if not line.startswith(DASH) or not is_key_name(name) or raw is None or len(raw) < 5:
            raise LogRefused("log.bad_note")
        signatures.append(Signature(name, raw[:4], raw[4:]))
    return Note(text, tuple(signatures))


def sign_note(text: str, *signers: Signer) -> str:
    """The note of ``text`` signed by each of ``signers`` (logs' keys, not witnesses')."""
    _check_text(text)
    if not signers:
        raise LogRefused("log.bad_note")
    return str(Note(text, tuple(signer.sign(text) for signer in signers)))


def add_signatures(note: str, *signatures: Signature) -> str:
    """``note`` with more signature lines (a witness's cosignature, say) after its own."""
    parsed = parse_note(note)
    combined = Note(parsed.text, parsed.signatures + signatures)
    if len(combined.signatures) > MAX_SIGNATURES:
        raise LogRefused("log.bad_note")
    return str(combined)


@dataclass(frozen=True)
class OpenedNote:
    """A note with at least one good signature from a known key."""

    text: str
    verified: tuple[tuple[VerifierKey, Signature], ...]  # one per key that signed, in order
    unverified: tuple[Signature, ...]  # from keys we do not know: ignored


def open_note(note: str | bytes, keys: Iterable[VerifierKey]) -> OpenedNote:
    """Check ``note`` against the known ``keys``.

    :raises LogRefused: ``log.bad_note`` when it is malformed, ``log.bad_signature`` when a
        known key's signature does not check, ``log.unverified`` when no known key signed it.
    """
    parsed = parse_note(note)
    known: dict[tuple[str, bytes], VerifierKey] = {}
    for key in keys:
        if known.setdefault((key.name, key.key_id), key) != key:
            raise LogRefused("log.ambiguous_key", name=key.name)
    verified: dict[VerifierKey, Signature] = {}
    unverified: list[Signature] = []
    for signature in parsed.signatures:
        signer = known.get((signature.name, signature.key_id))
        if signer is None:
            unverified.append(signature)
        elif not signer.verify(parsed.text, signature.signature):
            raise LogRefused("log.bad_signature", name=signature.name)
        else:
            verified.setdefault(signer, signature)
    if not verified:
        raise LogRefused("log.unverified")
    return OpenedNote(parsed.text, tuple(verified.items()), tuple(unverified))


# --- checkpoints -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """What a log says its tree is: origin, size and root hash (the note's text)."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        lines = [self.origin, str(self.size), _b64encode(self.root_hash), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint's text; refuse a malformed one with ``log.bad_checkpoint``."""
        lines = text.split("\n")
        if len(lines) < 4 or lines.pop() != "" or not all(lines):
            raise LogRefused("log.bad_checkpoint")
        origin, size, root, *extensions = lines
        raw = _b64decode(root)
        if not _SIZE.fullmatch(size) or int(size) > MAX_TIMESTAMP or raw is None or len(raw) != 32:
            raise LogRefused("log.bad_checkpoint")
        if any(ord(c) < 0x20 for c in text.replace("\n", "")):
            raise LogRefused("log.bad_checkpoint")
        return cls(origin, int(size), raw, tuple(extensions))

    def sign(self, *signers: Signer) -> str:
        """This checkpoint as a note signed by the log's key(s)."""
        return sign_note(self.text, *signers)


@dataclass(frozen=True)
class Cosignature:
    """A witness's checked cosignature: who, and when it says it saw the checkpoint."""

    key: VerifierKey
    timestamp: int


@dataclass(frozen=True)
class SignedCheckpoint:
    checkpoint: Checkpoint
    log_keys: tuple[VerifierKey, ...]  # the log's keys whose signatures checked
    cosignatures: tuple[Cosignature, ...]  # the known witnesses' that checked
    note: str


def open_checkpoint(
    note: str | bytes,
    log_keys: Sequence[VerifierKey],
    witness_keys: Sequence[VerifierKey] = (),
) -> SignedCheckpoint:
    """Check a signed checkpoint: at least one of ``log_keys`` (type ``ED25519``) whose name
    is the checkpoint's origin signed it (so one log's key never vouches for another log's
    checkpoint); cosignatures by ``witness_keys`` (type ``COSIGNATURE_V1``) are checked and
    returned.

    :raises LogRefused: as :func:`open_note`, ``log.unverified`` when no log key signed it,
        and ``log.bad_checkpoint`` when its text is not a checkpoint.
    """
    if any(key.algorithm != ED25519 for key in log_keys) or any(
        key.algorithm != COSIGNATURE_V1 for key in witness_keys
    ):
        raise LogRefused("log.bad_key")
    opened = open_note(note, [*log_keys, *witness_keys])
    checkpoint = Checkpoint.parse(opened.text)
    signed_by_log = tuple(
        key
        for key, _ in opened.verified
        if key.algorithm == ED25519 and key.name == checkpoint.origin
    )
    if not signed_by_log:
        raise LogRefused("log.unverified")
    cosignatures = tuple(
        Cosignature(key, signature.timestamp)
        for key, signature in opened.verified
        if key.algorithm == COSIGNATURE_V1
    )
    text = note.decode() if isinstance(note, bytes) else note
    return SignedCheckpoint(checkpoint, signed_by_log, cosignatures, text)


def cosign(note: str | bytes, witness: Signer, timestamp: int) -> Signature:
    """A witness's cosignature/v1 of a checkpoint note, made at POSIX ``timestamp``. The witness
    must have checked the checkpoint (its log signature, its consistency) before."""
    if witness.algorithm != COSIGNATURE_V1:
        raise LogRefused("log.bad_key")
    text = parse_note(note).text
    Checkpoint.parse(text)
    return witness.sign(text, timestamp)
