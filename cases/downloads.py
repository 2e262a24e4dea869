"""A permitted download handed to whoever sends it best, so that no app worker streams a large file.

The view checks the user's right and writes the custody record first; then `send_file` answers
according to PARKLAND_DOWNLOADS (docs/deploy.md):

- "app": the worker reads the file from its storage and sends it (one server, `make run`);
- "x-accel": an empty response whose X-Accel-Redirect names the file under nginx's internal location
  PARKLAND_X_ACCEL_PREFIX/<storage alias>/<name>; nginx sends the bytes (filesystem storage);
- "presigned": a redirect to a short-lived presigned URL of the bucket (S3 storage), which names the
  file and its type itself.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import storages
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

MODES = ("app", "x-accel", "presigned")


def send_file(alias: str, name: str, *, filename: str, content_type: str) -> HttpResponse:
    """The file `name` of the storage `alias` as an attachment called `filename`.

    FileNotFoundError when the storage does not hold it, before anything is answered.
    """
    mode = settings.PARKLAND_DOWNLOADS
    storage = storages[alias]
    if mode != "app" and not storage.exists(name):
        raise FileNotFoundError(name)
    if mode == "presigned":
        response = HttpResponseRedirect(
            storage.url(
                name,
                parameters={
                    "ResponseContentDisposition": content_disposition_header(True, filename),
                    "ResponseContentType": content_type,
                    "ResponseCacheControl": "private, no-store",
                },
            )
        )
    elif mode == "x-accel":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(f"{settings.PARKLAND_X_ACCEL_PREFIX}{alias}/{name}")
        response["Content-Disposition"] = content_disposition_header(True, filename)
    elif mode == "app":
        handle = storage.open(name, "rb")
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    else:
        raise ValueError(f"PARKLAND_DOWNLOADS must be one of {', '.join(MODES)}, not {mode!r}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
