#!/usr/bin/env bash
# kcache-bench: the one command.  See README.md.
#   ./run_all.sh               deps, build all arches, test, measure, analyse, report, plot
#   ./run_all.sh test          deps, build all arches, run every arch's tests (.ci/run: both, in a fresh root)
#   ./run_all.sh gate          compare the newest run with results/baseline (tools/compare)
#   ./run_all.sh baseline      refresh results/baseline/ from a fresh static pass (on purpose only)
#   ./run_all.sh --export DIR  pack the built binaries + a runner (+ LAVA files) for lab machines
#   ./run_all.sh kernel [--kernel-tree DIR] [--arch x86_64,arm64,s390x,riscv64] [--report-only]
#                              the series' call sites in a real kernel tree (tools/kernel)
#   ./run_all.sh kernel --exec [--arch um,x86_64,arm64]
#                              the real mm/slub.c run in KUnit: UML timings, TCG insn counts
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
die() { echo "run_all.sh: $*" >&2; exit 2; }
say() { echo "== $*"; }

ORIG_CMD="./run_all.sh${*:+ $*}"
mode=run; arches=$ALL_ARCHES; quick=""; export_dir=""; arch_subset=0
while (($#)); do
	case $1 in
	test|gate|baseline) mode=$1 ;;
	kernel) mode=kernel; shift; kernel_args=("$@"); break ;; # the rest is tools/kernel's (--help)
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

