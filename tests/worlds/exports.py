"""Shared readers of the exports: a CSV export is streamed, a workbook comes whole."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def body(response) -> bytes:
    """The response's bytes, read to the end whether it is streamed or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def text(response) -> str:
    return body(response).decode("utf-8-sig")


def export_queries(client, path: str) -> int:
    """The queries of one request, a streamed body read to its end included."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
        body(response)
    assert response.status_code == 200, path
    return len(context.captured_queries)
