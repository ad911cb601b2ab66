package dev.codebound.agent.upload;

import java.util.concurrent.atomic.AtomicLong;

/** Byte counts of one run, shared by its workers. */
final class RunCounters {
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong bytesResent = new AtomicLong();
}
