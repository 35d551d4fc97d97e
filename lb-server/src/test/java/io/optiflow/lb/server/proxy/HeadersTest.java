package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
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
    void listedIn_tabsAroundTokens_treatedAsWhitespace() {
        assertTrue(Headers.listedIn("keep-alive,\tclose", "close"));
        assertTrue(Headers.listedIn("upgrade\t", "upgrade"));
    }

    @Test
    void keepAlive_versionAndConnectionTokens_sameAnswerAsNetty() {
        String[] values = {null, "close", "Close", "keep-alive", "Keep-Alive, Upgrade", "upgrade", "x, close",
            "keep-alive, close", "closed", "keep-alive,\tclose"};
        for (HttpVersion v : new HttpVersion[] {HttpVersion.HTTP_1_1, HttpVersion.HTTP_1_0}) {
            for (String value : values) {
                DefaultHttpRequest req = new DefaultHttpRequest(v, HttpMethod.GET, "/");
                if (value != null) {
                    req.headers().add(HttpHeaderNames.CONNECTION, value);
                }
                assertEquals(HttpUtil.isKeepAlive(req), Headers.keepAlive(v, value), v + " with Connection: " + value);
            }
        }
        assertFalse(Headers.keepAlive(HttpVersion.HTTP_1_0, null));
        assertTrue(Headers.keepAlive(HttpVersion.HTTP_1_1, "x-other"));
    }

    @Test
    void hash_ofRange_equalsHashOfSubstring() {
        String s = "a=1; session=abc123; z=9";
        assertEquals(RequestContext.hash("abc123"), Headers.hash(s, 13, 19));
    }

    @Test
    void namesExcept_manyKnownNames_theSameObjectsSkippedEqualCopiesChecked() {
        // Names the check would refuse, so that skipping shows: the known objects pass, copies of them do not.
        AsciiString[] known = new AsciiString[40];
        for (int i = 0; i < known.length; i++) {
            known[i] = new AsciiString("bad name " + i);
        }
        var check = Headers.namesExcept(known);
        for (AsciiString k : known) {
            assertDoesNotThrow(() -> check.validateName(k), k.toString());
            assertThrows(IllegalArgumentException.class, () -> check.validateName(new AsciiString(k.toString())));
            assertThrows(IllegalArgumentException.class, () -> check.validateName(k.toString()));
        }
        assertDoesNotThrow(() -> check.validateName(new AsciiString("x-valid")));
        assertThrows(IllegalArgumentException.class, () -> Headers.namesExcept().validateName("bad name"));
    }
}
