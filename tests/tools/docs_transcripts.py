#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Re-run the transcripts of a Markdown document and compare their stable lines.

The document marks what to check with an HTML comment on the line before a
fenced block:

  <!-- source: FILE -->          the block is written to FILE in the work
                                 directory (and compiled by --compile-only
                                 when FILE ends in .c)
  <!-- transcript: SESSION -->   the block is part of SESSION; the blocks of
                                 one session are read in document order
  options after SESSION:         timeout=SECONDS for the session's hvmon;
                                 nested=no for a block the nested VM
                                 (scripts/nested-kvm.sh, NESTED_KVM=1)
                                 cannot reproduce, left out there: what
                                 kvm_pvm's instruction emulator does with
                                 guest ring 0, or a single-step across the
                                 far jump into 64-bit code, which QEMU's
                                 TCG does not stop after

Inside a transcript block:

  $ build/hvmon ARGS   starts hvmon (build/hvmon, build/guest/, build/testguest/
                       are replaced by $HVMON, $GUEST, $TESTGUEST); the
                       session's "(hvmon) CMD" lines become its script, run
                       with -x and stdin at end of file, as the tutorial ran
                       them (not --batch, which prints a different banner),
                       the serial console to a file unless the line names
                       one. Without monitor commands the line is run as it
                       is (hvmon probe).
  $ CMD                a shell command, run in the work directory before
                       hvmon (if it comes before the hvmon line) or after it
  (hvmon) CMD          a monitor command
  ...                  lines left out
  anything else        expected output