# ---- dependencies: one list, tools/deps/debian.list (see its header) ----
# Root installs what this mode's rows lack; otherwise the exact apt-get line
# is printed and the run stops before building anything.  KCB_PRETEND_MISSING
# ("pkg ...") treats those packages as absent and installs nothing (tests).
DEPS=tools/deps/debian.list
[[ -r $DEPS ]] || die "cannot read $DEPS"
ROW_PKG=() ROW_PROV=() ROW_SCOPE=() ROW_WHY=()
while read -r pkg prov scope why; do
	[[ -z $pkg || $pkg == \#* ]] && continue
	ROW_PKG+=("$pkg") ROW_PROV+=("$prov") ROW_SCOPE+=("$scope") ROW_WHY+=("$why")
done <"$DEPS"
scopes=" required "
if [[ $mode == kernel ]]; then # the tree, its build tools, the cross compilers
	scopes+="kernel arch:x86_64 arch:aarch64 arch:s390x arch:riscv64 "
	arches="x86_64 aarch64 s390x riscv64"
elif [[ $mode != gate ]]; then
	scopes+="optional "
	for a in $arches; do scopes+="arch:$a "; done
fi
row_absent() { # row -> prints the first thing it provides that is absent
	local p
	for p in ${ROW_PROV[$1]//,/ }; do
		[[ " ${KCB_PRETEND_MISSING:-} " == *" ${ROW_PKG[$1]} "* ]] && { echo "$p"; return 0; }
		case $p in
		py:*) "$PY" -c "import ${p#py:}" 2>/dev/null ;;
		/*) [[ -e $p ]] ;;
		*) command -v "$p" >/dev/null 2>&1 ;;
		esac || { echo "$p"; return 0; }
	done
	return 1
}
# the kernel tree's package is not needed once the tree is extracted, or with --kernel-tree
tree_pkg=""
[[ $mode == kernel && ( -f build/kernel/tree/linux-source-6.12/.kcb-extracted ||
	" ${kernel_args[*]} " == *" --kernel-tree"* ) ]] && tree_pkg=linux-source-6.12
deps_scan() { # -> ABSENT[row]=what is absent, for this mode's rows
	local i
	ABSENT=()
	for i in "${!ROW_PKG[@]}"; do
		[[ $scopes == *" ${ROW_SCOPE[$i]} "* && ${ROW_PKG[$i]} != "$tree_pkg" ]] || continue
		ABSENT[i]=$(row_absent "$i") || unset 'ABSENT[i]'
	done
}
absent_pkgs() { # [scope] -> packages of the absent rows, once each, in list order
	local i out=" "
	for i in "${!ABSENT[@]}"; do
		[[ -z ${1:-} || ${ROW_SCOPE[$i]} == "$1" ]] || continue
		[[ $out == *" ${ROW_PKG[$i]} "* ]] || out+="${ROW_PKG[$i]} "
	done
	echo $out
}
declare -a ABSENT
deps_scan
need=$(absent_pkgs)
if [[ -n $need ]]; then
	line="apt-get install -y --no-install-recommends $need"
	if [[ $(id -u) != 0 || -n ${KCB_PRETEND_MISSING:-} ]]; then
		for i in "${!ABSENT[@]}"; do
			echo "run_all.sh: missing ${ROW_PKG[$i]} (${ABSENT[$i]} not found; ${ROW_SCOPE[$i]})" >&2
		done
		[[ $need == "$(absent_pkgs optional)" ]] || die "missing packages; as root run:"$'\n'"$line"
		echo "run_all.sh: optional packages missing; as root run:"$'\n'"$line" >&2
	else
		say "installing from $DEPS: $need"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null || die "apt-get update failed; then run: $line"
		req=$(absent_pkgs required)
		[[ -z $req ]] || apt-get install -y -qq --no-install-recommends $req >/dev/null ||
			die "could not install the required packages; run: apt-get install -y --no-install-recommends $req"
		rest=$(for p in $need; do [[ " $req " == *" $p "* ]] || echo "$p"; done)
		if [[ -n $rest ]] && ! apt-get install -y -qq --no-install-recommends $rest >/dev/null; then
			for p in $rest; do # one by one: one unavailable package skips only its arch
				apt-get install -y -qq --no-install-recommends "$p" >/dev/null ||
					echo "run_all.sh: could not install $p" >&2
			done
		fi
		deps_scan
		[[ -z $(absent_pkgs required) ]] || die "still missing after apt-get: $(absent_pkgs required)"
	fi
fi

# An absent arch row skips that arch, never the run; an absent optional row is named.
declare -A SKIP=()
OPT_MISSING=()
for i in "${!ABSENT[@]}"; do
	case ${ROW_SCOPE[$i]} in
	arch:*)
		a=${ROW_SCOPE[$i]#arch:}
		[[ -n ${SKIP[$a]:-} ]] || SKIP[$a]="missing package ${ROW_PKG[$i]} (${ABSENT[$i]} not found)"
		;;
	optional) OPT_MISSING+=("${ROW_PKG[$i]} (${ABSENT[$i]} not found): ${ROW_WHY[$i]}") ;;
	esac
done
for a in $arches; do
	[[ -n ${SKIP[$a]:-} ]] && echo "run_all.sh: $a skipped: ${SKIP[$a]}" >&2
done
for i in "${OPT_MISSING[@]}"; do echo "run_all.sh: optional, not installed: $i" >&2; done
[[ $mode == kernel ]] && exec "$PY" tools/kernel "${kernel_args[@]}"

# x86_64 runs natively; only its QEMU instruction counts need qemu-x86_64
static_opts() { # arch -> extra options for tools/static_metrics.py
	[[ $1 == x86_64 && " ${ABSENT[*]} " == *" qemu-x86_64 "* ]] && echo --no-qemu
}

declare -A STATUS=() COUNTS=() FLAKY=()
STEP_FAILED=()
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
	out=$(ctest --preset "$a" --output-on-failure "${@:2}" 2>&1)
	local rc=$?
	echo "$out" | grep -E 'tests passed|Test +#|\*\*\*' | sed "s/^/[$a] /"
	# a failed test shows what it printed (the CI log is all a reader gets)
	((rc == 0)) || echo "$out" | sed -n '/\*\*\*\(Failed\|Exception\|Timeout\)/,/^ *[0-9]*\/[0-9]* Test *#/p' |
		grep -vE '^ *[0-9]+/[0-9]+ Test +#' | tail -200 | sed "s/^/[$a] | /"
	# a skipped test says why: rerun it verbosely for its "skip:" line
	local t skipped=0
	for t in $(echo "$out" | sed -n 's/^[[:space:]]*[0-9]* - \([A-Za-z0-9_.]*\) (Skipped)$/\1/p'); do
		skipped=$((skipped + 1))
		ctest --preset "$a" -R "^$t\$" -V 2>&1 | sed -n "s/^[0-9]*: \(skip: .*\)/[$a] $t: \1/p" | head -1
	done
	# a test disabled for this build (DISABLED in tests/*.cmake) did not run
	# either: ctest leaves it out of its total, the summary counts it skipped
	local disabled=0
	for t in $(echo "$out" | sed -n 's/^[[:space:]]*[0-9]* - \([A-Za-z0-9_.]*\) (Disabled)$/\1/p'); do
		disabled=$((disabled + 1))
		echo "[$a] $t: skip: disabled for this build (DISABLED in tests/*.cmake)"
	done
	local line
	line=$(echo "$out" | grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' | tail -1)
	if [[ $line =~ ([0-9]+)\ tests\ failed\ out\ of\ ([0-9]+) ]]; then
		local failed=${BASH_REMATCH[1]} total=${BASH_REMATCH[2]}
		COUNTS[$a]="$((total - failed - skipped)) passed, $failed failed, $((skipped + disabled)) skipped"
	else
		COUNTS[$a]="0 passed, 0 failed, 0 skipped"
		STATUS[$a]="FAILED: ctest ran no test"
		return 1
	fi
	((rc == 0)) && return 0
	# the failed tests by name, in the summary line too (a CI log may show
	# only its tail); each runs once more: one that passes then is FLAKY,
	# named in the summary with the output of its failure above, not hidden
	local names
	names=$(echo "$out" | sed -n 's/^[[:space:]]*[0-9]* - \([A-Za-z0-9_.]*\) (\(Failed\|Timeout\|SEGFAULT\|Subprocess aborted\|Exception\|Not Run\)).*$/\1/p' | xargs)
	if [[ -n $names ]] && ctest --preset "$a" --output-on-failure --rerun-failed >/dev/null 2>&1; then
		echo "[$a] FLAKY: $names failed, then passed when run again (its failure is shown above)"
		FLAKY[$a]=$names
		COUNTS[$a]="$((total - skipped)) passed, 0 failed, $((skipped + disabled)) skipped"
		return 0
	fi
	STATUS[$a]="FAILED: tests (${names:-see the log})"
	return 1
}

# unittest_counts <label> <module> [VAR=value...]: runs the python tests of
# one module, shows unittest's verdict, adds them to PY_PASSED/FAILED/SKIPPED
PY_PASSED=0 PY_FAILED=0 PY_SKIPPED=0
unittest_counts() {
	local label=$1 module=$2 out rc n=0 f=0 e=0 sk=0
	shift 2
	say "$label"
	out=$(env "$@" "$PY" -m unittest "$module" 2>&1); rc=$?
	echo "$out" | grep -E '^static pass|^Ran |^OK|^FAILED|^(FAIL|ERROR):'
	[[ $out =~ Ran\ ([0-9]+)\ test ]] && n=${BASH_REMATCH[1]}
	[[ $out =~ failures=([0-9]+) ]] && f=${BASH_REMATCH[1]}
	[[ $out =~ errors=([0-9]+) ]] && e=${BASH_REMATCH[1]}
	[[ $out =~ skipped=([0-9]+) ]] && sk=${BASH_REMATCH[1]}
	((rc == 0 || f + e > 0)) || e=1 # died before its verdict
	PY_PASSED=$((PY_PASSED + n - f - e - sk)); PY_FAILED=$((PY_FAILED + f + e)); PY_SKIPPED=$((PY_SKIPPED + sk))
	return $rc
}

# summary: one line per arch, then the closing line; a failed build, a
# skipped arch or a step that failed counts there and in the exit status
summary() {
	local bad=0 a tp=$PY_PASSED tf=$PY_FAILED ts=$PY_SKIPPED ran=0 kind tail="" o
	local -A failed=()
	local skipped=()
	echo
	say "summary"
	for a in $arches ${CLANG[*]:-}; do
		if [[ -n ${SKIP[$a]:-} ]]; then
			printf '  %-13s skipped: %s\n' "$a" "${SKIP[$a]}"
			skipped+=("$a")
			continue
		fi
		printf '  %-13s %s%s\n' "$a" "${STATUS[$a]:-ok}" "${COUNTS[$a]:+ (tests: ${COUNTS[$a]})}"
		if [[ -n ${STATUS[$a]:-} ]]; then
			kind=${STATUS[$a]#FAILED: }
			failed[${kind%% (*}]+=" $a"
		fi
		if [[ ${COUNTS[$a]:-} =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped ]]; then
			tp=$((tp + BASH_REMATCH[1])); tf=$((tf + BASH_REMATCH[2])); ts=$((ts + BASH_REMATCH[3]))
			ran=$((ran + 1))
		fi
	done
	for o in "${OPT_MISSING[@]}"; do printf '  optional, not installed: %s\n' "$o"; done
	[[ -n ${KERNEL_NOTE:-} ]] && printf '  %-13s %s\n' "real kernel" "$KERNEL_NOTE"
	for kind in $(printf '%s\n' "${!failed[@]}" | sort); do
		set -- ${failed[$kind]}
		tail+=", $# arch$( (($# > 1)) && echo es) FAILED: $kind ($*)"
	done
	((${#skipped[@]})) && tail+=", ${#skipped[@]} arch$( ((${#skipped[@]} > 1)) && echo es) skipped (${skipped[*]})"
	for o in "${STEP_FAILED[@]}"; do tail+=", $o FAILED"; done
	local flaky=""
	for a in "${!FLAKY[@]}"; do flaky+="${flaky:+; }$a: ${FLAKY[$a]}"; done
	[[ -n $flaky ]] && echo "flaky (failed once, passed when run again): $flaky"
	local nflaky=${#FLAKY[@]}
	[[ -n $tail || $tf != 0 ]] && bad=1
	if [[ $mode == test || $mode == run ]]; then
		if ((ran)); then
			echo "tests: $tp passed, $tf failed, $ts skipped$( ((nflaky)) && echo ", $nflaky arch(es) with a flaky test")$tail"
		else
			echo "tests: none ran$tail"
			bad=1
		fi
	fi
	return $bad
}

# The real kernel (tools/kernel) for the selected arches it knows whose own
# build went through: when its rows (scope kernel) are there or root can
# install them; otherwise one line in the summary says why not.
KERNEL_NOTE=""
kernel_step() {
	local a i karches="" need=()
	for a in $arches; do
		[[ " x86_64 aarch64 s390x riscv64 " == *" $a "* ]] || continue
		[[ -n ${SKIP[$a]:-} || ${STATUS[$a]:-} == "FAILED: build"* ]] && continue
		karches+="${karches:+,}${ARCHDIR[$a]}"
	done
	[[ -n $karches ]] || { KERNEL_NOTE="not run: no arch it builds (x86_64 aarch64 s390x riscv64) built here"; return; }
	for i in "${!ROW_PKG[@]}"; do
		[[ ${ROW_SCOPE[$i]} == kernel ]] || continue
		[[ ${ROW_PKG[$i]} == linux-source-6.12 && -f build/kernel/tree/linux-source-6.12/.kcb-extracted ]] && continue
		row_absent "$i" >/dev/null && need+=("${ROW_PKG[$i]}")
	done
	if ((${#need[@]})); then
		if [[ $(id -u) != 0 || -n ${KCB_PRETEND_MISSING:-} ]]; then
			KERNEL_NOTE="not run: missing ${need[*]} (as root: apt-get install -y --no-install-recommends ${need[*]}; or ./run_all.sh kernel --kernel-tree DIR)"
			return
		fi
		say "real kernel: installing ${need[*]} (tools/deps/debian.list, scope kernel)"
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; } >/dev/null ||
			{ KERNEL_NOTE="not run: apt-get install ${need[*]} failed"; return; }
	fi
	say "real kernel (tools/kernel --arch $karches)"
	if "$PY" tools/kernel --arch "$karches" --out "$rundir/kernel"; then
		KERNEL_NOTE="ok: $rundir/kernel/kernel.md (its section is in report.md)"
	else
		KERNEL_NOTE="FAILED or partial (see above): $rundir/kernel"
		STEP_FAILED+=("real kernel")
	fi
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
		if [[ " ${ABSENT[*]} " == *" clang-16 "* ]]; then
			SKIP[$a-clang]="missing package clang-16 (clang-16 not found)"
			continue
		fi
		say "$a-clang: configure + build"
		build_arch "$a-clang" && { say "$a-clang: tests"; test_arch "$a-clang" -E '^python_tools$'; }
	done
fi

case $mode in
test)
	say "gate: deterministic metrics vs results/baseline"
	stamp=ci-$(date -u +%Y%m%d-%H%M%S)
	rundir=results/runs/$stamp
	mkdir -p "$rundir"
	for a in $arches; do
		[[ -n ${SKIP[$a]:-} || -n ${STATUS[$a]:-} ]] && continue
		"$PY" tools/static_metrics.py --arch "${ARCHDIR[$a]}" --build "build/$a" $(static_opts "$a") \
			--out "$rundir/${ARCHDIR[$a]}-static.json" --no-mca >/dev/null || STATUS[$a]="FAILED: static metrics"
	done
	write_skipped "$rundir"
	# an explicit --arch list gates just those arches (a skipped one still fails)
	subset=()
	if ((arch_subset)); then
		subset=(--arches "$(for a in $arches; do printf '%s,' "${ARCHDIR[$a]}"; done | sed 's/,$//')")
	fi
	"$PY" tools/compare "${subset[@]}" "$rundir" results/baseline || STEP_FAILED+=(gate)
	unittest_counts "static-metrics bars on the built arches (tests/tools/test_static_cli.py)" \
		tests.tools.test_static_cli KCB_STATIC_BUILDS=build
	unittest_counts "every program called is in $DEPS (tests/tools/test_deps.py)" tests.tools.test_deps
	# the native suite once more under ASan + UBSan; its counts join the summary
	if [[ " $arches " == *" x86_64 "* && -z ${SKIP[x86_64]:-} ]]; then
		say "x86_64-asan: configure + build + tests (ASan + UBSan)"
		build_arch x86_64-asan && test_arch x86_64-asan
		arches="$arches x86_64-asan"
	fi
	echo "test wall time: $(($(date +%s) - t0)) s"
	summary
	exit
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
		"$PY" tools/export_lab.py --arch "$a" --archdir "${ARCHDIR[$a]}" --build "build/$a" --out "$export_dir" ||
			STATUS[$a]="FAILED: export"
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
kernel_step
say "report and plots"
"$PY" tools/report "$rundir" --headline >"$rundir/headline.txt" || STEP_FAILED+=(report)
"$PY" plots/plot_all.py "$rundir" || STEP_FAILED+=(plots)
echo
say "done in $(($(date +%s) - t0)) s"
# name only what this run really wrote
written=()
for f in "$rundir/report.md" "$rundir/report.txt"; do [[ -s $f ]] && written+=("$f"); done
echo "report: ${written[*]:-none written}"
if compgen -G "$rundir/plots/*" >/dev/null; then echo "plots:  $rundir/plots/"; else echo "plots:  none written"; fi
[[ -s $rundir/headline.txt ]] && cat "$rundir/headline.txt"
summary
exit
