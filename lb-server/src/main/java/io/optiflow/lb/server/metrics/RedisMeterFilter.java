package io.optiflow.lb.server.metrics;

import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Drops the Redis client's own meters ({@code redis.*}, from its connection pool): their camelCase labels break
 * Prometheus naming rules, and {@code lb_rate_limit_redis_up} says what an operator needs about Redis.
 */
@Singleton
public class RedisMeterFilter {

    @Produces
    @Singleton
    MeterFilter dropRedisClientMeters() {
        return MeterFilter.denyNameStartsWith("redis.");
    }
}
