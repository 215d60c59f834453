package io.clickstream.quality;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A record that failed validation, kept whole so that it can be inspected and replayed.
 * Written to {@code dlq/} as one JSON object per line.
 */
public class DeadLetter {
    public Reason reason;
    /** What was wrong, naming the field and value, and what a valid record looks like. */
    public String message;
    public String source;
    public String origin;
    /** The raw payload: the text itself when it is valid UTF-8, else base64 (see {@link #payloadEncoding}). */
    public String payload;
    /** {@code utf-8} or {@code base64}. */
    public String payloadEncoding;
    public int payloadBytes;

    public DeadLetter() {}

    public static DeadLetter of(Reason reason, String message, String source, String origin, byte[] raw) {
        DeadLetter d = new DeadLetter();
        d.reason = reason;
        d.message = message;
        d.source = source;
        d.origin = origin;
        d.payloadBytes = raw.length;
        String text = strictUtf8(raw);
        if (text != null) {
            d.payload = text;
            d.payloadEncoding = "utf-8";
        } else {
            d.payload = Base64.getEncoder().encodeToString(raw);
            d.payloadEncoding = "base64";
        }
        return d;
    }

    /** The original bytes, decoded from {@link #payload}. */
    public byte[] rawBytes() {
        return "base64".equals(payloadEncoding)
                ? Base64.getDecoder().decode(payload)
                : payload.getBytes(StandardCharsets.UTF_8);
    }

    /** The text of {@code raw} if it is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF), else null. */
    public static String strictUtf8(byte[] raw) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof DeadLetter)) return false;
        DeadLetter d = (DeadLetter) o;
        return payloadBytes == d.payloadBytes && reason == d.reason && Objects.equals(message, d.message)
                && Objects.equals(source, d.source) && Objects.equals(origin, d.origin)
                && Objects.equals(payload, d.payload) && Objects.equals(payloadEncoding, d.payloadEncoding);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reason, message, source, origin, payload, payloadEncoding, payloadBytes);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + reason + " at " + source + ":" + origin + ": " + message + "}";
    }
}
