"""The attempt counters' wait: how long a blocked client is told to wait (Retry-After), in this process and
in Redis (several app processes share the counters there)."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from pb.web.throttle import Limit, MemoryCounters, RedisCounters, Throttle

REDIS_URL = os.environ.get("PB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LIMIT = Limit("throttle-test", per_account=2, per_address=3, window_seconds=120)


async def test_the_wait_is_the_rest_of_the_window_of_the_counter_at_its_limit() -> None:
    clock = [500.0]
    throttle = Throttle(MemoryCounters(clock=lambda: clock[0]))
    await throttle.record(LIMIT, "aino@example.fi", "192.0.2.1")
    clock[0] = 530.0
    await throttle.record(LIMIT, "aino@example.fi", "192.0.2.2")  # the account's second: at its limit
    clock[0] = 600.2
    assert await throttle.is_blocked(LIMIT, "aino@example.fi", "192.0.2.3")
    # The account's window opened at 500 with its first attempt and closes at 620.
    assert await throttle.retry_after(LIMIT, "aino@example.fi", "192.0.2.3") == 20
    clock[0] = 620.0
    assert not await throttle.is_blocked(LIMIT, "aino@example.fi", "192.0.2.3")


async def test_the_wait_is_at_least_one_second() -> None:
    throttle = Throttle(MemoryCounters())
    assert await throttle.retry_after(LIMIT, "nobody@example.fi", "192.0.2.9") == 1


@pytest.mark.redis
async def test_redis_counters_tell_the_same_wait_to_every_process() -> None:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        if sock.connect_ex(("127.0.0.1", 6379)) != 0:
            if os.environ.get("PB_REQUIRE_SERVICES") == "1":
                pytest.fail("Redis (6379) must run for this test")
            pytest.skip("Redis is not running on 127.0.0.1")
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL)
    try:
        address = f"198.51.100.{uuid.uuid4().int % 250}-{uuid.uuid4().hex}"  # a fresh counter for each run
        one, other = Throttle(RedisCounters(redis)), Throttle(RedisCounters(redis))
        for _ in range(3):
            await one.record(LIMIT, f"{uuid.uuid4().hex}@example.fi", address)
        assert await other.is_blocked(LIMIT, "someone@example.fi", address)
        assert 119 <= await other.retry_after(LIMIT, "someone@example.fi", address) <= 120
    finally:
        await redis.aclose()
