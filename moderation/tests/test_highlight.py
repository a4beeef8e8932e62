from moderation.highlight import highlighted_body


def finding(category, start, end):
    return {"category": category, "start": start, "end": end}


def test_evidence_is_marked_and_everything_is_escaped():
    body = "<b>you</b> idiot & <script>x</script>"
    start = body.index("idiot")

    html = highlighted_body(body, [finding("personal_attack", start, start + 5)])

    assert html == (
        "&lt;b&gt;you&lt;/b&gt; "
        '<mark class="evidence" data-categories="personal_attack" title="personal_attack">idiot</mark>'
        " &amp; &lt;script&gt;x&lt;/script&gt;"
    )


def test_overlapping_spans_merge_into_one_mark_with_both_categories():
    html = highlighted_body("abcdefgh", [finding("threat", 1, 4), finding("abuse", 3, 6)])
    assert html == 'a<mark class="evidence" data-categories="abuse threat" title="abuse threat">bcdef</mark>gh'


def test_spans_outside_the_text_or_empty_are_ignored():
    body = "short"
    html = highlighted_body(
        body,
        [finding("promotion", 0, 0), finding("promotion", 3, 99), {"category": "x", "start": "1", "end": 2}],
    )
    assert html == "short"
