"""What every worker shares: settings, routing, unit of work, inbox/outbox, and the buses."""
