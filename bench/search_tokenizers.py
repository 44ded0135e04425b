"""Compare the search tokenizers on the demo catalogue: Hangul bigrams against kiwipiepy.

    .venv/bin/python bench/search_tokenizers.py                  # bigrams only
    python -m venv /tmp/kiwi && /tmp/kiwi/bin/pip install kiwipiepy
    /tmp/kiwi/bin/python bench/search_tokenizers.py --kiwi       # both (needs no Flask)

For each query of a fixed list it prints what each tokenizer finds among the demo products
(title, description and venture name), against the "expected" set: the products whose text
contains the query's noun as typed without its particle (what a shopper means by ``비누를``).
Then load time, memory and tokenising speed. docs/search.md holds a run's numbers.
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _plain_module(name: str, relative: str) -> ModuleType:
    """Load one dependency-free module without the storefront package (which needs Flask)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


data = _plain_module("demo_data", "storefront/demo/data.py")
_search = _plain_module("search_tokens", "storefront/domain/search.py")
normalise, parse_query, tokens = _search.normalise, _search.parse_query, _search.tokens

# query -> the noun a shopper means (for the expected set)
QUERIES = {
    "노트": "노트",
    "비누": "비누",
    "비누를": "비누",
    "노트에": "노트",
    "쿠키": "쿠키",
    "캔들": "캔들",
    "원목": "원목",
    "도마": "도마",
    "향": "향",
    "손수건을": "손수건",
    "핸드크림": "핸드크림",
    "천연비누": "천연비누",
    "선물세트": "선물세트",
    "에코백": "에코백",
    "차": "차",
    "soap": "soap",
    "a5": "a5",
    "햇살": "햇살",
}


def documents() -> list[tuple[str, str]]:
    """(label, text) for every demo product: title, description and its venture's name."""
    return [
        (product["title"], " ".join((product["title"], product["description"], venture["name"])))
        for venture in data.VENTURES
        for product in venture["products"]
    ]


def bigram_search(docs: list[tuple[str, str]], query: str) -> set[str]:
    indexed = [(label, set(tokens(body))) for label, body in docs]
    clauses = parse_query(query)

    def has(words: set[str], term) -> bool:  # type: ignore[no-untyped-def]
        if term.prefix:
            return any(word.startswith(term.token) for word in words)
        return term.token in words

    return {
        label
        for label, words in indexed
        if clauses
        and all(any(all(has(words, t) for t in alt) for alt in clause) for clause in clauses)
    }


CONTENT_TAGS = ("NNG", "NNP", "NNB", "NR", "SL", "SN", "XR", "VV", "VA", "MAG", "SH")


def kiwi_terms(kiwi, text: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {
        normalise(token.form) for token in kiwi.tokenize(text) if token.tag.startswith(CONTENT_TAGS)
    }


def kiwi_search(kiwi, indexed: list[tuple[str, set[str]]], query: str) -> set[str]:  # type: ignore[no-untyped-def]
    wanted = kiwi_terms(kiwi, query)
    return {label for label, words in indexed if wanted and wanted <= words}


def report(name: str, found: set[str], expected: set[str]) -> str:
    missed, extra = len(expected - found), len(found - expected)
    return f"{name} {len(found):3d} (missed {missed}, extra {extra})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--kiwi", action="store_true", help="also measure kiwipiepy")
    args = parser.parse_args()
    docs = documents()
    print(f"{len(docs)} demo products")
    kiwi = indexed = None
    if args.kiwi:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        from kiwipiepy import Kiwi

        kiwi = Kiwi()
        kiwi.tokenize("워밍업")
        loaded = time.perf_counter() - start
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        print(f"kiwipiepy: load {loaded:.2f} s, +{grown:.0f} MiB resident")
        start = time.perf_counter()
        indexed = [(label, kiwi_terms(kiwi, body)) for label, body in docs]
        per = (time.perf_counter() - start) / len(docs) * 1e6
        print(f"kiwipiepy: {per:.0f} µs per product to tokenise")
    start = time.perf_counter()
    for _ in range(10):
        for _label, body in docs:
            tokens(body)
    per = (time.perf_counter() - start) / len(docs) / 10 * 1e6
    print(f"bigrams:   {per:.0f} µs per product to tokenise")
    totals = {"bigrams": [0, 0], "kiwi": [0, 0]}
    for query, noun in QUERIES.items():
        expected = {label for label, body in docs if normalise(noun) in normalise(body)}
        found = bigram_search(docs, query)
        line = f"{query:8s} expected {len(expected):3d} | " + report("bigrams", found, expected)
        totals["bigrams"][0] += len(expected - found)
        totals["bigrams"][1] += len(found - expected)
        if kiwi is not None and indexed is not None:
            found = kiwi_search(kiwi, indexed, query)
            line += " | " + report("kiwi", found, expected)
            totals["kiwi"][0] += len(expected - found)
            totals["kiwi"][1] += len(found - expected)
        print(line)
    for name, (missed, extra) in totals.items():
        if name == "bigrams" or kiwi is not None:
            print(f"total {name}: missed {missed}, extra {extra}")


if __name__ == "__main__":
    main()
