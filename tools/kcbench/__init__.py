# SPDX-License-Identifier: GPL-2.0
"""kcache-bench tools: results, reports, the regression gate and the static
metrics, as one package behind the thin entry points in tools/ and plots/."""
