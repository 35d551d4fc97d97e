package io.optiflow.lb.algorithms.support;

import io.optiflow.lb.api.BackendSet;

/** Weight arithmetic shared by the weighted built-ins, done once per snapshot (never on the request path). */
public final class Weights {

    private Weights() {
    }

    /** The weights of {@code snapshot} in snapshot order as configured, or all 1 when weights are not respected. */
    public static int[] of(BackendSet snapshot, boolean respectWeights) {
        int[] w = new int[snapshot.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = respectWeights ? snapshot.get(i).weight() : 1;
        }
        return w;
    }

    /**
     * The weights of {@code snapshot} in snapshot order, divided by their greatest common divisor and, when their
     * sum still exceeds {@code maxSum}, scaled down to about {@code maxSum} (each weight stays at least 1, so the
     * sum may exceed {@code maxSum} by at most the number of backends). Scaling rounds down, so shares may move
     * by up to one unit in {@code maxSum}.
     */
    public static int[] reduced(BackendSet snapshot, long maxSum) {
        int n = snapshot.size();
        int[] w = new int[n];
        for (int i = 0; i < n; i++) {
            w[i] = snapshot.get(i).weight();
        }
        divideByGcd(w);
        long sum = sum(w);
        if (sum > maxSum) {
            for (int i = 0; i < n; i++) {
                w[i] = (int) Math.max(1L, w[i] * maxSum / sum);
            }
            divideByGcd(w);
        }
        return w;
    }

    private static void divideByGcd(int[] w) {
        int g = 0;
        for (int x : w) {
            g = gcd(g, x);
        }
        if (g > 1) {
            for (int i = 0; i < w.length; i++) {
                w[i] /= g;
            }
        }
    }

    /** Sum of {@code weights}. */
    public static long sum(int[] weights) {
        long s = 0;
        for (int x : weights) {
            s += x;
        }
        return s;
    }

    static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
