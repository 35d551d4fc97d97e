package io.optiflow.lb.dashboard.charts;

import java.util.Locale;

/**
 * A small builder of SVG text. The dashboard draws its pictures as SVG set into a container's {@code innerHTML}
 * (the browser parses it in the SVG namespace): no chart library, no frontend build.
 */
public final class Svg {

    private final StringBuilder sb = new StringBuilder(4096);

    /** An {@code <svg>} with a view box of {@code width x height} that scales to its container's width. */
    public Svg(double width, double height, String cssClass) {
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(n(width)).append(' ')
                .append(n(height)).append("\" class=\"").append(escape(cssClass))
                .append("\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\">");
    }

    /** Appends raw markup (already escaped). */
    public Svg raw(String markup) {
        sb.append(markup);
        return this;
    }

    /** A number with at most one decimal, '.' as separator. */
    public static String n(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Text made safe for SVG content and attribute values. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code <text>} at x, y with a class. */
    public Svg text(double x, double y, String cssClass, String text) {
        sb.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" class=\"")
                .append(escape(cssClass)).append("\">").append(escape(text)).append("</text>");
        return this;
    }

    /** A line. */
    public Svg line(double x1, double y1, double x2, double y2, String cssClass) {
        sb.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" class=\"").append(escape(cssClass)).append("\"/>");
        return this;
    }

    public String end() {
        return sb.append("</svg>").toString();
    }
}
