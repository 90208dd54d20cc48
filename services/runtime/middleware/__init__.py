"""Cross-cutting behaviour around every handled message, one concern per module (as dramatiq)."""
