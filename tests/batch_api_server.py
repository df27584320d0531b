"""A loopback OpenAI Files + Batches endpoint whose batches are answered by a real chat backend.

Why: `foi-extract run --batch` talks to the Batch API through the openai client (upload, create,
poll, download), and only a real socket exercises all of it. A batch's lines are sent, one by
one, to `backend_url`'s /chat/completions: the local model while recording, and on replay the
same URL answered by vcr from the cassette (vcr patches httpx2 in this process; the runs under
test are child processes, so their own calls to this server are never recorded).

Faults are injected here, by batch number (1 = the first batch created) and by line (lines are
sorted by custom_id, so the same requests always make the same file), deterministically:
- `fail_first`: the first line of those batches is not sent to the backend; it comes back in
  the error file as an HTTP 500 `server_error`;
- `corrupt_second`: the second line is not sent either; its answer is a 200 completion whose
  content is `NOT_JSON` (the small model rarely writes invalid JSON, so a re-ask is forced here);
- `fail_all`: every line of every batch fails like that (a request that never gets an answer);
- `expire`: the batch ends `expired` after its first line; the others come back in the error
  file with `batch_expired`, as OpenAI does when the 24 h window closes.
A batch reads `validating` until first polled, then `in_progress` at least once more, then
ends. Loopback only, port 0.
"""

from __future__ import annotations

import email
import email.policy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2 as httpx

HOST = "127.0.0.1"
NOT_JSON = "I cannot answer in JSON."
BACKEND_TIMEOUT = 900.0  # one local-model completion on two busy cores


