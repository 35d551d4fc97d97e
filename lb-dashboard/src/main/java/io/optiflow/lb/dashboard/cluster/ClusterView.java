package io.optiflow.lb.dashboard.cluster;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.optiflow.lb.core.control.ControlPlane;
import io.optiflow.lb.core.control.StateStatus;
import io.optiflow.lb.core.state.ReplicaStatus;
import io.optiflow.lb.core.stats.StatsSampler;
import io.optiflow.lb.core.stats.StatsSnapshot;
import io.optiflow.lb.dashboard.layout.MainLayout;
import io.optiflow.lb.dashboard.live.LiveStats;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Cluster mode (docs/cluster.md): the state store as this replica sees it (answers or not, since when, the revision
 * applied here), the Redis of cluster-wide rate limits (the same, when a service uses it), and every replica with
 * its address, last heartbeat and applied revision. Redrawn each second when something changed; reads only.
 */
@Route(value = "cluster", layout = MainLayout.class)
@PageTitle("Cluster · OptiFlow LB")
public class ClusterView extends Div {

    private final ControlPlane control;
    private final RateLimitRedis redis;
    private final Div status = new Div();
    private final Div limits = new Div();
    private final Grid<ReplicaStatus> replicas = new Grid<>();
    private StateStatus shownStatus;
    private RateLimitRedis.Status shownLimits;
    private List<ReplicaStatus> shownReplicas = List.of();

    @Inject
    public ClusterView(ControlPlane control, RateLimitRedis redis, StatsSampler sampler) {
        this.control = control;
        this.redis = redis;
        addClassName("cluster");
        status.setId("state-store");
        status.addClassName("panel");
        limits.setId("rate-limit-redis");
        limits.addClassName("panel");
        limits.getStyle().set("margin-top", "var(--lumo-space-m)");
        replicas.setId("replicas");
        replicas.addThemeVariants(GridVariant.LUMO_COMPACT);
        replicas.addColumn(ReplicaStatus::id).setHeader("Replica").setAutoWidth(true).setFlexGrow(0);
        replicas.addColumn(ReplicaStatus::address).setHeader("Address").setAutoWidth(true).setFlexGrow(0);
        replicas.addColumn(r -> ago(r.lastSeen())).setHeader("Last seen").setAutoWidth(true).setFlexGrow(0);
        replicas.addColumn(ReplicaStatus::revision).setHeader("Applied revision").setAutoWidth(true);
        replicas.setAllRowsVisible(true);
        Div list = new Div(new H3("Replicas"), replicas);
        list.addClassName("panel");
        list.getStyle().set("margin-top", "var(--lumo-space-m)");
        add(new Paragraph("Replicas share runtime changes through the state store; each applies a change within a"
                + " second. Health, in-flight counts and latency stay per replica."), status, limits, list);
        LiveStats.follow(this, sampler, this::draw);
    }

    private void draw(StatsSnapshot ignored) {
        StateStatus s = control.stateStatus();
        List<ReplicaStatus> r = control.replicas();
        if (!s.equals(shownStatus)) {
            shownStatus = s;
            status.removeAll();
            Span state = new Span(s.available() ? "answers" : "can't be reached");
            state.addClassName(s.available() ? "ok" : "problem");
            state.setId("store-available");
            status.add(new H3("State store: " + s.store()), new Paragraph(s.location()),
                    new Paragraph(new Span("Status: "), state, new Span(" since " + s.since())),
                    new Paragraph("This replica: " + s.replicaId() + ", at revision " + s.revision()));
            if (!s.available()) {
                Paragraph p = new Paragraph(s.problem() + ". This replica serves with its last state and refuses"
                        + " changes until the store answers again.");
                p.addClassName("problem");
                status.add(p);
            }
        }
        RateLimitRedis.Status l = redis.status();
        if (!l.equals(shownLimits)) {
            shownLimits = l;
            drawLimits(l);
        }
        if (!r.equals(shownReplicas)) {
            shownReplicas = r;
            replicas.setItems(r);
        }
    }

    private void drawLimits(RateLimitRedis.Status l) {
        limits.removeAll();
        limits.add(new H3("Cluster rate limits: Redis"));
        if (!l.inUse()) {
            limits.add(new Paragraph("Not in use: no service has rate-limit.scope=cluster; each replica counts its"
                    + " own limits."));
            return;
        }
        Span state = new Span(l.available() ? "answers" : "can't be reached");
        state.addClassName(l.available() ? "ok" : "problem");
        state.setId("redis-available");
        limits.add(new Paragraph(new Span("Status: "), state, new Span(" since " + l.since())),
                new Paragraph("Replicas counting on Redis: " + l.replicas()));
        if (!l.available()) {
            Paragraph p = new Paragraph(l.problem() + ". Each service's cluster-fallback applies until Redis answers"
                    + " again (local: this replica enforces its share of the limit; open: no limit).");
            p.addClassName("problem");
            limits.add(p);
        }
    }

    private static String ago(Instant t) {
        long s = Math.max(0, Duration.between(t, Instant.now()).getSeconds());
        return s < 2 ? "just now" : s < 120 ? s + " s ago" : (s / 60) + " min ago";
    }
}
