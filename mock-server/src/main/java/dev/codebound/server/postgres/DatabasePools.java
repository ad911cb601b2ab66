package dev.codebound.server.postgres;

import java.time.Duration;

/**
 * How many connections one registry node keeps to the database, in two pools so that neither can
 * starve the other: one for short transactions (every store's reads and writes) and one for the
 * sessions that hold upload locks for as long as a chunk is written. Two nodes together hold at most
 * twice the sum of both; PostgreSQL's {@code max_connections} (100 by default) must leave room for that.
 *
 * @param transactions the most connections running transactions at once; a transaction that finds
 *                     them all busy waits up to {@code connectionWait}, then the request is answered 503
 * @param lockSessions the most upload locks this node holds at once (one session each); a request
 *                     that finds them all taken is answered 503 at once, without waiting
 * @param connectionWait the longest a transaction waits for a connection
 */
public record DatabasePools(int transactions, int lockSessions, Duration connectionWait) {
    /** Ten transaction connections, 32 lock sessions, a 5-second wait: 84 connections for two nodes. */
    public static final DatabasePools DEFAULT = new DatabasePools(10, 32, Duration.ofSeconds(5));

    public DatabasePools {
        if (transactions < 1 || lockSessions < 1) {
            throw new IllegalArgumentException("the database pools need at least one connection each, got "
                    + transactions + " for transactions and " + lockSessions + " for lock sessions");
        }
        // HikariCP's own floor: it waits at least 250 ms for a connection.
        if (connectionWait.compareTo(Duration.ofMillis(250)) < 0) {
            throw new IllegalArgumentException("the wait for a database connection must be at least 250 ms, got "
                    + connectionWait.toMillis() + " ms");
        }
    }
}
