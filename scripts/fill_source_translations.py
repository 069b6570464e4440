"""Our msgids are already Simplified Chinese (the source language), so the zh_Hans catalogue maps each
msgid to itself. `make messages` runs this after makemessages, then compiles the catalogue."""

import re
import sys
from pathlib import Path

ENTRY = re.compile(r'(msgid ((?:"(?:[^"\\]|\\.)*"\n?)+))msgstr ""\n(?!")', re.MULTILINE)


def fill(text: str) -> str:
    def replace(match: re.Match) -> str:
        msgid_block, quoted = match.group(1), match.group(2)
        if quoted.strip() == '""':
            return match.group(0)  # the header entry
        return f"{msgid_block}msgstr {quoted.rstrip()}\n"

    text = ENTRY.sub(replace, text)
    # plural entries: copy msgid / msgid_plural into msgstr[0]
    text = re.sub(r'(msgid_plural ("(?:[^"\\]|\\.)*")\n)msgstr\[0\] ""', r"\1msgstr[0] \2", text)
    return text.replace("#, fuzzy\n", "", 1) if text.startswith("# SOME DESCRIPTIVE") else text


if __name__ == "__main__":
    for path in sys.argv[1:]:
        p = Path(path)
        p.write_text(fill(p.read_text(encoding="utf-8")), encoding="utf-8")
