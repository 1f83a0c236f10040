# SPDX-License-Identifier: MPL-2.0
"""Fails on a link in docs/ that would not work on the Terraform Registry.

    python3 .ci/doc-links.py DOCS_DIR PROVIDER_ADDRESS

The registry shows docs/index.md at .../providers/NS/NAME/VERSION/docs (no trailing slash)
and docs/KIND/PAGE.md at .../docs/KIND/PAGE, and hands links to the browser as they are
written. So a link to another page works only when it resolves, against that URL, to a page
that exists: `resources/user.md` on the index resolves to .../VERSION/resources/user.md, which
does not exist. Links to the provider's own pages are therefore written in full, as
https://HOST/providers/NS/NAME/latest/docs/KIND/PAGE, which also works on GitHub and on other
registries that show these docs. This fails on every relative link to another page (saying
whether it breaks on the registry or only on GitHub), checks every link written in full to a
page of this provider against the files in DOCS_DIR, and every fragment (#...) against the
headings and anchors of its page. Links to other sites are not followed.
"""

import os
import posixpath
import re
import sys
from urllib.parse import urljoin, urlsplit

docs_dir, address = sys.argv[1], sys.argv[2]
host, namespace, name = address.split("/")
# The registry's URL of the provider, up to the version.
provider_url = f"https://{host}/providers/{namespace}/{name}/"
example_version = "VERSION"


def page_url(rel_path):
    """The registry's URL of the page rendered from DOCS_DIR/rel_path."""
    stem = rel_path[: -len(".md")]
    docs = f"{provider_url}{example_version}/docs"
    return docs if stem == "index" else f"{docs}/{stem}"


def page_file(url):
    """The file in DOCS_DIR that a URL of the provider's docs shows, or None."""
    rest = url[len(provider_url) :].split("/")
    # VERSION/docs, or VERSION/docs/KIND/PAGE.
    if len(rest) == 2 and rest[1] == "docs":
        return "index.md"
    if len(rest) == 4 and rest[1] == "docs" and rest[2] and rest[3]:
        return f"{rest[2]}/{rest[3]}.md"
    return None


def suggest(rel, target):
    """How to write a relative link in full, when it names a page as a file in DOCS_DIR."""
    path, _, fragment = target.partition("#")
    file = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
    if not file.endswith(".md"):
        file += ".md"
    if file in pages:
        url = page_url(file).replace(example_version, "latest", 1)
        return f"Write it in full: {url}" + (f"#{fragment}" if fragment else "")
    return f"Write it in full: {provider_url}latest/docs/KIND/PAGE, or {provider_url}latest/docs for the index"


def slug(heading):
    """The anchor of a heading, as GitHub and the registry make it."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"`+[^`]*`+")
# [text](target "title"), ![alt](target), [id]: target, <https://...>, href="..."
INLINE = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$")
AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
HREF = re.compile(r"\bhref\s*=\s*[\"']([^\"']+)[\"']")
ANCHOR = re.compile(r"<a\s+(?:id|name)\s*=\s*[\"']([^\"']+)[\"']")


def scan(path):
    """The links of a page with their line numbers, and the anchors it defines."""
    links, anchors, fenced = [], set(), False
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if FENCE.match(line):
                fenced = not fenced
                continue
            if fenced:
                continue
            anchors.update(ANCHOR.findall(line))
            heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if heading:
                anchors.add(slug(heading.group(1)))
            text = CODE_SPAN.sub("", line)
            for pattern in (INLINE, REFERENCE, AUTOLINK, HREF):
                links.extend((number, target) for target in pattern.findall(text))
    return links, anchors


pages = {}
for root, _, files in os.walk(docs_dir):
    for file in files:
        if file.endswith(".md"):
            rel = os.path.relpath(os.path.join(root, file), docs_dir).replace(os.sep, "/")
            pages[rel] = scan(os.path.join(root, file))

problems = []
for rel, (links, _) in sorted(pages.items()):
    for number, target in links:
        where = f"{docs_dir}/{rel}:{number}: {target}"
        scheme = urlsplit(target).scheme
        if scheme and not target.startswith(provider_url):
            continue  # another site, or mailto:
        if not scheme and not target.startswith("#"):
            resolved = urljoin(page_url(rel), target).partition("#")[0]
            if urlsplit(resolved).path.endswith((".md", ".html")):
                why = f"breaks on the registry, which serves pages without .md or .html ({resolved})"
            elif page_file(resolved) not in pages:
                why = f"breaks on the registry, where it leads to {resolved}"
            else:
                why = "works on the registry but not on GitHub, where the page's file ends in .md"
            problems.append(f"{where}: a relative link to another page {why}. {suggest(rel, target)}")
            continue
        url, _, fragment = target.partition("#")
        target_page = rel if not url else page_file(url)
        if target_page is None or target_page not in pages:
            problems.append(f"{where}: no page in {docs_dir}/ is at that address")
            continue
        if fragment and fragment not in pages[target_page][1]:
            problems.append(f"{where}: {docs_dir}/{target_page} has no heading or anchor #{fragment}")

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
