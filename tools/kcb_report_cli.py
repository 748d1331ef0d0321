"""Shared command-line plumbing for tools/report and tools/compare: one-line
errors (never a traceback), atomic writes, and repo-relative paths for the
commands a report prints."""
import argparse
import os
import sys
import tempfile

from kcb_report_load import ReportError

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ReportError(f"usage: {message} (see --help)")


def rel(path):
    """path relative to the repo root when inside it, for printed commands."""
    a = os.path.abspath(path)
    if a == REPO or a.startswith(REPO + os.sep):
        return os.path.relpath(a, REPO)
    return a


def write_atomic(files):
    """files: {path: text}.  Every temp file is written before any rename,
    so a failure leaves no half-written report."""
    tmps = []
    try:
        for path, text in files.items():
            d = os.path.dirname(os.path.abspath(path))
            os.makedirs(d, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
            tmps.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
        for tmp, path in tmps:
            os.replace(tmp, path)
    except OSError as e:
        for tmp, _ in tmps:
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise ReportError(f"cannot write {e.filename or 'output'}: "
                          f"{e.strerror}")


def run(prog, main):
    """Call main(argv) -> exit code; turn every failure into one line."""
    try:
        code = main(sys.argv[1:])
    except ReportError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        code = 1
    except Exception as e:  # a bug: still one line, with where it happened
        tb = e.__traceback__
        while tb and tb.tb_next:
            tb = tb.tb_next
        where = (f" at {os.path.basename(tb.tb_frame.f_code.co_filename)}:"
                 f"{tb.tb_lineno}" if tb else "")
        print(f"{prog}: internal error: {type(e).__name__}: {e}{where}",
              file=sys.stderr)
        code = 3
    sys.exit(code)
