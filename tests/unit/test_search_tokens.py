"""Search tokens: Hangul bigrams, whole words, and what a shopper's query asks for."""

from storefront.domain.search import Term, parse_query, tokens


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
