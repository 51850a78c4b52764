"""Pairwise LLM judging of generations (paper Appendix F): prompts, verdicts, the OpenAI-
compatible client with its on-disk verdict cache, and a local judge server."""
