"""The ▲▼ glyphs of comment votes are readable in every state a participant meets:
another's comment (enabled), a vote already given (pressed) and their own comment
(disabled): 4.5:1 at least (WCAG 1.4.3), computed from the colours the browser uses."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

COMMUNE = "commune.localhost"

CONTRAST = """() => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
      .reduce((acc, v, i) => acc + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = e => {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll('.comment-votes button span[aria-hidden]')].map(g => {
    const fg = rgb(getComputedStyle(g).color), bg = background(g);
    const [a, b] = [lum(fg.slice(0, 3)), lum(bg)].sort((x, y) => y - x);
    const alpha = fg.length > 3 ? fg[3] : 1;
    const button = g.closest('button');
    return {glyph: g.textContent, ratio: (a + 0.05) / (b + 0.05), alpha,
            state: button.disabled ? 'disabled' : button.getAttribute('aria-pressed')};
  });
}"""


def test_vote_glyphs_have_enough_contrast_in_every_state(world, live, page):
    from beffroi.services.comments.model import add_comment
    from beffroi_proposals.models import add_proposal
    world.add_space(COMMUNE, "idees", "Idées", modules=["proposals"])
    habitant = world.add_user(COMMUNE, "voisin@commune.localhost", "Voisin")
    with world.tx() as app:
        org = app.organisation_for_host(COMMUNE)
        me = org.users.find_by_email("habitant@commune.localhost").id
        proposal = add_proposal(org.spaces["idees"]["proposals"], "Des bancs", "Des bancs.",
                                "markdown", None)
        add_comment(proposal, org, habitant, "Oui, à l'ombre.")
        add_comment(proposal, org, me, "Et des fontaines.")
    page.goto(live.url(COMMUNE, "/-/login"))
    main = page.locator("main")
    main.locator("input[name=email]").fill("habitant@commune.localhost")
    main.locator("input[name=password]").fill("correct horse battery")
    main.locator("button[type=submit]").click()
    page.goto(live.url(COMMUNE, "/idees/proposals/1/"))
    page.locator(".comment-votes button[aria-pressed=false]:not([disabled])").first.click()
    glyphs = page.evaluate(CONTRAST)
    states = {g["state"] for g in glyphs}
    assert {"true", "false", "disabled"} <= states, glyphs
    weak = [g for g in glyphs if g["ratio"] < 4.5 or g["alpha"] < 1]
    assert not weak, weak
