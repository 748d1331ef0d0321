"""kcache-bench tools as a package."""
