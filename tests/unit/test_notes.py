"""Signed notes, checkpoints and cosignatures are written and checked as the C2SP specs say,
and anything changed, malformed or signed by an unknown key is refused."""

import base64
import hashlib

import pytest

from storefront.domain import merkle, notes
from storefront.domain.errors import LogRefused

# Known answers from the Go package golang.org/x/mod/sumdb/note (note_test.go: TestNewSigner,
# TestSign, TestOpen), the reference implementation of signed notes.
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb"
    "6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWL"
    "ox33WWd1RvMc+QQ=\n"
)


def refused(code):
    return pytest.raises(LogRefused, match=rf"^{code}\b")


# --- keys ------------------------------------------------------------------------------------


def test_the_go_example_keys_are_read_and_written_back_the_same():
    key = notes.VerifierKey.parse(PETER_VKEY)
    assert (key.name, key.algorithm, key.key_id.hex()) == ("PeterNeumann", 0x01, "c74f20a3")
    assert str(key) == PETER_VKEY
    signer = notes.Signer.parse(PETER_SKEY)
    assert signer.verifier_key == key
    assert signer.private_key_string() == PETER_SKEY
    assert "PRIVATE" not in repr(signer)


def test_a_note_signed_with_the_go_example_key_is_byte_for_byte_gos():
    signer = notes.Signer.parse(PETER_SKEY)
    assert notes.sign_note(TEXT, signer) == TEXT + "\n" + PETER_SIG


@pytest.mark.parametrize(
    "vkey",
    [
        PETER_VKEY[:-1],
        PETER_VKEY + "=",
        "Peter+Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong key ID
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # not canonical
        "PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # other name
        # from Go's TestNewVerifier: a key of the wrong length, an unknown algorithm
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_a_mangled_verifier_key_is_refused(vkey):
    with refused("log.bad_key"):
        notes.VerifierKey.parse(vkey)


def test_every_one_character_change_of_a_key_is_refused():
    for text, parse in [(PETER_VKEY, notes.VerifierKey.parse), (PETER_SKEY, notes.Signer.parse)]:
        for i in range(len(text)):
            changed = text[:i] + chr(ord(text[i]) + 1) + text[i + 1 :]
            with refused("log.bad_key"):
                parse(changed)


def test_a_generated_key_round_trips_through_its_strings():
    signer = notes.Signer.generate("sangsaeng.example/log")
    again = notes.Signer.parse(signer.private_key_string() + "\n")  # as read from a file
    assert again.verifier_key == signer.verifier_key
    assert notes.VerifierKey.parse(str(signer.verifier_key)) == signer.verifier_key
    witness = notes.Signer.generate("witness.example/w1", notes.COSIGNATURE_V1)
    assert str(witness.verifier_key).split("+")[2].startswith("B")  # base64 of the 0x04 byte
    assert notes.Signer.parse(witness.private_key_string()).algorithm == notes.COSIGNATURE_V1


def test_a_key_id_hashes_name_newline_type_and_key():
    key = notes.VerifierKey.parse(PETER_VKEY)
    expected = hashlib.sha256(b"PeterNeumann\n\x01" + key.public_key).digest()[:4]
    assert key.key_id == expected


# --- notes -----------------------------------------------------------------------------------


def test_the_go_example_note_opens_with_the_known_key_and_ignores_the_other():
    peter, enoch = notes.VerifierKey.parse(PETER_VKEY), notes.VerifierKey.parse(ENOCH_VKEY)
    opened = notes.open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [peter])
    assert opened.text == TEXT
    assert [key for key, _ in opened.verified] == [peter]
    assert [s.name for s in opened.unverified] == ["EnochRoot"]
    both = notes.open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [peter, enoch])
    assert [key for key, _ in both.verified] == [peter, enoch]


def test_a_note_signed_by_no_known_key_is_refused():
    stranger = notes.Signer.generate("PeterNeumann")  # same name, another key
    note = notes.sign_note(TEXT, stranger)
    with refused("log.unverified"):
        notes.open_note(note, [notes.VerifierKey.parse(PETER_VKEY)])
    with refused("log.unverified"):
        notes.open_note(TEXT + "\n" + PETER_SIG, [])


def test_a_changed_text_or_signature_is_refused():
    peter = notes.VerifierKey.parse(PETER_VKEY)
    changed_text = TEXT.replace("answer", "Answer") + "\n" + PETER_SIG
    with refused("log.bad_signature"):
        notes.open_note(changed_text, [peter])
    changed_signature = TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with refused("log.bad_signature"):
        notes.open_note(changed_signature, [peter])
    # a failing signature from a known key refuses the note even beside a good one
    signer = notes.Signer.parse(PETER_SKEY)
    other = notes.Signer.generate("other.example")
    bad = notes.add_signatures(
        TEXT + "\n" + PETER_SIG, notes.Signature(other.name, other.verifier_key.key_id, b"x" * 64)
    )
    with refused("log.bad_signature"):
        notes.open_note(bad, [signer.verifier_key, other.verifier_key])


