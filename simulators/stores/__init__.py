"""Plumbing shared by the three simulated back-office stores (CRM, billing, CDR)."""
