"""The training loop and what it needs: the loss objective, batch layouts, precision, several
processes, checkpoints, run dirs and tracking."""
