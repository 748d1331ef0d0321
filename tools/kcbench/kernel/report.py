# SPDX-License-Identifier: GPL-2.0
"""kernel.md and kernel.txt (72 columns) of a kernel.json: the report's
"Real kernel" view (report/views/kernel.py), rendered on its own."""
from ..report.markdown import to_markdown
from ..report.text import to_text
from ..report.views.kernel import kernel_blocks


def render(doc):
    blocks = kernel_blocks(doc)
    return to_markdown(blocks), to_text(blocks)
