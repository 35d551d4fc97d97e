package io.optiflow.lb.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendSpecTest {

    @Test
    void parse_hostPortWeight_allParts() {
        BackendSpec s = BackendSpec.parse("http://10.0.0.5:8080;weight=3");
        assertEquals(new BackendSpec("10.0.0.5:8080", "http", "10.0.0.5", 8080, 3), s);
        assertEquals("http://10.0.0.5:8080", s.url());
        assertEquals(s, BackendSpec.parse(s.toString()), "toString reads back");
    }

    @Test
    void parse_noPort_schemeDefault() {
        assertEquals(80, BackendSpec.parse("http://example.org").port());
        assertEquals(443, BackendSpec.parse("HTTPS://Example.ORG/").port());
        assertEquals("example.org:443", BackendSpec.parse("https://Example.ORG").id());
        assertEquals(1, BackendSpec.parse("http://a:1").weight());
    }

    @Test
    void parse_ipv6InBrackets_idWithoutBracketsUrlWith() {
        BackendSpec s = BackendSpec.parse("http://[::1]:9000");
        assertEquals("::1", s.host());
        assertEquals("::1:9000", s.id());
        assertEquals("http://[::1]:9000", s.url());
        assertEquals("[::1]:9000", s.toBackend().authority());
    }

    @Test
    void parse_badText_messageNamesTextAndExpectation() {
        for (String bad : new String[]{"", "10.0.0.1:80", "ftp://h:1", "http://h:0", "http://h:65536", "http://h:x",
                "http://h:1;weight=0", "http://h:1;weight=10001", "http://h:1;weight=abc", "http://h:1;color=red",
                "http://h:1/path", "http://u@h:1", "http://::1:80", "http://[::1", "http://", "http://h h:1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendSpec.parse(bad),
                    bad);
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("expected"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> BackendSpec.parse(null));
    }
}
