package io.optiflow.lb.server.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Holds N headless-Chromium browsers, logged in, for the dashboard load benchmark (bench/dashboard-load.sh), and
 * shows or hides one dashboard page in all of them on command. The browsers are started once: starting ten
 * Chromiums takes minutes on a small, busy machine, while a page opens in seconds. A hidden browser shows
 * {@code about:blank}, so its dashboard's push connection is closed and the server draws nothing for it.
 *
 * <p>The control file holds the wanted state: {@code show}, {@code hide} or {@code stop}. Prints {@code ready N}
 * once every browser is logged in (pages hidden), {@code shown N} once every page shows the live flow picture,
 * {@code hidden N} after hiding; closes every browser it opened when told to stop or when the time is up.
 *
 * <p>Usage: {@code DashboardCrowd <admin-url> <count> <path> <max-seconds> <user> <password> <control-file>}
 */
public final class DashboardCrowd {

    /** How long a page may take to show its live numbers (ten pages load at once on two cores). */
    private static final Duration SHOW_WAIT = Duration.ofSeconds(300);

    private DashboardCrowd() {
    }

    public static void main(String[] args) throws InterruptedException, IOException {
        if (args.length != 7) {
            System.err.println("usage: DashboardCrowd <admin-url> <count> <path> <max-seconds> <user> <password>"
                    + " <control-file>");
            System.exit(2);
        }
        String base = args[0];
        int count = Integer.parseInt(args[1]);
        String page = args[2];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        Path control = Path.of(args[6]);
        List<Browser> open = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Browser b = new Browser(base, 1280, 800);
                open.add(b);
                b.login(args[4], args[5]);
                b.driver().get("about:blank"); // the overview, where login lands, is a dashboard too
            }
            say("ready " + open.size());
            String state = "hide";
            while (System.nanoTime() < deadline) {
                String wanted = Files.exists(control) ? Files.readString(control).strip() : state;
                if (wanted.equals("stop")) {
                    break;
                }
                if (wanted.equals("show") && !state.equals("show")) {
                    show(open, base + page);
                    say("shown " + open.size());
                } else if (wanted.equals("hide") && !state.equals("hide")) {
                    for (Browser b : open) {
                        b.driver().get("about:blank");
                    }
                    say("hidden " + open.size());
                }
                state = wanted;
                Thread.sleep(100);
            }
        } finally {
            for (Browser b : open) {
                b.close();
            }
        }
    }

    /** Starts loading the page in every browser at once, then waits for each to show the live flow picture. */
    private static void show(List<Browser> browsers, String url) {
        for (Browser b : browsers) {
            b.js("window.location.href = arguments[0];", url);
        }
        for (Browser b : browsers) {
            new WebDriverWait(b.driver(), SHOW_WAIT).withMessage("the dashboard page " + url)
                    .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                    .until(d -> d.getCurrentUrl().startsWith(url)
                            && d.findElements(By.id("flow-picture")).stream().anyMatch(e -> e.isDisplayed()));
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
