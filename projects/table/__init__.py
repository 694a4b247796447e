"""The 資料 table without Django: its notation, its dates and eras, the ``Overview`` data model,
the workbook reader and writer, the export formats and the print view's rows.

Nothing here imports Django (a test checks it), so every rule of the document can be used and
tested on its own: the services and reports hand plain data in and take plain data out.
"""
