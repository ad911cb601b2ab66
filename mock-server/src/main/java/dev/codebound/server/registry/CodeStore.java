package dev.codebound.server.registry;

import dev.codebound.server.registry.CodeBook.CodeRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where the registry's records of issued collection codes are kept: the storage seam behind
 * {@link CodeBook} (the embedded {@link FileCodeStore}; a database shared by several registry nodes
 * fits behind it). A record holds a code's public fields, never the student's identity.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Durability</b>: {@link #add}, {@link #addAll} and {@link #revoke} return only once the
 *       change is durable; a crash during a call leaves each record as it was before or as it is
 *       after, never a mix (of a batch, any of its records may be kept). A code whose {@link #add} or
 *       {@link #addAll} did not return was never handed out, so losing it costs nothing.</li>
 *   <li><b>Concurrency</b>: every method may be called from any thread, and from every node sharing
 *       the store, at the same time. {@link #revoke} is atomic: of concurrent revocations of one
 *       code exactly one takes effect and every caller gets that one back.</li>
 *   <li><b>Reads</b>: {@link #find} and {@link #all} see every change whose call returned, on any
 *       node. {@link #revokedCodeIds} is asked on every acceptance (through the trust bundle) and
 *       answers from memory; a store shared by several nodes documents how soon a revocation made
 *       on another node reaches it.</li>
 * </ul>
 */
public interface CodeStore {
    /**
     * Records a newly issued code.
     *
     * @throws IllegalStateException if a record with the same code id exists (ids are random: a
     *                               collision is a bug, never overwritten)
     */
    void add(CodeRecord code) throws IOException;

    /**
     * Records a batch of newly issued codes, sharing their durable writes (a school's list is issued
     * in one call): the embedded store forces the batch's files together and syncs their directory
     * once, a database commits one transaction.
     *
     * @throws IllegalStateException if a record with the id of one of them exists, or two of them
     *                               share an id; then none of the batch is recorded
     */
    void addAll(List<CodeRecord> codes) throws IOException;

    /** The record of this code, or empty when this registry never issued it. */
    Optional<CodeRecord> find(String codeId) throws IOException;

    /** Every record, in no particular order. */
    List<CodeRecord> all() throws IOException;

    /**
     * Revokes a code; the first revocation stands, so revoking again returns the record as it was
     * first revoked.
     *
     * @return the revoked record, or empty when this registry never issued the code
     */
    Optional<CodeRecord> revoke(String codeId, Instant at) throws IOException;

    /** Ids of every revoked code, from memory. */
    Set<String> revokedCodeIds();
}
