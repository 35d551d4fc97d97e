package io.optiflow.lb.server.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.pool.BackendView;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the proxy reports to the strategy, as lb-api's {@code Outcome} javadoc and docs/proxying.md ("One request",
 * step 6) state it: 502, 503, 504 and a timeout are FAILURE; every other status, 500 and 501 included, is
 * SUCCESS. Observed through the backend's failure count (incremented by each FAILURE reported for it), on service
 * {@code slow}: one backend, no retries, a 300 ms timeout. A success between failures keeps passive ejection out
 * of it.
 */
@QuarkusTest
@QuarkusTestResource(value = BackendFarm.class, restrictToAnnotatedClass = true)
@Timeout(60)
class OutcomeReportTest {

    @Inject
    ProxyServer proxy;

    @Inject
    ControlPlane controlPlane;

    @Test
    void backendAnswers_500And501AreSuccess_502To504AndTimeoutAreFailure() throws Exception {
        long before = errors();
        for (int status : new int[] {200, 404, 500, 501}) {
            send("status=" + status, status);
        }
        for (int status : new int[] {502, 503, 504}) {
            send("status=" + status, status);
            send("status=200", 200);
        }
        send("delay=2000", 504); // the proxy's own timeout (300 ms): no answer in time
        send("status=200", 200);

        // completions are counted as the exchange ends: wait for the four failures, then none may be extra
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (errors() < before + 4 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before + 4, errors(), "failures reported for s1 (expected: 502, 503, 504 and the timeout; not"
                + " 200, 404, 500, 501)");
    }

    private void send(String query, int expectedStatus) {
        HttpResponse<String> r = LbTestSupport.get(proxy.actualPort(), "/slow/outcome?" + query);
        assertEquals(expectedStatus, r.statusCode(), () -> query + ": " + r.body());
    }

    private long errors() {
        List<BackendView> backends = controlPlane.service("slow").backends();
        assertEquals(1, backends.size(), () -> "service slow: " + backends);
        return backends.get(0).errors();
    }
}
