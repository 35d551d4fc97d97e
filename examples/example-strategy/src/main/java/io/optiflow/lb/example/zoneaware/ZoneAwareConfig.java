package io.optiflow.lb.example.zoneaware;

/**
 * The parsed config of {@code zone-aware}.
 *
 * @param zone  the preferred zone, or {@code null} for no preference
 * @param label the label that holds a backend's zone
 */
record ZoneAwareConfig(String zone, String label) {
}
