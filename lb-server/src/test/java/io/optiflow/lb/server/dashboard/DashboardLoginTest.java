package io.optiflow.lb.server.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

/**
 * The dashboard's login, session and overview in a real browser against the real server, traffic running:
 * wrong password refused with a message, the overview's numbers live, logout ends the session.
 */
@QuarkusTest
@TestProfile(DashboardProfile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class DashboardLoginTest {

    static final String OPERATOR = "admin";
    static final String OPERATOR_PASSWORD = "test-operator-pw";
    static final String VIEWER = "viewer";
    static final String VIEWER_PASSWORD = "test-viewer-pw";

    @TestHTTPResource("/")
    URL admin;

    @Inject
    ProxyServer proxy;

    private Browser browser;
    private Traffic traffic;

    @BeforeAll
    void start() {
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

    @BeforeEach
    void loggedOut() {
        browser.open("/logout");
        browser.driver().manage().deleteAllCookies();
    }

    @Test
    void overview_withoutLogin_showsTheLoginPageInstead() {
        browser.open("/");
        browser.await(By.cssSelector("vaadin-login-form"));
        assertEquals("/login", browser.path());
        assertTrue(browser.driver().findElements(By.id("service-shop")).isEmpty(), "no data before login");
        browser.open("/services/shop");
        browser.await(By.cssSelector("vaadin-login-form"));
        assertTrue(browser.driver().findElements(By.id("backends-grid")).isEmpty(), "no data before login");
    }

    @Test
    void login_wrongPassword_isRefusedWithAMessage() {
        browser.open("/login");
        browser.typeLogin(OPERATOR, "not-the-password");
        browser.await("the login form to show its error", d -> Boolean.TRUE.equals(browser.js(
                "var f = document.querySelector('vaadin-login-form'); return f != null && f.error === true;")));
        assertEquals("/login", browser.path());
        assertTrue(browser.driver().getCurrentUrl().contains("error"), browser.driver().getCurrentUrl());
        String message = (String) browser.js("return document.querySelector('vaadin-login-form').i18n"
                + ".errorMessage.title");
        assertEquals("Wrong user or password", message);
        browser.screenshot("login-refused");
        browser.open("/");
        browser.await(By.cssSelector("vaadin-login-form"));
        assertEquals("/login", browser.path(), "a refused login opens no session");
    }

    @Test
    void overview_asOperator_showsEveryServiceWithNumbersThatChange() {
        browser.login(OPERATOR, OPERATOR_PASSWORD);
        browser.await(By.id("service-quiet"));
        By rps = By.cssSelector("#service-shop [data-figure='req/s']");
        browser.await("requests/s of shop above 0", d -> !d.findElement(rps).getText().equals("0"));
        Set<String> seen = new HashSet<>();
        browser.await("requests/s of shop to change on its own (pushed)", d -> {
            seen.add(d.findElement(rps).getText());
            return seen.size() >= 3;
        });
        assertEquals("3 / 3", browser.driver().findElement(By.cssSelector("#service-shop [data-figure='healthy']"))
                .getText());
        assertTrue(browser.driver().findElement(By.cssSelector("#service-shop .strategy-badge")).getText()
                .startsWith("round-robin"));
        assertTrue(browser.driver().findElement(By.id("current-user")).getText().contains("operator"));
        browser.screenshot("overview");
    }

    @Test
    void logout_afterLogin_endsTheSession() {
        browser.login(OPERATOR, OPERATOR_PASSWORD);
        browser.await(By.id("logout")).click();
        browser.await("the login page after logout", d -> browser.path().equals("/login"));
        browser.open("/");
        browser.await(By.cssSelector("vaadin-login-form"));
        assertEquals("/login", browser.path(), "after logout the overview needs a new login");
    }

    @Test
    void login_asViewer_isMarkedReadOnly() {
        browser.login(VIEWER, VIEWER_PASSWORD);
        String who = browser.await(By.id("current-user")).getText();
        assertTrue(who.contains("viewer"), who);
        assertNotEquals(-1, who.indexOf("read-only"), who);
    }
}
