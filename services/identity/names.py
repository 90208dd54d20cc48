"""Name matching that tolerates accents, case, word order and small transliterations, but
not letters borrowed from another script (a Cyrillic "a", U+0430, in "Bakary")."""

from __future__ import annotations

import unicodedata


def normalise(name: str) -> str:
    """'Keïta  Moussa' -> 'keita moussa', words sorted, so order does not matter."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = "".join(c if c.isalnum() else " " for c in letters.casefold()).split()
    return " ".join(sorted(words))


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


MATCH_TOLERANCE = 2
REVIEW_TOLERANCE = 4


def name_distance(claimed: str, recorded: str) -> int:
    return edit_distance(normalise(claimed), normalise(recorded))


def names_match(claimed: str, recorded: str, tolerance: int = MATCH_TOLERANCE) -> bool:
    return name_distance(claimed, recorded) <= tolerance


def scripts(name: str) -> set[str]:
    """The scripts a name's letters are written in: 'Bakary' -> {'LATIN'}.

    The script is the first word of the letter's Unicode name (LATIN, CYRILLIC, GREEK, ARABIC,
    NKO, ...); accents, digits, spaces and punctuation belong to none.
    """
    return {unicodedata.name(c, "UNKNOWN").split()[0] for c in name if c.isalpha()}


def mixes_scripts(name: str) -> bool:
    return len(scripts(name)) > 1
