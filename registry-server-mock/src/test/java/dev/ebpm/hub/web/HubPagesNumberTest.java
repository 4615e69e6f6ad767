package dev.ebpm.hub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HubPagesNumberTest {
    @Test
    void countsAreGroupedByThousands() {
        assertEquals("0", HubPages.number(0));
        assertEquals("999", HubPages.number(999));
        assertEquals("1,000", HubPages.number(1000));
        assertEquals("12,345", HubPages.number(12345));
        assertEquals("1,234,567", HubPages.number(1234567));
        assertEquals("-1,000", HubPages.number(-1000));
        assertEquals("9,223,372,036,854,775,807", HubPages.number(Long.MAX_VALUE));
    }
}
