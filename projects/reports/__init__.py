"""Reads that feed the pages and the exports: the year's table (``tables``), the public pages
(``public``), years side by side (``years``) and the history in words (``history``).
Nothing here writes; a missing object is ``None`` or an exception of the model, never an HTTP
response (the views decide what a user sees).
"""
