package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.RequestContext;
import org.junit.jupiter.api.Test;

class HeadersTest {

    @Test
    void listedIn_connectionTokens_caseInsensitiveWholeTokens() {
        assertTrue(Headers.listedIn("close, X-Secret", "x-secret"));
        assertTrue(Headers.listedIn("keep-alive,upgrade", "Upgrade"));
        assertFalse(Headers.listedIn("x-secret-2", "x-secret"));
        assertFalse(Headers.listedIn(null, "x"));
    }

    @Test
    void removeListed_namedHeadersGone_hopTokensAndOthersKept() {
        io.netty.handler.codec.http.HttpHeaders h = new io.netty.handler.codec.http.DefaultHttpHeaders()
                .add("X-Secret", "s").add("x-kept", "k").add("close", "c");
        Headers.removeListed(h, "close, X-SECRET ,keep-alive");
        assertFalse(h.contains("x-secret"));
        assertTrue(h.contains("x-kept"));
        assertTrue(h.contains("close"), "the close token is an instruction, not a header name");
    }

    @Test
    void hash_ofRange_equalsHashOfSubstring() {
        String s = "a=1; session=abc123; z=9";
        assertEquals(RequestContext.hash("abc123"), Headers.hash(s, 13, 19));
    }
}
