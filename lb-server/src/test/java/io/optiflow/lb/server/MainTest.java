package io.optiflow.lb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void applyNettyDefaults_noneGiven_recyclerOffAndLeakDetectorOff() {
        Properties p = new Properties();
        Main.applyNettyDefaults(p);
        assertEquals("0", p.getProperty("io.netty.recycler.maxCapacityPerThread"));
        assertEquals("disabled", p.getProperty("io.netty.leakDetection.level"));
    }

    @Test
    void applyNettyDefaults_valuesGiven_keepsTheGivenValues() {
        Properties p = new Properties();
        p.setProperty("io.netty.recycler.maxCapacityPerThread", "4096");
        p.setProperty("io.netty.leakDetection.level", "paranoid");
        Main.applyNettyDefaults(p);
        assertEquals("4096", p.getProperty("io.netty.recycler.maxCapacityPerThread"));
        assertEquals("paranoid", p.getProperty("io.netty.leakDetection.level"));
    }

    @Test
    void applyNettyDefaults_leakLevelGivenByItsOlderName_olderNameStillDecides() {
        Properties p = new Properties();
        p.setProperty("io.netty.leakDetectionLevel", "advanced");
        Main.applyNettyDefaults(p);
        assertNull(p.getProperty("io.netty.leakDetection.level"), "Netty would read the newer name first");
    }
}
