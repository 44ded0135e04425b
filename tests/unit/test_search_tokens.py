"""Search tokens: Hangul bigrams, whole words, and what a shopper's query asks for."""

import pytest

from storefront.domain.search import (
    Term,
    closest,
    edit_distance,
    jamo,
    matches,
    parse_query,
    tokens,
    vocabulary,
)


def test_hangul_runs_become_overlapping_bigrams_and_other_words_stay_whole():
    assert tokens("수제노트 SOAP-bar 3개") == ["수제", "제노", "노트", "soap", "bar", "3", "개"]


def test_width_and_case_are_folded():
    assert tokens("ＳＯＡＰ Soap") == ["soap", "soap"]


def test_a_two_syllable_word_is_one_bigram():
    assert parse_query("노트") == [((Term("노트"),),)]


def test_a_particle_gives_the_word_without_it_as_an_alternative():
    assert parse_query("비누를") == [((Term("비누"), Term("누를")), (Term("비누"),))]
    assert parse_query("노트에") == [((Term("노트"), Term("트에")), (Term("노트"),))]
    assert parse_query("꿀을")[0][1] == (Term("꿀", prefix=True),)


def test_a_word_that_only_ends_like_a_particle_keeps_its_last_syllable_too():
    (clause,) = parse_query("나이")  # 이 would leave one syllable: not stripped
    assert clause == ((Term("나이"),),)


def test_english_words_of_three_letters_match_as_prefixes():
    assert parse_query("Soa") == [((Term("soa", prefix=True),),)]
    assert parse_query("of") == [((Term("of"),),)]
    assert parse_query("2024") == [((Term("2024"),),)]


def test_mixed_words_need_every_part_and_punctuation_asks_nothing():
    assert [c[0][0].token for c in parse_query("soap 비누")] == ["soap", "비누"]
    assert [c[0][0].token for c in parse_query("soap비누")] == ["soap", "비누"]
    assert parse_query("% _ !!") == []


@pytest.mark.parametrize(
    ("word", "candidates", "expected"),
    [
        ("비니", ["비누", "비타민", "비행기"], "비누"),  # one vowel off: one jamo, not a syllable
        ("손수곤", ["손수건", "손거울"], "손수건"),
        ("candel", ["candle", "cable"], "candle"),
        ("sop", ["soap", "soup", "sofa"], "soap"),  # a tie goes to the first alphabetically
        ("햇살", ["햇살", "햇빛"], "햇살"),
        ("도자기", ["비누", "candle"], None),  # nothing near enough
        ("ab", ["xy"], None),
    ],
)
def test_the_closest_word_is_compared_by_jamo(word, candidates, expected):
    assert closest(word, candidates) == expected


def test_hangul_splits_into_jamo_and_other_letters_stay():
    assert jamo("값a") == "\u1100\u1161\u11b9a"
    assert edit_distance(jamo("비누"), jamo("비니"), 3) == 1
    assert edit_distance("kitten", "sitting", 1) == 2  # stops past the limit


def test_the_vocabulary_holds_words_not_numbers_or_single_letters():
    assert vocabulary("유기농 food 상품 12345 Soy Candle a5 꿀 x") == [
        "유기농",
        "food",
        "상품",
        "soy",
        "candle",
    ]


def test_a_word_being_typed_matches_as_a_prefix():
    assert parse_query("햇", prefixes=True) == [((Term("햇", prefix=True),),)]
    assert parse_query("ca", prefixes=True) == [((Term("ca", prefix=True),),)]
    assert parse_query("ca") == [((Term("ca"),),)]


def test_a_query_matches_tokens_as_the_index_would():
    name = set(tokens("햇살담은베이커리"))
    assert matches(parse_query("베이커리"), name)
    assert matches(parse_query("햇살을"), name)
    assert not matches(parse_query("햇빛"), name)
    assert matches(parse_query("gre"), set(tokens("Green Hands")))
