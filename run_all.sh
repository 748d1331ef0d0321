#!/usr/bin/env bash
# kcache-bench: the one command.  See README.md.
#   ./run_all.sh               deps, build all arches, test, measure, analyse, report, plot
#   ./run_all.sh test          deps, build all arches, run every arch's tests (CI runs this)
#   ./run_all.sh gate          compare the newest run with results/baseline (tools/compare)
#   ./run_all.sh baseline      refresh results/baseline/ from a fresh static pass (on purpose only)
#   ./run_all.sh --export DIR  pack the built binaries + a runner (+ LAVA files) for lab machines
#   ./run_all.sh kernel [--kernel-tree DIR] [--arch x86_64,arm64,s390x,riscv64] [--report-only]
#                              the series' call sites in a real kernel tree (tools/kernel)
# Options: --arch a,b,...  (default: all eight)   --quick (short measurement)
set -u -o pipefail
cd "$(dirname "$(readlink -f "$0")")" || exit 1
ROOT=$PWD
PY=/usr/bin/python3

ALL_ARCHES="x86_64 aarch64 riscv64 s390x ppc64le armhf i686 mips64el"
declare -A TRIPLE=([x86_64]=x86_64-linux-gnu [aarch64]=aarch64-linux-gnu [riscv64]=riscv64-linux-gnu
	[s390x]=s390x-linux-gnu [ppc64le]=powerpc64le-linux-gnu [armhf]=arm-linux-gnueabihf
	[i686]=i686-linux-gnu [mips64el]=mips64el-linux-gnuabi64)
declare -A QEMU=([aarch64]=qemu-aarch64 [riscv64]=qemu-riscv64 [s390x]=qemu-s390x
	[ppc64le]=qemu-ppc64le [armhf]=qemu-arm [i686]=qemu-i386 [mips64el]=qemu-mips64el)
declare -A QEMU_CPU=([riscv64]="-cpu rv64,zba=true,zbkb=true")
# results/, tools/ and arch/ name arches by their arch/ directory
declare -A ARCHDIR=([x86_64]=x86_64 [aarch64]=arm64 [riscv64]=riscv64 [s390x]=s390x
	[ppc64le]=ppc64le [armhf]=armhf [i686]=i686 [mips64el]=mips64el)
COMMON_PKGS="cmake make g++ binutils python3 python3-pyelftools python3-numpy python3-scipy python3-matplotlib python3-yaml llvm-16 libbenchmark-dev libpfm4-dev qemu-user"
COMMON_CMDS="cmake make g++ $PY /usr/lib/llvm-16/bin/llvm-mca /usr/lib/llvm-16/bin/FileCheck qemu-x86_64"

die() { echo "run_all.sh: $*" >&2; exit 2; }
say() { echo "== $*"; }

