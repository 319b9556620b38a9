"""utils.distributed: joining torchrun's process group, and a clear error when torchrun did not start us."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import torch

from utils import distributed

TORCHRUN_VARS = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")


@pytest.fixture
def no_torchrun(monkeypatch):
    for name in TORCHRUN_VARS + ("LEARN_DIST_BACKEND",):
        monkeypatch.delenv(name, raising=False)


def test_without_torchrun_the_error_says_how_to_start(no_torchrun):
    with pytest.raises(distributed.NotUnderTorchrun, match="torchrun --nproc_per_node=2"):
        distributed.init_from_torchrun()


def test_run_main_turns_it_into_one_line_and_exit_status_2(no_torchrun, capsys):
    with pytest.raises(SystemExit) as exit_info:
        distributed.run_main(distributed.init_from_torchrun)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: RANK, WORLD_SIZE") and "Traceback" not in err and err.count("\n") == 1


def test_unknown_backend_and_nccl_without_cuda(monkeypatch):
    for name, value in {"RANK": "0", "WORLD_SIZE": "1", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "1"}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match="gloo"):
        distributed.init_from_torchrun("mpi-please")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="needs CUDA"):
            distributed.init_from_torchrun("nccl")


@pytest.mark.slow
def test_two_processes_under_torchrun_all_reduce(tmp_path):
    script = tmp_path / "job.py"
    script.write_text(textwrap.dedent("""
        import pathlib, sys
        import torch, torch.distributed as dist
        from utils.distributed import init_from_torchrun, run_main

        def main():
            rank, world, device = init_from_torchrun()
            x = torch.tensor([float(rank + 1)], device=device)
            dist.all_reduce(x)
            # one file per rank: two processes printing to one pipe can interleave their lines
            out = pathlib.Path(sys.argv[1]) / f"rank{rank}.txt"
            out.write_text(f"rank {rank}/{world} {device.type} {dist.get_backend()} sum={x.item():g}")
            dist.destroy_process_group()

        run_main(main)
    """))
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", str(script), str(tmp_path)]
    out = subprocess.run(torchrun, capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "LEARN_DIST_BACKEND": "gloo", "OMP_NUM_THREADS": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [(tmp_path / f"rank{r}.txt").read_text() for r in range(2)]
    assert lines == ["rank 0/2 cpu gloo sum=3", "rank 1/2 cpu gloo sum=3"]
