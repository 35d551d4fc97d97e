package io.optiflow.lb.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range, {@code 10.0.0.0/8}, {@code ::1/128} or a single address. Immutable. */
public final class Cidr {

    private final byte[] network;
    private final int prefixBits;
    private final String text;

    private Cidr(byte[] network, int prefixBits, String text) {
        this.network = network;
        this.prefixBits = prefixBits;
        this.text = text;
    }

    /**
     * Parses an IP literal with an optional {@code /bits}. Host names are refused: a trust rule must not depend on DNS.
     *
     * @throws IllegalArgumentException naming the text and what was expected
     */
    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (addr.isEmpty() || !(addr.indexOf(':') >= 0 || addr.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw new IllegalArgumentException("'" + text + "' (expected: an IP address or CIDR such as 10.0.0.0/8)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' (expected: an IP address or CIDR such as 10.0.0.0/8)");
        }
        int max = bytes.length * 8;
        int bits = max;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("'" + text + "' (expected: prefix length 0.." + max + ")");
            }
        }
        return new Cidr(bytes, bits, t);
    }

    /** Whether {@code address} (raw bytes of an IPv4 or IPv6 address) lies in this range. */
    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int full = prefixBits / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
