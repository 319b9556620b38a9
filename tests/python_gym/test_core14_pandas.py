"""Grading tests for core-14: read_table, load_folder and save_array.

Every test writes its own small CSV files into pytest's ``tmp_path``. The
oracle parses them again with the standard ``csv`` module and plain Python
(``float()``; the markers "", "NA" and "nan" mean missing) and builds the
expected matrix row by row. ``np.load`` is the oracle for ``save_array``.
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curriculum.grading.testing import expect_equal, expect_raises, expect_true

pytestmark = pytest.mark.exercise("core-14")

MISSING = {"", "NA", "nan"}


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def csv_rows(path, columns, fill):
    """The oracle: csv.DictReader and float(), row by row."""
    with open(path, newline="", encoding="utf-8") as f:
        return [[fill if row[c] in MISSING else float(row[c]) for c in columns] for row in csv.DictReader(f)]


def expect_matrix(got, expected_rows, k, *, call, hint=""):
    expected = np.array(expected_rows, dtype=np.float64).reshape(len(expected_rows), k)
    expect_true(isinstance(got, np.ndarray), message=f"{call} returned a {type(got).__name__}, expected a numpy array",
                hint="DataFrame.to_numpy(dtype=np.float64)")
    expect_equal((got.shape, str(got.dtype)), (expected.shape, "float64"), call=f"{call}: (shape, dtype)",
                 hint=hint or "one row per data line, one column per requested column, float64")
    expect_true(np.array_equal(got, expected), message=f"{call}\n  expected: {expected.tolist()}\n  got:      {got.tolist()}",
                hint=hint or "columns in the requested order, missing values replaced by fill")


# ---------------------------------------------------------------- read_table


READ_CASES = [
    pytest.param("x,y,z\n1,,a\n2,5,b\n", ["y", "x"], -1.0, id="docstring"),
    pytest.param("a,b\n1,2\n3,4\n", ["a", "b"], 0.0, id="plain-ints"),
    pytest.param("a,b,c\n1.5,NA,x\nnan,-2,y\n,,z\n", ["b", "a"], 9.0, id="missing-markers"),
    pytest.param("a,b\n", ["b"], 0.0, id="header-only"),
    pytest.param("温度,湿度\n21.5,40\n,55\n", ["湿度", "温度"], 0.0, id="unicode-names"),
    pytest.param("a,b\n1e3,-0.25\n", ["a", "a", "b"], 0.0, id="same-column-twice"),
]


@pytest.mark.parametrize("text,columns,fill", READ_CASES)
def test_read_table_matches_csv_oracle(ex, tmp_path, text, columns, fill):
    path = write(tmp_path / "t.csv", text)
    frame = ex.read_table(path, columns, fill)
    expect_true(isinstance(frame, pd.DataFrame), message=f"read_table(...) returned a {type(frame).__name__}, expected a DataFrame",
                hint="return the selected, filled DataFrame; load_folder converts to NumPy")
    expect_equal(list(frame.columns), list(columns), call=f"list(read_table(<{text!r}>, {columns!r}).columns)",
                 hint="df[columns] selects in the order given")
    expect_equal([str(t) for t in frame.dtypes], ["float64"] * len(columns), call="dtypes of read_table(...)",
                 hint="convert with pd.to_numeric, then astype('float64')")
    expect_matrix(frame.to_numpy(), csv_rows(path, columns, fill), len(columns), call=f"read_table(<{text!r}>, {columns!r}, fill={fill})")


def test_read_table_accepts_str_paths(ex, tmp_path):
    path = write(tmp_path / "s.csv", "a\n1\n")
    expect_matrix(ex.read_table(str(path), ["a"]).to_numpy(), [[1.0]], 1, call="read_table(str(path), ['a'])",
                  hint="accept str and Path (pd.read_csv takes both)")


@pytest.mark.parametrize(
    "text,columns,fragments",
    [
        pytest.param("a,b\n1,2\n", ["a", "zz", "yy"], ["bad.csv", "zz", "yy"], id="missing-columns"),
        pytest.param("a,b\n1,2\nthree,4\n", ["b", "a"], ["bad.csv", "a"], id="text-value"),
        pytest.param("", ["a"], ["bad.csv"], id="empty-file"),
        pytest.param("a,b\n1,2\n", [], [], id="no-columns"),
    ],
)
def test_read_table_errors_name_the_culprit(ex, tmp_path, text, columns, fragments):
    ex.read_table(write(tmp_path / "good.csv", "a\n1\n"), ["a"])  # a valid file must work first
    path = write(tmp_path / "bad.csv", text)
    err = expect_raises(ValueError, ex.read_table, path, columns, call=f"read_table(<bad.csv: {text!r}>, {columns!r})",
                        hint="raise ValueError yourself: pandas' KeyError / parse error does not say which file")
    missing = [f for f in fragments if f not in str(err)]
    expect_true(not missing, message=f"the error message {str(err)!r} does not mention {missing}",
                hint="name the file (path.name) and the column(s) in the message")


def test_read_table_missing_file(ex, tmp_path):
    ex.read_table(write(tmp_path / "good.csv", "a\n1\n"), ["a"])  # a valid file must work first
    expect_raises(FileNotFoundError, ex.read_table, tmp_path / "nope.csv", ["a"], call="read_table(<no such file>, ['a'])",
                  hint="let pd.read_csv's FileNotFoundError through")


# ---------------------------------------------------------------- load_folder


def make_folder(tmp_path):
    folder = tmp_path / "data"
    # Written in an order that is not the sorted one.
    write(folder / "b.csv", "x,y,extra\n1,10,q\n2,,r\n")
    write(folder / "10.csv", "y,x\n100,NA\n")
    write(folder / "2.csv", "x,y\n3,30\n4,40\n")
    write(folder / "B.csv", "x,y\n5,50\n")
    write(folder / "empty_rows.csv", "x,y\n")
    # Not data: must be ignored.
    write(folder / "notes.txt", "x,y\n999,999\n")
    write(folder / "old.csv.bak", "x,y\n999,999\n")
    write(folder / "SHOUT.CSV", "x,y\n999,999\n")
    write(folder / "sub" / "nested.csv", "x,y\n999,999\n")
    (folder / "dir.csv").mkdir()
    return folder


def test_load_folder_order_and_filtering(ex, tmp_path):
    folder = make_folder(tmp_path)
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix == ".csv")
    expected = [row for name in names for row in csv_rows(folder / name, ["x", "y"], -1.0)]
    expect_equal(names, ["10.csv", "2.csv", "B.csv", "b.csv", "empty_rows.csv"], call="(oracle) sorted CSV names", hint="")
    expect_matrix(ex.load_folder(folder, ["x", "y"], fill=-1.0), expected, 2, call="load_folder(<data folder>, ['x', 'y'], fill=-1.0)",
                  hint="sorted() by file name (string order: '10.csv' < '2.csv' < 'B.csv' < 'b.csv'); only regular files "
                  "ending in '.csv', not subfolders, not '.CSV'")


def test_load_folder_default_fill_and_str_path(ex, tmp_path):
    folder = tmp_path / "one"
    write(folder / "only.csv", "a,b\n,1\n2,\n")
    expect_matrix(ex.load_folder(str(folder), ["b", "a"]), [[1.0, 0.0], [0.0, 2.0]], 2, call="load_folder(str(folder), ['b', 'a'])",
                  hint="fill defaults to 0.0; accept str and Path")


def test_load_folder_header_only_files(ex, tmp_path):
    folder = tmp_path / "hollow"
    write(folder / "a.csv", "p,q\n")
    write(folder / "b.csv", "q,p\n")
    expect_matrix(ex.load_folder(folder, ["p", "q"]), [], 2, call="load_folder(<two header-only files>, ['p', 'q'])",
                  hint="a header-only file gives a (0, k) array; np.concatenate of (0, k) arrays is (0, k)")


def test_load_folder_without_csv_files(ex, tmp_path):
    ex.load_folder(make_folder(tmp_path), ["x"])  # a valid folder must work first
    folder = tmp_path / "no_csv"
    write(folder / "readme.txt", "nothing here")
    write(folder / "inner" / "deep.csv", "x\n1\n")
    err = expect_raises(ValueError, ex.load_folder, folder, ["x"], call="load_folder(<folder with no .csv file>, ['x'])",
                        hint="np.concatenate([]) would raise a confusing error: check the file list first")
    expect_true("no_csv" in str(err), message=f"the error {str(err)!r} does not name the folder", hint="include the folder in the message")


def test_load_folder_missing_folder(ex, tmp_path):
    ex.load_folder(make_folder(tmp_path), ["x"])  # a valid folder must work first
    expect_raises(FileNotFoundError, ex.load_folder, tmp_path / "absent", ["x"], call="load_folder(<missing folder>, ['x'])",
                  hint="Path.iterdir() on a missing folder raises FileNotFoundError; is_dir() lets you say it clearly")


def test_load_folder_names_the_bad_file(ex, tmp_path):
    folder = tmp_path / "mixed"
    write(folder / "a.csv", "x,y\n1,2\n")
    write(folder / "b_broken.csv", "x\n3\n")
    ex.load_folder(folder, ["x"])  # works while only x is needed
    err = expect_raises(ValueError, ex.load_folder, folder, ["x", "y"], call="load_folder(<b_broken.csv lacks y>, ['x', 'y'])",
                        hint="read_table's ValueError names the file")
    expect_true("b_broken.csv" in str(err) and "y" in str(err), message=f"the error {str(err)!r} should name b_broken.csv and column 'y'",
                hint="f'{path.name}: missing column(s) ...'")


cell = st.one_of(st.integers(-1000, 1000).map(str), st.floats(-1e6, 1e6, allow_nan=False).map(repr), st.sampled_from(sorted(MISSING)))


@settings(max_examples=25)  # each example writes files
@given(st.lists(st.lists(st.lists(cell, min_size=3, max_size=3), max_size=4), min_size=1, max_size=3), st.floats(-5, 5))
def test_load_folder_property(ex, tmp_path_factory, files, fill):
    folder = tmp_path_factory.mktemp("prop")
    for i, rows in enumerate(files):
        write(folder / f"part{i}.csv", "c,b,a\n" + "".join(",".join(r) + "\n" for r in rows))
    expected = [row for i in range(len(files)) for row in csv_rows(folder / f"part{i}.csv", ["a", "c"], fill)]
    expect_matrix(ex.load_folder(folder, ["a", "c"], fill), expected, 2, call=f"load_folder(<{len(files)} random files>, ['a', 'c'], {fill!r})")


# ---------------------------------------------------------------- save_array


@pytest.mark.parametrize(
    "name,expected_name",
    [("train.npy", "train.npy"), ("train", "train.npy"), ("deep/er/x", "deep/er/x.npy"), ("v1.0", "v1.0.npy")],
)
def test_save_array_round_trip(ex, tmp_path, name, expected_name):
    arr = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    got = ex.save_array(arr, tmp_path / name)
    expect_equal(got, tmp_path / expected_name, call=f"save_array(arr, tmp / {name!r})",
                 hint="return the file really written: np.save appends '.npy' when the name does not end with it")
    back = np.load(got, allow_pickle=False)
    expect_true(back.dtype == arr.dtype and back.shape == arr.shape and np.array_equal(back, arr),
                message=f"np.load(save_array(arr, ...)) gave dtype {back.dtype}, shape {back.shape}; expected float32 (3, 4) equal to arr",
                hint="np.save keeps dtype and shape; do not convert")


def test_save_array_empty_and_int(ex, tmp_path):
    for arr in (np.zeros((0, 3)), np.array([[1, 2], [3, 4]], dtype=np.int16), np.array(True)):
        path = ex.save_array(arr, tmp_path / f"a_{arr.dtype}_{arr.ndim}")
        back = np.load(path)
        expect_true(back.dtype == arr.dtype and back.shape == arr.shape and np.array_equal(back, arr),
                    message=f"round trip of a {arr.dtype} array of shape {arr.shape} gave {back.dtype} {back.shape}",
                    hint="np.save handles every numeric shape, empty and 0-d included")


def test_save_array_rejects_object_arrays(ex, tmp_path):
    ex.save_array(np.zeros(2), tmp_path / "ok")  # a valid array must work first
    expect_raises(ValueError, ex.save_array, np.array([{"a": 1}, None], dtype=object), tmp_path / "bad",
                  call="save_array(<object array>, path)", hint="np.save(..., allow_pickle=False) raises ValueError for object arrays")


def test_folder_to_npy_pipeline(ex, tmp_path):
    folder = make_folder(tmp_path)
    data = ex.load_folder(folder, ["y", "x"], fill=0.5)
    path = ex.save_array(data, tmp_path / "cache" / "train")
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix == ".csv")
    expected = [row for name in names for row in csv_rows(folder / name, ["y", "x"], 0.5)]
    expect_matrix(np.load(path), expected, 2, call="np.load(save_array(load_folder(folder, ['y', 'x'], 0.5), tmp / 'cache/train'))")
