"""Decode the bytes of a text file whose encoding nobody wrote down.

Order of decisions:

1. known binary signatures (PNG, JPEG, GIF, zip/Office, PDF, old Word .doc)
   are refused with a message saying what the file really is;
2. a byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32);
3. BOM-less UTF-16 is recognised by its pattern of NUL bytes;
4. more than a few NULs, or many control bytes, mean "not a text file";
5. strict UTF-8 (ASCII included) is preferred; UTF-8 with a few damaged
   bytes among many good accented letters stays UTF-8 (U+FFFD in their
   place, and a warning);
6. otherwise the Western-European 8-bit encodings (cp1252, ISO-8859-15, Mac
   Roman, DOS cp850) are scored by how plausible their accented letters are
   for French and neighbouring languages; a clear winner is taken without a
   warning. cp1252 and latin-1 differ only on bytes 0x80–0x9F: the name
   reported is "cp1252" when such bytes occur and "latin-1" otherwise;
7. failing that, charset-normalizer decides and a warning says the guess is
   unsure (charset-normalizer alone is unreliable on short French texts).
"""

from __future__ import annotations

import codecs
import re

from workbench.errors import CorpusError

_IMAGE = "une image ne peut pas être importée comme transcription"
_SIGNATURES: list[tuple[bytes, str, str]] = [
    (b"\x89PNG\r\n\x1a\n", "une image PNG", _IMAGE),
    (b"\xff\xd8\xff", "une image JPEG", _IMAGE),
    (b"GIF8", "une image GIF", _IMAGE),
    (b"%PDF-", "un document PDF", "renommez-le avec l'extension .pdf et importez-le à nouveau"),
    (
        b"PK\x03\x04",
        "une archive zip (peut-être un fichier .docx, .odt ou .xlsx)",
        "donnez-lui sa bonne extension (.docx, .odt) et importez-le à nouveau",
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "un ancien fichier Office binaire (.doc ou .xls)",
        "ouvrez-le dans Word ou LibreOffice et enregistrez-le en .docx, .odt ou .txt",
    ),
]

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

# Non-ASCII characters expected in French (and Spanish, Italian, Portuguese,
# German) text; the low quotes ‚ „ are left out on purpose: in cp1252 they are
# what DOS cp850 "é" and "ä" look like.
_PLAUSIBLE = set(
    "àâäáãåæçèéêëìíîïñòóôöõøœùúûüÿýÀÂÄÁÃÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÖÕØŒÙÚÛÜŸÝß"
    "«»‹›‘’“”–—…•°€£§ºª²³±×·\u00a0\u202f©®™"
)
_CANDIDATES = ["cp1252", "iso8859_15", "mac_roman", "cp850"]
# C0 controls other than tab, LF, FF, CR and ESC (NUL included)
_CONTROL_BYTES = (*range(0, 9), 11, *range(14, 27), *range(28, 32))
_SAMPLE = 64 * 1024  # bytes looked at for binary content
_SCORED = 256 * 1024  # bytes decoded to choose an 8-bit code page
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LETTER = re.compile(r"[^\W\d_]")


def _fail(source: str, what: str, todo: str) -> CorpusError:
    return CorpusError(f"{source} : {what} ; {todo}.")


def _not_text(source: str, why: str) -> CorpusError:
    return _fail(
        source,
        f"ce n'est pas un fichier texte ({why})",
        "importez les transcriptions en .txt, .md, .docx, .odt, .pdf, .vtt, .srt, .trs ou "
        ".TextGrid",
    )


