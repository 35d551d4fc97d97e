package io.optiflow.lb.core.stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What changed between two samples of one service, as chart marks. */
final class ChangeMarks {

    private ChangeMarks() {
    }

    static List<ChangeMark> between(ServiceSample before, long switchesBefore, ServiceSample after,
                                    long switchesAfter) {
        List<ChangeMark> out = new ArrayList<>();
        if (switchesAfter != switchesBefore || !before.strategy().equals(after.strategy())
                || !Objects.equals(before.strategyConfig(), after.strategyConfig())) {
            out.add(new ChangeMark(after.at(), ChangeMark.Kind.STRATEGY, null,
                    "strategy " + before.strategy() + " -> " + after.strategy()));
        }
        Map<String, BackendSample> old = new HashMap<>();
        for (BackendSample b : before.backends()) {
            old.put(b.id(), b);
        }
        for (BackendSample b : after.backends()) {
            BackendSample o = old.remove(b.id());
            if (o == null) {
                out.add(backend(after, b.id(), "added"));
                continue;
            }
            if (o.weight() != b.weight()) {
                out.add(backend(after, b.id(), "weight " + o.weight() + " -> " + b.weight()));
            }
            if (o.state() != b.state()) {
                out.add(backend(after, b.id(), o.state() + " -> " + b.state()));
            }
            if (o.health() != b.health()) {
                out.add(backend(after, b.id(), o.health() + " -> " + b.health()));
            }
        }
        for (String gone : old.keySet()) {
            out.add(backend(after, gone, "removed"));
        }
        return out;
    }

    private static ChangeMark backend(ServiceSample at, String id, String what) {
        return new ChangeMark(at.at(), ChangeMark.Kind.BACKEND, id, id + " " + what);
    }
}
