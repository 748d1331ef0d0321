# SPDX-License-Identifier: GPL-2.0
"""tools/kernel --exec without a kernel build: the in-place creation
transform on 6.12-shaped snippets, and the KUnit output parser, figures
and report on console logs recorded from real runs of the suite
(tests/tools/fixtures/kernel_exec/: the kernels tools/kernel --exec built,
booted by hand with fewer rounds, kcb_slab_kunit.rounds=3 for UML on the
development VM and rounds=2 for x86_64 under qemu-system TCG with the
plugin; *-windows.txt is the plugin's report)."""
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from kcbench import results  # noqa: E402
from kcbench.io import KcbError  # noqa: E402
from kcbench.kernel.exec import boot, figures, kunit_parse, run, slab_setup, suite  # noqa: E402
from kcbench.kernel.exec.kbuild_exec import ExecError  # noqa: E402
from kcbench.kernel.transform import TransformError  # noqa: E402
from kcbench.report.views.kernel_exec import exec_blocks  # noqa: E402
from kcbench.report.markdown import to_markdown  # noqa: E402

FIX = os.path.join(HERE, "fixtures", "kernel_exec")
ROOT = os.path.join(HERE, "..", "..")


def fixture(name):
    with open(os.path.join(FIX, name)) as f:
        return f.read()


SLAB_H = """\
struct kmem_cache_args {
\tunsigned int align;
\tvoid (*ctor)(void *);
};

struct kmem_cache *__kmem_cache_create_args(const char *name,
"""

SLAB_COMMON = """\
#include <asm/page.h>
#include "slab.h"

static struct kmem_cache *create_cache(const char *name)
{
\terr = -ENOMEM;
\ts = kmem_cache_zalloc(kmem_cache, GFP_KERNEL);
\tif (!s)
\t\tgoto out;
\treturn s;

out_free_cache:
\tkmem_cache_free(kmem_cache, s);
out:
\treturn ERR_PTR(err);
}

struct kmem_cache *__kmem_cache_create_args(const char *name)
{
\ts = __kmem_cache_alias(name, object_size, flags, args);
\tif (s)
\t\tgoto out_unlock;
}
EXPORT_SYMBOL(__kmem_cache_create_args);

void kmem_cache_destroy(struct kmem_cache *s)
{
\tif (unlikely(!s) || !kasan_check_byte(s))
\t\treturn;
}
"""


class SlabSetup(unittest.TestCase):
    def test_storage_no_merge_no_free(self):
        h = slab_setup.slab_h(SLAB_H)
        self.assertIn("struct kmem_cache *preallocated;\n};", h)
        self.assertIn("#define kmem_cache_setup(", h)
        c = slab_setup.slab_common_c(SLAB_COMMON)
        self.assertIn("s = args->preallocated;", c)
        self.assertIn("args->preallocated ? NULL :\n\t\t__kmem_cache_alias(", c)
        self.assertIn("\tif (!args->preallocated)\n\t\tkmem_cache_free(kmem_cache, s);", c)
        self.assertIn("WARN_ON_ONCE(__is_kernel((unsigned long)s))", c)
        self.assertIn("int __kmem_cache_setup_args(struct kmem_cache *s", c)
        self.assertIn("#include <asm/sections.h>", c)

    def test_a_tree_too_old_for_the_suite(self):
        texts = {"tools/testing/kunit/kunit.py": "", "include/kunit/test.h": "kunit_skip suite_init",
                 "include/linux/slab.h": SLAB_H}
        self.assertIsNone(suite.kunit_capable(texts.get))
        old = dict(texts, **{"include/linux/slab.h": "struct kmem_cache *kmem_cache_create("})
        self.assertIn("needs 6.12 or later", suite.kunit_capable(old.get))
        del texts["tools/testing/kunit/kunit.py"]
        self.assertIn("no tools/testing/kunit/kunit.py", suite.kunit_capable(texts.get))

    def test_a_tree_that_does_not_fit_is_named(self):
        with self.assertRaisesRegex(TransformError, "mm/slab_common.c: __kmem_cache_alias call"):
            slab_setup.slab_common_c(SLAB_COMMON.replace("__kmem_cache_alias(", "find_alias("))
        with self.assertRaisesRegex(TransformError, "include/linux/slab.h"):
            slab_setup.slab_h(SLAB_H.replace("ctor", "constructor"))


