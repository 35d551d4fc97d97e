package io.optiflow.lb.core.stats;

import java.util.List;

/**
 * The last minutes of one service: one sample a second, oldest first, and the changes seen in that time.
 * Immutable; shared by every reader.
 *
 * @param samples oldest first; the last one is the newest
 * @param marks   changes, oldest first, all within the samples' time span
 */
public record ServiceHistory(List<ServiceSample> samples, List<ChangeMark> marks) {

    public ServiceHistory {
        samples = List.copyOf(samples);
        marks = List.copyOf(marks);
    }

    /** The newest sample. */
    public ServiceSample latest() {
        return samples.get(samples.size() - 1);
    }
}
