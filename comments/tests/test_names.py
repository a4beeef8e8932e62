"""Reader names: bidi controls, invisible characters and names that imitate staff (issue 11, item 12).

The plain rules of comments/names.py, then the same rules through comment_submit(),
the public API and the article page's form.
"""

import itertools
import json

import pytest
from django.core.exceptions import ValidationError

from articles.tests.factories import ArticleFactory
from comments import names
from comments.models import Comment
from comments.services import comment_submit
from moderation.tests.factories import ModeratorFactory, UserFactory

STAFF_WORDS = [
    "moderator",
    "moderation",
    "admin",
    "administrator",
    "editor",
    "staff",
    "official",
    "newsroom",
    "Rudaw",
    "ڕووداو",
]
CLEAN_BODY = "The library funding deserves more debate before the council votes."

# --- refused characters (plain functions) ------------------------------------------------

BIDI = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]
INVISIBLE = [
    "\u200b",  # zero width space
    "\u2060",  # word joiner
    "\u2061",
    "\u2062",
    "\u2063",
    "\u2064",  # invisible operators
    "\ufeff",  # byte order mark
    "\u180e",  # Mongolian vowel separator
    "\u00ad",  # soft hyphen
    "\U000e0041",  # tag latin capital letter A
    "\u034f",  # combining grapheme joiner
    "\u3164",  # Hangul filler (a "letter" that shows nothing)
]


@pytest.mark.parametrize("char", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_bidi_controls_are_refused_with_a_message_naming_them(char):
    problems = names.name_problems(f"Dana{char} Reader")

    assert len(problems) == 1
    assert "text-direction" in problems[0]
    assert f"U+{ord(char):04X}" in problems[0]


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
@pytest.mark.parametrize("where", ["start", "inside", "end"])
def test_zero_width_and_invisible_characters_are_refused(char, where):
    name = {"start": f"{char}Dana", "inside": f"Da{char}na", "end": f"Dana{char}"}[where]

    problems = names.name_problems(name)

    assert any("invisible" in p and f"U+{ord(char):04X}" in p for p in problems)


def test_control_surrogate_private_use_and_unassigned_characters_are_refused():
    assert "control" in names.name_problems("Dana\x07")[0]
    for char in ("\ud800", "\ue000", "\U000effff"):
        assert "cannot be shown" in names.name_problems(f"Dana{char}")[0]


@pytest.mark.parametrize("name", ["\u0301\u0301", "\u3164", "\u2800", "\u200b"])
def test_a_name_with_nothing_visible_is_refused(name):
    problems = names.name_problems(name)

    assert any("visible letter" in p for p in problems)


@pytest.mark.parametrize(
    "name",
    [
        "Dana Reader",
        "José Müller-Østergaard",
        "Dana O'Brien",
        "Ευάγγελος Παπαδόπουλος",
        "Zhāng Wěi 张伟",
        "ڕێباز محەمەد",  # Sorani Kurdish
        "ئه\u200cحمه\u200cد",  # Sorani, legacy spelling: HEH + ZWNJ for the vowel e inside a word
        "فاتمه\u200c ئه\u200cحمه\u200cد",  # ... and at the end of a word
        "می\u200cخواهم",  # Persian: ZWNJ between letters
        "क्\u200dष",  # Devanagari: ZWJ after a virama
        "ক্\u200cষ",  # Bengali: ZWNJ after a virama
        "Ali ❤️",  # emoji presentation selector after a symbol
        "葛\U000e0100城",  # ideographic variation selector after a CJK ideograph
        "Staffan Berg",
        "Badminton Fan",
        "Creditor",
    ],
)
def test_ordinary_names_in_any_script_are_accepted(name):
    assert names.name_problems(name, staff_words=STAFF_WORDS) == []


@pytest.mark.parametrize(
    "name",
    [
        "Mod\u200cerator",  # ZWNJ between Latin letters
        "\u200cمی",  # at the start
        "می\u200c\u200cخواهم",  # doubled
        "Ali\u200d",  # ZWJ does not end a word
        "👩\u200d💻 Ali",  # emoji ZWJ sequence
        "Ali\ufe0f",  # variation selector after a Latin letter
        " \ufe0f",
    ],
)
def test_joiners_and_selectors_outside_the_scripts_that_need_them_are_refused(name):
    problems = names.name_problems(name)

    assert any("invisible" in p for p in problems)


# --- imitating staff (plain functions) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "imitates", "disguised"),
    [
        ("Moderator", "moderator", False),
        ("Rudaw Editor", "editor", False),
        ("Site Admin", "admin", False),
        ("Admin123", "admin", False),
        ("TheModerator", "moderator", False),
        ("RudawModeratorTeam", "moderator", False),
        ("rudaw_staff", "staff", False),
        ("Rudaw Reader", "Rudaw", False),
        ("ڕووداو", "ڕووداو", False),  # the site's name in Sorani
        ("ستافی ڕووداو", "ڕووداو", False),
        ("M.o.d.e.r.a.t.o.r", "moderator", True),
        ("S t a f f", "staff", True),
        ("Adm1n", "admin", True),
        ("@dmin", "admin", True),
        ("m0derat0r", "moderator", True),
        ("Modérator", "moderator", True),
        ("Ｍｏｄｅｒａｔｏｒ", "moderator", True),  # fullwidth
        ("𝐄𝐝𝐢𝐭𝐨𝐫", "editor", True),  # mathematical bold
    ],
)
def test_names_that_read_as_a_staff_word_are_recognised(name, imitates, disguised):
    match = names.imitation(name, staff_words=STAFF_WORDS)

    assert match is not None
    assert (match.imitates, match.kind, match.disguised, match.mixed_script) == (imitates, "word", disguised, False)
    assert names.name_problems(name, staff_words=STAFF_WORDS) == []  # flagged, not refused


