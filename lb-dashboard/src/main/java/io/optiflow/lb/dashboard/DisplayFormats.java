package io.optiflow.lb.dashboard;

import java.util.Locale;

/**
 * How the dashboard shows numbers: latencies with sensible precision, rates and counts with SI suffixes. Kept apart
 * from the views so every view (and the table exports) shows a value the same way.
 */
public final class DisplayFormats {

    private DisplayFormats() {
    }

    /** {@code 0.42 ms}, {@code 12.3 ms}, {@code 250 ms}, {@code 1.50 s}; {@code -} when unknown (NaN). */
    public static String latencyMillis(double ms) {
        if (Double.isNaN(ms) || ms < 0) {
            return "-";
        }
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.2f ms", ms);
        }
        if (ms < 100) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        return String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    /** {@code 950}, {@code 12.3k}, {@code 4.56M}. */
    public static String count(long n) {
        if (n < 1_000) {
            return Long.toString(n);
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", n / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }

    /** Requests per second: {@code 0}, {@code 4.2}, {@code 950}, {@code 12.3k}. */
    public static String rate(double perSecond) {
        if (Double.isNaN(perSecond) || perSecond <= 0) {
            return "0";
        }
        if (perSecond < 10) {
            return String.format(Locale.ROOT, "%.1f", perSecond);
        }
        return count(Math.round(perSecond));
    }

    /** A share 0..1 as a percentage: {@code 0 %}, {@code 0.4 %}, {@code 12 %}. */
    public static String percent(double share) {
        if (Double.isNaN(share) || share <= 0) {
            return "0 %";
        }
        double p = share * 100;
        return p < 10 ? String.format(Locale.ROOT, "%.1f %%", p) : String.format(Locale.ROOT, "%.0f %%", p);
    }
}
