/**
 * Durable storage primitives that both the station and the registry build on: atomic file
 * replacement ({@link dev.codebound.protocol.io.DurableFiles}) for files written rarely, and an
 * append-only journal with group commit ({@link dev.codebound.protocol.io.GroupCommitJournal}) for
 * state that changes often and concurrently, so that many changes share one fsync and no lock is
 * held across one.
 */
package dev.codebound.protocol.io;
