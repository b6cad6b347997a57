"""Offline coding assistance: passages like a given one, and code suggestions learned from
the team's own codings. Everything runs on this machine (spaCy vectors from a PyPI model
package, scikit-learn); no text leaves it."""
