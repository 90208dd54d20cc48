"""Data discovery: what CRM, billing and CDR hold for a verified subject."""
