"""The simulated CDR store: call, SMS and data events, network cells and legal holds."""
