package io.optiflow.lb.example.zoneaware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.optiflow.lb.api.spi.ConfigResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZoneAwareProviderTest {

    private final ZoneAwareProvider provider = new ZoneAwareProvider();

    @Test
    void parseConfig_empty_noZoneAndLabelZone() {
        ZoneAwareConfig c = provider.parseConfig(Map.of()).config();
        assertNull(c.zone());
        assertEquals("zone", c.label());
    }

    @Test
    void parseConfig_zoneAndLabel_trimmedAndTyped() {
        ZoneAwareConfig c = provider.parseConfig(Map.of("zone", " eu-1 ", "label", "az")).config();
        assertEquals(new ZoneAwareConfig("eu-1", "az"), c);
    }

    @Test
    void parseConfig_blankZone_errorNamesKeyValueAndExpectation() {
        ConfigResult<ZoneAwareConfig> r = provider.parseConfig(Map.of("zone", " "));
        assertFalse(r.isValid());
        assertEquals(List.of("zone: ' ' (expected: a zone name, or leave the key out to use every backend)"),
                r.errors());
    }

    @Test
    void parseConfig_blankLabel_errorNamesKeyValueAndExpectation() {
        assertEquals(List.of("label: '' (expected: a label name such as zone)"),
                provider.parseConfig(Map.of("label", "")).errors());
    }

    @Test
    void parseConfig_unknownKey_errorListsTheKnownOnes() {
        assertEquals(List.of("region: unknown attribute (expected: one of zone, label)"),
                provider.parseConfig(Map.of("region", "eu")).errors());
    }

    @Test
    void name_isZoneAware() {
        assertEquals("zone-aware", provider.name());
    }
}
