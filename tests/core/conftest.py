import pytest

from .fastpath_asgi import close_thread_connections


@pytest.fixture
async def thread_connections():
    """Close what the fast paths' hand-over threads and asgiref's threads opened (before the test DB goes)."""
    yield
    await close_thread_connections()
