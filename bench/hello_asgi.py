"""The bare ASGI baseline for bench/answers.py: reads the request body and answers a small JSON body.
Under the same server settings as quizsite/asgi.py (core.daphne_http.tune_server_process), so ratios stay like
for like."""

from core.daphne_http import tune_server_process

tune_server_process()

BODY = b'{"saved":true,"remaining_s":0}'


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": BODY})
