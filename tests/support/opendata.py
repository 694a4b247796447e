"""Comparing open-data documents by their table, leaving out the portal's record ids."""


def without_ids(document):
    """The json document without ``id`` and ``url`` of projects and activities (records made
    anew by an import get new ids; the table they describe is what such tests compare)."""
    if isinstance(document, list):
        return [without_ids(v) for v in document]
    if isinstance(document, dict):
        return {
            k: without_ids(v)
            for k, v in document.items()
            if not (k in ("id", "url") and ("rows" in document or "status" in document))
        }
    return document
