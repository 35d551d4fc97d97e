package io.optiflow.lb.server.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.By;

/**
 * Holds N headless-Chromium dashboards open on one page, logged in, for the dashboard load benchmark
 * (bench/dashboard-load.sh). Prints {@code ready} once every page shows live numbers, then waits until the stop
 * file exists or the time is up, and closes every browser it opened (so no browser outlives it).
 *
 * <p>Usage: {@code DashboardCrowd <admin-url> <count> <path> <max-seconds> <user> <password> <stop-file>}
 */
public final class DashboardCrowd {

    private DashboardCrowd() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 7) {
            System.err.println("usage: DashboardCrowd <admin-url> <count> <path> <max-seconds> <user> <password>"
                    + " <stop-file>");
            System.exit(2);
        }
        int count = Integer.parseInt(args[1]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        List<Browser> open = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Browser b = new Browser(args[0], 1280, 800);
                open.add(b);
                b.login(args[4], args[5]);
                b.open(args[2]);
                b.await(By.id("flow-picture"));
            }
            System.out.println("ready " + open.size());
            System.out.flush();
            while (System.nanoTime() < deadline) {
                if (java.nio.file.Files.exists(java.nio.file.Path.of(args[6]))) {
                    break;
                }
                Thread.sleep(200);
            }
        } finally {
            for (Browser b : open) {
                b.close();
            }
        }
    }
}
