"""The simulated billing system: accounts, invoices, consumption, payments, debts, disputes."""
