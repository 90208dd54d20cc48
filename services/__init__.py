"""The rights-request workers, the simulated back-office stores, and their shared runtime."""
