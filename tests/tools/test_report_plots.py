"""plots/plot_all.py renders every plot as PNG and SVG, with one fixed
colour per variant across all of them, and units in titles and axes."""
import os
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U


EXPECTED = ["bytes", "mca", "cold_pointer_penalty",
            "measured-x86_64-fixture-x86", "measured-arm64-fixture-x86"]


class Plots(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = U.Scratch()
        cls.rundir = cls.s.copy("run1")
        cls.proc = U.tool("plots/plot_all.py", cls.rundir, timeout=120)
        cls.pd = os.path.join(cls.rundir, "plots")

    @classmethod
    def tearDownClass(cls):
        cls.s.cleanup()

    def svg(self, name):
        with open(os.path.join(self.pd, name + ".svg")) as f:
            return f.read()

    def test_every_plot_png_and_svg(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        for name in EXPECTED:
            with open(os.path.join(self.pd, name + ".png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", name)
            self.assertIn("<svg", self.svg(name))
        self.assertEqual([f for f in os.listdir(self.pd)
                          if f.startswith(".tmp")], [])

    def test_fixed_colour_per_variant(self):
        from kcb_plot_style import COLOURS
        for name in ("bytes", "mca", "measured-x86_64-fixture-x86",
                     "cold_pointer_penalty"):
            svg = self.svg(name).lower()
            for v in ("pointer", "runtime_const", "static"):
                self.assertIn(COLOURS[v].lower(), svg, f"{name}: {v}")
        self.assertEqual(len(set(COLOURS.values())), len(COLOURS))

    def test_units_and_sources_in_titles(self):
        self.assertIn("objdump", self.svg("bytes"))
        self.assertIn("bytes per call site", self.svg("bytes"))
        self.assertIn("mca-cycles", self.svg("mca"))
        self.assertIn("emulated, not cycles",
                      self.svg("measured-arm64-fixture-x86"))
        self.assertIn("calibrated-cycles",
                      self.svg("measured-x86_64-fixture-x86"))
        self.assertIn("asm-generic fallback", self.svg("bytes"))
        self.assertIn("projected (no kernel support)", self.svg("bytes"))

    def test_skips_say_why(self):
        d = self.s.mkdir("staticonly")
        src = os.path.join(self.rundir, "riscv64-static.json")
        with open(src) as f, open(os.path.join(d, "riscv64-static.json"),
                                  "w") as g:
            g.write(f.read())
        p = U.tool("plots/plot_all.py", d, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("measured: skipped: no measured results", p.stdout)


if __name__ == "__main__":
    unittest.main()
