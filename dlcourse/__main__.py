"""``python -m dlcourse doctor``: the course's checks of this machine (see dlcourse/doctor.py)."""

import sys

USAGE = "usage: python -m dlcourse doctor    (what this machine has for the course, each problem with a fix)"


def main(argv: list[str]) -> int:
    if argv[:1] != ["doctor"] or len(argv) > 1:
        print(USAGE, file=sys.stderr)
        return 2
    from .doctor import main as doctor

    return doctor()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
