package io.optiflow.lb.server.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    private static byte[] ip(String s) throws Exception {
        return InetAddress.getByName(s).getAddress();
    }

    @Test
    void contains_ipv4Prefix() throws Exception {
        Cidr c = Cidr.parse("10.1.0.0/16");
        assertTrue(c.contains(ip("10.1.200.3")));
        assertFalse(c.contains(ip("10.2.0.1")));
        assertTrue(Cidr.parse("10.0.0.0/9").contains(ip("10.127.0.1")));
        assertFalse(Cidr.parse("10.0.0.0/9").contains(ip("10.128.0.1")));
    }

    @Test
    void contains_singleAddressAndIpv6() throws Exception {
        assertTrue(Cidr.parse("127.0.0.1").contains(ip("127.0.0.1")));
        assertFalse(Cidr.parse("127.0.0.1").contains(ip("127.0.0.2")));
        assertTrue(Cidr.parse("::1/128").contains(ip("::1")));
        assertFalse(Cidr.parse("::1/128").contains(ip("127.0.0.1")));
    }

    @Test
    void parse_hostNameOrBadPrefix_refusedWithText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("proxy.local"));
        assertTrue(e.getMessage().contains("proxy.local"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
    }
}