def _utf16_without_bom(sample: bytes) -> str | None:
    """Return "utf-16-le"/"utf-16-be" when NULs sit on one parity only, as in UTF-16."""
    n = len(sample) - len(sample) % 2
    if n < 4:
        return None
    half = n // 2
    even = sample[0:n:2].count(0)
    odd = sample[1:n:2].count(0)
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _check_binary(data: bytes, source: str) -> None:
    for magic, what, todo in _SIGNATURES:
        if data.startswith(magic):
            raise _fail(source, f"ce n'est pas un fichier texte (c'est {what})", todo)
    sample = data[:_SAMPLE]
    nuls = sample.count(0)
    if nuls > max(8, len(sample) // 1000):
        raise _not_text(source, "il contient des octets NUL et n'est pas du texte UTF-16")
    controls = sum(sample.count(b) for b in _CONTROL_BYTES)
    if controls > max(8, len(sample) // 100):
        raise _not_text(source, "il contient beaucoup d'octets de contrôle")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few damaged bytes, decoded with U+FFFD in their place; else None."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(_NON_ASCII.findall(text)) - bad
    if good < 1 or bad > max(3, good // 50):
        return None
    return text


def _plausibility(text: str) -> float:
    """Share of plausible characters among non-ASCII ones (1.0 when all ASCII).

    A non-ASCII capital inside a lower-case word ("DÇjÖ", cp850 read as Mac
    Roman) is implausible; so is a text whose letters are mostly non-ASCII
    (another script read with a Latin code page).
    """
    odd = [m.start() for m in _NON_ASCII.finditer(text)]
    if not odd:
        return 1.0
    letters = len(_LETTER.findall(text))
    if letters and len(odd) > 0.5 * letters:
        return 0.0
    good = 0
    for i in odd:
        c = text[i]
        if c not in _PLAUSIBLE:
            continue
        if c.isupper():
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if before.islower() or (before.isalpha() and after.islower()):
                continue
        good += 1
    return good / len(odd)


def _decode_8bit(data: bytes, source: str) -> tuple[str, str, list[str]]:
    """Decode non-UTF-8 bytes: a plausible Western code page, else charset-normalizer."""
    sample = data[:_SCORED]
    best: tuple[float, str] | None = None
    for enc in _CANDIDATES:
        try:
            score = _plausibility(sample.decode(enc))
        except UnicodeDecodeError:
            continue
        if best is None or score > best[0]:
            best = (score, enc)
    warnings: list[str] = []
    if best is not None and best[0] >= 0.9:
        enc = best[1]
    else:
        try:
            from charset_normalizer import from_bytes

            guess = from_bytes(data).best()
        except Exception:  # detection is only a hint
            guess = None
        enc = guess.encoding if guess is not None else (best[1] if best else "latin-1")
        warnings.append(
            f"{source} : l'encodage du texte n'a pas pu être détecté avec certitude (lu en "
            f"{enc}) ; vérifiez les lettres accentuées, ou enregistrez le fichier en UTF-8 et "
            "importez-le à nouveau."
        )
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        text, enc = data.decode("latin-1"), "latin-1"
    if enc == "cp1252" and not any(0x80 <= b <= 0x9F for b in data):
        enc = "latin-1"  # identical on these bytes; latin-1 is the plainer name
    return text, enc, warnings


def decode_bytes(data: bytes, *, source: str) -> tuple[str, str, list[str]]:
    """Decode the bytes of a text file.

    Args:
        data: the file's bytes.
        source: the file name, used in messages.

    Returns:
        ``(text, encoding, warnings)``: the text without its byte-order mark
        (not yet normalised, see :func:`~workbench.corpus.normalise.normalise_text`),
        the name of the encoding used and the warnings for the user.

    Raises:
        CorpusError: the file is empty or blank, binary, or not decodable.
    """
    if not data:
        raise _fail(source, "le fichier est vide",
                    "vérifiez que le bon fichier a été exporté, puis importez-le")
    text: str | None = None
    enc = ""
    for bom, name in _BOMS:
        if data.startswith(bom):
            enc = "utf-8-sig" if name == "utf-8" else name
            try:
                text = data[len(bom) :].decode(name)
            except UnicodeDecodeError as exc:
                raise _fail(
                    source,
                    f"commence par une marque d'ordre des octets (BOM) {name.upper()} mais "
                    f"n'est pas du {name.upper()} valide (octet {exc.start + len(bom)})",
                    "ouvrez-le dans un éditeur de texte et enregistrez-le à nouveau en UTF-8",
                ) from exc
            break
    warnings: list[str] = []
    if text is None:
        utf16 = _utf16_without_bom(data[:_SAMPLE])
        if utf16:
            try:
                text, enc = data.decode(utf16), utf16
            except UnicodeDecodeError as exc:
                raise _not_text(source, "il contient des octets NUL et n'est pas du texte "
                                         "UTF-16") from exc
        else:
            _check_binary(data, source)
            try:
                text, enc = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError as exc:
                repaired = _mostly_utf8(data)
                if repaired is not None:
                    text, enc = repaired, "utf-8"
                    warnings.append(
                        f"{source} : UTF-8 avec {repaired.count(chr(0xFFFD))} séquence(s) "
                        f"d'octets abîmée(s) (la première à l'octet {exc.start}), affichée(s) "
                        "comme � ; vérifiez ces endroits dans l'original."
                    )
                else:
                    text, enc, warnings = _decode_8bit(data, source)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise _fail(
            source, "le fichier est vide (il ne contient que des blancs)",
            "vérifiez l'export, puis importez-le"
        )
    return text, enc, warnings
