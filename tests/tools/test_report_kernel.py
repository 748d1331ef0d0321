# SPDX-License-Identifier: GPL-2.0
"""tools/report with tools/kernel's results in the run folder
(<rundir>/kernel/kernel.json): the "Real kernel" section in both formats,
the model's figure taken from the same run, and model/kernel agreement
counted from the sites.  fixtures/kernel/kernel.json is a real run of
tools/kernel (Debian 6.12.118, 4 arches) trimmed to 6 caches and the
bloat-o-meter totals."""
import json
import os
import shutil
import unittest

try:
    from . import kcb_tools_testutil as U
except ImportError:
    import kcb_tools_testutil as U

KFIX = os.path.join(U.FIXTURES, "kernel", "kernel.json")


def kernel_sites(doc, arch, variant):
    return [s for c in doc["arches"][arch]["caches"].values()
            for s in ((c.get(variant) or {}).get("list") or [])]


def agreement_rows(txt):
    """arch, variant -> the agreement table's row, from report.txt."""
    rows = {}
    for line in txt.splitlines():
        f = line.split()
        if len(f) >= 3 and f[0] in ("x86_64", "arm64", "s390x", "riscv64") and \
                f[1] in ("pointer", "runtime_const", "static"):
            rows.setdefault((f[0], f[1]), f[2:])
    return rows


class ReportKernel(unittest.TestCase):
    def run_report(self, edit_kernel=None, edit_static=None):
        s = U.Scratch()
        self.addCleanup(s.cleanup)
        rundir = s.copy("run1")
        os.makedirs(os.path.join(rundir, "kernel"))
        kpath = os.path.join(rundir, "kernel", "kernel.json")
        shutil.copy(KFIX, kpath)
        if edit_kernel:
            U.edit_json(kpath, edit_kernel)
        if edit_static:
            U.edit_json(os.path.join(rundir, "x86_64-static.json"), edit_static)
        proc = U.tool("tools/report", rundir)
        out = {}
        for ext in ("md", "txt"):
            p = os.path.join(rundir, f"report.{ext}")
            out[ext] = ""
            if os.path.exists(p):
                with open(p) as f:
                    out[ext] = f.read()
        return proc, out, rundir

    @classmethod
    def setUpClass(cls):
        with open(KFIX) as f:
            cls.kdoc = json.load(f)

    def test_section_in_both_formats(self):
        proc, out, rundir = self.run_report()
        self.assertEqual(proc.returncode, 0, proc.stderr)
        md = out["md"].replace("\\_", "_")
        for arch in self.kdoc["arches"]:
            self.assertIn(f"### Real kernel, {arch}", md)
            self.assertIn(f"Real kernel, {arch}", out["txt"])
        self.assertIn("## Real kernel: the series' call sites compiled three ways", md)
        # a cell rendered from the JSON, not pasted: sites x bytes/insns per site
        mnt = self.kdoc["arches"]["x86_64"]["caches"]["mnt_cache"]["pointer"]
        cell = f"{mnt['sites']}x {mnt['bytes'] // mnt['sites']}B {mnt['insns'] // mnt['sites']}i"
        self.assertIn(f"| mnt_cache | {cell} |", md)
        self.assertRegex(out["txt"], rf"mnt_cache +{cell}")
        for i, line in enumerate(out["txt"].splitlines(), 1):
            self.assertLessEqual(len(line), 72, f"line {i}: {line!r}")
            self.assertTrue(line.isascii(), line)
        # the section sits before the Context
        self.assertLess(md.index("## Real kernel"), md.index("## Context"))

    def test_model_from_the_same_run(self):
        proc, out, rundir = self.run_report()
        txt = " ".join(out["txt"].split())
        # run1 has x86_64 static metrics; s390x has none: the recorded baseline
        self.assertIn(f"model: {os.path.join(rundir, 'x86_64-static.json')}", txt)
        self.assertIn("model: results/baseline/s390x-static.json", txt)

    def test_agreement_counted_from_the_sites(self):
        proc, out, _ = self.run_report()
        rows = agreement_rows(out["txt"])
        sites = kernel_sites(self.kdoc, "x86_64", "static")
        same = sum(1 for s in sites if (s["bytes"], s["insns"]) == (7, 1))
        self.assertEqual(same, len(sites))  # the recorded run: all 7 B mov $imm
        self.assertEqual(rows[("x86_64", "static")],
                         ["7B", "1i", str(len(sites)), str(same), "agrees"])
        self.assertEqual(rows[("riscv64", "runtime_const")][-3:], ["no", "kernel", "support"])

    def test_model_change_flips_the_verdict(self):
        """The x86_64 static figure of the run's model (-mcmodel=kernel)
        made 5 B: every kernel site now differs."""
        def five(doc):
            for r in doc["sites_kernel_cmodel"]:
                if r["variant"] == "static":
                    r["bytes"] = 5
        proc, out, _ = self.run_report(edit_static=five)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        n = len(kernel_sites(self.kdoc, "x86_64", "static"))
        rows = agreement_rows(out["txt"])
        self.assertEqual(rows[("x86_64", "static")],
                         ["5B", "1i", str(n), "0", "differs:", str(n), "sites"])

    def test_kernel_site_change_flips_the_verdict(self):
        def longer(doc):
            s = doc["arches"]["x86_64"]["caches"]["mnt_cache"]["pointer"]["list"][0]
            s["bytes"] += 1
        proc, out, _ = self.run_report(edit_kernel=longer)
        rows = agreement_rows(out["txt"])
        self.assertEqual(rows[("x86_64", "pointer")][-3:], ["differs:", "1", "site"])

    def test_modules_from_the_real_builds(self):
        """The modules part says what the recorded module builds gave: x86's
        build error, arm64's unpatched runtime_ptr_ table, the relocation
        against the exported static instance; an edited record shows."""
        mod = self.kdoc["arches"]["x86_64"]["module"]["variants"]
        self.assertIn("Cannot use runtime-const infrastructure from modules", mod["runtime_const"]["build"])

        def other_error(doc):
            doc["arches"]["x86_64"]["module"]["variants"]["runtime_const"]["build"] = "error: kcb-edited"
        for edit, want in ((None, '#error "Cannot use runtime-const infrastructure from modules"'),
                           (other_error, "error: kcb-edited")):
            proc, out, _ = self.run_report(edit_kernel=edit)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            md = out["md"].replace("\\_", "_")
            md = md[md.index("### Real kernel, modules"):]
            x86 = next(line for line in md.splitlines() if line.startswith("- x86_64: "))
            self.assertIn(f"the module does not compile: {want}", x86)
        arm = next(line for line in md.splitlines() if line.startswith("- arm64: "))
        self.assertIn("R_AARCH64_ADR_PREL_PG_HI21 names_cachep_opaque", arm)
        self.assertIn("runtime_ptr_names_cachep (4 B)", arm)
        self.assertIn("the placeholder 0x0123456789abcdef", arm)

    def test_bad_kernel_json(self):
        def wrong(doc):
            doc["schema_version"] = 99
        proc, out, _ = self.run_report(edit_kernel=wrong)
        U.assert_one_line_error(self, proc, "kernel.json", "schema_version 99")
        self.assertEqual(out["md"], "")

    def test_no_kernel_results_no_section(self):
        s = U.Scratch()
        self.addCleanup(s.cleanup)
        rundir = s.copy("run1")
        proc = U.tool("tools/report", rundir)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(os.path.join(rundir, "report.md")) as f:
            self.assertNotIn("Real kernel", f.read())


if __name__ == "__main__":
    unittest.main()
