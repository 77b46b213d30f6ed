"""Attempt counters for login and password reset, one per account and one per client address.

With Redis configured the counters live there (INCR + EXPIRE in one transaction), so several app processes
share them; otherwise they live in this process.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis


class CounterBackend(Protocol):
    async def hit(self, key: str, window_seconds: int) -> int: ...

    async def count(self, key: str) -> int: ...

    async def seconds_left(self, key: str) -> int: ...

    async def reset(self, key: str) -> None: ...


class MemoryCounters:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = asyncio.Lock()
        self.clock = clock

    async def hit(self, key: str, window_seconds: int) -> int:
        async with self._lock:
            now = self.clock()
            count, expires = self._counts.get(key, (0, now + window_seconds))
            if expires <= now:
                count, expires = 0, now + window_seconds
            self._counts[key] = (count + 1, expires)
            return count + 1

    async def count(self, key: str) -> int:
        count, expires = self._counts.get(key, (0, 0.0))
        return count if expires > self.clock() else 0

    async def seconds_left(self, key: str) -> int:
        """Whole seconds until the counter's window ends (0 when there is no counter)."""
        _, expires = self._counts.get(key, (0, 0.0))
        return max(0, math.ceil(expires - self.clock()))

    async def reset(self, key: str) -> None:
        async with self._lock:
            self._counts.pop(key, None)


class RedisCounters:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def hit(self, key: str, window_seconds: int) -> int:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, window_seconds, nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def count(self, key: str) -> int:
        value = await self.redis.get(key)
        return int(value) if value is not None else 0

    async def seconds_left(self, key: str) -> int:
        # TTL is -2 for a missing key and -1 for one without expiry (never set here: EXPIRE runs with INCR).
        return max(0, int(await self.redis.ttl(key)))

    async def reset(self, key: str) -> None:
        await self.redis.delete(key)


@dataclass(frozen=True)
class Limit:
    name: str
    per_account: int
    per_address: int
    window_seconds: int


class Throttle:
    def __init__(self, backend: CounterBackend) -> None:
        self.backend = backend

    @staticmethod
    def _keys(limit: Limit, account: str, address: str) -> tuple[str, str]:
        # Keys hold a digest, not the address or email itself.
        account_digest = hashlib.sha256(account.strip().lower().encode()).hexdigest()[:32]
        address_digest = hashlib.sha256(address.encode()).hexdigest()[:32]
        return (
            f"pb:throttle:{limit.name}:account:{account_digest}",
            f"pb:throttle:{limit.name}:address:{address_digest}",
        )

    async def is_blocked(self, limit: Limit, account: str, address: str) -> bool:
        account_key, address_key = self._keys(limit, account, address)
        return (
            await self.backend.count(account_key) >= limit.per_account
            or await self.backend.count(address_key) >= limit.per_address
        )

    async def retry_after(self, limit: Limit, account: str, address: str) -> int:
        """Seconds until a blocked request would be let through: the end of the window of each counter at its
        limit, the later of the two, and at least 1 (RFC 9110 10.2.3: Retry-After in whole seconds)."""
        account_key, address_key = self._keys(limit, account, address)
        waits = [0]
        if await self.backend.count(account_key) >= limit.per_account:
            waits.append(await self.backend.seconds_left(account_key))
        if await self.backend.count(address_key) >= limit.per_address:
            waits.append(await self.backend.seconds_left(address_key))
        return max(1, *waits)

    async def record(self, limit: Limit, account: str, address: str) -> None:
        account_key, address_key = self._keys(limit, account, address)
        await self.backend.hit(account_key, limit.window_seconds)
        await self.backend.hit(address_key, limit.window_seconds)

    async def clear_account(self, limit: Limit, account: str, address: str) -> None:
        account_key, _ = self._keys(limit, account, address)
        await self.backend.reset(account_key)