@pytest.mark.parametrize(
    "note",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgK"
        "vqfqdngotpRZb6KE6RyyBwJnAM=\n",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG.replace("—", "-"),
        TEXT + "\n" + "— PeterNeumann AAAA\n",  # shorter than a key ID and a byte
        TEXT + "\n" + PETER_SIG * 101,
        b"\xff" + TEXT.encode() + b"\n" + PETER_SIG.encode(),
    ],
)
def test_a_malformed_note_is_refused(note):
    with refused("log.bad_note"):
        notes.open_note(note, [notes.VerifierKey.parse(PETER_VKEY)])


def test_a_note_text_may_hold_blank_lines_and_is_split_at_the_last_one():
    signer = notes.Signer.generate("example.com/log")
    text = "first\n\nsecond\n"
    opened = notes.open_note(notes.sign_note(text, signer), [signer.verifier_key])
    assert opened.text == text


def test_only_a_text_ending_in_a_newline_is_signed():
    with refused("log.bad_note"):
        notes.sign_note("abc", notes.Signer.parse(PETER_SKEY))


def test_two_different_keys_with_one_name_and_id_are_refused():
    key = notes.VerifierKey.parse(PETER_VKEY)
    impostor = notes.VerifierKey(key.name, key.algorithm, bytes(32))
    # a 32-bit key ID collision takes work to find: force one for this check
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(notes.VerifierKey, "key_id", property(lambda self: b"\xc7\x4f\x20\xa3"))
        with refused("log.ambiguous_key"):
            notes.open_note(TEXT + "\n" + PETER_SIG, [key, impostor])


# --- checkpoints and cosignatures ------------------------------------------------------------

ORIGIN = "sangsaeng.example/donations"


def a_checkpoint(size=5):
    tree = merkle.MemoryTree([bytes([i]) for i in range(size)])
    return notes.Checkpoint(ORIGIN, size, tree.root())


def test_a_checkpoint_body_is_origin_size_and_base64_root():
    checkpoint = a_checkpoint()
    root = base64.b64encode(checkpoint.root_hash).decode()
    assert checkpoint.text == f"{ORIGIN}\n5\n{root}\n"
    assert notes.Checkpoint.parse(checkpoint.text) == checkpoint
    extended = notes.Checkpoint(ORIGIN, 5, checkpoint.root_hash, ("extra line",))
    assert extended.text.endswith(f"{root}\nextra line\n")
    assert notes.Checkpoint.parse(extended.text) == extended


