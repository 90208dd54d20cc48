"""Intake: validate, deduplicate, register, compute the legal deadline; the request registry."""
