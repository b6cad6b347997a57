"""NLP: languages, spaCy pipelines per language, parse cache, token tables, scripts,
sentiment (pseudonyms are in `workbench.privacy`)."""
