package io.clickstream.format;

import io.clickstream.format.proto.ClickEventProtos;

/** Writes events as {@code click_event.proto} messages; absent fields are left unset. */
public final class ProtobufEncoder {
    public byte[] encode(EventFields f) {
        ClickEventProtos.ClickEvent.Builder b = ClickEventProtos.ClickEvent.newBuilder();
        if (f.eventId != null) b.setEventId(f.eventId);
        if (f.userId != null) b.setUserId(f.userId);
        if (f.sessionId != null) b.setSessionId(f.sessionId);
        if (f.type != null) b.setType(f.type);
        if (f.url != null) b.setUrl(f.url);
        if (f.ts != null) b.setTs(f.ts);
        if (f.spend != null) b.setSpend(f.spend);
        if (f.referrer != null) b.setReferrer(f.referrer);
        if (f.userAgent != null) b.setUserAgent(f.userAgent);
        return b.build().toByteArray();
    }
}
