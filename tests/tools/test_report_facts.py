"""Unit tests for what the report derives: loads counted in call-site
sequences per arch, sequence formats, the statistics, and the 72-column
renderer on a table far too wide for it."""
import unittest

try:
    from . import kcb_tools_testutil as U  # noqa: F401  (puts tools/ on path)
except ImportError:
    import kcb_tools_testutil as U  # noqa: F401

from kcbench.report.blocks import Table
from kcbench.report.fmt import fdelta
from kcbench.report.markdown import to_markdown
from kcbench.report.sequence import count_loads, insns_of, seq_text
from kcbench.report.stats import differ, paired
from kcbench.report.text import to_text


class Loads(unittest.TestCase):
    def test_x86_att(self):
        self.assertEqual(count_loads("x86_64", ["mov 0x2f3a(%rip),%rdi"]), 1)
        self.assertEqual(count_loads("x86_64", ["movabs $0x1234,%rdi"]), 0)
        self.assertEqual(count_loads("x86_64", ["mov $0x4c5040,%edi"]), 0)
        self.assertEqual(count_loads("x86_64", ["lea 0x10(%rip),%rdi"]), 0)

    def test_i686_absolute_load(self):
        self.assertEqual(count_loads("i686", ["mov 0x804c0a0,%eax"]), 1)
        self.assertEqual(count_loads("i686", ["mov $0x804c0a0,%eax"]), 0)

    def test_x86_intel(self):
        self.assertEqual(count_loads(
            "x86_64", ["mov rdi,QWORD PTR [rip+0x2f3a]"]), 1)
        self.assertEqual(count_loads("x86_64", ["mov edi,0x4c5040"]), 0)

    def test_static_metrics_sequence_names(self):
        # tools/static_metrics.py names x86 forms: rip-rel, mem, $imm
        self.assertEqual(count_loads("x86_64", "mov rip-rel"), 1)
        self.assertEqual(count_loads("i686", "mov mem"), 1)
        self.assertEqual(count_loads("x86_64", "mov $imm"), 0)
        self.assertIsNone(count_loads("x86_64", "movabs"))  # moffs or imm?

    def test_x86_without_operands_is_unknown(self):
        self.assertIsNone(count_loads("x86_64", "mov"))

    def test_risc(self):
        self.assertEqual(count_loads("arm64", "adrp+ldr"), 1)
        self.assertEqual(count_loads("arm64", "adrp+add"), 0)
        self.assertEqual(count_loads("arm64", "movz+movk+movk+movk"), 0)
        self.assertEqual(count_loads("riscv64", ["auipc a0,0x2",
                                                 "ld a0,-16(a0)"]), 1)
        self.assertEqual(count_loads("riscv64", "lui+lui+addiw+addiw+slli+"
                                                "slli+srli+add"), 0)
        self.assertEqual(count_loads("riscv64", "auipc+c.ld"), 1)
        self.assertEqual(count_loads("s390x", ["lgrl %r2,0x1000"]), 1)
        self.assertEqual(count_loads("s390x", ["larl %r2,0x1000"]), 0)
        self.assertEqual(count_loads("s390x", ["iihf %r2,0x1",
                                               "iilf %r2,0x2"]), 0)
        self.assertEqual(count_loads("s390x", ["la %r2,8(%r1)"]), 0)
        self.assertEqual(count_loads("ppc64le", "addis+ld"), 1)
        self.assertEqual(count_loads("ppc64le", "addis+addi"), 0)
        self.assertEqual(count_loads("mips64el", "lui+daddiu+ld"), 1)
        self.assertEqual(count_loads("armhf", "movw+movt+ldr"), 1)
        self.assertEqual(count_loads("armhf", "movw+movt"), 0)

    def test_sequence_formats(self):
        a = insns_of(["  401000:\t48 8b 05 00 00 00 00 \tmov    "
                      "0x0(%rip),%rax"])
        self.assertEqual(a, [("mov", "0x0(%rip),%rax")])
        self.assertEqual(seq_text([{"mnemonic": "adrp", "operands": "x0, 1"},
                                   {"asm": "add x0, x0, #8"}]), "adrp+add")
        self.assertEqual([m for m, _ in insns_of(
            "auipc a0,0x2; addi a0,a0,64")], ["auipc", "addi"])
        self.assertEqual(seq_text("mov rip-rel"), "mov rip-rel")
        self.assertEqual(seq_text(None), "n/a")
        self.assertIsNone(count_loads("arm64", None))
        self.assertIsNone(count_loads("vax", "movl"))

    def test_fdelta(self):
        self.assertEqual(fdelta(8, "B"), "+8 B")
        self.assertEqual(fdelta(-1), "-1")
        self.assertEqual(fdelta(0, "B"), "±0 B")