@pytest.mark.parametrize(
    "name",
    ["Dana Reader", "Staffan Berg", "Creditor", "Badminton Fan", "Editorial Board Fan", "Hassan Rudawi", "Shirin"],
)
def test_names_that_only_contain_the_letters_of_a_short_staff_word_are_not_recognised(name):
    assert names.imitation(name, staff_words=STAFF_WORDS) is None


@pytest.mark.parametrize(
    ("name", "scripts"),
    [
        ("\u041coder\u0430tor", ("CYRILLIC", "LATIN")),  # "Мoderаtor": Cyrillic М and а
        ("Rud\u0430w Reader", ("CYRILLIC", "LATIN")),  # Cyrillic а
        ("Ευάγγελος \u0395dit\u03bfr", ("GREEK", "LATIN")),  # Greek Ε and ο in "Editor"
        ("\u041c o d e r \u0430 t o r", ("CYRILLIC", "LATIN")),  # spelled out, mixed
    ],
)
def test_a_staff_word_spelled_with_letters_of_two_alphabets_is_refused(name, scripts):
    match = names.imitation(name, staff_words=STAFF_WORDS)
    assert match is not None and match.disguised and match.scripts == scripts

    problems = names.name_problems(name, staff_words=STAFF_WORDS)

    assert len(problems) == 1
    assert "one alphabet" in problems[0]
    assert all(script.title() in problems[0] for script in scripts)


def test_a_greek_first_name_beside_a_plainly_written_staff_word_is_only_flagged():
    # The alphabets counted are those of the word that spells the staff word.
    name = "Ευάγγελος Editor"

    assert names.name_problems(name, staff_words=STAFF_WORDS) == []
    assert names.imitation(name, staff_words=STAFF_WORDS).mixed_script is False


@pytest.mark.parametrize(
    ("name", "disguised"),
    [
        ("Sarah Ahmed", False),
        ("Ahmed, Sarah", False),
        ("SARAH AHMED", False),
        ("\u0405arah Ahmed", True),
        ("s.ahmed", False),
    ],
)
def test_names_of_staff_members_are_recognised(name, disguised):
    staff = [("s.ahmed", "Sarah", "Ahmed")]

    match = names.imitation(name, staff_users=staff)

    assert match is not None
    assert (match.imitates, match.kind, match.disguised) == ("Sarah Ahmed", "staff", disguised)


def test_a_first_name_alone_does_not_imitate_a_staff_member_using_it_as_username():
    staff = [("sarah", "Sarah", "Ahmed")]

    assert names.imitation("Sarah", staff_users=staff) is not None  # exactly the username
    assert names.imitation("Sarah Jones", staff_users=staff) is None
    assert names.imitation("Ahmed Karim", staff_users=staff) is None


# --- through comment_submit(), the API and the form ------------------------------------------


_SERIAL = itertools.count(1)


def submit(article=None, **overrides):
    data = {
        "article": article or ArticleFactory(),
        "author_name": "Dana Reader",
        "author_email": "dana@example.org",
        # A different text each time: a repeated text is flagged as promotion.
        "body": f"The council should debate proposal number {next(_SERIAL)} before it votes.",
        "ip_address": "203.0.113.9",
    }
    data.update(overrides)
    return comment_submit(**data)


def name_errors(name):
    with pytest.raises(ValidationError) as excinfo:
        submit(author_name=name)
    assert Comment.objects.count() == 0
    errors = excinfo.value.message_dict
    assert list(errors) == ["author_name"]
    return errors["author_name"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("\u202eDana Reader", "text-direction"),  # RIGHT-TO-LEFT OVERRIDE
        ("Dana\u2066 Reader", "text-direction"),
        ("Da\u200bna Reader", "invisible"),
        ("Dana\ufeff", "invisible"),
        ("Da\u00adna", "invisible"),
        ("\u3164", "visible"),
        ("\u041coder\u0430tor", "one alphabet"),
    ],
)
def test_submit_refuses_bad_names_with_a_field_error_and_stores_nothing(name, words):
    errors = name_errors(name)

    assert any(words in message for message in errors)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["ئه\u200cحمه\u200cد", "می\u200cخواهم", "José Müller", "Ali ❤️"])
