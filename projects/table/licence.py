"""The licence of the open data, written into every file that carries it (json, csv page, xlsx)."""

LICENSE = {
    "name": "CC BY 4.0",
    "title": "クリエイティブ・コモンズ 表示 4.0 国際",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}


def attribution(publisher: str) -> str:
    """The line a re-user shows: the licence and the source."""
    source = f"出典: {publisher}" if publisher else ""
    return f"{LICENSE['title']} ({LICENSE['name']}) {LICENSE['url']} {source}".strip()