class BatchApiServer:
    def __init__(
        self,
        backend_url: str,
        *,
        fail_first: frozenset[int] = frozenset(),
        corrupt_second: frozenset[int] = frozenset(),
        expire: frozenset[int] = frozenset(),
        fail_all: bool = False,
    ) -> None:
        self.backend_url = backend_url.rstrip("/")
        self.fail_first, self.corrupt_second, self.expire = fail_first, corrupt_second, expire
        self.fail_all = fail_all
        self.files: dict[str, dict[str, Any]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []  # (method, path) in order
        self.backend_errors: list[str] = []  # e.g. a replayed request missing from the cassette
        self.backend_bodies: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._workers: dict[str, threading.Thread] = {}
        self._httpd = ThreadingHTTPServer((HOST, 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> BatchApiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        for worker in self._workers.values():
            worker.join(timeout=5)

    # ------------------------------------------------------------------ files
    def _new_file(self, name: str, purpose: str, data: bytes) -> dict[str, Any]:
        fid = f"file-{len(self.files) + 1:03d}"
        self.files[fid] = {
            "id": fid,
            "object": "file",
            "bytes": len(data),
            "created_at": int(time.time()),
            "filename": name,
            "purpose": purpose,
            "status": "processed",
            "data": data,
        }
        return self.files[fid]

    def input_lines(self, batch_id: str) -> list[dict[str, Any]]:
        data = self.files[self.batches[batch_id]["input_file_id"]]["data"]
        return [json.loads(line) for line in data.decode().splitlines() if line.strip()]

    # ------------------------------------------------------------------ batches
    def _create(self, req: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        fid = req.get("input_file_id")
        if fid not in self.files or self.files[fid]["purpose"] != "batch":
            return 400, {"error": {"message": f"no batch file {fid}", "type": "invalid_request"}}
        number = len(self.batches) + 1
        bid = f"batch_{number:03d}"
        total = len(self.files[fid]["data"].decode().splitlines())
        self.batches[bid] = {
            "id": bid,
            "object": "batch",
            "endpoint": req.get("endpoint"),
            "completion_window": req.get("completion_window"),
            "input_file_id": fid,
            "metadata": req.get("metadata"),
            "status": "validating",
            "created_at": int(time.time()),
            "output_file_id": None,
            "error_file_id": None,
            "request_counts": {"total": total, "completed": 0, "failed": 0},
            "_number": number,
            "_polls": 0,
            "_out": [],
            "_err": [],
        }
        return 200, self._public(bid)

    def _public(self, bid: str) -> dict[str, Any]:
        return {k: v for k, v in self.batches[bid].items() if not k.startswith("_")}

    def _retrieve(self, bid: str) -> tuple[int, dict[str, Any]]:
        if bid not in self.batches:
            return 404, {"error": {"message": f"no batch {bid}", "type": "not_found"}}
        b = self.batches[bid]
        with self._lock:
            b["_polls"] += 1
            if b["status"] == "validating":
                b["status"] = "in_progress"
                worker = threading.Thread(target=self._work, args=(bid,), daemon=True)
                self._workers[bid] = worker
                worker.start()
            elif b["status"] == "in_progress" and not self._workers[bid].is_alive():
                self._finish(bid)
        return 200, self._public(bid)

    def _work(self, bid: str) -> None:
        b = self.batches[bid]
        n = b["_number"]
        for i, line in enumerate(self.input_lines(bid)):
            row: dict[str, Any] = {"id": f"{bid}_req_{i}", "custom_id": line["custom_id"]}
            if n in self.expire and i > 0:
                row["response"] = None
                row["error"] = {
                    "code": "batch_expired",
                    "message": "This request could not be executed before the completion window expired.",
                }
            elif self.fail_all or (n in self.fail_first and i == 0):
                row["response"] = {
                    "status_code": 500,
                    "request_id": f"req_{bid}_{i}",
                    "body": {
                        "error": {
                            "message": "The server had an error processing your request.",
                            "type": "server_error",
                        }
                    },
                }
                row["error"] = None
            elif n in self.corrupt_second and i == 1:
                row["response"] = {
                    "status_code": 200,
                    "request_id": f"req_{bid}_{i}",
                    "body": _completion(line["body"].get("model", ""), NOT_JSON),
                }
                row["error"] = None
            else:
                status, body = self._backend(line["body"])
                row["response"] = {
                    "status_code": status,
                    "request_id": f"req_{bid}_{i}",
                    "body": body,
                }
                row["error"] = None
            ok = row["response"] is not None and row["response"]["status_code"] == 200
            with self._lock:
                (b["_out"] if ok else b["_err"]).append(row)
                b["request_counts"]["completed" if ok else "failed"] += 1

    def _backend(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.backend_bodies.append(body)
        try:
            with httpx.Client(timeout=BACKEND_TIMEOUT) as http:
                r = http.post(self.backend_url + "/chat/completions", json=body)
            return r.status_code, r.json()
        except Exception as exc:
            self.backend_errors.append(f"{type(exc).__name__}: {exc}")
            return 500, {"error": {"message": str(exc)[:200], "type": "backend_error"}}

    def _finish(self, bid: str) -> None:
        b = self.batches[bid]
        b["status"] = "expired" if b["_number"] in self.expire else "completed"
        b["completed_at" if b["status"] == "completed" else "expired_at"] = int(time.time())
        for kind, rows in (("output_file_id", b["_out"]), ("error_file_id", b["_err"])):
            if rows:
                data = "".join(json.dumps(r) + "\n" for r in rows).encode()
                b[kind] = self._new_file(f"{bid}_{kind[:-8]}.jsonl", "batch_output", data)["id"]

    # ------------------------------------------------------------------ HTTP
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: dict[str, Any] | bytes) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header(
                    "content-type",
                    "application/octet-stream" if isinstance(body, bytes) else "application/json",
                )
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("content-length") or 0))

            def do_POST(self) -> None:
                server.calls.append(("POST", self.path))
                raw = self._body()
                if self.path == "/v1/files":
                    name, purpose, data = _multipart(self.headers.get("content-type", ""), raw)
                    f = server._new_file(name, purpose, data)
                    self._send(200, {k: v for k, v in f.items() if k != "data"})
                elif self.path == "/v1/batches":
                    self._send(*server._create(json.loads(raw)))
                else:
                    self._send(404, {"error": {"message": self.path, "type": "not_found"}})

            def do_GET(self) -> None:
                server.calls.append(("GET", self.path))
                parts = self.path.strip("/").split("/")
                if parts[:2] == ["v1", "batches"] and len(parts) == 3:
                    self._send(*server._retrieve(parts[2]))
                elif parts[:2] == ["v1", "files"] and parts[-1] == "content":
                    f = server.files.get(parts[2])
                    self._send(200, f["data"]) if f else self._send(404, {"error": {}})
                else:
                    self._send(404, {"error": {"message": self.path, "type": "not_found"}})

        return Handler


def _multipart(content_type: str, raw: bytes) -> tuple[str, str, bytes]:
    """(file name, purpose, file bytes) of a Files API upload."""
    msg = email.message_from_bytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw, policy=email.policy.HTTP
    )
    name, purpose, data = "", "", b""
    for part in msg.iter_parts():  # type: ignore[attr-defined]
        field = part.get_param("name", header="content-disposition")
        if field == "purpose":
            purpose = part.get_payload(decode=True).decode()
        elif field == "file":
            name = part.get_filename() or ""
            data = part.get_payload(decode=True)
    return name, purpose, data


def _completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-injected",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }
