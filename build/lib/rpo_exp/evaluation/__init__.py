"""Judged win rates and their pieces: generation, judges, reward scores, the KL estimate."""