ORIG_CMD="./run_all.sh${*:+ $*}"
mode=run; arches=$ALL_ARCHES; quick=""; export_dir=""; arch_subset=0
while (($#)); do
	case $1 in
	test|gate|baseline) mode=$1 ;;
	kernel) shift; exec "$PY" tools/kernel "$@" ;; # needs linux-source-6.12 bc flex bison libelf-dev libssl-dev
	--quick) quick=--quick ;;
	--arch) shift; (($#)) || die "--arch needs a list, e.g. --arch x86_64,aarch64"; arches=${1//,/ }; arch_subset=1
		[[ -n ${arches// /} ]] || die "--arch needs at least one arch, e.g. --arch x86_64" ;;
	--arch=*) arches=${1#--arch=}; arches=${arches//,/ }; arch_subset=1
		[[ -n ${arches// /} ]] || die "--arch needs at least one arch, e.g. --arch x86_64" ;;
	--export) shift; (($#)) || die "--export needs a directory"; mode=export; export_dir=$1 ;;
	-h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (try --help)" ;;
	esac
	shift
done
for a in $arches; do [[ -n ${TRIPLE[$a]:-} ]] || die "unknown arch '$a' (known: $ALL_ARCHES)"; done

# ---- dependencies: install when root, else print the exact apt-get line ----
have_pkg_cmd() { [[ " ${KCB_PRETEND_MISSING:-} " != *" $2 "* ]] && command -v "$1" >/dev/null 2>&1; }
missing=()
have_pkg_cmd cmake cmake || missing+=(cmake)
have_pkg_cmd g++ g++ || missing+=(g++)
have_pkg_cmd /usr/lib/llvm-16/bin/llvm-mca llvm-16 || missing+=(llvm-16)
$PY -c 'import elftools, numpy, scipy, matplotlib, yaml' 2>/dev/null ||
	missing+=(python3 python3-pyelftools python3-numpy python3-scipy python3-matplotlib python3-yaml)
[[ -e /usr/include/benchmark/benchmark.h ]] || missing+=(libbenchmark-dev)
[[ -e /usr/include/perfmon/pfmlib.h ]] || missing+=(libpfm4-dev)
# QEMU is per arch too: without it the foreign arches are skipped and x86_64
# loses only its QEMU instruction counts.
arch_pkgs=()
for a in $arches; do
	[[ $a == x86_64 ]] && continue
	have_pkg_cmd "${TRIPLE[$a]}-g++" "g++-${TRIPLE[$a]}" || arch_pkgs+=("g++-${TRIPLE[$a]}")
done
have_pkg_cmd qemu-x86_64 qemu-user || arch_pkgs+=(qemu-user)
[[ " $arches " =~ \ (x86_64|aarch64|riscv64)\  ]] && ! have_pkg_cmd clang-16 clang-16 && arch_pkgs+=(clang-16)
if ((${#missing[@]} + ${#arch_pkgs[@]})); then
	line="apt-get install -y --no-install-recommends $(echo ${missing[*]} ${arch_pkgs[*]})"
	if [[ $(id -u) == 0 && -z ${KCB_PRETEND_MISSING:-} ]]; then
		say "installing: ${missing[*]} ${arch_pkgs[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null
		((${#missing[@]} == 0)) || apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
			die "could not install the common packages; run: $line"
		for p in "${arch_pkgs[@]}"; do
			apt-get install -y -qq --no-install-recommends "$p" >/dev/null || echo "run_all.sh: could not install $p" >&2
		done
	elif ((${#missing[@]})); then
		die "missing packages; as root run: $line"
	else
		echo "run_all.sh: missing cross toolchains; as root run: $line" >&2
	fi
fi

# Per-arch availability: a missing toolchain or QEMU skips that arch, never the run.
declare -A SKIP=()
for a in $arches; do
	if ! have_pkg_cmd "${TRIPLE[$a]}-g++" "g++-${TRIPLE[$a]}"; then
		SKIP[$a]="missing package g++-${TRIPLE[$a]} (${TRIPLE[$a]}-g++ not found)"
	elif [[ $a != x86_64 ]] && ! have_pkg_cmd "${QEMU[$a]}" qemu-user; then
		SKIP[$a]="missing package qemu-user (${QEMU[$a]} not found)"
	fi
	[[ -n ${SKIP[$a]:-} ]] && echo "run_all.sh: $a skipped: ${SKIP[$a]}" >&2
done

# x86_64 runs natively; only its QEMU instruction counts need qemu-x86_64
static_opts() { # arch -> extra options for tools/static_metrics.py
	[[ $1 == x86_64 ]] && ! have_pkg_cmd qemu-x86_64 qemu-user && echo --no-qemu
}

declare -A STATUS=() COUNTS=()
build_arch() { # arch -> 0 when configured and built
	local a=$1 log=build/$1.log
	mkdir -p build
	if ! { cmake --preset "$a" >"$log" 2>&1 && cmake --build --preset "$a" >>"$log" 2>&1; }; then
		tail -25 "$log" >&2
		STATUS[$a]="FAILED: build (see $log)"
		return 1
	fi
}
test_arch() { # arch [ctest options] -> runs ctest, records counts
	local a=$1 out
	out=$(ctest --preset "$a" "${@:2}" 2>&1)
	local rc=$?
	echo "$out" | grep -E 'tests passed|Test +#|\*\*\*' | sed "s/^/[$a] /"
	# a skipped test says why: rerun it verbosely for its "skip:" line
	local t skipped=0
	for t in $(echo "$out" | sed -n 's/^[[:space:]]*[0-9]* - \([A-Za-z0-9_.]*\) (Skipped)$/\1/p'); do
		skipped=$((skipped + 1))
		ctest --preset "$a" -R "^$t\$" -V 2>&1 | sed -n "s/^[0-9]*: \(skip: .*\)/[$a] $t: \1/p" | head -1
	done
	local line
	line=$(echo "$out" | grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' | tail -1)
	if [[ $line =~ ([0-9]+)\ tests\ failed\ out\ of\ ([0-9]+) ]]; then
		local failed=${BASH_REMATCH[1]} total=${BASH_REMATCH[2]}
		COUNTS[$a]="$((total - failed - skipped)) passed, $failed failed, $skipped skipped"
	else
		COUNTS[$a]="0 passed, 0 failed, 0 skipped"
		STATUS[$a]="FAILED: ctest ran no test"
		return 1
	fi
	((rc == 0)) || { STATUS[$a]="FAILED: tests"; return 1; }
}

summary() {
	local bad=0 a tp=0 tf=0 ts=0
	echo
	say "summary"
	for a in $arches ${CLANG[*]:-}; do
		if [[ -n ${SKIP[$a]:-} ]]; then
			printf '  %-13s skipped: %s\n' "$a" "${SKIP[$a]}"; bad=1
		else
			printf '  %-13s %s%s\n' "$a" "${STATUS[$a]:-ok}" "${COUNTS[$a]:+ (tests: ${COUNTS[$a]})}"
			[[ -n ${STATUS[$a]:-} ]] && bad=1
			if [[ ${COUNTS[$a]:-} =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped ]]; then
				tp=$((tp + BASH_REMATCH[1])); tf=$((tf + BASH_REMATCH[2])); ts=$((ts + BASH_REMATCH[3]))
			fi
		fi
	done
	# + the static-metrics bar tests, run once over every built arch
	tp=$((tp + ${BARS_PASSED:-0})); tf=$((tf + ${BARS_FAILED:-0}))
	[[ $mode == test ]] && echo "tests: $tp passed, $tf failed, $ts skipped"
	return $bad
}

write_skipped() { # rundir: skipped.json for the report
	local d=$1 first=1 a
	{
		printf '{"skipped": ['
		for a in $arches; do
			local why=${SKIP[$a]:-${STATUS[$a]:-}}
			[[ -z $why ]] && continue
			((first)) || printf ', '
			first=0
			printf '{"arch": "%s", "reason": "%s"}' "${ARCHDIR[$a]}" "${why//\"/\'}"
		done
		printf ']}\n'
	} >"$d/skipped.json.tmp" && mv "$d/skipped.json.tmp" "$d/skipped.json"
}

if [[ $mode == gate ]]; then
	# the newest by the time recorded in each run: names do not sort (ci-*)
	[[ -d results/runs ]] || die "no run in results/runs/: run ./run_all.sh first"
	exec "$PY" tools/compare --newest results/runs results/baseline
fi

t0=$(date +%s)
for a in $arches; do
	[[ -n ${SKIP[$a]:-} ]] && continue
	say "$a: configure + build"
	build_arch "$a" || continue
	if [[ $mode == test || $mode == run ]]; then
		say "$a: tests"
		test_arch "$a"
	fi
done

# clang-16 as a second compiler (presets <arch>-clang) for x86_64, aarch64 and
# riscv64: built and tested in test and run modes (the python tool tests are
# compiler-independent and ran once above); run mode adds static metrics
# <arch>-clang-static.json and, natively, <arch>-clang-<host>.json.
CLANG=()
if [[ $mode == test || $mode == run ]]; then
	for a in $arches; do
		[[ $a =~ ^(x86_64|aarch64|riscv64)$ && -z ${SKIP[$a]:-} ]] || continue
		CLANG+=("$a-clang")
		if ! have_pkg_cmd clang-16 clang-16; then
			SKIP[$a-clang]="missing package clang-16 (clang-16 not found)"
			continue
		fi
		say "$a-clang: configure + build"
		build_arch "$a-clang" && { say "$a-clang: tests"; test_arch "$a-clang" -E '^python_tools$'; }
	done
fi

case $mode in
test)
	rc=0
	say "gate: deterministic metrics vs results/baseline"
	stamp=ci-$(date -u +%Y%m%d-%H%M%S)
	rundir=results/runs/$stamp
	mkdir -p "$rundir"
	for a in $arches; do
		[[ -n ${SKIP[$a]:-} || -n ${STATUS[$a]:-} ]] && continue
		"$PY" tools/static_metrics.py --arch "${ARCHDIR[$a]}" --build "build/$a" $(static_opts "$a") \
			--out "$rundir/${ARCHDIR[$a]}-static.json" --no-mca >/dev/null || rc=1
	done
	write_skipped "$rundir"
	# an explicit --arch list gates just those arches (a skipped one still fails)
	subset=()
	if ((arch_subset)); then
		subset=(--arches "$(for a in $arches; do printf '%s,' "${ARCHDIR[$a]}"; done | sed 's/,$//')")
	fi
	"$PY" tools/compare "${subset[@]}" "$rundir" results/baseline || rc=1
	say "static-metrics bars on the built arches (tests/tools/test_static_cli.py)"
	bars=$(KCB_STATIC_BUILDS=build "$PY" -m unittest tests.tools.test_static_cli 2>&1) || rc=1
	echo "$bars" | grep -E '^static pass|^Ran |^OK|^FAILED|^(FAIL|ERROR):'
	if [[ $bars =~ Ran\ ([0-9]+)\ test ]]; then
		if [[ $bars == *$'\nOK'* ]]; then BARS_PASSED=${BASH_REMATCH[1]}; else BARS_FAILED=${BASH_REMATCH[1]}; fi
	fi
	# the native suite once more under ASan + UBSan; its counts join the summary
	if [[ " $arches " == *" x86_64 "* && -z ${SKIP[x86_64]:-} ]]; then
		say "x86_64-asan: configure + build + tests (ASan + UBSan)"
		build_arch x86_64-asan && test_arch x86_64-asan
		arches="$arches x86_64-asan"
	fi
	echo "test wall time: $(($(date +%s) - t0)) s"
	summary || rc=1
	exit $rc
	;;
baseline)
	rundir=$(mktemp -d)
	for a in $arches; do
		[[ -n ${SKIP[$a]:-} || -n ${STATUS[$a]:-} ]] && continue
		"$PY" tools/static_metrics.py --arch "${ARCHDIR[$a]}" --build "build/$a" \
			--out "$rundir/${ARCHDIR[$a]}-static.json" >/dev/null || die "static metrics failed for $a"
	done
	summary || die "not every arch built: the baseline must cover all of them"
	"$PY" tools/compare --update "$rundir" results/baseline || exit 1
	rm -rf "$rundir"
	say "results/baseline/ refreshed: review 'git diff results/baseline' and commit it with the reason"
	exit 0
	;;
export)
	mkdir -p "$export_dir" || die "cannot create '$export_dir'"
	for a in $arches; do
		[[ -n ${SKIP[$a]:-} || -n ${STATUS[$a]:-} ]] && continue
		"$PY" tools/export_lab.py --arch "$a" --archdir "${ARCHDIR[$a]}" --build "build/$a" --out "$export_dir" || rc=1
	done
	summary
	exit
	;;
esac

# ---- the main job: measure, analyse, report, plot ----
stamp=$(date -u +%Y%m%d-%H%M%S)
rundir=results/runs/$stamp
mkdir -p "$rundir"
host=$(hostname -s 2>/dev/null || echo host)
for a in $arches; do
	[[ -n ${SKIP[$a]:-} || -n ${STATUS[$a]:-} ]] && continue
	d=${ARCHDIR[$a]}
	say "$a: measure ($( [[ $a == x86_64 ]] && echo native || echo 'under QEMU: emulated, not cycles'))"
	bq=$quick; [[ $a != x86_64 ]] && bq=--quick
	runner=()
	[[ $a != x86_64 ]] && runner=("${QEMU[$a]}" -L "/usr/${TRIPLE[$a]}" ${QEMU_CPU[$a]:-})
	# both configs of the one binary, back to back (kernels/include/kconfig.h)
	for cfg in distro minimal; do
		out=$rundir/$d-$host.json; [[ $cfg != distro ]] && out=$rundir/$d-$host-$cfg.json
		if ! KCB_COMMAND="$ORIG_CMD" "${runner[@]}" "build/$a/bench/kcb_bench" $bq --config $cfg \
			--out "$out"; then
			STATUS[$a]="FAILED: measurement ($cfg)"
		fi
	done
done
say "static and emulated metrics (sizes, instructions, llvm-mca, QEMU counts)"
for a in $arches; do
	[[ -n ${SKIP[$a]:-} || -n ${STATUS[$a]:-} ]] && continue
	d=${ARCHDIR[$a]}
	"$PY" tools/static_metrics.py --arch "$d" --build "build/$a" $(static_opts "$a") --out "$rundir/$d-static.json" \
		>"$rundir/$d-bloat.txt" || STATUS[$a]="FAILED: static metrics"
done
for c in "${CLANG[@]}"; do
	[[ -n ${SKIP[$c]:-} || -n ${STATUS[$c]:-} ]] && continue
	a=${c%-clang} d=${ARCHDIR[${c%-clang}]}
	if [[ $a == x86_64 ]]; then
		say "$c: measure (native)"
		KCB_COMMAND="$ORIG_CMD" "build/$c/bench/kcb_bench" $quick --out "$rundir/$d-clang-$host.json" ||
			STATUS[$c]="FAILED: measurement"
	fi
	"$PY" tools/static_metrics.py --arch "$d" --build "build/$c" $(static_opts "$a") \
		--out "$rundir/$d-clang-static.json" >"$rundir/$d-clang-bloat.txt" || STATUS[$c]="FAILED: static metrics"
done
write_skipped "$rundir"
if [[ -f build/kernel/tree/linux-source-6.12/.kcb-extracted ]]; then
	say "real kernel (tools/kernel; the cached Debian tree)"
	"$PY" tools/kernel --out "$rundir/kernel" || echo "run_all.sh: tools/kernel failed (see above): $rundir/kernel is incomplete" >&2
fi
say "report and plots"
"$PY" tools/report "$rundir" --headline >"$rundir/headline.txt" || STATUS[report]="FAILED"
"$PY" plots/plot_all.py "$rundir" || STATUS[plots]="FAILED"
summary; rc=$?
[[ -n ${STATUS[report]:-}${STATUS[plots]:-} ]] && rc=1
echo
say "done in $(($(date +%s) - t0)) s"
echo "report: $rundir/report.md  $rundir/report.txt"
echo "plots:  $rundir/plots/"
cat "$rundir/headline.txt" 2>/dev/null
exit $rc
