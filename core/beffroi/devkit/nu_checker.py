"""The W3C Nu HTML checker (``vnu.jar``, from the ``vnu-jar`` npm package, run on Java):
what the HTML standard says about a page, beyond what ``beffroi.devkit.a11y`` parses. Tests and
plugins call ``nu_html_errors`` on a batch of pages; one JVM checks them all."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def nu_checker_jar() -> Path:
    """Where vnu.jar is looked for: ``$BEFFROI_VNU_JAR``, else
    ``node_modules/vnu-jar/build/dist/vnu.jar`` of the current directory or of the
    checkout this module runs from (``npm ci`` installs it)."""
    if os.environ.get("BEFFROI_VNU_JAR"):
        return Path(os.environ["BEFFROI_VNU_JAR"])
    relative = Path("node_modules/vnu-jar/build/dist/vnu.jar")
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        if (base / relative).is_file():
            return base / relative
    return Path.cwd() / relative


def nu_checker_unavailable() -> str | None:
    """Why the Nu checker cannot run here (no ``java``, no vnu.jar), or None."""
    if not shutil.which("java"):
        return "java is missing (apt-get install default-jre-headless)"
    if not nu_checker_jar().is_file():
        return f"{nu_checker_jar()} is missing (npm ci installs the vnu-jar package)"
    return None


def require_nu_checker() -> None:
    """In a test: skip with the reason when the Nu checker cannot run here, and fail
    instead under ``CI=true`` (CI must never pass by skipping it)."""
    import pytest
    reason = nu_checker_unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the HTML checker cannot run: {reason}")
        pytest.skip(reason)


def nu_html_errors(pages: dict[str, str], timeout: float = 600) -> list[str]:
    """The errors the W3C Nu HTML checker finds in ``pages`` (a name, e.g. the path →
    the HTML text), as ``"name line N: message [extract]"`` lines; empty when every page
    is valid. One Java process checks the whole batch (a JVM starts in ~1 s). Raises
    ``RuntimeError`` when the checker cannot run (see ``nu_checker_unavailable``)."""
    if not pages:
        return []
    reason = nu_checker_unavailable()
    if reason:
        raise RuntimeError(reason)
    with tempfile.TemporaryDirectory(prefix="vnu-") as tmp:
        names, files = {}, []
        for number, (name, text) in enumerate(pages.items()):
            file = Path(tmp) / f"page{number}.html"
            file.write_text(text, encoding="utf-8")
            names[file.as_uri()] = name
            files.append(str(file))
        done = subprocess.run(
            ["java", "-Xss8m", "-jar", str(nu_checker_jar()), "--format", "json",
             "--exit-zero-always", *files], capture_output=True, text=True, timeout=timeout)
        output = done.stderr or done.stdout
        try:    # the JVM may print a line of its own first (JAVA_TOOL_OPTIONS …)
            report = json.loads(output[output.index("{"):])
        except ValueError:
            raise RuntimeError(f"vnu.jar gave no report: {output[:300]}") from None
    errors = []
    for message in report.get("messages", []):
        if message.get("type") != "error" and message.get("subType") != "fatal":
            continue
        url = message.get("url", "")
        name = names.get(url) or names.get(url.replace("file:", "file://", 1)) or url
        errors.append(f"{name} line {message.get('lastLine')}: {message.get('message')} "
                      f"[{' '.join(message.get('extract', '').split())[:120]}]")
    return errors
