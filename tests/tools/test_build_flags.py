# SPDX-License-Identifier: GPL-2.0
"""The flags a results file records (context.flags, from KCB_BUILD_FLAGS)
are the flags the compiler got, also when the user overrides
CMAKE_CXX_FLAGS: configure only, then read the compile commands."""
import json
import os
import shlex
import subprocess
import tempfile
import unittest

try:
    from .kcb_tools_testutil import REPO
except ImportError:
    from kcb_tools_testutil import REPO

USER_FLAGS = "-O1 -fno-pie -fno-stack-protector -DKCB_USER_FLAGS_MARK"


def _configure(build, extra):
    return subprocess.run(
        ["cmake", "-S", REPO, "-B", build, "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
         "-DCMAKE_TOOLCHAIN_FILE=" + os.path.join(REPO, "toolchains", "x86_64-linux-gnu.cmake")]
        + extra, capture_output=True, text=True, timeout=120)


def recorded_and_used(build):
    """(flags recorded in the binary, the compile command's flags) for bench/context.cpp"""
    with open(os.path.join(build, "compile_commands.json"), encoding="utf-8") as f:
        cmds = json.load(f)
    cmd = next(c for c in cmds if c["file"].endswith("bench/context.cpp"))
    argv = shlex.split(cmd["command"])
    rec = next(a for a in argv if a.startswith("-DKCB_BUILD_FLAGS="))
    recorded = rec.split("=", 1)[1].strip('"').split()
    used = [a for a in argv[1:] if a.startswith(("-O", "-f", "-m", "-g"))
            or a == "-DKCB_USER_FLAGS_MARK"]
    return recorded, used


class BuildFlags(unittest.TestCase):
    def test_user_override_recorded(self):
        with tempfile.TemporaryDirectory() as build:
            r = _configure(build, ["-DCMAKE_CXX_FLAGS=" + USER_FLAGS])
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            recorded, used = recorded_and_used(build)
        self.assertIn("-O1", used)
        self.assertNotIn("-O2", used)
        # what was recorded is what the compiler got, flag for flag
        self.assertEqual(sorted(set(recorded)), sorted(set(used)))


if __name__ == "__main__":
    unittest.main()
