package dev.codebound.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.codebound.server.http.RequestLog;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sequence numbers let a poller ask only for what it has not seen, across the ring's wrap-around. */
class RequestJournalTest {
    @Test
    void entriesAfterASequenceNumberAreTheNewerOnesNewestFirst() {
        RequestJournal journal = new RequestJournal(3);
        for (int i = 1; i <= 5; i++) {
            journal.add(new RequestLog(Instant.EPOCH, "GET", "/r" + i, 200, 0, 0, null));
        }

        assertEquals(List.of(5L, 4L, 3L), sequences(journal.recent(10, 0)), "the ring keeps the last 3");
        assertEquals(List.of(5L), sequences(journal.recent(10, 4)));
        assertEquals(List.of(), sequences(journal.recent(10, 5)));
        assertEquals(List.of(), sequences(journal.recent(10, 99)), "a number from the future is nothing new");
        assertEquals(List.of(5L, 4L), sequences(journal.recent(2, 1)), "limit keeps the newest");
        assertEquals("/r5", journal.recent(1, 0).get(0).log().route());
    }

    private static List<Long> sequences(List<RequestJournal.Numbered> entries) {
        return entries.stream().map(RequestJournal.Numbered::sequence).toList();
    }
}
