# SPDX-License-Identifier: GPL-2.0
"""The report's views: one kind of table (or paragraph) per file; build.py
puts them in order."""
