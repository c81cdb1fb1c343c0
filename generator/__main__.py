"""`python -m generator` and the `mtgen` console script.  Ctrl-C while the program is still starting (its
imports take a tenth of a second) is one line too, as it is later on (cli.main), not a traceback."""
import sys


def run() -> None:
    try:
        from .cli import main
    except KeyboardInterrupt:
        sys.stderr.write("mtgen: interrupted\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
