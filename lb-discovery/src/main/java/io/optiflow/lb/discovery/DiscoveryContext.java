package io.optiflow.lb.discovery;

import io.vertx.core.Vertx;
import java.util.Objects;

/**
 * What a provider gets to build a source: the service it discovers for, and the server's Vert.x instance (event
 * loops for asynchronous clients).
 *
 * @param service service name
 * @param vertx   the server's Vert.x
 */
public record DiscoveryContext(String service, Vertx vertx) {

    public DiscoveryContext {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(vertx, "vertx");
    }
}
