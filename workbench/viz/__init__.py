"""Charts and word clouds drawn from the analysis DataFrames (French labels)."""
