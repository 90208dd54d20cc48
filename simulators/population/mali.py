"""Malian names, towns, cells and identifier formats (MSISDN, NINA, IMEI, RIB)."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from simulators.population.records import Cell

FEMALE_NAMES = (
    "Aminata", "Fatoumata", "Mariam", "Awa", "Kadiatou", "Salimata", "Oumou", "Aïssata",
    "Djénéba", "Hawa", "Assétou", "Rokia", "Bintou", "Kadidia", "Nana", "Safiatou",
)
MALE_NAMES = (
    "Moussa", "Oumar", "Seydou", "Bakary", "Ibrahim", "Mamadou", "Adama", "Boubacar",
    "Souleymane", "Modibo", "Amadou", "Issa", "Sékou", "Lassina", "Drissa", "Hamidou",
    "Abdoulaye", "Youssouf",
)
SURNAMES = (
    "Traoré", "Keïta", "Coulibaly", "Diarra", "Touré", "Sissoko", "Konaté", "Diallo",
    "Cissé", "Maïga", "Sangaré", "Dembélé", "Kanté", "Camara", "Sidibé", "Doumbia",
    "Samaké", "Koné", "Bagayoko", "Togola", "Ballo", "Dicko", "Guindo", "Kouyaté", "Fofana",
)
PROFESSIONS = (
    "commerçant", "enseignant", "agriculteur", "étudiant", "fonctionnaire", "chauffeur",
    "infirmier", "artisan", "couturière", "mécanicien", "éleveur", "ingénieur", "comptable",
)
COMPANY_WORDS = ("Sahel", "Niger", "Djoliba", "Mandé", "Kénédougou", "Bani", "Tamani")
COMPANY_TRADES = ("Transport", "Commerce Général", "BTP", "Agro-Industrie", "Services")
BAMAKO_QUARTERS = (
    "Hamdallaye ACI 2000", "Badalabougou", "Lafiabougou", "Kalaban Coura", "Magnambougou",
    "Hippodrome", "Médina Coura", "Djélibougou", "Sébénikoro", "Niaréla", "Faladié",
)


@dataclass(frozen=True)
class Town:
    name: str
    code: str
    region: str
    lat: float
    lon: float
    cells: int
    weight: int


TOWNS = (
    Town("Bamako", "BKO", "District de Bamako", 12.6392, -8.0029, 12, 40),
    Town("Kati", "KTI", "Koulikoro", 12.7441, -8.0726, 3, 5),
    Town("Koulikoro", "KLK", "Koulikoro", 12.8628, -7.5599, 2, 3),
    Town("Sikasso", "SKS", "Sikasso", 11.3176, -5.6665, 4, 8),
    Town("Koutiala", "KTL", "Sikasso", 12.3917, -5.4642, 3, 5),
    Town("Bougouni", "BGN", "Sikasso", 11.4177, -7.4832, 2, 3),
    Town("Ségou", "SEG", "Ségou", 13.4317, -6.2157, 4, 7),
    Town("San", "SAN", "Ségou", 13.3034, -4.8956, 2, 3),
    Town("Mopti", "MPT", "Mopti", 14.4843, -4.1830, 3, 5),
    Town("Djenné", "DJE", "Mopti", 13.9061, -4.5533, 2, 2),
    Town("Kayes", "KYS", "Kayes", 14.4469, -11.4456, 3, 5),
    Town("Kita", "KIT", "Kayes", 13.0349, -9.4895, 2, 2),
    Town("Nioro du Sahel", "NIO", "Kayes", 15.2305, -9.5898, 1, 1),
    Town("Gao", "GAO", "Gao", 16.2717, -0.0447, 3, 3),
    Town("Tombouctou", "TBT", "Tombouctou", 16.7666, -3.0026, 2, 2),
    Town("Kidal", "KDL", "Kidal", 18.4411, 1.4078, 1, 1),
)
TOWNS_BY_NAME = {town.name: town for town in TOWNS}
MSISDN_PREFIXES = ("6", "7", "9")
_MSISDN_SPACE = 9_990_000
_MSISDN_STEP = 7_919  # prime, coprime with the space: slot -> number is one-to-one


def cell_ids(town: Town) -> list[str]:
    return [f"{town.code}-{n:03d}" for n in range(1, town.cells + 1)]


def cells() -> Iterator[Cell]:
    """Every cell of the simulated network; fixed, whatever the seed."""
    for town in TOWNS:
        rng = random.Random(f"cells:{town.code}")
        for cell_id in cell_ids(town):
            yield Cell(cell_id, town.name, town.region, round(town.lat + rng.uniform(-.05, .05), 5),
                       round(town.lon + rng.uniform(-.05, .05), 5))


def pick_town(rng: random.Random) -> Town:
    return rng.choices(TOWNS, weights=[t.weight for t in TOWNS])[0]


def slot_msisdn(seed: int, slot: int) -> str:
    """A distinct MSISDN per slot; never in the block ``+2237000xxxx`` kept for demo subjects."""
    lower = 10_000 + (slot * _MSISDN_STEP + seed) % _MSISDN_SPACE
    return f"+223{MSISDN_PREFIXES[slot % 3]}{lower:07d}"


def random_msisdn(rng: random.Random) -> str:
    return f"+223{rng.choice(MSISDN_PREFIXES)}{rng.randrange(10_000, 10_000_000):07d}"


def nina(gender: str | None, born_yymmdd: str, region: int, serial: int) -> str:
    """A NINA-like number: sex digit, birth date, region, serial, check letter (15 chars)."""
    body = f"{1 if gender == 'M' else 2}{born_yymmdd}{region:02d}{serial % 100_000:05d}"
    return body + chr(ord("A") + sum(int(d) for d in body) % 26)


def imei(rng: random.Random) -> str:
    """A 15-digit IMEI with its Luhn check digit."""
    body = f"35{rng.randrange(10**12):012d}"
    return body + str(luhn_digit(body))


def luhn_digit(digits: str) -> int:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def rib(rng: random.Random) -> str:
    """A Malian RIB, compact: bank code, branch, account number, key."""
    bank = rng.choice(("ML016", "ML040", "ML102", "ML079"))
    return f"{bank}{rng.randrange(10**5):05d}{rng.randrange(10**12):012d}{rng.randrange(100):02d}"


def address(rng: random.Random, town: str) -> str:
    if town == "Bamako":
        quarter = rng.choice(BAMAKO_QUARTERS)
        return f"Rue {rng.randint(100, 600)}, Porte {rng.randint(1, 150)}, {quarter}, Bamako"
    return f"Quartier {rng.randint(1, 12)}, Rue {rng.randint(1, 60)}, {town}"


def email(rng: random.Random, given: str, surname: str) -> str:
    local = f"{ascii_fold(given)}.{ascii_fold(surname)}{rng.randint(1, 99)}".lower()
    return f"{local}@{rng.choice(('gmail.com', 'yahoo.fr', 'orangemali.net'))}"


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and c.isascii())
