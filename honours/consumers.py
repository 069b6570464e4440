"""WebSocket `ws/honours/<campaign_id>/live/`: public live vote counts (see honours.live). Messages:
`{"type": "counts", "display", "frozen", "candidates": [{"id", "votes"} | {"id", "rank"}]}`, first a
snapshot, then whenever the public figures change (at most once per interval). Close 4404 when the
campaign does not exist or its rules do not show counts."""

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from .live import hub


def _shows(campaign_id: int) -> bool:
    from .models import Campaign, CountDisplay

    display = Campaign.objects.public().filter(pk=campaign_id).values_list("count_display", flat=True).first()
    return display is not None and display != CountDisplay.HIDDEN


class LiveCountsConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.campaign_id = int(self.scope["url_route"]["kwargs"]["campaign_id"])
        if not await sync_to_async(_shows)(self.campaign_id):
            await self.close(code=4404)
            return
        await self.accept()
        await hub.join(self.campaign_id, self)

    async def disconnect(self, code):
        hub.leave(getattr(self, "campaign_id", 0), self)

    async def receive(self, text_data=None, bytes_data=None):
        return  # the channel is one-way
