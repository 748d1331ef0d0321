# SPDX-License-Identifier: GPL-2.0
"""LAVA files for an exported arch: a Lava-Test Test Definition 1.0 that runs
the packed runner and reports every record with lava-test-case, and a job
template that deploys a lab's image and runs it.

Written by tools/export_lab.py next to each arch's pack:
  <out>/kcb-<preset>.tar.gz          the pack, to serve at PACK_URL
  <out>/<preset>/lava-cases.awk      results JSON -> "name value unit" lines
  <out>/lava/kcache-bench-<preset>.yaml      test definition (for a git repo)
  <out>/lava/job-<preset>.yaml               job template, test definition inline

LAVA v2 has no attachment command (its docs: "LAVA does not provide a
specific command to publish files"): the results JSON goes to UPLOAD_URL with
curl -F and is linked with lava-test-reference, or, with no UPLOAD_URL,
printed into the job log between KCB-RESULTS-JSON-BEGIN/END lines.
"""
import io
import os
import tarfile

from ..io import KcbError, write_atomic

try:
    import yaml
except ImportError:  # write() says so in one line; run_all.sh installs it
    yaml = None

# The job template's parameters: every value a lab must replace starts with this.
MARK = "REPLACE-"

# Boot method per preset, the most common one in labs for that arch.
BOOT = {"x86_64": "ipxe", "i686": "ipxe", "ppc64le": "grub", "s390x": "grub"}
BOOT_DEFAULT = "u-boot"

# Reads our JSON writer's layout (one key per line, bench/json_writer.cpp):
# every metric of every record, as "<model>.<scenario>.<variant>.<unit> <median> <unit>".
CASES_AWK = r"""# kcache-bench: results JSON -> one "name median unit" line per record metric
function val(s) { sub(/^[^:]*: */, "", s); gsub(/[",]/, "", s); return s }
/^  "records": \[/ { inrec = 1; next }
/^  \]/ { inrec = 0 }
!inrec { next }
/^      "model": /    { model = val($0) }
/^      "scenario": / { scen = val($0) }
/^      "variant": /  { var = val($0) }
/^        "[^"]+": \{/ { unit = $1; gsub(/[":]/, "", unit) }
/^          "median": / { print model "." scen "." var "." unit, val($0), unit }
"""


def testdef(preset, archdir):
    """The Lava-Test Test Definition 1.0 for one exported arch."""
    pack = f"kcb-pack/{preset}"
    json_glob = f"{pack}/{archdir}-*.json"
    steps = [
        'test -n "$PACK_URL" || lava-test-raise "kcb: PACK_URL is not set"',
        "rm -rf kcb-pack && mkdir kcb-pack",
        'if command -v curl >/dev/null 2>&1; then curl -fsSL -o kcb-pack/pack.tar.gz "$PACK_URL"; '
        'else wget -q -O kcb-pack/pack.tar.gz "$PACK_URL"; fi '
        '|| lava-test-raise "kcb: cannot download $PACK_URL"',
        'tar -xzf kcb-pack/pack.tar.gz -C kcb-pack || lava-test-raise "kcb: $PACK_URL is not a kcb pack"',
        f"if {pack}/run.sh $KCB_OPTS; then lava-test-case kcb-run --result pass; "
        f'else lava-test-case kcb-run --result fail; lava-test-raise "kcb: kcb_bench failed"; fi',
        f"for f in {json_glob}; do awk -f {pack}/lava-cases.awk \"$f\"; done > kcb-pack/cases.txt",
        "while read -r name value unit; do "
        'if [ "$value" = null ]; then lava-test-case "$name" --result skip; '
        'else lava-test-case "$name" --result pass --measurement "$value" --units "$unit"; fi; '
        "done < kcb-pack/cases.txt",
        f'if [ -n "$UPLOAD_URL" ]; then for f in {json_glob}; do '
        'url=$(curl -fsS -F "path=@$f" "$UPLOAD_URL") '
        '&& lava-test-reference kcb-results-json --result pass --reference "$url" '
        "|| lava-test-case kcb-results-json --result fail; done; "
        f"else for f in {json_glob}; do echo \"KCB-RESULTS-JSON-BEGIN $(basename $f)\"; "
        'cat "$f"; echo KCB-RESULTS-JSON-END; done; fi',
    ]
    return {
        "metadata": {
            "format": "Lava-Test Test Definition 1.0",
            "name": f"kcache-bench-{preset}",
            "description": f"kcache-bench on {preset}: every record's medians as test cases "
                           "(measurement + unit), the results JSON uploaded or logged",
            "os": ["debian"],
            "scope": ["performance"],
        },
        "params": {
            "PACK_URL": "",    # kcb-<preset>.tar.gz from ./run_all.sh --export
            "KCB_OPTS": "--quick",
            "UPLOAD_URL": "",  # optional: takes curl -F path=@file, answers the file's URL
        },
        "run": {"steps": steps},
    }


