"""The plan of a workbook import, level by level: what it creates, updates and removes, each
difference with its cell (``differences``), before anything is written (``ImportWriter``)."""
