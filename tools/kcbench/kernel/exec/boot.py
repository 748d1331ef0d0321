# SPDX-License-Identifier: GPL-2.0
"""Boot a built --exec kernel and return its console text.

UML: ./linux runs natively (mode=time).  Others: qemu-system TCG with
nokaslr, so System.map addresses are run-time addresses, and the
project's plugin (tools/qemu_plugin/kcb_insn_count.c) counting the
instructions between kcb_mark_begin and kcb_mark_end, those inside the
suite's op symbols apart (mode=count)."""
import os
import subprocess
import tempfile

from elftools.elf.elffile import ELFFile

from ...io import KcbError
from ...static import qemu as static_qemu
from ...static.elf import parse_listing
from .kbuild_exec import ARCHES, ExecError

SUITE_ARGS = ["kunit.enable=1", "kunit.filter_glob=kcb_slab"]
MARKERS = ("kcb_mark_begin", "kcb_mark_end")
OP_PREFIXES = ("kcb_callsite__", "kcb_latency__")


def uml_cpu():
    """The CPU UML is pinned to: the last allowed one, as kcb_bench pins."""
    return max(os.sched_getaffinity(0))


def run_uml(objdir, log, timeout, rounds):
    """mode=time under UML, pinned to uml_cpu(); the console text."""
    cmd = [os.path.join(os.path.abspath(objdir), "linux"), "mem=256M", "console=tty", "kunit_shutdown=halt",
           "kcb_slab_kunit.mode=time", f"kcb_slab_kunit.rounds={rounds}"] + SUITE_ARGS
    cpu = uml_cpu()
    return _console(cmd, log, timeout, "UML kernel",
                    pin=lambda: os.sched_setaffinity(0, {cpu}))


def _console(cmd, log, timeout, what, pin=None):
    with tempfile.TemporaryDirectory(prefix="kcb-exec-") as tmp:
        try:
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout, cwd=tmp,
                               env=dict(os.environ, TMPDIR=tmp), preexec_fn=pin)
            out, rc = r.stdout, r.returncode
        except subprocess.TimeoutExpired as e:
            out, rc = e.stdout or b"", None
    text = out.decode("utf-8", "replace")
    with open(log, "w") as f:
        f.write("$ " + " ".join(cmd) + "\n" + text)
    if rc is None:
        raise ExecError(f"{what} did not finish within {timeout} s (no boot?); see {log}")
    if "# kcb:" not in text:
        tail = [ln for ln in text.strip().splitlines() if ln.strip()][-1:] or ["no output"]
        raise ExecError(f"{what} failed to boot or run the suite (exit {rc}: "
                        f"{tail[0][:100]}); see {log}")
    return text


def symbols(vmlinux, extra=()):
    """{name: (start, end)} of the markers, the suite's op functions and
    the functions named in extra."""
    want = {}
    try:
        with open(vmlinux, "rb") as f:
            st = ELFFile(f).get_section_by_name(".symtab")
            if st is None:
                raise ExecError(f"{vmlinux}: no symbol table")
            for s in st.iter_symbols():
                if s.name in MARKERS or (s.name.startswith(OP_PREFIXES) or s.name in extra) \
                        and s["st_info"]["type"] == "STT_FUNC":
                    want[s.name] = (s["st_value"], s["st_value"] + s["st_size"])
    except OSError as e:
        raise ExecError(f"{vmlinux}: cannot read: {e.strerror}") from None
    miss = [m for m in MARKERS if m not in want]
    if miss:
        raise ExecError(f"{vmlinux}: no symbol {miss[0]} (suite not built in?)")
    return want


def text_slide(arch, objdir):
    """What the running kernel's text addresses add to vmlinux's symbol
    values.  0, except where the boot code moves the kernel's virtual
    address (ARCHES[arch]["text_base"]: the .config option holding it).
    s390 (6.10+) links vmlinux at 0x100000 and its decompressor maps it at
    __kaslr_offset, which with nokaslr is CONFIG_KERNEL_IMAGE_BASE
    (arch/s390/boot/startup.c); if a machine's layout moved it elsewhere,
    the plugin would see no window and the run says so."""
    opt = ARCHES[arch].get("text_base")
    if not opt:
        return 0
    config = os.path.join(objdir, ".config")
    try:
        with open(config, encoding="utf-8") as f:
            for line in f:
                if line.startswith(opt + "="):
                    return int(line.split("=", 1)[1].strip(), 0)
    except (OSError, ValueError) as e:
        raise ExecError(f"{config}: cannot read {opt}: {e}") from None
    raise ExecError(f"{config}: no {opt} (the kernel's text address)")


