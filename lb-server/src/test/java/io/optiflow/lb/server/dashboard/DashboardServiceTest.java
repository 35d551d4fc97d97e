package io.optiflow.lb.server.dashboard;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.admin.TestBackend;
import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The service page in a real browser against the real server, traffic running through the proxy: every change is
 * made by clicking, and checked through the admin API (the other face of the same control plane).
 */
@QuarkusTest
@TestProfile(DashboardProfile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class DashboardServiceTest {

    @TestHTTPResource("/")
    URL admin;

    @Inject
    ProxyServer proxy;

    @ConfigProperty(name = "lb.services.shop.backends")
    String shopBackends;

    @ConfigProperty(name = "lb.plugins.dir")
    String pluginsDir;

    private Browser browser;
    private Traffic traffic;
    private List<String> shop;

    @BeforeAll
    void start() {
        shop = Arrays.stream(shopBackends.split(",")).map(u -> u.trim().substring("http://".length())).sorted()
                .toList();
        traffic = new Traffic(proxy.actualPort(), "/shop/");
        browser = new Browser(admin.toString(), 1280, 800);
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (browser != null) {
            browser.close();
        }
        if (traffic != null) {
            traffic.close();
        }
    }

    /** Service shop as configured: round robin, every backend enabled at weight 1. */
    @BeforeEach
    void configured() {
        api().delete("/api/v1/services/shop/strategy").then().statusCode(200);
        for (String id : shop) {
            api().post("/api/v1/services/shop/backends/" + id + "/reset").then().statusCode(200);
        }
        browser.open("/logout");
        browser.driver().manage().deleteAllCookies();
    }

    private static RequestSpecification api() {
        return given().auth().preemptive().basic(DashboardLoginTest.OPERATOR, DashboardLoginTest.OPERATOR_PASSWORD);
    }

    private static JsonPath service(String name) {
        return api().get("/api/v1/services/" + name).then().statusCode(200).extract().jsonPath();
    }

    private JsonPath backend(String id) {
        return api().get("/api/v1/services/shop/backends/" + id).then().statusCode(200).extract().jsonPath();
    }

    private void openShop(String user, String password) {
        browser.login(user, password);
        browser.open("/services/shop");
        browser.await(By.id("backends-grid"));
        browser.await("the grid's rows", d -> d.findElements(By.cssSelector("vaadin-integer-field.weight-field"))
                .size() == shop.size());
    }

    /** Opens the strategy select and clicks the item {@code name}. */
    private void choose(String name) {
        browser.click(browser.await(By.id("strategy-select")));
        browser.await("item " + name + " in the strategy select", d -> {
            WebElement item = d.findElements(By.cssSelector("vaadin-select-item")).stream()
                    .filter(e -> e.getText().trim().equals(name)).findFirst().orElse(null);
            if (item == null) {
                return null;
            }
            item.click(); // in the wait: the list may be redrawn (a plug-in appearing) between finding and clicking
            return true;
        });
        browser.await("the select to show " + name, d -> String.valueOf(browser.js(
                "return document.getElementById('strategy-select').innerText")).contains(name));
    }

    /** Clicks a backend's action button and, when asked, confirms. */
    private void act(String action, String id, boolean confirm) {
        clickAction(action, id);
        if (confirm) {
            answer("confirm");
        }
    }

    private void clickAction(String action, String id) {
        browser.click(browser.await(By.cssSelector("vaadin-button.act-" + action + "[data-backend='" + id
                + "']")));
    }

    /** The open confirmation's text (header and message), once it is shown. */
    private String confirmation() {
        return (String) browser.await("a confirmation to be shown", d -> browser.js("var c = Array.from(document"
                + ".querySelectorAll('vaadin-confirm-dialog')).find(e => e.opened); return c ? (c.header || '')"
                + " + ' ' + (c.message || '') + ' ' + c.textContent : null;"));
    }

    /** Clicks the open confirmation's {@code confirm} or {@code cancel} button. */
    private void answer(String button) {
        WebElement b = browser.await("the " + button + " button", d -> d.findElements(
                By.cssSelector("[slot='" + button + "-button']")).stream().filter(WebElement::isDisplayed)
                .findFirst().orElse(null));
        browser.click(b);
        browser.await("the confirmation to close", d -> d.findElements(By.cssSelector("vaadin-confirm-dialog"
                + "[opened]")).isEmpty());
    }

    /** Requests each shop backend took over about two seconds of traffic, by the admin API's counters. */
    private Map<String, Long> spread() throws InterruptedException {
        Map<String, Long> before = new HashMap<>();
        for (String id : shop) {
            before.put(id, backend(id).getLong("requests"));
        }
        Thread.sleep(2_000);
        Map<String, Long> out = new HashMap<>();
        for (String id : shop) {
            out.put(id, backend(id).getLong("requests") - before.get(id));
        }
        return out;
    }

    private void awaitApi(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, what + " within 10 s");
            Thread.sleep(100);
        }
    }

    @Test
    void strategyAndWeight_changedInTheUi_apiReportsThemAndTheSpreadFollows() throws Exception {
        openShop(DashboardLoginTest.OPERATOR, DashboardLoginTest.OPERATOR_PASSWORD);
        Map<String, Long> even = spread();
        String heavy = shop.get(0);

        choose("weighted-round-robin");
        browser.click(browser.await(By.id("strategy-apply")));
        awaitApi("the API to report weighted-round-robin",
                () -> "weighted-round-robin".equals(service("shop").getString("strategy")));
        assertEquals(List.of("strategy"), service("shop").getList("overridden"));

        WebElement weight = browser.await(By.cssSelector("vaadin-integer-field.weight-field[data-backend='" + heavy
                + "'] input"));
        weight.sendKeys(Keys.chord(Keys.CONTROL, "a"), "4", Keys.ENTER);
        awaitApi("the API to report weight 4", () -> backend(heavy).getInt("weight") == 4);
        Map<String, Long> weighted = spread();
        long total = weighted.values().stream().mapToLong(Long::longValue).sum();
        double share = (double) weighted.get(heavy) / total;
        assertTrue(share > 0.55, "weight 4 of 6 should take about 2/3 of the traffic, took " + share + " " + weighted
                + " (before, at weight 1: " + even + ")");
        browser.await("the flow picture to show the new share", d -> {
            Object s = browser.js("var p = document.querySelector(\"#flow-picture path[data-backend='" + heavy
                    + "']\"); return p == null ? null : p.getAttribute('data-share');");
            return s != null && Double.parseDouble(s.toString()) > 50;
        });
        browser.await("a strategy mark on the requests chart", d -> !d.findElements(
                By.cssSelector("#requests-chart line.mark-strategy")).isEmpty());
        browser.open("/services/shop"); // freshly opened, at the top: the picture for the docs
        browser.await(By.cssSelector("#requests-chart line.mark-strategy"));
        Thread.sleep(1_500); // a redraw or two
        browser.screenshot("service-view");
    }

    @Test
    void drainThenEnable_inTheGrid_trafficLeavesAndComesBack() throws Exception {
        openShop(DashboardLoginTest.OPERATOR, DashboardLoginTest.OPERATOR_PASSWORD);
        String drained = shop.get(1);
        act("drain", drained, true);
        awaitApi("the API to report DRAINING", () -> "DRAINING".equals(backend(drained).getString("state")));
        Map<String, Long> spread = spread();
        assertEquals(0L, spread.get(drained), "a drained backend gets no new request: " + spread);
        browser.await("the grid to show DRAINING", d -> !d.findElements(By.cssSelector("#backends-grid"
                + " .state-DRAINING")).isEmpty());
        act("enable", drained, false);
        awaitApi("the API to report ENABLED", () -> "ENABLED".equals(backend(drained).getString("state")));
        long before = backend(drained).getLong("requests");
        awaitApi("an enabled backend to take traffic again", () -> backend(drained).getLong("requests") > before);
        List<String> actions = api().get("/api/v1/audit?limit=5").then().extract().jsonPath().getList("action");
        assertTrue(actions.contains("backend.update"), actions::toString);
    }

    @Test
    void disableThenReset_inTheGrid_asksFirstThenTheBackendIsAsConfigured() throws Exception {
        openShop(DashboardLoginTest.OPERATOR, DashboardLoginTest.OPERATOR_PASSWORD);
        String id = shop.get(2);
        clickAction("disable", id);
        String asked = confirmation();
        assertTrue(asked.contains("Disable " + id) && asked.contains("2 other backends will take its traffic"),
                asked);
        answer("confirm");
        awaitApi("the API to report DISABLED", () -> "DISABLED".equals(backend(id).getString("state")));
        assertEquals(List.of("state"), backend(id).getList("overridden"));

        act("reset", id, false); // back to the config: takes no capacity away, so nothing to confirm
        awaitApi("the API to report the configured state", () -> backend(id).getList("overridden").isEmpty());
        JsonPath b = backend(id);
        assertEquals("ENABLED", b.getString("state"));
        assertEquals(1, b.getInt("weight"));
        assertEquals("backend.reset", api().get("/api/v1/audit?limit=1").then().extract().jsonPath()
                .getString("[0].action"));
        browser.await("the grid's Reset to be disabled again (nothing overridden)", d -> Boolean.TRUE.equals(
                browser.js("return document.querySelector(\"vaadin-button.act-reset[data-backend='" + id
                        + "']\").disabled")));
    }

    @Test
    void addThenRemove_inTheGrid_theNewBackendTakesTrafficAndLeavesOnlyWhenConfirmed() throws Exception {
        try (TestBackend extra = new TestBackend()) {
            String id = extra.id();
            try {
                openShop(DashboardLoginTest.OPERATOR, DashboardLoginTest.OPERATOR_PASSWORD);
                browser.await(By.cssSelector("#backend-url input")).sendKeys(extra.url());
                browser.await(By.cssSelector("#backend-weight input")).sendKeys("2");
                browser.click(browser.await(By.id("backend-add")));
                awaitApi("the API to list the added backend", () -> api().get("/api/v1/services/shop/backends/"
                        + id).statusCode() == 200);
                assertEquals("runtime", backend(id).getString("origin"));
                assertEquals(2, backend(id).getInt("weight"));
                long before = backend(id).getLong("requests");
                awaitApi("the added backend to take traffic", () -> backend(id).getLong("requests") > before);
                browser.await("the grid to show the added backend", d -> !d.findElements(By.cssSelector(
                        "vaadin-button.act-remove[data-backend='" + id + "']")).isEmpty() && Long.valueOf(
                        shop.size() + 1).equals(browser.js("return document.getElementById('backends-grid').size")));

                clickAction("remove", id);
                assertTrue(confirmation().contains("3 other backends will take its traffic"), confirmation());
                answer("cancel");
                Thread.sleep(500);
                assertEquals(200, api().get("/api/v1/services/shop/backends/" + id).statusCode(),
                        "cancelled: still there");

                act("remove", id, true);
                awaitApi("the API to forget the removed backend", () -> api().get(
                        "/api/v1/services/shop/backends/" + id).statusCode() == 404);
                browser.await("the grid to drop the removed backend", d -> Long.valueOf(shop.size()).equals(
                        browser.js("return document.getElementById('backends-grid').size"))); // rows are reused
                assertEquals("backend.remove", api().get("/api/v1/audit?limit=1").then().extract().jsonPath()
                        .getString("[0].action"));
            } finally {
                api().delete("/api/v1/services/shop/backends/" + id); // whatever happened above
            }
        }
    }

    @Test
    void invalidStrategyConfig_showsTheErrorAtItsFieldAndChangesNothing() throws Exception {
        openShop(DashboardLoginTest.OPERATOR, DashboardLoginTest.OPERATOR_PASSWORD);
        int auditBefore = api().get("/api/v1/audit?limit=1000").then().extract().jsonPath().getList("action").size();
        choose("consistent-hash");
        WebElement replicas = browser.await(By.cssSelector("#config-replicas input"));
        replicas.sendKeys("5000");
        browser.await("the field to be marked invalid as typed", d -> Boolean.TRUE.equals(browser.js(
                "return document.getElementById('config-replicas').invalid")));
        browser.click(browser.await(By.id("strategy-apply")));
        String message = (String) browser.await("the error next to the field", d -> browser.js(
                "var f = document.getElementById('config-replicas'); return f.invalid && f.errorMessage"
                        + " ? f.errorMessage : null;"));
        assertTrue(message.contains("replicas") && message.contains("1024"), message);
        Thread.sleep(500);
        assertEquals("round-robin", service("shop").getString("strategy"), "nothing changed");
        assertEquals(auditBefore, api().get("/api/v1/audit?limit=1000").then().extract().jsonPath()
                .getList("action").size(), "nothing audited");
        browser.screenshot("invalid-config");
    }

    @Test
    void viewer_seesNoEnabledControlAndTheServerRefusesAForcedClick() throws Exception {
        openShop(DashboardLoginTest.VIEWER, DashboardLoginTest.VIEWER_PASSWORD);
        for (String id : List.of("strategy-select", "strategy-apply", "backend-url", "backend-add")) {
            assertEquals(Boolean.TRUE, browser.js("return document.getElementById(arguments[0]).disabled === true"
                    + " || document.getElementById(arguments[0]).hasAttribute('disabled')", id), id);
        }
        Long enabledInGrid = (Long) browser.js("return Array.from(document.querySelectorAll('#backends-grid"
                + " vaadin-button, #backends-grid vaadin-integer-field')).filter(b => !b.disabled).length");
        assertEquals(0L, enabledInGrid, "every grid control is disabled for a viewer");
        String before = service("shop").getString("strategy") + service("shop").getList("backends.state");
        // Forced: the button enabled in the browser and clicked; the server ignores it.
        browser.js("var b = document.getElementById('strategy-apply'); b.disabled = false;"
                + " b.removeAttribute('disabled'); b.click();");
        browser.js("var b = document.querySelector('vaadin-button.act-drain'); b.disabled = false;"
                + " b.removeAttribute('disabled'); b.click();");
        Thread.sleep(1_000);
        assertEquals(before, service("shop").getString("strategy") + service("shop").getList("backends.state"));
        assertTrue(browser.driver().findElements(By.cssSelector("vaadin-confirm-dialog[opened]")).isEmpty(),
                "no confirmation offered to a viewer");
        assertFalse(api().get("/api/v1/audit?limit=1000").then().extract().jsonPath().getList("actor")
                .contains(DashboardLoginTest.VIEWER), "nothing done as the viewer");
        browser.screenshot("service-view-viewer");
    }

    @Test
    void pluginJar_droppedWhileThePageIsOpen_appearsInTheSelectAndCanBeSwitchedTo() throws Exception {
        openShop(DashboardLoginTest.OPERATOR, DashboardLoginTest.OPERATOR_PASSWORD);
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target", "test-plugins-src"))) {
            jar = files.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        Path dropped = Path.of(pluginsDir).resolve(jar.getFileName());
        Files.copy(jar, dropped);
        try {
            browser.await(By.id("strategy-select")).click();
            browser.await("zone-aware in the open page's select (no reload)", d -> {
                boolean there = d.findElements(By.cssSelector("vaadin-select-item")).stream()
                        .anyMatch(e -> e.getText().trim().equals("zone-aware"));
                if (!there) { // close and reopen: the list is redrawn while closed too
                    browser.js("document.getElementById('strategy-select').opened = false;");
                    d.findElement(By.id("strategy-select")).click();
                }
                return there;
            });
            browser.js("document.getElementById('strategy-select').opened = false;");
            choose("zone-aware");
            browser.click(browser.await(By.id("strategy-apply")));
            awaitApi("the API to report zone-aware", () -> "zone-aware".equals(service("shop").getString(
                    "strategy")));
        } finally {
            api().delete("/api/v1/services/shop/strategy").then().statusCode(200);
            Files.deleteIfExists(dropped);
        }
    }

    @Test
    void serviceView_onAPhoneSizedScreen_fitsTheWidthAndTheGridScrollsInside() {
        try (Browser phone = new Browser(admin.toString(), 390, 844)) {
            phone.login(DashboardLoginTest.OPERATOR, DashboardLoginTest.OPERATOR_PASSWORD);
            phone.open("/services/shop");
            phone.await(By.id("backends-grid"));
            phone.await(By.id("flow-picture"));
            Long overflow = (Long) phone.js("return document.documentElement.scrollWidth - window.innerWidth;");
            assertTrue(overflow <= 1, "the page is " + overflow + " px wider than the screen");
            phone.screenshot("service-view-phone");
        }
    }

    @Test
    void activity_afterASwitch_listsItNewestFirstAndRevertsIt() throws Exception {
        api().contentType("application/json").body("{\"name\": \"least-connections\"}")
                .put("/api/v1/services/shop/strategy").then().statusCode(200);
        browser.login(DashboardLoginTest.OPERATOR, DashboardLoginTest.OPERATOR_PASSWORD);
        browser.open("/activity");
        browser.await(By.id("activity-grid"));
        browser.await("the switch at the top", d -> String.valueOf(browser.js("return document"
                + ".querySelector('#activity-grid vaadin-button.act-revert') != null")).equals("true"));
        String firstAction = api().get("/api/v1/audit?limit=1").then().extract().jsonPath().getString("[0].action");
        assertEquals("strategy.switch", firstAction);
        browser.click(browser.await(By.cssSelector("#activity-grid vaadin-button.act-revert")));
        awaitApi("the revert to reach the API", () -> "round-robin".equals(service("shop").getString("strategy")));
        JsonPath top = api().get("/api/v1/audit?limit=1").then().extract().jsonPath();
        assertEquals("strategy.switch", top.getString("[0].action"), "a revert is a new change");
        assertEquals(DashboardLoginTest.OPERATOR, top.getString("[0].actor"));
        browser.await("the revert listed live", d -> ((Long) browser.js("return document.querySelectorAll("
                + "'#activity-grid vaadin-button.act-revert').length")) >= 2);
        browser.screenshot("activity");
    }
}