class Parser(unittest.TestCase):
    def test_uml_fixture(self):
        r = kunit_parse.parse(fixture("uml-console.txt"), "uml")
        self.assertEqual(r.mode, "time")
        self.assertEqual(r.variants, ["pointer", "static"])  # UML: no runtime_const
        self.assertTrue(r.cpu.get("name"))
        for scen in ("callsite", "latency"):
            for v in r.variants:
                self.assertEqual(len(r.times[("body", scen, v)]), r.rounds)

    def test_cut_short_is_refused(self):
        text = fixture("uml-console.txt")
        cut = text[:text.index("# kcb: end")]
        with self.assertRaisesRegex(kunit_parse.ParseError, "cut short"):
            kunit_parse.parse(cut, "uml")
        half = text[:len(text) // 2]
        with self.assertRaises(kunit_parse.ParseError):
            kunit_parse.parse(half, "uml")

    def test_garbled_line_is_named(self):
        lines = fixture("uml-console.txt").splitlines()
        i = next(n for n, ln in enumerate(lines) if "# kcb: body" in ln)
        lines[i] = lines[i].rstrip() + " 12x4"
        with self.assertRaisesRegex(kunit_parse.ParseError, rf"^uml:{i + 1}: not an integer"):
            kunit_parse.parse("\n".join(lines), "uml")
        lines = fixture("uml-console.txt").splitlines()
        lines[i] = lines[i].replace(" pointer ", " pointr ")
        with self.assertRaisesRegex(kunit_parse.ParseError, rf"^uml:{i + 1}: unknown variant 'pointr'"):
            kunit_parse.parse("\n".join(lines), "uml")

    def test_no_suite_output(self):
        with self.assertRaisesRegex(kunit_parse.ParseError, "no '# kcb: begin' line"):
            kunit_parse.parse("Linux version 6.12\nKernel panic\n", "boot")

    def test_missing_probe_round(self):
        lines = [ln for ln in fixture("uml-console.txt").splitlines()
                 if "# kcb: probe 1 latency" not in ln]
        with self.assertRaisesRegex(kunit_parse.ParseError, "probe latency: round 1 missing"):
            kunit_parse.parse("\n".join(lines), "uml")

    def test_failed_suite(self):
        text = fixture("uml-console.txt").replace("ok 1 kcb_slab", "not ok 1 kcb_slab")
        with self.assertRaisesRegex(kunit_parse.ParseError, "suite failed"):
            kunit_parse.parse(text, "uml")


class Figures(unittest.TestCase):
    CTX = dict(host="h", cpu_model="c", cores=1, kernel="k", arch="x86_64", triple="t",
               compiler="gcc", flags="", date="d", git_rev="g", command="")

    def test_uml_results_validate(self):
        r = kunit_parse.parse(fixture("uml-console.txt"), "uml")
        doc = figures.measured(r, self.CTX)
        results.validate(doc)
        keys = {(x["scenario"], x["variant"]) for x in doc["records"]}
        self.assertEqual(keys, {(s, v) for s in ("callsite", "latency") for v in ("pointer", "static")})
        self.assertTrue(all(x["note"] == figures.UML_SOURCE for x in doc["records"]))
        self.assertEqual({(d["scenario"], d["variant"]) for d in doc["deltas"]},
                         {("callsite", "pointer"), ("latency", "pointer")})

    def test_contended_samples_are_set_aside(self):
        r = kunit_parse.parse(fixture("uml-console.txt"), "uml")
        best = min(p for ps in r.probes["callsite"].values() for p in ps)
        r.probes["callsite"][0] = [2 * best] * len(r.probes["callsite"][0])  # round 0 contended
        keep = figures.quiet_samples(r)["callsite"]
        self.assertFalse(any(rnd == 0 for rnd, _ in keep))
        doc = figures.measured(r, self.CTX)
        rec = next(x for x in doc["records"] if x["scenario"] == "callsite")
        self.assertLess(rec["samples_used"], rec["samples_taken"])
        self.assertIn("callsite: ", doc["context"]["contention"])

    def test_references_that_disagree_mean_ticks_only(self):
        r = kunit_parse.parse(fixture("uml-console.txt"), "uml")
        r.calib["start"]["mul"] = [v * 1.2 for v in r.calib["start"]["mul"]]
        doc = figures.measured(r, self.CTX)
        results.validate(doc)
        self.assertIsNone(doc["context"]["ticks_per_cycle"])
        self.assertIn("disagree", doc["context"]["calibration"]["why"])
        self.assertTrue(all(x["primary"] == "tsc-ticks" and "calibrated-cycles" not in x["metrics"]
                            for x in doc["records"]))

    def test_tcg_counts(self):
        r = kunit_parse.parse(fixture("tcg-x86_64-console.txt"), "tcg")
        wins = [tuple(int(x) for x in ln.split()[2:]) for ln in fixture("tcg-x86_64-windows.txt").splitlines()[1:]]
        c = figures.counts(r, wins, "tcg")
        for scen in ("callsite", "latency"):
            for v in ("pointer", "runtime_const", "static"):
                e = c[scen][v]
                self.assertEqual(e["unit"], "qemu-insns")
                self.assertGreater(e["allocator_insns_per_op"], 10)
                self.assertGreater(e["site_insns_per_op"], 2)
                self.assertEqual(e["insns_per_op"], e["site_insns_per_op"] + e["allocator_insns_per_op"])
        with self.assertRaisesRegex(KcbError, "the plugin saw"):
            figures.counts(r, wins[:-1], "tcg")

    def test_median_ci_ranks_match_the_harness(self):
        # bench/stats.cpp: n=20 -> ranks 5..14 (0-based), n=5 -> the full range
        self.assertEqual(figures.median_ci_ranks(20), (5, 14))
        self.assertEqual(figures.median_ci_ranks(5), (0, 4))


class TextSlide(unittest.TestCase):
    """The plugin's addresses: vmlinux's symbol values plus where the boot
    code put the text (s390: CONFIG_KERNEL_IMAGE_BASE; a 6.12 s390x run
    saw no window without it)."""
    def test_slide(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(boot.text_slide("x86_64", d), 0)  # no .config read
            with self.assertRaisesRegex(ExecError, "cannot read CONFIG_KERNEL_IMAGE_BASE"):
                boot.text_slide("s390x", d)
            with open(os.path.join(d, ".config"), "w") as f:
                f.write("CONFIG_RELOCATABLE=y\n")
            with self.assertRaisesRegex(ExecError, "no CONFIG_KERNEL_IMAGE_BASE"):
                boot.text_slide("s390x", d)
            with open(os.path.join(d, ".config"), "a") as f:
                f.write("CONFIG_KERNEL_IMAGE_BASE=0x3FFE0000000\n")
            self.assertEqual(boot.text_slide("s390x", d), 0x3FFE0000000)


class Command(unittest.TestCase):
    def test_no_tree_is_one_line(self):
        p = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "kernel"), "--exec",
                            "--kernel-tree", "/nonexistent/tree"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn("/nonexistent/tree", p.stderr)

    def test_a_failing_arch_writes_nothing_and_the_others_go_on(self):
        """um cut short, x86_64 'boots' from the recorded TCG log: um FAILED
        with one line, no x86_64-uml.json; x86_64 counted; exit 1."""
        out = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, out)
        cut = fixture("uml-console.txt").split("# kcb: end")[0]
        wins = [tuple(int(x) for x in ln.split()[2:]) for ln in fixture("tcg-x86_64-windows.txt").splitlines()[1:]]
        args = mock.Mock(arch="um,x86_64", out=out, cache=out, rebuild=False, model_run=None)
        err, so = io.StringIO(), io.StringIO()
        with mock.patch.object(run.kbuild_exec, "build", return_value=(out, False, 0.0, {})), \
                mock.patch.object(run.kbuild_exec, "missing_tools", return_value=None), \
                mock.patch.object(run.boot, "run_uml", return_value=cut), \
                mock.patch.object(run.boot, "op_listings", return_value={"static": ["ret"]}), \
                mock.patch.object(run.boot, "run_tcg",
                                  return_value=(fixture("tcg-x86_64-console.txt"), wins, "7.2")), \
                redirect_stderr(err), redirect_stdout(so):
            rc = run.run_exec(args, "/tree", "test", "6.12.0", ROOT, [])
        self.assertEqual(rc, 1)
        lines = err.getvalue().strip().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("um:", lines[0])
        self.assertIn("cut short", lines[0])
        self.assertFalse(os.path.exists(os.path.join(out, "x86_64-uml.json")))
        doc = results.read_json(os.path.join(out, "exec.json"))
        self.assertTrue(doc["arches"]["um"]["status"].startswith("FAILED"))
        self.assertEqual(doc["arches"]["x86_64"]["status"], "ok")
        md = to_markdown(exec_blocks(doc))
        self.assertIn("qemu-insns", md)
        self.assertIn("kcb\\_callsite\\_\\_static as built", md)

    def test_report_says_which_side_runs_more(self):
        # real > model on x86_64, model > real on s390x (its TLS per-CPU
        # stand-in): each gets the explanation for its side only
        def arch(real, model):
            return dict(status="ok", source="TCG", qemu_version="7.2", qemu_cpu="max",
                        counts={"callsite": {"static": dict(insns_per_op=real, site_insns_per_op=10)}},
                        model=dict(source="m", counts={"callsite/static": dict(insns_per_op=model,
                                                                               site_insns_per_op=10)}))
        doc = dict(context={}, arches={"x86_64": arch(231, 168), "s390x": arch(187, 206)})
        txt = to_markdown(exec_blocks(doc))
        x86, s390 = txt.split("s390x")[0], "s390x".join(txt.split("s390x")[1:])
        self.assertIn("Real SLUB runs more than", x86)
        self.assertNotIn("The model runs more", x86)
        self.assertIn("The model runs more than", s390)
        self.assertIn("callsite static (187 vs 206)", s390)
        self.assertNotIn("Real SLUB runs more", s390)

    def test_report_reader_refuses_another_kind(self):
        from kcbench.report.load import load_exec
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        p = os.path.join(d, "exec.json")
        with open(p, "w") as f:
            f.write('{"schema_version": 1, "kind": "kernel", "context": {}, "arches": {}}')
        with self.assertRaisesRegex(KcbError, "want 'kernel_exec'"):
            load_exec(p)

    def test_missing_cross_compiler_is_one_line(self):
        out = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, out)
        args = mock.Mock(arch="arm64", out=out, cache=out, rebuild=False, model_run=None)
        err, so = io.StringIO(), io.StringIO()
        with mock.patch.object(run.kbuild_exec, "missing_tools", return_value="gcc-aarch64-linux-gnu"), \
                redirect_stderr(err), redirect_stdout(so):
            rc = run.run_exec(args, "/tree", "test", "6.12.0", ROOT, [])
        self.assertEqual(rc, 1)
        self.assertEqual(err.getvalue().strip(),
                         "tools/kernel --exec: arm64: missing package gcc-aarch64-linux-gnu")

    def test_a_kernel_that_does_not_boot_is_one_line(self):
        from kcbench.kernel.exec import boot
        from kcbench.kernel.exec.kbuild_exec import ExecError
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        log = os.path.join(d, "console.log")
        with self.assertRaisesRegex(ExecError, r"failed to boot or run the suite \(exit 1: Kernel panic"):
            boot._console(["sh", "-c", "echo 'Kernel panic - not syncing'; exit 1"], log, 10, "k")
        with self.assertRaisesRegex(ExecError, "did not finish within 1 s"):
            boot._console(["sleep", "5"], log, 1, "k")
        self.assertTrue(os.path.isfile(log))

    def test_unknown_arch(self):
        args = mock.Mock(arch="vax", out=None, cache="/nonexistent", rebuild=False, model_run=None)
        err = io.StringIO()
        with redirect_stderr(err):
            self.assertEqual(run.run_exec(args, "/tree", "t", "6.12.0", ROOT, []), 2)
        self.assertIn("unknown arch vax", err.getvalue())


if __name__ == "__main__":
    unittest.main()