def test_submit_stores_accepted_names_exactly_as_typed(name):
    comment = submit(author_name=name)

    assert Comment.objects.get(pk=comment.pk).author_name == name
    assert comment.flags == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "score"), [("Rudaw Editor", 0.5), ("ڕووداو", 0.5), ("M.o.d.e.r.a.t.o.r", 0.75), ("m0derat0r", 0.75)]
)
def test_submit_flags_a_name_that_reads_as_a_staff_word(name, score):
    comment = submit(author_name=name)

    stored = Comment.objects.get(pk=comment.pk)
    assert stored.status == Comment.Status.PENDING
    assert stored.author_name == name
    assert stored.flag_list == ["other"]
    [finding] = stored.findings["findings"]
    assert finding == {
        "category": "other",
        "rule": "name.imitates_staff",
        "start": 0,
        "end": 0,
        "evidence": name,
        "score": score,
    }
    assert stored.priority > 0


@pytest.mark.django_db
def test_submit_keeps_the_body_findings_beside_the_name_finding():
    comment = submit(author_name="Admin", body="You are an idiot and everyone knows it.")

    assert comment.flag_list == ["other", "personal_attack"]
    assert {f["rule"] for f in comment.findings["findings"]} >= {"name.imitates_staff"}
    plain = submit(author_name="Dana Reader", body="You are an idiot and everyone knows it.")
    assert comment.priority > plain.priority


@pytest.mark.django_db
def test_submit_flags_the_name_of_an_active_staff_member():
    ModeratorFactory(username="s.ahmed", first_name="Sarah", last_name="Ahmed")

    comment = submit(author_name="Sarah Ahmed")

    assert comment.flag_list == ["other"]
    assert comment.findings["findings"][0]["evidence"] == "Sarah Ahmed"


@pytest.mark.django_db
def test_names_of_readers_and_former_staff_are_not_flagged():
    UserFactory(username="k.rahim", first_name="Karim", last_name="Rahim")
    ModeratorFactory(username="j.aziz", first_name="Jwan", last_name="Aziz", is_active=False)

    assert submit(author_name="Karim Rahim").flags == ""
    assert submit(author_name="Jwan Aziz").flags == ""


@pytest.mark.django_db
def test_a_new_staff_member_is_recognised_on_the_next_comment():
    assert submit(author_name="Hana Salih").flags == ""  # the staff list is now cached

    ModeratorFactory(username="h.salih", first_name="Hana", last_name="Salih")

    assert submit(author_name="Hana Salih").flag_list == ["other"]


@pytest.mark.django_db
def test_staff_words_come_from_the_setting(settings):
    settings.COMMENT_STAFF_NAME_WORDS = ["Kurdistan24"]

    assert submit(author_name="Kurdistan24 Desk").flag_list == ["other"]
    assert submit(author_name="Moderator").flags == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "words"),
    [("\u202eDana", "text-direction"), ("Da\u200bna", "invisible"), ("\u041coder\u0430tor", "one alphabet")],
)
def test_api_answers_400_with_a_message_on_author_name(client, name, words):
    article = ArticleFactory()
    payload = {"author_name": name, "author_email": "dana@example.org", "body": CLEAN_BODY}

    response = client.post(
        f"/api/articles/{article.slug}/comments/", json.dumps(payload), content_type="application/json"
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["author_name"]
    assert any(words in message for message in errors["author_name"])
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_api_accepts_a_staff_like_name_and_flags_it(client):
    article = ArticleFactory()
    payload = {"author_name": "Rudaw Staff", "author_email": "dana@example.org", "body": CLEAN_BODY}

    response = client.post(
        f"/api/articles/{article.slug}/comments/", json.dumps(payload), content_type="application/json"
    )

    assert response.status_code == 202
    assert Comment.objects.get().flag_list == ["other"]


@pytest.mark.django_db
def test_form_shows_the_error_on_the_name_field_and_keeps_the_input(client):
    article = ArticleFactory()
    data = {
        "author_name": "Dana\u200b Reader",
        "author_email": "dana@example.org",
        "body": "A distinctive remark about the riverside library plan.",
    }

    response = client.post(article.get_absolute_url(), data)

    assert response.status_code == 400
    content = response.content.decode()
    assert response.context["form"].errors["author_name"]
    assert "invisible characters" in response.context["form"].errors["author_name"][0]
    assert content.count('class="field has-error"') == 1
    assert 'value="Dana\u200b Reader"' in content
    assert "A distinctive remark about the riverside library plan." in content
    assert Comment.objects.count() == 0
