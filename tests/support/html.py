"""Reading rendered pages by their structure, not by their indentation."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Finder(HTMLParser):
    def __init__(self, element_id: str):
        super().__init__(convert_charrefs=True)
        self.element_id, self.depth, self.parts, self.found = element_id, 0, [], False

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.parts.append(self.get_starttag_text())
            if tag not in VOID:
                self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.found, self.depth = True, 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if self.depth:
                self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def inner_html(page: str, element_id: str) -> str:
    """The markup inside the element with that id; AssertionError when there is none."""
    finder = _Finder(element_id)
    finder.feed(page)
    assert finder.found, f"no element with id {element_id!r}"
    return "".join(finder.parts)


def text_of(page: str, element_id: str) -> str:
    """The element's text with its white space folded."""
    finder = _Finder(element_id)
    finder.feed(page)
    assert finder.found, f"no element with id {element_id!r}"
    chunks = [p for p in finder.parts if not p.startswith("<")]
    return " ".join("".join(chunks).split())


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self.skip:
            self.chunks.append(data)


def page_text(page: str) -> str:
    """What a reader sees of the markup: text only (no styles or scripts), white space folded;
    the text of neighbouring elements is separated by a space."""
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.chunks).split())


class _LangWalker(HTMLParser):
    """Text nodes with the language in force where they stand."""

    SKIP = {"script", "style", "title"}

    def __init__(self, root_lang: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = [("", root_lang)]
        self.texts: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        lang = dict(attrs).get("lang") or self.stack[-1][1]
        self.stack.append((tag, lang))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        tag, lang = self.stack[-1]
        if data.strip() and tag not in self.SKIP:
            self.texts.append((tag, lang, data.strip()))


def japanese_outside_lang_ja(page: str) -> list[str]:
    """Text with kana or kanji that is not inside an element marked lang="ja"."""
    import re

    root = re.search(r'<html lang="([^"]+)"', page)
    walker = _LangWalker(root.group(1) if root else "")
    walker.feed(page)
    cjk = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
    return [text for _, lang, text in walker.texts if cjk.search(text) and lang != "ja"]
