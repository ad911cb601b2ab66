package dev.codebound.agent.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class UploadWindowTest {
    @Test
    void windowCrossingMidnight() {
        UploadWindow night = UploadWindow.parse("22:00-06:00");
        assertTrue(night.isOpen(LocalTime.of(22, 0)), "start is inclusive");
        assertTrue(night.isOpen(LocalTime.of(23, 59, 59)));
        assertTrue(night.isOpen(LocalTime.MIDNIGHT));
        assertTrue(night.isOpen(LocalTime.of(5, 59, 59)));
        assertFalse(night.isOpen(LocalTime.of(6, 0)), "end is exclusive");
        assertFalse(night.isOpen(LocalTime.NOON));
        assertFalse(night.isOpen(LocalTime.of(21, 59, 59)));
        assertEquals("22:00-06:00", night.toString());
    }

    @Test
    void windowWithinOneDay() {
        UploadWindow lunch = UploadWindow.parse("12:00-13:30");
        assertFalse(lunch.isOpen(LocalTime.of(11, 59)));
        assertTrue(lunch.isOpen(LocalTime.of(12, 0)));
        assertTrue(lunch.isOpen(LocalTime.of(13, 29)));
        assertFalse(lunch.isOpen(LocalTime.of(13, 30)));
    }

    @Test
    void equalEndsAndAlwaysMeanAllDay() {
        assertTrue(UploadWindow.parse("00:00-00:00").isOpen(LocalTime.of(15, 0)));
        assertTrue(UploadWindow.always().isOpen(LocalTime.of(3, 0)));
    }

    @Test
    void usesTheClocksZone() {
        UploadWindow night = UploadWindow.parse("22:00-06:00");
        Instant instant = Instant.parse("2026-06-01T20:30:00Z");
        assertFalse(night.isOpen(Clock.fixed(instant, ZoneId.of("UTC"))));
        assertTrue(night.isOpen(Clock.fixed(instant, ZoneId.of("Asia/Shanghai"))), "04:30 in Shanghai");
    }

    @Test
    void rejectsMalformedWindows() {
        assertThrows(IllegalArgumentException.class, () -> UploadWindow.parse("22:00"));
        assertThrows(IllegalArgumentException.class, () -> UploadWindow.parse("22-06"));
        assertThrows(IllegalArgumentException.class, () -> UploadWindow.parse("25:00-06:00"));
        assertThrows(IllegalArgumentException.class, () -> UploadWindow.parse(null));
    }
}
