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
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    panels = (
        ("noopUp", "drift", "median wall time (s)"),
        ("noopUpReads", "driftReads", "admin-API reads per object"),
    )
    for ax, (up_key, drift_key, ylabel) in zip(axes, panels):
        ax.plot(n, data[up_key], marker="o", label="no-op npm run up (refreshes)")
        ax.plot(n, data[drift_key], marker="s", label="npm run drift")
        ax.set_xlabel("admin objects N")
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle(data["title"])
    fig.tight_layout()
    fig.savefig(out_path, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
