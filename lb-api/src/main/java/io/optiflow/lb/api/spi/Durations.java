package io.optiflow.lb.api.spi;

import java.util.Locale;

/** Reads and writes durations of the form {@code 250ms}, {@code 10s}, {@code 1.5s}, {@code 2m}. */
public final class Durations {

    private Durations() {
    }

    /**
     * Parses a duration into nanoseconds.
     *
     * @throws IllegalArgumentException when the text is not a non-negative number followed by ns, us, ms, s, m or h
     */
    public static long parseNanos(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        if (i == 0 || i == t.length()) {
            throw new IllegalArgumentException("not a duration: '" + text + "'");
        }
        double value;
        try {
            value = Double.parseDouble(t.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "'");
        }
        long unit = switch (t.substring(i).trim()) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException("not a duration: '" + text + "'");
        };
        double nanos = value * unit;
        if (nanos > Long.MAX_VALUE) {
            throw new IllegalArgumentException("duration too long: '" + text + "'");
        }
        return Math.round(nanos);
    }

    /** Formats nanoseconds in the largest unit that keeps the value whole: {@code 250ms}, {@code 10s}. */
    public static String format(long nanos) {
        long[] units = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
        String[] names = {"h", "m", "s", "ms", "us", "ns"};
        for (int i = 0; i < units.length; i++) {
            if (nanos != 0 && nanos % units[i] == 0) {
                return nanos / units[i] + names[i];
            }
        }
        return nanos + "ns";
    }
}
