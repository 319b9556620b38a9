"""Grading torch-p08: export_torchscript, export_onnx, onnx_predict, make_app.

Oracles: the original model's own outputs (``torch.allclose`` with stated
tolerances) against ``torch.jit.load`` and an ``onnxruntime.InferenceSession``
opened here; ``onnx.checker``; the model's argmax and ``torch.softmax`` for
served predictions; the stdlib's ``wsgiref`` (a test WSGI environ, and a real
server on 127.0.0.1 port 0 in a thread) and ``urllib`` as the HTTP client.
"""

from __future__ import annotations

import io
import json
import threading
import urllib.error
import urllib.request
import warnings
from wsgiref.simple_server import WSGIRequestHandler, make_server
from wsgiref.util import setup_testing_defaults

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from torch import nn

from curriculum.grading.testing import device_params, expect_close, expect_equal, expect_true

pytestmark = pytest.mark.exercise("torch-p08")

DEVICES = device_params()
DIGITS = load_digits()
X_VAL = torch.tensor(DIGITS.data[1437:] / 16.0, dtype=torch.float32)  # (360, 64)


@pytest.fixture(scope="module")
def trained():
    torch.manual_seed(0)
    x = torch.tensor(DIGITS.data[:1437] / 16.0, dtype=torch.float32)
    y = torch.tensor(DIGITS.target[:1437])
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    for _ in range(150):  # plain full-batch gradient descent: about 90% on the last 360 digits
        loss = nn.functional.cross_entropy(model(x), y)
        grads = torch.autograd.grad(loss, list(model.parameters()))
        with torch.no_grad():
            for p, g in zip(model.parameters(), grads):
                p -= 1.0 * g
    return model.eval()


