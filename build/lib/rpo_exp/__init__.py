"""rpo_exp: Relative Preference Optimization (arXiv 2402.10958), SWEPO and their baselines.

Not TRL's `rpo_alpha` (NLL-regularised DPO) nor NeMo's reward-aware RPO.
"""

__version__ = "0.1.0"
