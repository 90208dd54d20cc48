"""Synthetic, deterministic subscribers of a Malian operator, for the simulated stores."""
