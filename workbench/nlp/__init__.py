"""French NLP: spaCy pipelines, parse cache, token tables, scripts, sentiment, pseudonyms."""
