"""The namespaces of `Project`, in the manner of pandas' accessors (``Series.str``): each
is a small object bound to the project's read-only view (`ProjectData`), grouping one
family of verbs: ``p.export``, ``p.review``, ``p.team``, ``p.privacy``, ``p.words``,
``p.framework``, ``p.history`` (``p.analysis`` is `workbench.analyses.Analyses`)."""
