"""Core day 14: pandas for data loading -- read CSVs, pick columns, fill gaps, hand NumPy a clean array.

The typical first step of a training script: a folder of CSV files becomes
one ``float64`` matrix, saved with ``np.save`` so the next run loads it in
milliseconds. Three functions:

- ``read_table``: one CSV -> a ``DataFrame`` with exactly the requested
  columns, in that order, numeric, missing values filled;
- ``load_folder``: every ``*.csv`` of a folder, in sorted file-name order,
  stacked into one ``(rows, len(columns))`` array;
- ``save_array``: ``np.save`` that creates the folder and tells you the real
  file name (NumPy appends ``.npy``).

Every error names the file (and the column) at fault: with fifty files, "could
not convert string to float" alone is no help.

In scope: ``pd.read_csv``, column selection, ``pd.to_numeric``, ``fillna``,
``to_numpy``, ``np.concatenate``, ``np.save``/``np.load``. Out of scope:
``groupby``/``merge``, dates, encodings other than UTF-8, huge files
(``chunksize``), and Parquet.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd


def read_table(path: str | Path, columns: Sequence[str], fill: float = 0.0) -> pd.DataFrame:
    """Read one CSV file and return ``columns`` as numbers, missing values replaced by ``fill``.

    - The first line is the header; column names must match exactly
      (case and spaces included). Extra columns in the file are ignored.
    - Missing values are empty fields and the markers ``pd.read_csv``
      recognises by default (``NA``, ``NaN``, ``nan``, ``null``...).
    - Every selected column must be numeric once missing values are set
      aside.

    Args:
        path: the CSV file (UTF-8).
        columns: the columns to keep, in the order wanted; at least one.
        fill: the value for missing entries.

    Returns:
        A new ``DataFrame`` whose columns are exactly ``list(columns)``, all
        ``float64``, one row per data line (zero rows for a header-only file).

    Raises:
        ValueError: ``columns`` is empty; the file is empty (no header);
            a column is missing (the message names the file and every
            missing column); a column holds text that is not a number (the
            message names the file and the column).
        FileNotFoundError: ``path`` does not exist.

    Example:
        A file ``a.csv`` containing ``x,y,z\\n1,,a\\n2,5,b\\n``::

            >>> read_table("a.csv", ["y", "x"], fill=-1).to_numpy()  # doctest: +SKIP
            array([[-1.,  1.],
                   [ 5.,  2.]])

    Edge cases the tests try: columns in a different order than the file,
    extra columns, empty fields and ``NA``, integer-only columns, a header-only
    file, an empty file, a missing column, a text value, Unicode names.
    """
    # TODO: pd.read_csv(path); check the columns yourself (a KeyError from
    # TODO: df[columns] does not say which file); pd.to_numeric per column,
    # TODO: then fillna(fill) and astype("float64").
    # BEGIN SOLUTION
    columns = list(columns)
    if not columns:
        raise ValueError("columns must name at least one column")
    path = Path(path)
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path.name}: the file is empty (no header line)") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {missing}; the file has {list(frame.columns)}")
    numeric = {}
    for name in dict.fromkeys(columns):  # each distinct column once, in order
        try:
            numeric[name] = pd.to_numeric(frame[name])
        except (ValueError, TypeError) as err:
            raise ValueError(f"{path.name}: column {name!r} is not numeric ({err})") from None
    selected = pd.DataFrame(numeric, index=frame.index)[columns]  # the requested order (repeats allowed)
    return selected.fillna(fill).astype("float64")
    # END SOLUTION


def load_folder(folder: str | Path, columns: Sequence[str], fill: float = 0.0) -> np.ndarray:
    """Load every CSV file of ``folder`` into one ``float64`` array of shape ``(rows, len(columns))``.

    Files: the regular files directly in ``folder`` whose name ends in
    ``.csv`` (lower case; ``.CSV``, ``.csv.bak`` and subfolders are
    ignored), read in ``sorted()`` order of their names, which is string
    order: ``"10.csv"`` comes before ``"2.csv"``, and ``"B.csv"`` before
    ``"a.csv"``. Rows keep their order inside each file.

    Each file goes through ``read_table(file, columns, fill)``.

    Args:
        folder: the directory to read.
        columns: the columns to keep, in order.
        fill: the value for missing entries.

    Returns:
        The rows of all files, stacked; ``float64``; shape
        ``(total rows, len(columns))`` (``(0, k)`` if every file is header-only).

    Raises:
        FileNotFoundError: ``folder`` does not exist or is not a directory.
        ValueError: no ``.csv`` file in ``folder`` (the message names the
            folder), or any error from ``read_table``.

    Example:
        >>> load_folder("data/", ["x", "y"]).shape  # doctest: +SKIP
        (250, 2)

    Edge cases the tests try: the sort order, ignored files and folders,
    header-only files, missing values, a folder with no CSV, a missing
    folder, a file missing a column (its name must appear in the error).
    """
    # TODO: sorted(p for p in Path(folder).iterdir() if ...); np.concatenate
    # TODO: the per-file arrays along axis 0. Do not use glob("**").
    # BEGIN SOLUTION
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no such directory: {folder}")
    files = sorted((p for p in folder.iterdir() if p.is_file() and p.suffix == ".csv"), key=lambda p: p.name)
    if not files:
        raise ValueError(f"no .csv files in {folder}")
    arrays = [read_table(f, columns, fill).to_numpy(dtype=np.float64) for f in files]  # each (rows_i, k)
    return np.concatenate(arrays, axis=0)  # (sum of rows_i, k)
    # END SOLUTION


def save_array(arr: np.ndarray, path: str | Path) -> Path:
    """Save ``arr`` with ``np.save`` and return the path of the file written.

    Parent folders are created as needed. ``np.save`` appends ``.npy`` to a
    path that does not already end in ``.npy``; the returned path says so
    (``save_array(a, "out/train")`` returns ``Path("out/train.npy")``).
    Pickling is disabled, so the file is plain binary data that ``np.load``
    can read safely.

    Args:
        arr: a NumPy array of a numeric (or bool) dtype.
        path: where to save it.

    Returns:
        The ``Path`` of the ``.npy`` file.

    Raises:
        ValueError: ``arr`` has ``dtype=object`` (it would need pickling).

    Example:
        >>> save_array(np.zeros((2, 3)), "out/train")  # doctest: +SKIP
        PosixPath('out/train.npy')

    Edge cases the tests try: a path with and without ``.npy``, a missing
    parent folder, dtype and shape surviving the round trip, an empty
    array, an object array.
    """
    # TODO: Path(path).parent.mkdir(parents=True, exist_ok=True);
    # TODO: np.save(..., allow_pickle=False).
    # BEGIN SOLUTION
    arr = np.asarray(arr)
    if arr.dtype == object:
        raise ValueError("object arrays need pickling; convert to a numeric dtype first")
    path = Path(path)
    if path.suffix != ".npy":
        path = path.with_name(path.name + ".npy")
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, arr, allow_pickle=False)
    return path
    # END SOLUTION


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "b.csv").write_text("x,y,z\n1,,a\n2,5,b\n", encoding="utf-8")
        (root / "a.csv").write_text("y,x\n7,NA\n", encoding="utf-8")
        data = load_folder(root, ["x", "y"], fill=-1)
        print(data)
        print(save_array(data, root / "out" / "train"))
