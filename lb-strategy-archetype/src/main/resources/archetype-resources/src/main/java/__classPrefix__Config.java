package ${package};

/**
 * The parsed config of {@code ${strategyName}}: immutable and typed, made only by
 * {@link ${classPrefix}Provider#parseConfig}, so the strategy never checks a value again.
 *
 * <p>What a config must do: hold typed values (nanoseconds, not "5s"); stay package-private; stay a record, so two
 * equal configs compare equal.
 *
 * @param failureBackoffNanos how long a backend whose last request failed is passed over; 0 for never
 * @param probe               share of the picks that go to a passed-over backend anyway, in [0, 1]
 */
record ${classPrefix}Config(long failureBackoffNanos, double probe) {
}
