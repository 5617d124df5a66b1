"""First visits at the same moment compile templates one at a time (CPython 3.11's AST
constructor is not thread-safe: gh-106905), and they all render."""
from __future__ import annotations

import threading

from chameleon import PageTemplate
from chameleon.template import BaseTemplate


def test_compilation_is_serialised_and_concurrent_first_renders_all_work(beffroi_app):
    assert getattr(BaseTemplate._cook, "serialised", False)      # made by make_config
    templates = [PageTemplate(f'<p tal:repeat="i range({n})">${{i * {n}}} ${{"{n}".zfill(3)}}</p>'
                              f'<div tal:condition="{n} % 2">odd</div>') for n in range(1, 25)]
    results, errors = {}, []

    def first_render(n, template):
        try:
            results[n] = template()
        except Exception as exc:                 # a SystemError here was a 500 page
            errors.append(exc)
    threads = [threading.Thread(target=first_render, args=(n, t))
               for n, t in enumerate(templates, start=1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results[3].count("<p>") == 3 and "odd" in results[3] and "odd" not in results[4]
