package io.optiflow.lb.dashboard.live;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import io.optiflow.lb.core.stats.StatsSampler;
import io.optiflow.lb.core.stats.StatsSnapshot;
import java.util.function.Consumer;

/**
 * Keeps a component drawn from the shared sampler while it is on screen: it draws the newest snapshot when
 * attached, then each new one (pushed, on the UI's own thread), and stops listening when detached. The sampler
 * does the sampling once for everybody; a page only draws.
 */
public final class LiveStats {

    private LiveStats() {
    }

    /** Draws {@code draw} on {@code component}'s UI with every snapshot while it is attached. */
    public static void follow(Component component, StatsSampler sampler, Consumer<StatsSnapshot> draw) {
        component.addAttachListener(attach -> {
            UI ui = attach.getUI();
            draw.accept(sampler.snapshot());
            AutoCloseable handle = sampler.addListener(s -> {
                // A closed tab keeps its UI until the heartbeats time out (minutes): draw nothing for it meanwhile.
                // When its push connection comes back, the next snapshot redraws everything.
                var push = ui.getInternals().getPushConnection();
                if (push != null && push.isConnected()) {
                    ui.access(() -> draw.accept(s));
                }
            });
            component.addDetachListener(detach -> {
                detach.unregisterListener();
                try {
                    handle.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        });
    }
}
