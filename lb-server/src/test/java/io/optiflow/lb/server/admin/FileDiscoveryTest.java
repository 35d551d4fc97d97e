package io.optiflow.lb.server.admin;

import static io.optiflow.lb.server.admin.DiscoveryTestEnvironment.BACKENDS;

import io.optiflow.lb.server.proxy.ProxyServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Service {@code files}: a real backends file rewritten while traffic runs through the real server (health checks
 * every 200 ms); the source breaks by a half-written file.
 */
@QuarkusTest
@TestProfile(DiscoveryProfile.class)
@Timeout(120)
class FileDiscoveryTest {

    @Inject
    ProxyServer proxy;

    @Test
    void fileRewrittenUnderLoad_addedGetsTrafficRemovedDrainsHalfWrittenKeepsLastGoodSet() throws Exception {
        Await.until(5_000, "health checks reached the discovered backends",
                () -> !AdminClient.service("files").getList("backends.health").isEmpty());
        new MembershipScenario(proxy.actualPort(), "files", "file", new FileSource())
                .run(BACKENDS.get("f1"), BACKENDS.get("f2"), BACKENDS.get("f3"), BACKENDS.get("f4"));
    }

    /** The backends file: rewritten through a rename; broken by a file cut in the middle of an entry. */
    static final class FileSource implements MembershipScenario.Source {

        static String json(List<TestBackend> members) {
            return members.stream().map(b -> "{\"url\": \"" + b.url() + "\", \"weight\": 1}")
                    .collect(Collectors.joining(", ", "[", "]"));
        }

        @Override
        public void publish(List<TestBackend> members) throws Exception {
            DiscoveryTestEnvironment.writeAtomically(DiscoveryTestEnvironment.backendsFile, json(members));
        }

        @Override
        public void breakDown() throws Exception {
            Files.writeString(DiscoveryTestEnvironment.backendsFile, "[{\"url\": \"" + BACKENDS.get("f1").url()
                    + "\"}, {\"url\": \"http://", StandardCharsets.UTF_8);
        }

        @Override
        public long joinMillis() {
            return 2_000; // the documented bound for files
        }

        @Override
        public String errorMentions() {
            return "backends.json";
        }
    }
}
