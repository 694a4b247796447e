"""Writes: every change that touches the database beyond one form goes through these modules.

Each entry point is keyword-only and atomic, checks permissions on the server, records what it
changed in ``Change`` and returns a result object instead of printing:
``imports`` (the workbook import), ``editing`` (an activity or project edited by a person),
``linking`` (links to the year before), ``years`` (roll-over and publishing), ``demo``.
"""
