"""Words shared by the receipt pages and PDFs, in one place."""

from __future__ import annotations

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

# The labels of receipt rows. "match" stays generic so the match row can later name its fund.
RECEIPT_KIND_LABELS = {
    "donation": _l("Donation through your purchase"),
    "match": _l("Sponsor match"),
    "donation_reversal": _l("Donation reversed (refund)"),
    "match_reversal": _l("Sponsor match reversed (refund)"),
    "gift": _l("Your gift at checkout"),
    "gift_reversal": _l("Your gift reversed (refund)"),
}
NOT_A_TAX_RECEIPT = _l(
    "This confirms donations pledged through purchases at the Sangsaeng shop, as recorded in "
    "its public ledger. It is not a tax receipt: official donation receipts for tax purposes "
    "are issued by the recipient organisations."
)

# The log's proofs, on the receipt page and in its PDF.
LOG_PROOF_NOTE = _l(
    "The shop adds every ledger entry to a public log and regularly signs its size and root "
    "hash (a checkpoint). The audit path below lets anyone recompute that root from the entry "
    "alone, so the shop cannot show you an entry it leaves out of what it shows everyone else. "
    "The link fetches a fresh proof against the latest checkpoint."
)
NOT_IN_CHECKPOINT = _l("not yet in a signed checkpoint")


def in_both_languages(message: object) -> list[tuple[str, str]]:
    """The message in the page's language first, then in the other one, so a printed receipt
    carries its note in Korean and English whichever language it was printed in."""
    current = str(get_locale() or "ko")
    texts = []
    for code in sorted(("ko", "en"), key=lambda c: c != current):
        with force_locale(code):
            texts.append((code, str(message)))
    return texts
