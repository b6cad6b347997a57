"""Writers of what leaves the workbench: tables, annexes, exchange files."""