class Stats(unittest.TestCase):
    def m(self, xs):
        xs = sorted(xs)
        return {"samples": xs, "median": xs[len(xs) // 2],
                "ci95_lo": xs[len(xs) // 4], "ci95_hi": xs[3 * len(xs) // 4]}

    def test_mann_whitney(self):
        a = self.m([10 + 0.01 * i for i in range(20)])
        b = self.m([11 + 0.01 * i for i in range(20)])
        d = differ(b, a)
        self.assertEqual(d["verdict"], "higher")
        self.assertEqual(d["method"], "Mann-Whitney U")
        self.assertLess(d["p"], 0.001)
        same = differ(self.m([10 + 0.01 * i for i in range(20)]), a)
        self.assertEqual(same["verdict"], "same")

    def test_ci_fallback_without_samples(self):
        a = {"samples": 31, "median": 10, "ci95_lo": 9.9, "ci95_hi": 10.1}
        b = {"samples": 31, "median": 11, "ci95_lo": 10.9, "ci95_hi": 11.1}
        d = differ(b, a)
        self.assertEqual(d["verdict"], "higher")
        self.assertIn("no raw samples", d["method"])
        c = {"samples": 31, "median": 10.05, "ci95_lo": 9.95,
             "ci95_hi": 10.2}
        self.assertEqual(differ(c, a)["verdict"], "same")

    def test_paired(self):
        # kcb_bench's paired difference: real when its CI excludes 0
        d = paired({"median": 4.0, "ci95_lo": 3.98, "ci95_hi": 4.02})
        self.assertEqual((d["verdict"], d["delta"]), ("higher", 4.0))
        self.assertEqual(d["ci"], (3.98, 4.02))
        self.assertEqual(paired({"median": -1, "ci95_lo": -1.2,
                                 "ci95_hi": -0.5})["verdict"], "lower")
        self.assertEqual(paired({"median": 0.1, "ci95_lo": -0.1,
                                 "ci95_hi": 0.3})["verdict"], "same")
        self.assertEqual(paired({"median": 1})["verdict"], "n/a")

    def test_missing_median(self):
        self.assertEqual(differ({"median": None}, {"median": 1})["verdict"],
                         "n/a")


class Render(unittest.TestCase):
    def test_wide_table_splits_and_wraps(self):
        hdr = ["key"] + [f"column_{i}" for i in range(9)]
        rows = [["row"] + [f"{i}.123 [4.5,6.7]" for i in range(9)],
                ["x" * 50] + ["y" * 90] + ["1"] * 8]
        t = Table("A title that is longer than seventy-two columns, so it "
                  "has to wrap onto a second line [unit]", hdr, rows)
        txt = to_text([("h", 1, "Heading"), ("table", t),
                       ("code", ["tools/report " + "/very/long/path" * 8]),
                       ("kv", [("flags", "-O2 " * 40)])])
        for line in txt.splitlines():
            self.assertLessEqual(len(line), 72, repr(line))
        for i in range(9):  # nothing dropped
            self.assertIn(f"column_{i}", txt)
        md = to_markdown([("table", t)])
        self.assertIn("| key | column\\_0 |", md)

    def test_format_only_blocks(self):
        b = [("md", ("p", "only-md")), ("txt", ("p", "only-txt"))]
        self.assertIn("only-md", to_markdown(b))
        self.assertNotIn("only-txt", to_markdown(b))
        self.assertIn("only-txt", to_text(b))
        self.assertNotIn("only-md", to_text(b))


class Modes(unittest.TestCase):
    """The report names a record whose rounds split into two major modes,
    and only such records."""
    def test_modes_line(self):
        from types import SimpleNamespace
        from kcbench.report.facts import measured_index
        from kcbench.report.views.measured import modes_line

        def rec(variant, modes):
            met = {"median": 22.0, "rounds": sum(n for _, n in modes),
                   "round_modes": [{"value": v, "rounds": n} for v, n in modes]}
            return {"model": "sheaves", "scenario": "callsite", "variant": variant,
                    "metrics": {"calibrated-cycles": met}}
        m = SimpleNamespace(label="vm [distro]", records=[
            rec("pointer", [(18.3, 31), (22.0, 19)]),
            rec("static", [(18.4, 49), (40.0, 1)]),   # a lone round: one mode
            rec("runtime_const", [(22.0, 50)])])
        line = modes_line(m, measured_index(m), "calibrated-cycles")
        self.assertIn("sheaves callsite pointer 18.30 (31 of 50 rounds) | 22.00 (19 of 50 rounds)", line)
        self.assertNotIn("static", line)
        self.assertNotIn("runtime_const", line)
        m.records = m.records[1:]
        self.assertIsNone(modes_line(m, measured_index(m), "calibrated-cycles"))


if __name__ == "__main__":
    unittest.main()


class ConfigSymbols(unittest.TestCase):
    def test_default_config_rows_only(self):
        from kcbench.report.facts import symbols

        class St:
            doc = {"symbols": [
                {"symbol": "kcb_callsite__sheaves__static", "fn": "callsite", "model": "sheaves",
                 "variant": "static", "config": "distro", "bytes": 50, "insns": 12},
                {"symbol": "kcb_callsite__sheaves__static__minimal", "fn": "callsite",
                 "model": "sheaves", "variant": "static", "config": "minimal", "bytes": 40,
                 "insns": 10},
                {"symbol": "kcb_site__sheaves__static", "fn": "site", "model": "sheaves",
                 "variant": "static", "bytes": 8, "insns": 2}]}
        got = symbols(St)
        self.assertEqual(got[("callsite", "sheaves", "static")]["bytes"], 50)
        self.assertEqual(symbols(St, "minimal")[("callsite", "sheaves", "static")]["bytes"], 40)
        self.assertIn(("site", "sheaves", "static"), got)  # no config: every config's
