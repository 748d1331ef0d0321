# SPDX-License-Identifier: GPL-2.0
"""Lab integration: packing and scheduling the suite on lab machines."""