def job(preset, archdir, tdef):
    """A job template: deploy over TFTP/NFS, boot, run tdef inline."""
    return {
        "job_name": f"kcache-bench {preset}",
        "device_type": f"{MARK}device-type",
        "visibility": "public",
        "priority": "medium",
        "timeouts": {"job": {"minutes": 90}, "action": {"minutes": 30},
                     "connection": {"minutes": 2}},
        "actions": [
            {"deploy": {
                "to": "tftp",
                "timeout": {"minutes": 15},
                "kernel": {"url": f"https://{MARK}image-server/{preset}/kernel", "type": "image"},
                "nfsrootfs": {"url": f"https://{MARK}image-server/{preset}/rootfs.tar.xz",
                              "compression": "xz"},
            }},
            {"boot": {
                "method": BOOT.get(preset, BOOT_DEFAULT),
                "commands": "nfs",
                "prompts": [f"{MARK}shell-prompt"],
                "timeout": {"minutes": 10},
            }},
            {"test": {
                "timeout": {"minutes": 60},
                "definitions": [{
                    "from": "inline",
                    "name": f"kcache-bench-{preset}",
                    "path": f"inline/kcache-bench-{preset}.yaml",
                    "repository": {**tdef, "params": {
                        **tdef["params"],
                        "PACK_URL": f"https://{MARK}pack-server/kcb-{preset}.tar.gz"}},
                }],
            }},
        ],
    }


def _header(preset, what):
    return (f"# kcache-bench {what} for {preset}, written by ./run_all.sh --export.\n"
            f"# Values starting with {MARK} are the lab's parameters: device type, the\n"
            "# deploy URLs (kernel, rootfs with sh, tar, awk and curl or wget), the boot\n"
            "# method's prompt, and PACK_URL (where kcb-<preset>.tar.gz is served).\n"
            "# UPLOAD_URL is optional (an artifact server for the results JSON).\n")


def _dump(obj):
    return yaml.safe_dump(obj, sort_keys=False, width=1000, default_flow_style=False)


def _pack(pack, preset):
    """The pack folder as gzipped tar bytes, entries under <preset>/."""
    buf = io.BytesIO()
    try:
        with tarfile.open(fileobj=buf, mode="w:gz") as tf:
            for name in sorted(os.listdir(pack)):
                if name.endswith((".json", ".tmp")) and name != "expected.json":
                    continue  # results of a local try, never shipped
                if name.startswith(".tmp-"):
                    continue  # another writer's temp file
                tf.add(os.path.join(pack, name), arcname=f"{preset}/{name}")
    except OSError as e:
        raise KcbError(f"cannot pack {e.filename or pack}: {e.strerror}") from None
    return buf.getvalue()


def write(out, preset, archdir):
    """Write the awk reader into the pack, then the tarball and the two YAML
    files; returns the paths written.  Raises KcbError."""
    if yaml is None:
        raise KcbError("python3-yaml is missing (apt install python3-yaml)")
    pack = os.path.join(out, preset)
    awk = os.path.join(pack, "lava-cases.awk")
    write_atomic({awk: CASES_AWK})
    tarball = os.path.join(out, f"kcb-{preset}.tar.gz")
    lava = os.path.join(out, "lava")
    tdef = testdef(preset, archdir)
    tpath = os.path.join(lava, f"kcache-bench-{preset}.yaml")
    jpath = os.path.join(lava, f"job-{preset}.yaml")
    write_atomic({tarball: _pack(pack, preset),
                  tpath: _header(preset, "LAVA test definition") + _dump(tdef),
                  jpath: _header(preset, "LAVA job template") + _dump(job(preset, archdir, tdef))})
    return [awk, tarball, tpath, jpath]