def op_listings(arch, objdir, scenario="callsite"):
    """{variant: [instruction text]} of the suite's kcb_<scenario>__<v>
    symbols in vmlinux (the cross objdump), as built: what the counts ran."""
    objdump = ARCHES[arch]["cross"] + "objdump"
    vmlinux = os.path.join(os.path.abspath(objdir), "vmlinux")
    out = {}
    for name, (start, end) in sorted(symbols(vmlinux).items()):
        prefix = f"kcb_{scenario}__"
        if not name.startswith(prefix) or name.endswith("__empty"):
            continue
        try:
            r = subprocess.run([objdump, "-d", "-w", "--no-show-raw-insn",
                                f"--start-address={start:#x}", f"--stop-address={end:#x}", vmlinux],
                               capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise ExecError(f"{objdump} not found") from None
        if r.returncode:
            raise ExecError(f"{objdump} failed on {vmlinux}")
        insns = [i.text for sect in parse_listing(r.stdout, ARCHES[arch]["results_arch"]).values()
                 for i in sect if not i.mnem.startswith(".")]
        out[name[len(prefix):]] = insns
    return out


def run_tcg(arch, objdir, workdir, log, timeout, rounds, nops, hot=None):
    """mode=count under qemu-system TCG with the plugin.  hot: the function
    names whose bodies count as hot (default: the suite's op symbols).
    Returns (console text, [(total, hot)] per window, qemu version)."""
    a = ARCHES[arch]
    objdir, workdir = os.path.abspath(objdir), os.path.abspath(workdir)  # qemu runs elsewhere
    syms = symbols(os.path.join(objdir, "vmlinux"), hot or ())
    if hot:
        miss = [h for h in hot if h not in syms]
        if miss:
            raise ExecError(f"{objdir}/vmlinux: no function {miss[0]}")
        syms = {n: r for n, r in syms.items() if n in MARKERS or n in hot}
    os.makedirs(workdir, exist_ok=True)
    try:
        plugin = static_qemu.build_plugin(os.path.join(workdir, "plugin"))
    except KcbError as e:
        raise ExecError(str(e)) from None
    counts = os.path.join(workdir, "windows.txt")
    cfg = os.path.join(workdir, "plugin.cfg")
    slide = text_slide(arch, objdir)
    lines = [f"out {counts}", f"begin {syms['kcb_mark_begin'][0] + slide:x}",
             f"end {syms['kcb_mark_end'][0] + slide:x}"]
    lines += [f"range {s + slide:x} {e + slide:x}" for n, (s, e) in sorted(syms.items()) if n not in MARKERS]
    with open(cfg, "w") as f:
        f.write("\n".join(lines) + "\n")
    try:
        os.unlink(counts)
    except FileNotFoundError:
        pass
    append = " ".join([f"console={a['console']}", "nokaslr", "panic=-1", "kunit_shutdown=poweroff",
                       "kcb_slab_kunit.mode=count", f"kcb_slab_kunit.rounds={rounds}",
                       f"kcb_slab_kunit.nops={nops}"] + SUITE_ARGS)
    cmd = a["qemu"] + ["-accel", "tcg", "-smp", "1", "-nographic", "-no-reboot",
                       "-kernel", os.path.join(objdir, a["image"]), "-append", append,
                       "-plugin", f"{plugin},cfg={cfg}"]
    text = _console(cmd, log, timeout, f"{arch} kernel under qemu-system TCG")
    try:
        with open(counts) as f:
            plug = f.read().splitlines()
    except OSError:
        raise ExecError(f"the plugin wrote no counts ({counts}); see {log}") from None
    head = plug[0].split() if plug else []
    if len(head) < 10 or head[0] != "kcb_insn_count" or head[7] != "0" or head[9] != "0":
        raise ExecError(f"plugin report malformed or unbalanced: {' '.join(head)[:100]}")
    wins = []
    for line in plug[1:]:
        w = line.split()
        if len(w) != 4 or w[0] != "window":
            raise ExecError(f"{counts}: bad line '{line[:60]}'")
        wins.append((int(w[2]), int(w[3])))
    return text, wins, static_qemu.qemu_version(a["qemu"][0])
