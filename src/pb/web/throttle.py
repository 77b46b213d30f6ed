"""Attempt counters for login and password reset, one per account and one per client address.

With Redis configured the counters live there (INCR + EXPIRE in one transaction), so several app processes
share them; otherwise they live in this process.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis


class CounterBackend(Protocol):
    async def hit(self, key: str, window_seconds: int) -> int: ...

    async def count(self, key: str) -> int: ...

    async def reset(self, key: str) -> None: ...


class MemoryCounters:
    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = asyncio.Lock()

    async def hit(self, key: str, window_seconds: int) -> int:
        async with self._lock:
            now = time.monotonic()
            count, expires = self._counts.get(key, (0, now + window_seconds))
            if expires <= now:
                count, expires = 0, now + window_seconds
            self._counts[key] = (count + 1, expires)
            return count + 1

    async def count(self, key: str) -> int:
        count, expires = self._counts.get(key, (0, 0.0))
        return count if expires > time.monotonic() else 0

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

    async def record(self, limit: Limit, account: str, address: str) -> None:
        account_key, address_key = self._keys(limit, account, address)
        await self.backend.hit(account_key, limit.window_seconds)
        await self.backend.hit(address_key, limit.window_seconds)

    async def clear_account(self, limit: Limit, account: str, address: str) -> None:
        account_key, _ = self._keys(limit, account, address)
        await self.backend.reset(account_key)
