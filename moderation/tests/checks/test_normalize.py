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
