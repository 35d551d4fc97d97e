package io.optiflow.lb.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DisplayFormatsTest {

    @Test
    void latencyMillis_eachRange_precisionShrinksAsValueGrows() {
        assertEquals("0.42 ms", DisplayFormats.latencyMillis(0.4242));
        assertEquals("12.3 ms", DisplayFormats.latencyMillis(12.34));
        assertEquals("250 ms", DisplayFormats.latencyMillis(250.2));
        assertEquals("1.50 s", DisplayFormats.latencyMillis(1500));
        assertEquals("-", DisplayFormats.latencyMillis(Double.NaN));
    }

    @Test
    void count_largeNumbers_siSuffixes() {
        assertEquals("950", DisplayFormats.count(950));
        assertEquals("12.3k", DisplayFormats.count(12_345));
        assertEquals("4.57M", DisplayFormats.count(4_567_000));
    }

    @Test
    void rate_smallAndLarge_oneDecimalBelowTenThenCounts() {
        assertEquals("0", DisplayFormats.rate(0));
        assertEquals("0", DisplayFormats.rate(Double.NaN));
        assertEquals("4.2", DisplayFormats.rate(4.24));
        assertEquals("950", DisplayFormats.rate(950.2));
        assertEquals("12.3k", DisplayFormats.rate(12_345));
    }

    @Test
    void percent_share_oneDecimalBelowTen() {
        assertEquals("0 %", DisplayFormats.percent(0));
        assertEquals("0.4 %", DisplayFormats.percent(0.004));
        assertEquals("12 %", DisplayFormats.percent(0.123));
    }
}
