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
