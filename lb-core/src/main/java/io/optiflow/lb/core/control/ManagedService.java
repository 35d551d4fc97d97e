package io.optiflow.lb.core.control;

import io.optiflow.lb.api.spi.StrategyContext;
import io.optiflow.lb.core.config.BackendSpec;
import io.optiflow.lb.core.config.ServiceSpec;
import io.optiflow.lb.core.pool.DefaultServicePool;
import java.util.Map;

/**
 * One service as the control plane manages it.
 *
 * @param spec       its static config
 * @param configured its configured backends by id (the base that runtime overrides apply to)
 * @param pool       its live pool
 * @param context    the context its strategies are built with
 */
record ManagedService(ServiceSpec spec, Map<String, BackendSpec> configured, DefaultServicePool pool,
                      StrategyContext context) {

    String name() {
        return spec.name();
    }
}
