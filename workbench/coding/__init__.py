"""Coding: anchoring spans, the codings and codes in the store, extracts."""
