package io.optiflow.lb.server.dashboard;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.net.URL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

/**
 * The Cluster page in a real browser: reached from the navigation, it shows the state store (the local one here),
 * this replica in the replicas grid, and the revision it has applied, which follows a change made through the API
 * while the page is open (pushed, no reload).
 */
@QuarkusTest
@TestProfile(DashboardProfile.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class DashboardClusterTest {

    @TestHTTPResource("/")
    URL admin;

    private Browser browser;

    @BeforeAll
    void start() {
        browser = new Browser(admin.toString(), 1280, 800);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    private static RequestSpecification api() {
        return given().auth().preemptive().basic(DashboardLoginTest.OPERATOR, DashboardLoginTest.OPERATOR_PASSWORD);
    }

    private String pageText() {
        // the text as written, not as styled: innerText would carry the headings' CSS upper-casing
        return String.valueOf(browser.js("return document.querySelector('.cluster').textContent"));
    }

    @Test
    void clusterPage_changeMadeThroughTheApi_showsTheStoreThisReplicaAndTheNewRevision() {
        JsonPath cluster = api().get("/api/v1/cluster").then().statusCode(200).extract().jsonPath();
        String replica = cluster.getString("replica");
        long revision = cluster.getLong("revision");
        browser.login(DashboardLoginTest.VIEWER, DashboardLoginTest.VIEWER_PASSWORD);
        browser.click(browser.await(By.cssSelector("vaadin-side-nav-item[path='cluster']")));
        browser.await(By.id("state-store"));
        assertTrue(browser.path().endsWith("/cluster"), browser.path());
        try {
            browser.await("the store named and answering", d -> pageText().contains("State store: local")
                    && "answers".equals(browser.js("return document.getElementById('store-available').innerText")));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the store named and answering; the page shows: " + pageText(), e);
        }
        browser.await("this replica in the replicas grid", d -> Boolean.TRUE.equals(browser.js(
                "return Array.from(document.querySelectorAll('#replicas vaadin-grid-cell-content'))"
                        + ".some(c => c.innerText.trim() === arguments[0])", replica)));
        assertTrue(pageText().contains("at revision " + revision), pageText());

        String quiet = api().get("/api/v1/services/quiet").then().statusCode(200).extract().jsonPath()
                .getString("backends[0].id");
        api().contentType("application/json").body("{\"weight\": 3}")
                .patch("/api/v1/services/quiet/backends/" + quiet).then().statusCode(200);
        try {
            browser.await("the page to show revision " + (revision + 1), d -> pageText().contains(
                    "at revision " + (revision + 1)));
        } finally {
            api().post("/api/v1/services/quiet/backends/" + quiet + "/reset").then().statusCode(200);
        }
    }
}
