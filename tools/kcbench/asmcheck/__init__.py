# SPDX-License-Identifier: GPL-2.0
"""Asm assertions: FileCheck patterns over the call-site code of a build
(tests/asm/<arch>.check), and their generator."""