def jit_load(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return torch.jit.load(str(path), **kwargs)


class Branchy(nn.Module):
    """A data-dependent branch: tracing freezes whichever branch the example took."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.sum() > 0:
            return self.fc(x) * 2.0
        return self.fc(x) - 1.0


class WithDropout(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.drop = nn.Dropout(0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.fc(x))


# ---------------------------------------------------------------- TorchScript


def test_torchscript_round_trip(ex, tmp_path, trained):
    path = tmp_path / "digits.pt"
    got = ex.export_torchscript(trained, path)
    expect_equal(got, path, call="export_torchscript(model, path)", hint="return Path(path)")
    loaded = jit_load(path)
    expect_true(isinstance(loaded, torch.jit.ScriptModule), message=f"torch.jit.load of the exported file gave {type(loaded).__name__}")
    for n in (1, 360):
        with torch.no_grad():
            expect_close(loaded(X_VAL[:n]), trained(X_VAL[:n]), what=f"torch.jit.load(<export>)(<{n} digits>) vs the model",
                         rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("x_sign", [1.0, -1.0])
def test_torchscript_keeps_data_dependent_branches(ex, tmp_path, x_sign):
    torch.manual_seed(1)
    model = Branchy()
    ex.export_torchscript(model, tmp_path / "branchy.pt")
    loaded = jit_load(tmp_path / "branchy.pt")
    for sign in (1.0, -1.0):  # whichever example a trace would have used, one of these breaks it
        x = torch.full((2, 4), sign * x_sign)
        with torch.no_grad():
            expect_close(loaded(x), model(x), what=f"the exported Branchy on an input with sum {float(x.sum()):+.0f}", rtol=1e-6, atol=1e-6,
                         hint="torch.jit.trace records one branch; torch.jit.script compiles the if")


@pytest.mark.parametrize("device", DEVICES)
def test_torchscript_exports_an_eval_cpu_copy(ex, tmp_path, device):
    torch.manual_seed(2)
    model = WithDropout().to(device).train()
    ex.export_torchscript(model, tmp_path / "drop.pt")
    expect_true(model.training, message="export_torchscript changed the caller's model to eval mode", hint="export a copy.deepcopy")
    expect_equal(next(model.parameters()).device.type, device, call="the caller's model device after export_torchscript")
    loaded = jit_load(tmp_path / "drop.pt")  # no map_location: must load on the CPU by itself
    expect_equal(next(loaded.parameters()).device.type, "cpu", call="device of the exported parameters",
                 hint="move the copy to the CPU before scripting: saved tensors remember their device")
    x = torch.rand(5, 4)
    with torch.no_grad():
        a, b = loaded(x), loaded(x)
        want = model.eval()(x.to(device)).cpu()
    expect_close(a, b, what="two calls of the exported model on the same input", rtol=0, atol=0,
                 hint="export in eval mode: dropout must be off")
    expect_close(a, want, what="the exported model vs the model in eval mode", rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- ONNX


@pytest.fixture(scope="module")
def onnx_file(tmp_path_factory, trained):
    return tmp_path_factory.mktemp("onnx") / "digits.onnx"


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")  # raised inside the exporter, not by the learner's code
def test_onnx_export_runs_in_onnxruntime(ex, onnx_file, trained, capfd):
    import onnx
    import onnxruntime

    got = ex.export_onnx(trained, torch.zeros(4, 64), onnx_file)
    capfd.readouterr()  # the exporter may print progress: keep the test output quiet
    expect_equal(got, onnx_file, call="export_onnx(model, example, path)", hint="return Path(path)")
    onnx.checker.check_model(onnx.load(str(onnx_file)))
    session = onnxruntime.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    expect_equal([i.name for i in session.get_inputs()], ["input"], call="the ONNX input names", hint="input_names=['input']")
    expect_equal([o.name for o in session.get_outputs()], ["logits"], call="the ONNX output names", hint="output_names=['logits']")
    for n in (1, 33, 360):  # exported with a batch of 4: the batch dimension must be dynamic
        x = X_VAL[:n].numpy()
        try:
            out = session.run(None, {"input": x})[0]
        except Exception as err:  # noqa: BLE001 - onnxruntime raises its own error types
            raise AssertionError(f"onnxruntime refused a batch of {n} after export with a batch of 4: {err}\n"
                                 "  hint: dynamic_shapes=({0: torch.export.Dim('batch')},)") from None
        with torch.no_grad():
            expect_close(torch.from_numpy(out), trained(X_VAL[:n]), what=f"onnxruntime output for {n} digits vs the model",
                         rtol=1e-4, atol=1e-5)
    via_learner = ex.onnx_predict(onnx_file, X_VAL[:7].double().numpy())
    expect_true(isinstance(via_learner, np.ndarray) and via_learner.shape == (7, 10),
                message=f"onnx_predict(path, <(7, 64) float64>) should return a (7, 10) array, got {getattr(via_learner, 'shape', via_learner)!r}",
                hint="convert x to float32 before session.run")
    with torch.no_grad():
        expect_close(torch.from_numpy(via_learner), trained(X_VAL[:7]), what="onnx_predict(path, <7 digits>)", rtol=1e-4, atol=1e-5)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("device", DEVICES[1:])
def test_onnx_export_from_an_accelerator(ex, tmp_path, device, capfd):
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(64, 8), nn.ReLU(), nn.Linear(8, 10)).to(device)
    path = ex.export_onnx(model, torch.zeros(2, 64, device=device), tmp_path / "gpu.onnx")
    capfd.readouterr()
    out = ex.onnx_predict(path, X_VAL[:5].numpy())
    with torch.no_grad():
        expect_close(torch.from_numpy(out), model(X_VAL[:5].to(device)).cpu(), what=f"ONNX of a model on {device}", rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- the WSGI app


def call_app(app, method: str, path: str, body: bytes | None = None, *, content_length: str | None = "auto"):
    environ: dict = {}
    setup_testing_defaults(environ)
    environ["REQUEST_METHOD"] = method
    environ["PATH_INFO"] = path
    environ["wsgi.input"] = io.BytesIO(body or b"")
    if content_length == "auto":
        if body is not None:
            environ["CONTENT_LENGTH"] = str(len(body))
    elif content_length is not None:
        environ["CONTENT_LENGTH"] = content_length
    seen: dict = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    chunks = app(environ, start_response)
    raw = b"".join(chunks)
    call = f"{method} {path} with body {body[:60]!r}" if body else f"{method} {path}"
    expect_true("status" in seen, message=f"{call}: the app never called start_response")
    headers = seen["headers"]
    expect_true(headers.get("Content-Type", "").startswith("application/json"),
                message=f"{call}: Content-Type is {headers.get('Content-Type')!r}, expected application/json")
    expect_equal(headers.get("Content-Length"), str(len(raw)), call=f"{call}: the Content-Length header")
    try:
        payload = json.loads(raw.decode("utf-8"))
    except ValueError:
        raise AssertionError(f"{call}: the response body is not JSON: {raw[:200]!r}") from None
    return int(seen["status"].split()[0]), headers, payload


def test_predict_matches_the_model(ex, trained):
    app = ex.make_app(trained)
    for n in (1, 360):
        body = json.dumps({"inputs": X_VAL[:n].tolist()}).encode()
        status, _, payload = call_app(app, "POST", "/predict", body)
        call = f"POST /predict with {n} rows"
        expect_equal(status, 200, call=f"{call}: status")
        with torch.no_grad():
            logits = trained(X_VAL[:n])
        expect_equal(payload.get("predictions"), logits.argmax(1).tolist(), call=f"{call}: predictions", hint="argmax over dim 1 of the logits")
        probabilities = torch.tensor(payload.get("probabilities"))
        expect_close(probabilities, torch.softmax(logits, dim=1), what=f"{call}: probabilities", rtol=1e-5, atol=1e-6,
                     hint="softmax of the logits over dim 1")
    accuracy = (torch.tensor(payload["predictions"]) == torch.tensor(DIGITS.target[1437:])).float().mean().item()
    expect_true(accuracy > 0.85, message=f"the served model's accuracy on the last 360 digits is {accuracy:.3f}")


def test_health_and_routing(ex, trained):
    app = ex.make_app(trained)
    status, _, payload = call_app(app, "GET", "/health")
    expect_equal((status, payload), (200, {"status": "ok"}), call="GET /health")
    status, headers, payload = call_app(app, "GET", "/predict")
    expect_equal(status, 405, call="GET /predict: status", hint="/predict only accepts POST")
    expect_equal(headers.get("Allow"), "POST", call="GET /predict: the Allow header")
    expect_true(isinstance(payload.get("error"), str), message="GET /predict should answer {'error': '...'}")
    status, headers, _ = call_app(app, "POST", "/health", b"{}")
    expect_equal((status, headers.get("Allow")), (405, "GET"), call="POST /health: (status, Allow)")
    status, _, payload = call_app(app, "GET", "/nope")
    expect_equal(status, 404, call="GET /nope: status")
    expect_true(isinstance(payload.get("error"), str), message="GET /nope should answer {'error': '...'}")


ROW = [0.0] * 64
BAD_BODIES = {
    "not JSON": b"{inputs: [1, 2",
    "not UTF-8": b"\xff\xfe\x00",
    "a JSON list": json.dumps([ROW]).encode(),
    "no inputs key": json.dumps({"x": [ROW]}).encode(),
    "inputs not a list": json.dumps({"inputs": "abc"}).encode(),
    "empty inputs": json.dumps({"inputs": []}).encode(),
    "a short row": json.dumps({"inputs": [ROW, [0.0] * 63]}).encode(),
    "a flat row instead of a list of rows": json.dumps({"inputs": ROW}).encode(),
    "a string value": json.dumps({"inputs": [["1"] * 64]}).encode(),
    "a bool value": json.dumps({"inputs": [[True] + [0.0] * 63]}).encode(),
    "NaN": b'{"inputs": [[NaN' + b", 0" * 63 + b"]]}",
    "Infinity": b'{"inputs": [[Infinity' + b", 0" * 63 + b"]]}",
    "an empty body": b"",
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_bad_requests_get_400_with_a_message(ex, trained, case):
    app = ex.make_app(trained)
    status, _, payload = call_app(app, "POST", "/predict", BAD_BODIES[case])
    call = f"POST /predict with {case}"
    expect_equal(status, 400, call=f"{call}: status",
                 hint="validate the JSON, the 'inputs' key, the row lengths and every value; answer 400 instead of raising")
    message = payload.get("error") if isinstance(payload, dict) else None
    expect_true(isinstance(message, str) and len(message) > 10, message=f"{call}: expected {{'error': '<a helpful message>'}}, got {payload!r}")


def test_missing_content_length_and_too_large(ex, trained):
    app = ex.make_app(trained, max_bytes=1000)
    status, _, _ = call_app(app, "POST", "/predict", b"", content_length=None)
    expect_equal(status, 400, call="POST /predict with no CONTENT_LENGTH: status", hint="treat a missing length as an empty body")
    big = json.dumps({"inputs": [ROW] * 20}).encode()
    status, _, payload = call_app(app, "POST", "/predict", big)
    expect_equal(status, 413, call=f"POST /predict with {len(big)} bytes to make_app(model, max_bytes=1000): status",
                 hint="compare CONTENT_LENGTH with max_bytes before reading the body")


def test_serves_a_loaded_torchscript_model(ex, tmp_path, trained):
    ex.export_torchscript(trained, tmp_path / "m.pt")
    app = ex.make_app(jit_load(tmp_path / "m.pt"))
    status, _, payload = call_app(app, "POST", "/predict", json.dumps({"inputs": X_VAL[:5].tolist()}).encode())
    with torch.no_grad():
        want = trained(X_VAL[:5]).argmax(1).tolist()
    expect_equal((status, payload.get("predictions")), (200, want), call="POST /predict to make_app(<loaded TorchScript model>)")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def test_a_real_http_server(ex, trained):
    server = make_server("127.0.0.1", 0, ex.make_app(trained), handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        body = json.dumps({"inputs": X_VAL[:3].tolist()}).encode()
        request = urllib.request.Request(f"{base}/predict", data=body, method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as reply:
            payload = json.loads(reply.read())
            expect_equal(reply.status, 200, call="POST /predict over HTTP: status")
        with torch.no_grad():
            want = trained(X_VAL[:3]).argmax(1).tolist()
        expect_equal(payload["predictions"], want, call="POST /predict over HTTP: predictions")
        bad = urllib.request.Request(f"{base}/predict", data=b"not json", method="POST")
        try:
            urllib.request.urlopen(bad, timeout=10)
            raise AssertionError("POST /predict with 'not json' over HTTP should answer 400, got 200")
        except urllib.error.HTTPError as err:
            expect_equal(err.code, 400, call="POST /predict with 'not json' over HTTP: status")
            expect_true("error" in json.loads(err.read()), message="the 400 body should be {'error': ...}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
