package io.optiflow.lb.discovery;

import java.util.List;

/** Receives a {@link ServiceDiscovery}'s answers. Called one at a time; must not block for long. */
public interface DiscoveryListener {

    /** The full current list of instances (an empty list too: the owner decides whether it may empty the pool). */
    void onInstances(List<DiscoveredInstance> instances);

    /** The source failed or gave garbage; the last good set stays. {@code message} says what, for operators. */
    void onError(String message);
}
