"""Stage 1, inputs: the files a user names turned into sources the engine can scan, and counted on their own.

Which files and members are read (``sources``), in which encoding (``encodings``), with which columns
(``layouts``, or the user's column ``mapping``), how spreadsheet times are read (``sheettimes``), and the
record count kept apart from the engine so a log read short is never reported clean (``records``).
"""
