"""`ExchangeReport`: what an exchange carried over, and what it could not.

The REFI-QDA standard (§7) asks a compliant tool to warn the user at import and
export whenever data may be lost; both directions return this report, whose
warnings are in French since researchers read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

_LABELS = (
    ("documents", "documents"), ("codes", "codes"), ("selections", "passages"),
    ("codings", "codages"), ("cases", "cas"), ("variables", "variables"),
    ("memos", "mémos"), ("users", "codeur·se(s)"), ("recordings", "enregistrement(s)"),
    ("recordings_skipped", "enregistrement(s) non exporté(s)"),
)


@dataclass
class ExchangeReport:
    """Counts of what was written or read, and the data-loss warnings.

    `end_positions` says how `endPosition` was read or written: "exclusive"
    (the position after the last character) or "inclusive" (the last character).
    """

    path: Path
    direction: str  # "export" | "import"
    documents: int = 0
    codes: int = 0
    selections: int = 0
    codings: int = 0
    cases: int = 0
    variables: int = 0
    memos: int = 0
    users: int = 0
    recordings: int = 0  # AudioSource / VideoSource written or attached
    recordings_skipped: int = 0  # left out of an export (file missing, pseudonymised)
    end_positions: str = "exclusive"
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        """Add a warning once (the same loss is reported a single time)."""
        if message not in self.warnings:
            self.warnings.append(message)

    def __str__(self) -> str:
        verb = "Exporté vers" if self.direction == "export" else "Importé depuis"
        counts = ", ".join(f"{getattr(self, key)} {label}" for key, label in _LABELS
                           if getattr(self, key))
        lines = [f"{verb} {self.path} : {counts or 'rien'}."]
        if self.warnings:
            lines.append(f"{len(self.warnings)} avertissement(s) :")
            lines += [f"  - {w}" for w in self.warnings]
        return "\n".join(lines)


def summaries_note(count: int) -> str:
    """The warning of an export that leaves `count` framework summaries behind: REFI-QDA
    has no place for a summary of one case (or document) under one code."""
    return (f"{count} synthèse(s) de la matrice de synthèse (p.framework : une par cas ou "
            "document et par thème) ne sont pas exportées : la norme REFI-QDA n'a pas de place "
            "pour elles ; exportez-les avec p.export.framework(…) en Word ou en Excel.")
