"""Analyses as pure functions: DataFrames in, DataFrames out, each stating its unit."""
