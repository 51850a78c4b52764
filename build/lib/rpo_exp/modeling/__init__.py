"""Models: loading, adapters (LoRA, QLoRA), attention and packing, log-probs, prompt embeddings."""
