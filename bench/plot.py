"""Plots the scale benchmark of `npm run bench` (docs/benchmarks.md): median wall time of a no-op
`npm run up` and of `npm run drift`, and admin reads per object, against the number of admin
objects N. Uses Debian's python3-matplotlib (installed by the benchmark's set-up).

    /usr/bin/python3 bench/plot.py DATA.json OUT.png

DATA.json: {"n": [10, 50, 300], "noopUp": [s...], "drift": [s...],
            "noopUpReads": [per object...], "driftReads": [per object...], "title": "..."}
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(data_path: str, out_path: str) -> None:
    with open(data_path, encoding="utf-8") as f:
        data = json.load(f)
    n = data["n"]
    fig, (time_ax, reads_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    time_ax.plot(n, data["noopUp"], marker="o", label="no-op npm run up (refreshes)")
    time_ax.plot(n, data["drift"], marker="s", label="npm run drift")
    time_ax.set_xlabel("admin objects N")
    time_ax.set_ylabel("median wall time (s)")
    time_ax.set_ylim(bottom=0)
    time_ax.grid(True, alpha=0.3)
    time_ax.legend()
    reads_ax.plot(n, data["noopUpReads"], marker="o", label="no-op npm run up")
    reads_ax.plot(n, data["driftReads"], marker="s", label="npm run drift")
    reads_ax.set_xlabel("admin objects N")
    reads_ax.set_ylabel("admin-API reads per object")
    reads_ax.set_ylim(bottom=0)
    reads_ax.grid(True, alpha=0.3)
    reads_ax.legend()
    fig.suptitle(data["title"])
    fig.tight_layout()
    fig.savefig(out_path, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
