"""Subject plans, and the fixed demo subjects that cover every edge case of the rulebook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from simulators.population.mali import nina

ORDINARY = "ordinary"
DEBT, LITIGATION = "debt", "litigation"
STOLEN_DEVICE, REQUISITION = "stolen_device", "requisition"


@dataclass(frozen=True)
class HoldingPlan:
    """An MSISDN held from ``from_days_ago`` until ``until_days_ago`` (None: still held)."""

    msisdn: str
    from_days_ago: int
    until_days_ago: int | None = None

    def period(self, now: datetime) -> tuple[datetime, datetime | None]:
        until = None if self.until_days_ago is None else now - timedelta(self.until_days_ago)
        return now - timedelta(self.from_days_ago), until


@dataclass(frozen=True)
class SubjectPlan:
    """Who a subject is before their records are drawn; ``flags`` name their holds."""

    customer_code: str
    full_name: str
    date_of_birth: date | None
    nina: str | None
    holdings: tuple[HoldingPlan, ...]
    case: str = ORDINARY
    kind: str = "person"
    given_names: str | None = None
    surname: str | None = None
    gender: str | None = None
    home_town: str = "Bamako"
    rccm: str | None = None
    nif: str | None = None
    representative_code: str | None = None
    flags: frozenset[str] = frozenset()
    heavy: bool = False
    """A heavy user: ``Population.heavy_cdr_events`` events instead of the common count."""
    traffic: int = 1
    """Otherwise, CDR events in multiples of an ordinary subscriber's."""

    @property
    def msisdn(self) -> str:
        """The number to quote in a request: one still held, else the last one held."""
        current = [h for h in self.holdings if h.until_days_ago is None]
        return (current or list(self.holdings))[0].msisdn

    @property
    def terminated(self) -> bool:
        return all(h.until_days_ago is not None for h in self.holdings)


def person(code: str, given: str, surname: str, gender: str, born: date, region: int,
           holdings: tuple[HoldingPlan, ...], case: str = ORDINARY, town: str = "Bamako",
           flags: frozenset[str] = frozenset(), heavy: bool = False,
           traffic: int = 1) -> SubjectPlan:
    return SubjectPlan(
        customer_code=code, full_name=f"{given} {surname}", date_of_birth=born,
        nina=nina(gender, born.strftime("%y%m%d"), region, int(code[-6:])),
        holdings=holdings, case=case, given_names=given, surname=surname, gender=gender,
        home_town=town, flags=flags, heavy=heavy, traffic=traffic,
    )


RECYCLED_MSISDN = "+22370002000"
RECYCLED_UNTIL_DAYS_AGO = 240
RECYCLED_SINCE_DAYS_AGO = 230
HEAVY_USER = "CM-100015"
FORMER_CUSTOMER = "CM-100016"  # contract ended, number not given to anyone since
FORMER_HEAVY_USER = "CM-100017"  # contract ended lately, much traffic, some past retention
FORMER_HEAVY_TRAFFIC = 5


def demo_subjects() -> tuple[SubjectPlan, ...]:
    """Always present, whatever the seed: the demo's 5 ordinary subjects and the edge cases."""
    h = HoldingPlan
    return (
        person("CM-100001", "Aminata", "Traoré", "F", date(1988, 3, 14), 1,
               (h("+22370001001", 1800),)),
        person("CM-100002", "Moussa", "Keïta", "M", date(1979, 11, 2), 1,
               (h("+22370001002", 2500),)),
        person("CM-100003", "Fatoumata", "Coulibaly", "F", date(1995, 6, 21), 3,
               (h("+22370001003", 900),), town="Sikasso"),
        person("CM-100004", "Oumar", "Diarra", "M", date(1983, 1, 9), 4,
               (h("+22370001004", 1300),), town="Ségou"),
        person("CM-100005", "Mariam", "Touré", "F", date(1991, 9, 30), 5,
               (h("+22370001005", 700),), town="Mopti"),
        person("CM-100006", "Seydou", "Sissoko", "M", date(1970, 5, 17), 2,
               (h(RECYCLED_MSISDN, 2400, RECYCLED_UNTIL_DAYS_AGO),),
               case="recycled MSISDN: previous holder, contract terminated", town="Kayes"),
        person("CM-100007", "Awa", "Konaté", "F", date(1998, 12, 5), 1,
               (h(RECYCLED_MSISDN, RECYCLED_SINCE_DAYS_AGO),),
               case="recycled MSISDN: current holder"),
        person("CM-100008", "Bakary", "Diallo", "M", date(1986, 7, 23), 1,
               (h("+22370003001", 1500), h("+22370003002", 900),
                h("+22370003003", 1200, 400)),
               case="several MSISDNs (two held, one given up 400 days ago)"),
        SubjectPlan(
            customer_code="CM-100009", full_name="Sahel Transport Services SARL",
            date_of_birth=None, nina=None, holdings=(h("+22370004001", 2000),),
            case="legal entity, represented by CM-100010", kind="legal_entity",
            rccm="MA.BKO.2014.B.5678", nif="084512367P", representative_code="CM-100010",
        ),
        person("CM-100010", "Ibrahim", "Cissé", "M", date(1975, 2, 11), 1,
               (h("+22370004002", 1600),), case="representative of CM-100009"),
        person("CM-100011", "Kadiatou", "Maïga", "F", date(1990, 4, 8), 1,
               (h("+22370005001", 1100),), case="debt under recovery",
               flags=frozenset({DEBT})),
        person("CM-100012", "Hamidou", "Sangaré", "M", date(1982, 10, 19), 4,
               (h("+22370006001", 1400),), case="litigation: an open billing dispute",
               town="Ségou", flags=frozenset({LITIGATION})),
        person("CM-100013", "Salimata", "Dembélé", "F", date(1993, 8, 27), 1,
               (h("+22370007001", 1000),), case="stolen-device hold (stolen 60 days ago)",
               flags=frozenset({STOLEN_DEVICE})),
        person("CM-100014", "Boubacar", "Kanté", "M", date(1977, 3, 3), 1,
               (h("+22370008001", 1700),), case="judicial requisition on the MSISDN",
               flags=frozenset({REQUISITION})),
        person(HEAVY_USER, "Mamadou", "Koné", "M", date(1984, 6, 12), 1,
               (h("+22370009001", 2200),), case="heavy user: far more CDR events than anyone",
               heavy=True),
        person(FORMER_CUSTOMER, "Assétou", "Samaké", "F", date(1987, 2, 14), 1,
               (h("+22370010001", 1900, 150),),
               case="former customer: contract ended 150 days ago, number not reassigned"),
        person(FORMER_HEAVY_USER, "Youssouf", "Bagayoko", "M", date(1980, 9, 3), 1,
               (h("+22370011001", 2600, 60),),
               case="former heavy user: contract ended 60 days ago, traffic older than the "
                    "12-month retention", traffic=FORMER_HEAVY_TRAFFIC),
    )
