"""``python -m dlcourse COMMAND``: the course's command line.

    doctor                       what this machine has for the course, each problem with a fix
    prefetch DIR [--verify-only] prepare (or verify) a data cache for DLCOURSE_DATA_DIR
    catalog                      every dataset, its license and whether it is cached here
"""

import sys

USAGE = __doc__.split("\n\n", 1)[1].rstrip()


def main(argv: list[str]) -> int:
    if argv[:1] == ["doctor"] and len(argv) == 1:
        from .doctor import main as doctor

        return doctor()
    if argv[:1] in (["prefetch"], ["catalog"]):
        from .datasets import main as datasets_main

        return datasets_main(argv)
    print("usage: python -m dlcourse COMMAND\n" + USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
