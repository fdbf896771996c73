"""The y-websocket wire format: one binary frame per message.

[0, 0, varuint len, state vector]   sync step 1 (what I have; send me the rest)
[0, 1, varuint len, update]         sync step 2 (the rest)
[0, 2, varuint len, update]         an update
[1, varuint len, awareness update]  presence: [count, (client id, clock, JSON state)*]
[3]                                 query awareness (answered with everyone's presence)
"""

from __future__ import annotations

from dataclasses import dataclass

from pycrdt import Decoder, YMessageType, YSyncMessageType, create_awareness_message, write_message

QUERY_AWARENESS = 3
EMPTY_UPDATE = b"\x00\x00"


class ProtocolError(ValueError):
    """A frame that is not y-websocket."""


@dataclass(frozen=True)
class Frame:
    kind: str  # "step1", "step2", "update", "awareness", "query"
    payload: bytes = b""


def parse(message: bytes) -> Frame:
    try:
        if message[0] == YMessageType.SYNC:
            sub = message[1]
            payload = _payload(message[2:])
            kinds = {
                YSyncMessageType.SYNC_STEP1: "step1",
                YSyncMessageType.SYNC_STEP2: "step2",
                YSyncMessageType.SYNC_UPDATE: "update",
            }
            return Frame(kinds[YSyncMessageType(sub)], payload)
        if message[0] == YMessageType.AWARENESS:
            return Frame("awareness", _payload(message[1:]))
        if message[0] == QUERY_AWARENESS:
            return Frame("query")
    except (IndexError, ValueError, KeyError, RuntimeError) as exc:
        raise ProtocolError(f"malformed message: {exc}") from exc
    raise ProtocolError(f"unknown message type {message[0]}")


def _payload(data: bytes) -> bytes:
    payload = Decoder(data).read_message()
    if payload is None:
        raise ProtocolError("missing payload")
    return payload


def sync(kind: int, payload: bytes) -> bytes:
    return bytes([YMessageType.SYNC, kind]) + write_message(payload)


def step1(state: bytes) -> bytes:
    return sync(YSyncMessageType.SYNC_STEP1, state)


def step2(update: bytes) -> bytes:
    return sync(YSyncMessageType.SYNC_STEP2, update)


def update(data: bytes) -> bytes:
    return sync(YSyncMessageType.SYNC_UPDATE, data)


def awareness(data: bytes) -> bytes:
    return create_awareness_message(data)


def awareness_clients(data: bytes) -> list[int]:
    """The client ids an awareness update speaks for."""
    try:
        decoder = Decoder(data)
        ids = []
        for _ in range(decoder.read_var_uint()):
            ids.append(decoder.read_var_uint())
            decoder.read_var_uint()  # clock
            decoder.read_var_string()  # JSON state
        return ids
    except (IndexError, RuntimeError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"malformed awareness update: {exc}") from exc
