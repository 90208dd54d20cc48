"""The ``dsr`` command line: demo, run, seed, submit, status."""
