"""WebSocket `ws/honours/<campaign_id>/live/`: public live vote counts (see honours.live). Messages:
`{"type": "counts", "display", "frozen", "candidates": [{"id", "votes"} | {"id", "rank"}]}`, first a
snapshot, then whenever the public figures change (at most once per interval, from the channel layer
group `honours-live-<id>`). Close 4404 when the campaign does not exist or its rules do not show counts."""

import asyncio

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from .live import group_name, live_snapshot, publisher


def _shows(campaign_id: int) -> bool:
    from .models import Campaign, CountDisplay

    display = Campaign.objects.public().filter(pk=campaign_id).values_list("count_display", flat=True).first()
    return display is not None and display != CountDisplay.HIDDEN


class LiveCountsConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.campaign_id = int(self.scope["url_route"]["kwargs"]["campaign_id"])
        self.last_text, self.last_version = None, None
        if not await sync_to_async(_shows)(self.campaign_id):
            await self.close(code=4404)
            return
        publisher.bind(asyncio.get_running_loop())  # publish on the server's loop from now on
        await self.channel_layer.group_add(group_name(self.campaign_id), self.channel_name)
        await self.accept()
        text, version = await sync_to_async(live_snapshot, thread_sensitive=False)(self.campaign_id)
        await self._forward(text, version)

    async def disconnect(self, code):
        if getattr(self, "campaign_id", None) is not None:
            await self.channel_layer.group_discard(group_name(self.campaign_id), self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        return  # the channel is one-way

    async def honours_counts(self, event):
        await self._forward(event["text"], event.get("version"))

    async def _forward(self, text, version) -> None:
        if not text or text == self.last_text:
            return
        if version is not None and self.last_version is not None and list(version) < list(self.last_version):
            return  # an older figure from a slower process: never step back
        self.last_text, self.last_version = text, version
        await self.send(text_data=text)
