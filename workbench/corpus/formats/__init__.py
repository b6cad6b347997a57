"""One reader per file format; each returns a :class:`~workbench.corpus.model.ParsedDocument`."""
