package io.optiflow.lb.core.state;

import java.time.Duration;
import java.util.Locale;

/** Helpers for stores parsing their settings. */
public final class StoreSettings {

    private StoreSettings() {
    }

    /** {@code 500ms}, {@code 2s}, {@code 1.5s}; null when not one of those or not positive. */
    public static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            long millis;
            if (t.endsWith("ms")) {
                millis = Long.parseLong(t.substring(0, t.length() - 2).trim());
            } else if (t.endsWith("s")) {
                millis = Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000);
            } else {
                return null;
            }
            return millis > 0 ? Duration.ofMillis(millis) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The text, trimmed, or null when absent or blank. */
    public static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
