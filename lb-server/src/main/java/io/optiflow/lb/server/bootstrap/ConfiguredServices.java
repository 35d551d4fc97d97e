package io.optiflow.lb.server.bootstrap;

import io.optiflow.lb.server.config.ProxySettings;
import io.optiflow.lb.server.config.ServiceSettings;
import java.util.List;

/**
 * The checked static configuration the server runs on: the services (static config plus the demo service when
 * enabled) and the data-plane listener.
 */
public record ConfiguredServices(List<ServiceSettings> services, ProxySettings proxy) {
}
