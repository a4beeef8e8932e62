from moderation.checks.normalize import IGNORABLE, Normalized, fold


def test_ascii_is_lowercased_with_identity_offsets():
    n = Normalized("Hello World")
    assert n.norm == "hello world"
    assert n.offsets is None
    assert n.span(6, 11) == (6, 11)


def test_fullwidth_accents_and_confusables_fold_to_latin():
    assert fold("ＦÜＣＫ") == "fuck"
    assert fold("fսсk") == "fuck"  # Armenian u, Cyrillic es
    assert fold("ΒΙΤCΗ") == "bitch"  # Greek capitals


def test_zero_width_and_combining_marks_become_ignorable():
    n = Normalized("f\u200bu\u0336ck")
    assert n.norm == f"f{IGNORABLE}u{IGNORABLE}ck"
    assert n.words == ["fuck"]


def test_expanding_characters_keep_offsets_to_original():
    text = "Straße ﬁnd you"
    n = Normalized(text)
    assert n.offsets is not None and len(n.offsets) == len(n.norm)
    start = n.norm.index("find")
    s, e = n.span(start, start + 4)
    assert text[s:e] == "ﬁnd"


def test_stretched_letters_collapse_in_words_only():
    n = Normalized("you are sooo stuuupid")
    assert n.words == ["you", "are", "so", "stupid"]
    assert n.norm == "you are sooo stuuupid"


def test_evidence_trims_ignorables():
    text = "\u200bhello\u200b"
    n = Normalized(text)
    s, e, ev = n.evidence(0, len(n.norm))
    assert ev == "hello" and text[s:e] == ev


def test_clause_breaks_match_the_gaps():
    import random

    from moderation.checks.normalize import Normalized

    rnd = random.Random(3)
    alphabet = "ab'. !?;\n\x00\u200b-x1\ufb01\u00df"
    for _ in range(3000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 24)))
        n = Normalized(text)
        expected = {i for i in range(1, len(n.words)) if any(c in ".!?;\n" for c in n.gap(i))}
        assert {i for i in range(1, len(n.words)) if i in n.clause_breaks} == expected, text


def test_clause_breaks_on_text_made_of_dots_stay_lazy():
    from moderation.checks.normalize import Normalized

    n = Normalized("a." * 2000 + " b c")
    assert 1 in n.clause_breaks and len(n.words) - 1 not in n.clause_breaks


def test_word_range_maps_offsets_to_words():
    from moderation.checks.normalize import Normalized

    n = Normalized("you a$$hole now")
    assert n.word_range(4, 11) == (1, 2)
