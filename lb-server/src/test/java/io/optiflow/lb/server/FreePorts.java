package io.optiflow.lb.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ports for the servers a test starts. A probe socket is closed before the server binds, so two probes can name the
 * same port; a server given one port for both planes would see its data plane accept on both while its admin bind
 * fails. So no port is handed out twice in one JVM.
 */
public final class FreePorts {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A TCP port free now on the loopback address, never handed out before in this JVM. */
    public static int take() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no port that was not handed out before, after 1000 probes");
    }
}