def test_the_c2sp_example_checkpoint_body_parses():
    text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    checkpoint = notes.Checkpoint.parse(text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.text == text


@pytest.mark.parametrize(
    "text",
    [
        f"{ORIGIN}\n5\n",  # no root
        f"{ORIGIN}\n05\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # leading zero
        f"{ORIGIN}\n-5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        f"{ORIGIN}\nfive\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        f"{ORIGIN}\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2\n",  # not base64 of 32 bytes
        f"{ORIGIN}\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",  # no final newline
        f"{ORIGIN}\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\nextension\n",  # empty line
        "\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",  # no origin
        f"{ORIGIN}\n99999999999999999999\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    ],
)
def test_a_malformed_checkpoint_is_refused(text):
    with refused("log.bad_checkpoint"):
        notes.Checkpoint.parse(text)


def test_a_signed_checkpoint_opens_with_the_logs_key():
    log = notes.Signer.generate(ORIGIN)
    checkpoint = a_checkpoint()
    signed = notes.open_checkpoint(checkpoint.sign(log), [log.verifier_key])
    assert signed.checkpoint == checkpoint
    assert signed.log_keys == (log.verifier_key,)
    assert signed.cosignatures == ()


def test_a_forged_or_edited_checkpoint_is_refused():
    log, forger = notes.Signer.generate(ORIGIN), notes.Signer.generate(ORIGIN)
    checkpoint = a_checkpoint()
    with refused("log.unverified"):
        notes.open_checkpoint(checkpoint.sign(forger), [log.verifier_key])
    note = checkpoint.sign(log)
    bigger = note.replace(f"\n{checkpoint.size}\n", f"\n{checkpoint.size + 1}\n", 1)
    with refused("log.bad_signature"):
        notes.open_checkpoint(bigger, [log.verifier_key])


def test_a_log_key_vouches_only_for_checkpoints_of_its_own_origin():
    other_log = notes.Signer.generate("other.example/log")
    note = a_checkpoint().sign(other_log)  # its origin is ORIGIN, not other.example/log
    with refused("log.unverified"):
        notes.open_checkpoint(note, [other_log.verifier_key])


def test_a_note_that_is_no_checkpoint_is_refused_even_when_signed():
    log = notes.Signer.generate(ORIGIN)
    with refused("log.bad_checkpoint"):
        notes.open_checkpoint(notes.sign_note("hello\n", log), [log.verifier_key])


def test_rotation_keeps_old_checkpoints_checkable_with_the_old_key():
    old, new = notes.Signer.generate(ORIGIN), notes.Signer.generate(ORIGIN)
    keys = [old.verifier_key, new.verifier_key]
    assert notes.open_checkpoint(a_checkpoint(3).sign(old), keys).log_keys == (old.verifier_key,)
    assert notes.open_checkpoint(a_checkpoint(4).sign(new), keys).log_keys == (new.verifier_key,)


def test_a_witness_cosignature_round_trips_and_carries_its_time():
    log = notes.Signer.generate(ORIGIN)
    witness = notes.Signer.generate("witness.example/w1", notes.COSIGNATURE_V1)
    note = a_checkpoint().sign(log)
    cosignature = notes.cosign(note, witness, timestamp=1_764_633_600)
    assert len(cosignature.signature) == 8 + 64
    assert cosignature.signature[:8] == (1_764_633_600).to_bytes(8, "big")
    cosigned = notes.add_signatures(note, cosignature)
    assert cosigned.startswith(note)
    signed = notes.open_checkpoint(cosigned, [log.verifier_key], [witness.verifier_key])
    assert signed.cosignatures == (notes.Cosignature(witness.verifier_key, 1_764_633_600),)
    # a verifier that does not know the witness ignores its line
    assert notes.open_checkpoint(cosigned, [log.verifier_key]).cosignatures == ()


def test_a_cosignature_signs_the_cosignature_v1_message():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    log = notes.Signer.generate(ORIGIN)
    witness = notes.Signer.generate("witness.example/w1", notes.COSIGNATURE_V1)
    checkpoint = a_checkpoint()
    cosignature = notes.cosign(checkpoint.sign(log), witness, timestamp=1679315147)
    message = f"cosignature/v1\ntime 1679315147\n{checkpoint.text}".encode()
    public = Ed25519PublicKey.from_public_bytes(witness.verifier_key.public_key)
    public.verify(cosignature.signature[8:], message)  # raises if it signed anything else
    assert cosignature.key_id == notes.key_id(
        "witness.example/w1", 0x04, witness.verifier_key.public_key
    )


def test_a_changed_cosignature_or_time_is_refused():
    log = notes.Signer.generate(ORIGIN)
    witness = notes.Signer.generate("witness.example/w1", notes.COSIGNATURE_V1)
    note = a_checkpoint().sign(log)
    good = notes.cosign(note, witness, timestamp=1000)
    later = notes.Signature(good.name, good.key_id, (1001).to_bytes(8, "big") + good.signature[8:])
    with refused("log.bad_signature"):
        notes.open_checkpoint(
            notes.add_signatures(note, later), [log.verifier_key], [witness.verifier_key]
        )
    # a witness's cosignature on another checkpoint does not carry over
    other = a_checkpoint(6).sign(log)
    moved = notes.add_signatures(other, good)
    with refused("log.bad_signature"):
        notes.open_checkpoint(moved, [log.verifier_key], [witness.verifier_key])


def test_a_checkpoint_signed_only_by_a_witness_is_refused():
    log = notes.Signer.generate(ORIGIN)
    witness = notes.Signer.generate("witness.example/w1", notes.COSIGNATURE_V1)
    note = a_checkpoint().sign(notes.Signer.generate("someone.else"))
    cosigned = notes.add_signatures(note, notes.cosign(note, witness, timestamp=1))
    with refused("log.unverified"):
        notes.open_checkpoint(cosigned, [log.verifier_key], [witness.verifier_key])


def test_keys_of_the_wrong_type_are_refused_for_their_role():
    log = notes.Signer.generate(ORIGIN)
    witness = notes.Signer.generate("witness.example/w1", notes.COSIGNATURE_V1)
    note = a_checkpoint().sign(log)
    with refused("log.bad_key"):
        notes.open_checkpoint(note, [witness.verifier_key])
    with refused("log.bad_key"):
        notes.open_checkpoint(note, [log.verifier_key], [log.verifier_key])
    with refused("log.bad_key"):
        notes.cosign(note, log, timestamp=1)
