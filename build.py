#!/usr/bin/env python3
"""Build the portal: ``python build.py [build|check|ingest|serve] …``.

A thin command line over the ``portal`` package; each command reuses the same pipeline
(load → validate → model → render → index → atomic write). Run ``python build.py -h``.
"""

from __future__ import annotations

import sys

from portal.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
