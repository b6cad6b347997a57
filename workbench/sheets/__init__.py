"""Writing spreadsheet cells safely (formula injection, XML-illegal characters, cell
limits) and rows to .xlsx: a leaf every writer of sheets uses (export/, codebook/,
profile/)."""
