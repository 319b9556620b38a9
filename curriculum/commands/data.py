"""``learn data [NAME]``: the full-size data sets, downloaded once (progress bar, checksum, resume).

    learn data                 list them, and which are already downloaded
    learn data mnist           download MNIST into .learn/data/mnist (or $LEARN_DATA_DIR)
"""

from __future__ import annotations

from rich.table import Table

from curriculum.console import console
from curriculum.workspace import Workspace


def add_parser(sub) -> None:
    p = sub.add_parser("data", help="download MNIST, CIFAR-10 or TinyStories (needs the internet)")
    p.add_argument("name", nargs="?", help="data set name (no name: list them)")
    p.add_argument("--mirror", help="base URL to download from instead of the usual one")


def run(args, ws: Workspace) -> int:
    from utils.datasets import DATASETS, data_dir, download, is_downloaded
    from utils.download import DownloadError

    if not args.name:
        table = Table(show_edge=False, pad_edge=False)
        for col in ("name", "what", "here"):
            table.add_column(col)
        for ds in DATASETS.values():
            table.add_row(f"[id]{ds.name}[/]", ds.description, "[ok]yes[/]" if is_downloaded(ds.name) else "[muted]no[/]")
        console.print(table)
        console.print(f"[muted]Folder: {data_dir()}. Download one with `learn data NAME`.[/]")
        return 0
    if args.name not in DATASETS:
        from curriculum.course import close_matches

        near = close_matches(args.name, list(DATASETS))
        console.print(f"[fail]error:[/] unknown data set {args.name!r}" + (f"; did you mean {', '.join(map(repr, near))}?" if near else ""))
        return 2
    try:
        folder = download(args.name, base_url=args.mirror)
    except DownloadError as err:
        console.print(f"[fail]error:[/] {err}")
        console.print("[muted]Run the same command again to resume; a finished file is never downloaded twice.[/]")
        return 1
    console.print(f"[ok]{args.name}[/] is in {folder}")
    return 0
