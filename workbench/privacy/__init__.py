"""Names and pseudonyms: everything that keeps a real name out of what the COPIL sees.

Transcripts are personal data: the COPIL's views and exports must never show a real
name. The modules, from the bottom up:

- ``forms``: the pseudonym table's entries (`PseudonymEntry`), folding, titles, a
  person's name split in two, the written forms (variants) a name takes, the labels
  pseudonyms are made of.
- ``matching``: one compiled matcher per table; names replaced in texts and tables
  (`pseudonymise_text`, `pseudonymise_frame`, `name_spans`), the names left
  (`leaks`), whether a speaker label or an entity is a name.
- ``proposals``: the table proposed from the cases and speakers (`propose_pseudonyms`).
- ``entities``: spaCy's person entities not yet in the table (`person_entities`).
- ``table``: the table in the store, the protected places and categories, the name
  words left out of word statistics.
- ``name_check``: the last check of a pseudonymised output (known real names, possible
  names nobody reviewed) and the reviews.
- ``review_file``: a reviewed list of possible names (YAML).
- ``pseudonymiser``: all of the above on a project's store; what `Project`'s pseudonym
  and name-check methods call.

Importing this package imports none of them: `import workbench.privacy` stays cheap.
"""
