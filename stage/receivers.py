"""After-commit fan-out: one Channels group per event. A hall has tens of devices, so one group message
per change is cheap; each consumer then sends its own role's snapshot."""

import asyncio

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.dispatch import receiver

from .signals import quiz_changed, stage_changed


def group_name(event_id: int) -> str:
    return f"stage-event-{event_id}"


@receiver(stage_changed)
def _push(sender, *, event_id: int, version: int, **kwargs):
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "stage.changed", "version": version}
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(layer.group_send)(group_name(event_id), message)
    else:  # a sync caller on a thread that runs an event loop (e.g. under Playwright's sync API)
        loop.create_task(layer.group_send(group_name(event_id), message))


@receiver(quiz_changed)
def _quiz_push(sender, *, game_id: int, kind: str = "state", player_id=None, connection=None, **kwargs):
    from .quiz_hub import publish

    publish(game_id, kind, player_id, connection)
