"""Rich text and Markdown come out as valid HTML: what the sanitiser removes never leaves
an element without the attribute that gave it a meaning (issue 12, item 8)."""
import pytest

from beffroi.devkit.a11y import accessibility_problems
from beffroi.sanitise import render_markdown
from beffroi.sanitise import sanitise_html


@pytest.mark.parametrize("dirty, clean", [
    ('<p><a href="javascript:alert(1)">site</a> ok</p>', "<p>site ok</p>"),
    ('<p><a name="x" title="t">ancre</a></p>', "<p>ancre</p>"),
    ('<p>a<img src="data:image/png;base64,AAAA" alt="pixel">b</p>', "<p>ab</p>"),
    ('<p><img alt="rien"></p>', "<p></p>"),
    ('<p><a href="vbscript:x"><strong>gras</strong> &amp; lien</a></p>',
     "<p><strong>gras</strong> &amp; lien</p>"),
])
def test_elements_that_lost_their_required_attribute_are_unwrapped_or_dropped(dirty, clean):
    assert sanitise_html(dirty) == clean


def test_links_and_images_that_keep_their_target_stay_as_they_were():
    html = sanitise_html('<p><a href="https://example.org/?a=1&amp;b=2">x</a>'
                         '<img src="https://example.org/i.png" alt="i"> 3 &lt; 4</p>')
    assert html == ('<p><a href="https://example.org/?a=1&amp;b=2" rel="noopener noreferrer '
                    'nofollow">x</a><img src="https://example.org/i.png" alt="i"> 3 &lt; 4</p>')


def test_markdown_with_a_forbidden_link_gives_valid_html():
    html = render_markdown("[site](javascript:alert(1)) and [ok](https://example.org) "
                           "![img](data:x) <a rel=me>x</a>")
    assert "<a " not in html.replace('<a href="https://example.org"', "")
    assert "site" in html and "javascript" not in html
    page = f"<!DOCTYPE html><html lang=en><body><h1>t</h1>{html}</body></html>"
    assert accessibility_problems(page) == []


def test_nested_and_repeated_hollow_links_each_lose_only_their_own_tags():
    html = sanitise_html('<ul><li><a href="javascript:1">a</a></li>'
                         '<li><a href="https://x.org">b</a></li><li><a>c</a></li></ul>')
    assert html == ('<ul><li>a</li><li><a href="https://x.org" rel="noopener noreferrer '
                    'nofollow">b</a></li><li>c</li></ul>')