An expected line passes if, after normalization, some line of the real
output (hvmon's stdout and stderr, and the shell commands') equals it.
Order is not checked: console and monitor text interleave differently from
run to run. Normalization replaces the values that change between runs
or hosts (times, counts, the TSC, fpu's xstate_bv) with '*'; lines whose
content depends on timing (where a pause lands, exit trace entries, info
cpus) are not compared at all.
"""
import os
import re
import shlex
import subprocess
import sys

MARK = re.compile(r'^<!-- (transcript|source): (\S+)((?: [a-z]+=\S+)*) -->$')

# Values that differ from run to run.
VOLATILE = [
    (re.compile(r'\bt=\+[0-9.]+'), 't=+*'),
    (re.compile(r'\b(handling_us|avg_ns|parked_ms|count|reads|writes|exits|shown|dropped)=[0-9.]+'),
     r'\1=*'),
    (re.compile(r'/dev/pts/[0-9]+'), '/dev/pts/*'),
    (re.compile(r'\baccesses=[0-9]+'), 'accesses=*'),      # info io: polling loops
    (re.compile(r'^msr\[0x10\]=0x[0-9a-f]+$'), 'msr[0x10]=*'),  # the TSC
    (re.compile(r'\bxstate_bv=0x[0-9a-f]+'), 'xstate_bv=*'),  # fpu: what the host's KVM touched
]
# In the nested VM (scripts/nested-kvm.sh) guest ring 0 runs under QEMU's
# TCG with AMD's SVM, not in kvm_pvm's emulator, and these lines show the
# host, not hvmon: a breakpoint hit is a #BP exit (DEBUG), not an
# emulation failure (INTERNAL_ERROR); the registers a CPUID left behind;
# a null SS's hidden part (AMD keeps the old attributes).
NESTED = os.environ.get('NESTED_KVM') == '1'
NESTED_UNSTABLE = [
    re.compile(r'reason=INTERNAL_ERROR '),
    re.compile(r'^rax=\S+ rbx=\S+ rcx=\S+ rdx=\S+$'),
    re.compile(r'^ss=0x0000 '),
]
# Lines whose content depends on timing: not compared.
UNSTABLE = [
    re.compile(r'^paused: '),                 # where the pause landed
    re.compile(r'^vcpu=\d+ t=\+'),            # exit trace entries
    re.compile(r'^[ *]cpu=\d+ state='),       # info cpus: running or not yet
    re.compile(r'^hvmon: serial console on '),  # the pty (the check uses a file)
    re.compile(r'^\[ *\d+\.\d+\] '),          # kernel log lines with times
]


# Where nested=no blocks were left out, the breakpoints they set were not,
# and the later breakpoints' numbers shift.
NESTED_VOLATILE = [(re.compile(r'\bbreakpoint \d+ at '), 'breakpoint * at ')]


def normalize(line):
    line = line.rstrip()
    for pat, rep in VOLATILE + (NESTED_VOLATILE if NESTED else []):
        line = pat.sub(rep, line)
    return line


def unstable(line):
    return any(p.search(line) for p in UNSTABLE + (NESTED_UNSTABLE if NESTED else []))


class Session:
    def __init__(self, name):
        self.name = name
        self.pre = []        # shell commands before hvmon
        self.hvmon = None    # argv after build/hvmon
        self.monitor = []    # monitor commands
        self.post = []       # shell commands after hvmon
        self.expected = []   # (markdown line number, text)
        self.timeout = 120


def parse(path):
    """Sessions (in order of first appearance) and source blocks."""
    sessions, sources = {}, {}
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        m = MARK.match(lines[i])
        if not m:
            i += 1
            continue
        kind, name, opts = m.group(1), m.group(2), m.group(3)
        j = i + 1
        if j >= len(lines) or not lines[j].startswith('```'):
            raise SystemExit(f'{path}:{i + 1}: marker not followed by a fenced block')
        k = j + 1
        while k < len(lines) and not lines[k].startswith('```'):
            k += 1
        if k >= len(lines):
            raise SystemExit(f'{path}:{j + 1}: unterminated fenced block')
        body = lines[j + 1:k]
        if kind == 'source':
            sources[name] = '\n'.join(body) + '\n'
        else:
            s = sessions.setdefault(name, Session(name))
            not_nested = False
            for opt in opts.split():
                key, val = opt.split('=', 1)
                if key == 'timeout' and val.isdigit():
                    s.timeout = max(s.timeout, int(val))
                elif opt == 'nested=no':
                    not_nested = True
                else:
                    raise SystemExit(f'{path}:{i + 1}: unknown option {opt}')
            # Neither its commands nor its lines are part of the session.
            if not_nested and NESTED:
                i = k + 1
                continue
            for n, line in enumerate(body, start=j + 2):
                if line.startswith('$ build/hvmon'):
                    if s.hvmon is not None:
                        raise SystemExit(f'{path}:{n}: a second hvmon in session {name}')
                    s.hvmon = shlex.split(line[2:])[1:]
                elif line.startswith('$ '):
                    (s.post if s.hvmon is not None else s.pre).append(line[2:])
                elif line.startswith('(hvmon) '):
                    s.monitor.append(line[len('(hvmon) '):])
                elif line.strip() in ('', '...', '(hvmon)'):   # a bare prompt
                    continue
                else:
                    s.expected.append((n, line))
        i = k + 1
    return list(sessions.values()), sources


class Paths:
    def __init__(self):
        self.map = [('build/hvmon', os.path.abspath(os.environ.get('HVMON', 'build/hvmon'))),
                    ('build/testguest', os.path.abspath(os.environ.get('TESTGUEST', 'build/testguest'))),
                    ('build/guest', os.path.abspath(os.environ.get('GUEST', 'build/guest')))]

    def to_real(self, arg):
        for doc, real in self.map:
            if arg == doc or arg.startswith(doc + '/'):
                return real + arg[len(doc):]
        return arg

    def to_doc(self, text):
        for doc, real in self.map:
            text = text.replace(real, doc)
        return text


def run(argv, cwd, timeout, shell=False):
    try:
        p = subprocess.run(argv, cwd=cwd, shell=shell, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout)
        return p.stdout.decode('utf-8', 'replace'), p.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b'').decode('utf-8', 'replace')
        return out + f'\n(timed out after {timeout} s)\n', None


# Monitor commands that plant int3 (break, tbreak, until, advance, and
# next/finish over a call) or arm DR0-DR3 (hbreak). Where the guest's int3
# never exits to KVM and DR0 never fires (Debian's QEMU's TCG under
# scripts/nested-kvm.sh, which sets NESTED_KVM=1, unless it ran the fixed
# QEMU of scripts/nested-qemu.sh and set NESTED_BREAKPOINTS=1) they cannot
# stop.
SW_BREAKPOINT = re.compile(r'(b|break|tbreak|hbreak|u|until|advance|n|ni|next|nexti|finish)(\s|$)')


def run_session(s, work, paths):
    """Returns the session's output, or None and a reason to skip it."""
    if NESTED and os.environ.get('NESTED_BREAKPOINTS') != '1' and any(SW_BREAKPOINT.match(c) for c in s.monitor):
        return None, 'it plants software breakpoints, and int3 never exits to KVM here (scripts/nested-kvm.sh)'
    out = []
    for cmd in s.pre:
        text, _ = run(cmd, work, 60, shell=True)
        out.append(text)
    if s.hvmon is not None:
        argv = [paths.to_real('build/hvmon')] + [paths.to_real(a) for a in s.hvmon]
        for a in argv[1:]:
            if a.startswith('/') and not os.path.exists(a):
                return None, f'{paths.to_doc(a)} is missing'
        if s.monitor:
            script = os.path.join(work, s.name + '.hvmon')
            with open(script, 'w') as f:
                f.write('\n'.join(s.monitor) + '\n')
            extra = ['-x', script]
            if '--console' not in argv:
                extra += ['--console', 'file:' + os.path.join(work, s.name + '.console')]
            argv = argv[:1] + extra + argv[1:]
        text, rc = run(argv, work, s.timeout)
        out.append(paths.to_doc(text))
        if rc is None:
            out.append(f'(hvmon did not finish in {s.timeout} s)\n')
    for cmd in s.post:
        text, _ = run(cmd, work, 60, shell=True)
        out.append(text)
    return ''.join(out), None


def compare(s, output, doc):
    got = {normalize(l) for l in output.split('\n')}
    missing = [(n, line) for n, line in s.expected
               if not unstable(line) and normalize(line) not in got]
    checked = sum(1 for _, line in s.expected if not unstable(line))
    for n, line in missing:
        print(f'  {doc}:{n}: no such line in the output: {line}')
    return checked, missing


def main():
    args = sys.argv[1:]
    mode, only, work = 'run', None, None
    while args and args[0].startswith('--'):
        opt = args.pop(0)
        if opt == '--list':
            mode = 'list'
        elif opt == '--compile-only':
            mode = 'compile'
        elif opt == '--only':
            only = set(args.pop(0).split(','))
        elif opt == '--work':
            work = args.pop(0)
        else:
            raise SystemExit(f'unknown option {opt}')
    if len(args) != 1:
        raise SystemExit('usage: docs_transcripts.py [--list|--compile-only] [--only S,..] [--work DIR] FILE.md')
    doc = args[0]
    sessions, sources = parse(doc)
    if mode == 'list':
        for name in sources:
            print(f'source {name}')
        for s in sessions:
            print(f'session {s.name}: pre={len(s.pre)} hvmon={s.hvmon is not None} '
                  f'monitor={len(s.monitor)} post={len(s.post)} expected={len(s.expected)} '
                  f'compared={sum(1 for _, l in s.expected if not unstable(l))}')
        return 0
    work = work or os.getcwd()
    for name, text in sources.items():
        with open(os.path.join(work, name), 'w') as f:
            f.write(text)
    if mode == 'compile':
        bad = 0
        for name in sources:
            if name.endswith('.c'):
                cc = os.environ.get('CC', 'cc')
                text, rc = run([cc, '-std=gnu11', '-Wall', '-Wextra', '-Werror', '-o',
                                os.path.join(work, name[:-2]), os.path.join(work, name)], work, 120)
                print(f'{"ok" if rc == 0 else "FAIL"}: {doc}: source {name} compiles with -Wall -Wextra -Werror')
                if rc != 0:
                    print(text)
                    bad += 1
        return 1 if bad else 0
    paths = Paths()
    failed = 0
    for s in sessions:
        if only and s.name not in only:
            continue
        output, skip = run_session(s, work, paths)
        if skip:
            print(f'skipped: session {s.name}: {skip}')
            continue
        with open(os.path.join(work, s.name + '.out'), 'w') as f:
            f.write(output)
        checked, missing = compare(s, output, doc)
        if missing:
            failed += 1
            print(f'FAIL: {doc}: session {s.name}: {len(missing)} of {checked} stable lines '
                  f'differ (output in {os.path.join(work, s.name + ".out")}):')
            for line in output.split('\n')[-25:]:
                print('    | ' + line)
        else:
            print(f'ok: {doc}: session {s.name}: {checked} stable lines as documented')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
