#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check that every virtio section number the project cites exists.

The table (tests/spec/virtio-1.2-sections.tsv) lists virtio 1.2 sections,
one a line: NUMBER, TAB, TITLE, TAB, where the number and title were read
(the table's header says what each source is). This script finds the virtio section numbers
cited in the virtio code (comments, diagnose messages, help texts), its
tests and the virtio parts of the documentation, and fails for each one
the table does not have: a section that does not exist, or one nobody has
checked. With --list it prints every cited section with its title and the
places that cite it, for a reader to judge whether the title fits the claim.

Which numbers are virtio citations:
- in the virtio sources and tests (VIRTIO_FILES), every number of the
  form N.N[.N...] with N from 2 to 6, except on lines that cite the PCI
  Local Bus specification (PCI_LINE) and the few PCI sections listed in
  PCI_SECTIONS;
- in the documents, the same, but only inside their virtio parts
  (DOC_REGIONS: from a heading to the next heading of the same level).
"""
import glob
import re
import sys

VIRTIO_FILES = [
    'src/dev/virtio/*.[ch]',
    'src/monitor/cmd_virtio.c',
    'tests/guest/virtio*.[chS]',
    'tests/unit/test_virt*.[ch]',
    'tests/integration/virtio_*.sh',
]
# (file, heading prefix): the section under that heading is about virtio.
DOC_REGIONS = [
    ('docs/tutorial.md', '## 13. Virtio'),
    ('docs/monitor.md', '## Virtio devices'),
    ('docs/architecture.md', '## Virtio'),
    ('README.md', '### Virtio'),
    ('tests/guest/README.md', '## Virtio'),
]
CITE = re.compile(r'(?<![\w.])([2-6]\.\d{1,2}(?:\.\d{1,2})*)(?![\w]|\.\d)')
# Lines that cite the PCI Local Bus specification, not virtio.
PCI_LINE = re.compile(r'PCI Local Bus|Bus 3\.0|PCI 3\.0|type 0 header|MSI-X Message Control|'
                      r'Vector Control|pending bit array|the PBA|The table \(6\.8|PCI spec|KVM API', re.I)
# PCI Local Bus 3.0 sections cited next to virtio ones: virtio's chapter 6
# has only 6.1-6.3, none of them with subsections.
PCI_SECTION = re.compile(r'^6\.(?:[1-9]\d*\.|[4-9]|\d\d)')
# Not section numbers: versions and sizes written the same way.
NOT_SECTIONS = re.compile(r'(virtio|version|protocol|Debian|kernel|GPL|gcc|ld|v)\s*[2-6]\.\d', re.I)


def doc_lines(path, heading):
    level = heading.split(' ')[0]
    inside = False
    out = []
    for n, line in enumerate(open(path, encoding='utf-8'), start=1):
        if line.startswith('#'):
            head_level = line.split(' ')[0]
            if line.startswith(heading):
                inside = True
            elif inside and len(head_level) <= len(level):
                inside = False
        if inside:
            out.append((n, line))
    return out


def citations():
    """{section: [(file, line), ...]}"""
    found = {}

    def scan(path, numbered):
        for n, line in numbered:
            if PCI_LINE.search(line) or 'SPDX' in line:
                continue
            text = NOT_SECTIONS.sub('', line)
            # Numbers inside hex constants, addresses and decimals with
            # units are not citations: drop 0x..., times and sizes.
            text = re.sub(r'0x[0-9a-fA-F.]+|\d+\.\d+\s*(?:s|ms|µs|us|MB|GB|KiB|MiB|GiB|%)\b', '', text)
            for m in CITE.finditer(text):
                sec = m.group(1)
                if PCI_SECTION.match(sec):
                    continue
                found.setdefault(sec, []).append(f'{path}:{n}')

    for pattern in VIRTIO_FILES:
        for path in sorted(glob.glob(pattern)):
            scan(path, enumerate(open(path, encoding='utf-8', errors='replace'), start=1))
    for path, heading in DOC_REGIONS:
        scan(path, doc_lines(path, heading))
    return found


def load_table(path):
    table = {}
    for n, line in enumerate(open(path, encoding='utf-8'), start=1):
        if line.startswith('#') or not line.strip():
            continue
        fields = line.rstrip('\n').split('\t')
        if len(fields) != 3 or not all(fields):
            raise SystemExit(f'{path}:{n}: want NUMBER<TAB>TITLE<TAB>SOURCE')
        if fields[0] in table:
            raise SystemExit(f'{path}:{n}: {fields[0]} twice')
        table[fields[0]] = f'{fields[1]} [{fields[2]}]'
    return table


def main():
    args = sys.argv[1:]
    listing = args[:1] == ['--list']
    if listing:
        args = args[1:]
    table = load_table(args[0] if args else 'tests/spec/virtio-1.2-sections.tsv')
    found = citations()
    key = lambda s: [int(x) for x in s.split('.')]
    bad = 0
    for sec in sorted(found, key=key):
        where = found[sec]
        if sec in table:
            if listing:
                print(f'{sec}\t{table[sec]}\t{len(where)}x: {", ".join(where[:4])}{" ..." if len(where) > 4 else ""}')
        else:
            bad += 1
            print(f'FAIL: virtio {sec} is cited but is no section of virtio 1.2 in the table: {", ".join(where)}')
    if not listing:
        print(f'{"ok" if not bad else "FAIL"}: {len(found)} virtio sections cited, '
              f'{len(found) - bad} of them found in the table')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
