package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.api.RequestContext;
import org.junit.jupiter.api.Test;

class HeadersTest {

    @Test
    void isHopByHopOrOwn_standardHopHeaders_anyCase() {
        for (String h : new String[] {"Connection", "keep-alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
            "Proxy-Authorization", "Proxy-Authenticate", "Proxy-Connection", "host", "Expect", "X-Forwarded-For",
            "x-forwarded-proto", "X-Forwarded-Host", "Forwarded"}) {
            assertTrue(Headers.isHopByHopOrOwn(h), h);
        }
        assertFalse(Headers.isHopByHopOrOwn("content-length"));
        assertFalse(Headers.isHopByHopOrOwn("authorization"));
        assertFalse(Headers.isHopByHopOrOwn("x-forwarded-port-x"));
    }

    @Test
    void listedIn_connectionTokens_caseInsensitiveWholeTokens() {
        assertTrue(Headers.listedIn("close, X-Secret", "x-secret"));
        assertTrue(Headers.listedIn("keep-alive,upgrade", "Upgrade"));
        assertFalse(Headers.listedIn("x-secret-2", "x-secret"));
        assertFalse(Headers.listedIn(null, "x"));
    }

    @Test
    void hash_ofRange_equalsHashOfSubstring() {
        String s = "a=1; session=abc123; z=9";
        assertEquals(RequestContext.hash("abc123"), Headers.hash(s, 13, 19));
    }
}
