package io.optiflow.lb.dashboard.charts;

/** Series colours (readable on Lumo's dark and light backgrounds) and the health colours of links. */
public final class Palette {

    private static final String[] SERIES = {"#4e9cf5", "#f5a04e", "#57c785", "#c77dff", "#f2c14e", "#2ec4b6",
        "#ff7aa2", "#9aa5b1"};

    /** Healthy link. */
    public static final String OK = "#3fb37f";
    /** Some errors (1 % or more). */
    public static final String WARN = "#e8a33d";
    /** Many errors (5 % or more). */
    public static final String BAD = "#e5484d";
    /** No traffic allowed (down, ejected, disabled, draining). */
    public static final String OFF = "#6b7785";

    private Palette() {
    }

    /** The colour of the i-th series. */
    public static String series(int i) {
        return SERIES[Math.floorMod(i, SERIES.length)];
    }
}
