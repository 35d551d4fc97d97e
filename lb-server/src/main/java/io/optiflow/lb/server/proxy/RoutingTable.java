package io.optiflow.lb.server.proxy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Host and path-prefix routing, built once and immutable: routes of a matching host first, then routes for any
 * host; within each, the longest prefix wins. A lookup is a hash-map get and a short scan; no regex.
 */
final class RoutingTable {

    private static final ServiceRoute[] NONE = new ServiceRoute[0];

    private final Map<String, ServiceRoute[]> byHost;
    private final ServiceRoute[] anyHost;

    RoutingTable(List<ServiceRoute> routes) {
        Map<String, List<ServiceRoute>> hosts = new HashMap<>();
        List<ServiceRoute> any = new ArrayList<>();
        for (ServiceRoute r : routes) {
            String h = r.settings.matchHost();
            if (h == null) {
                any.add(r);
            } else {
                hosts.computeIfAbsent(h, k -> new ArrayList<>()).add(r);
            }
        }
        Comparator<ServiceRoute> longestFirst = Comparator.comparingInt((ServiceRoute r) -> r.pathPrefix.length())
                .reversed();
        Map<String, ServiceRoute[]> m = new HashMap<>();
        hosts.forEach((h, list) -> {
            list.sort(longestFirst);
            m.put(h, list.toArray(NONE));
        });
        any.sort(longestFirst);
        this.byHost = Map.copyOf(m);
        this.anyHost = any.toArray(NONE);
    }

    /**
     * The service for a request, or null.
     *
     * @param host the Host header or :authority (may carry a port; may be null)
     * @param path the request path
     */
    ServiceRoute route(String host, String path) {
        if (!byHost.isEmpty() && host != null) {
            ServiceRoute[] forHost = byHost.get(bareHost(host));
            if (forHost != null) {
                ServiceRoute r = scan(forHost, path);
                if (r != null) {
                    return r;
                }
            }
        }
        return scan(anyHost, path);
    }

    private static ServiceRoute scan(ServiceRoute[] routes, String path) {
        for (ServiceRoute r : routes) {
            if (r.matches(path)) {
                return r;
            }
        }
        return null;
    }

    /** Host without port, lower case; IPv6 literals keep their brackets. */
    static String bareHost(String host) {
        int end = host.length();
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            end = close < 0 ? end : close + 1;
        } else {
            int colon = host.lastIndexOf(':');
            if (colon >= 0) {
                end = colon;
            }
        }
        String h = end == host.length() ? host : host.substring(0, end);
        for (int i = 0; i < h.length(); i++) {
            if (Character.isUpperCase(h.charAt(i))) {
                return h.toLowerCase(Locale.ROOT);
            }
        }
        return h;
    }
}
