"""``dsr subjects``: who to test with, and what a tester types for each of them."""

from __future__ import annotations

from rich.table import Table

from simulators.population.demo import SubjectPlan, demo_subjects

NAMES = {plan.customer_code: plan.full_name for plan in demo_subjects()}


def document_of(plan: SubjectPlan) -> str:
    if plan.kind == "legal_entity":
        return f"rccm_extract {plan.rccm}"
    return f"nina_card {plan.nina}" if plan.nina else ""


def case_of(plan: SubjectPlan) -> str:
    case = plan.case
    if plan.representative_code:
        case += f" ({NAMES.get(plan.representative_code, '?')})"
    return case


def subjects_table(plans: tuple[SubjectPlan, ...] | None = None) -> Table:
    table = Table(title="Sample subjects (in every seeded population, whatever the seed)")
    table.add_column("customer", no_wrap=True)
    table.add_column("--msisdn", no_wrap=True, min_width=12)
    table.add_column("--name")
    table.add_column("--birth-date", no_wrap=True)
    table.add_column("--document / --document-number")
    table.add_column("case")
    for plan in plans or demo_subjects():
        born = plan.date_of_birth.isoformat() if plan.date_of_birth else ""
        table.add_row(plan.customer_code, plan.msisdn, plan.full_name, born,
                      document_of(plan), case_of(plan))
    return table
