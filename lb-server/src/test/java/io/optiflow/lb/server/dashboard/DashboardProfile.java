package io.optiflow.lb.server.dashboard;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** One Quarkus start shared by the dashboard's browser tests. */
public class DashboardProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DashboardTestEnvironment.class));
    }
}
