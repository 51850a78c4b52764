"""Datasets -> Example records -> tokenized items -> batches."""
