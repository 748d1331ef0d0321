# SPDX-License-Identifier: GPL-2.0
"""What every tool does at its edges: the one error class, atomic writes,
JSON reading, repo-relative paths for printed commands, and the command-line
wrapper that turns every failure into one line on stderr."""
import argparse
import json
import os
import signal
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

EXIT_FAIL = 1      # the tool ran and found a problem (a regression, a bad file)
EXIT_USAGE = 2     # bad input: one line on stderr
EXIT_INTERNAL = 3  # a bug: still one line
EXIT_INTERRUPTED = 130

_UMASK = os.umask(0o022)
os.umask(_UMASK)


class KcbError(Exception):
    """Bad input or a failed step: the tools print str(e) as one line and
    exit with self.code."""

    def __init__(self, message, code=EXIT_USAGE, fatal=False):
        super().__init__(message)
        self.code = code
        self.fatal = fatal  # a fault no caller may record as a result


def check_not_killed(what, returncode):
    """A child killed by a signal (the OOM killer, a user's kill) is a
    fault, never a measurement: the tool stops before writing anything."""
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        raise KcbError(f"{what} was killed by {name}; nothing written", EXIT_FAIL,
                       fatal=True)


class Parser(argparse.ArgumentParser):
    """argparse that raises KcbError instead of printing usage and exiting."""

    def error(self, message):
        raise KcbError(f"usage: {message} (see --help)")


def rel(path):
    """path relative to the repo root when inside it, for printed commands."""
    a = os.path.abspath(path)
    if a == REPO or a.startswith(REPO + os.sep):
        return os.path.relpath(a, REPO)
    return a


# held back while temp files exist: they land after the renames (or the
# cleanup), so an interrupted tool leaves each target old or new, never a
# temp file beside it
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def write_atomic(files):
    """files: {path: text or bytes}.  Every temp file is written before any
    rename, so a failure leaves no half-written output."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        _write_all(files)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _write_all(files):
    tmps = []
    try:
        for path, text in files.items():
            d = os.path.dirname(os.path.abspath(path))
            os.makedirs(d, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
            tmps.append((tmp, path))
            os.fchmod(fd, 0o666 & ~_UMASK)  # as open() would, not mkstemp's 0600
            binary = isinstance(text, bytes)
            with os.fdopen(fd, "wb" if binary else "w",
                           encoding=None if binary else "utf-8") as f:
                f.write(text)
        for tmp, path in tmps:
            os.replace(tmp, path)
    except OSError as e:
        raise KcbError(f"cannot write {e.filename or 'output'}: {e.strerror}") from None
    finally:
        for tmp, _ in tmps:
            if os.path.exists(tmp):
                os.unlink(tmp)


def writable_dir_problem(path):
    """None if output can be written into directory path (made if missing),
    else why not, in a few words: asked before long work starts."""
    probe = os.path.abspath(path)
    while not os.path.exists(probe):
        probe = os.path.dirname(probe)
    if not os.path.isdir(probe):
        return f"{probe} is not a directory"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe} is not writable"
    return None


def json_text(obj, indent=None):
    """obj as JSON text with a final newline."""
    return json.dumps(obj, indent=indent) + "\n"


def read_json(path, bad=("malformed or truncated JSON", "malformed JSON")):
    """Parse one JSON file; KcbError (one line naming the file) if it cannot.
    bad: how to call text that does not parse, and JSON nested too deep."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise KcbError(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise KcbError(f"{path}: not a results file: not UTF-8 text (byte "
                       f"{e.start})") from None
    if not text.strip():
        raise KcbError(f"{path}: empty file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise KcbError(f"{path}: {bad[0]} (line {e.lineno} col {e.colno}: {e.msg})") from None
    except RecursionError:
        raise KcbError(f"{path}: {bad[1]} (nested too deep)") from None


def one_line(text):
    """text with every character that would break the line (a file name may
    hold \\n, \\r, \\x85, ...) escaped, so an error stays one line."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1]
                   for c in text)


def run(prog, main, argv=None):
    """Call main(argv) -> exit code; turn every failure into one line."""
    try:
        code = main(sys.argv[1:] if argv is None else argv)
    except KcbError as e:
        print(f"{prog}: {one_line(str(e))}", file=sys.stderr)
        code = e.code
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        code = EXIT_FAIL
    except Exception as e:  # a bug: still one line, with where it happened
        tb = e.__traceback__
        while tb and tb.tb_next:
            tb = tb.tb_next
        where = (f" at {os.path.basename(tb.tb_frame.f_code.co_filename)}:"
                 f"{tb.tb_lineno}" if tb else "")
        print(f"{prog}: internal error: {type(e).__name__}: {one_line(str(e))}{where}",
              file=sys.stderr)
        code = EXIT_INTERNAL
    sys.exit(code)
