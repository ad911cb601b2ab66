package dev.codebound.server.registry;

import dev.codebound.protocol.envelope.Binding;
import dev.codebound.protocol.log.LogEntry;
import dev.codebound.protocol.pki.KeyPairs;
import dev.codebound.protocol.pki.RegistryKeyring;
import dev.codebound.protocol.wire.Receipt;
import dev.codebound.protocol.wire.ReceiptCodec;
import dev.codebound.server.transparency.TransparencyLog;
import dev.codebound.server.upload.CompletionOutcome;
import dev.codebound.server.upload.UploadBytes;
import dev.codebound.server.upload.UploadInfo;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The serialized part of acceptance, in batches: gives admissible envelopes their place in the
 * transparency log and their version, signs their receipts and records them in the archive.
 * Everything before (hashing, opening, the photo checks, the records' checks) runs in parallel on
 * the storage threads, without a lock; only this runs one batch at a time.
 *
 * <p>A batch is whatever was queued while the previous batch was being sequenced: its new log
 * entries are appended in <b>one</b> durable write with <b>one</b> signed checkpoint, each receipt
 * carries its inclusion proof against that checkpoint, and the archive records of the batch are
 * queued to the archive's journal together (group commit). Each upload is answered when its
 * archive record is durable. A batch closes as soon as the sequencer is free: no timer waits for
 * more envelopes. The first envelope that finds nobody sequencing starts the leader, one thread of
 * the sequencer's own, which sequences batches until the queue is empty (so no queued envelope is
 * ever left without a leader) and then ends. Not a storage thread: an upload's thread that led
 * would answer its own upload only after every batch queued behind its own, each a log sync
 * later, while its own record had long been durable.
 *
 * <p>Exactly once, also under concurrency: an envelope already accepted, or being accepted in this
 * or an earlier batch that is not durable yet, is not logged or archived again; its upload gets the
 * first upload's receipt when that is durable (or is refused if another station uploads it).
 * Versions are given in sequence order, so two retakes of one code sequenced at once get two
 * consecutive versions.
 *
 * <p>Crash points (each repaired by the next try of the same upload, which the transport makes at
 * startup for every upload awaiting its outcome): after the envelope's adoption (made before the
 * log append, so that the archive makes its name durable while the log syncs) and before its
 * record is durable, the retry adopts it again; after the log append and before the archive
 * record, the retry finds the entry by the envelope's hash and reuses it (the log never holds an
 * envelope twice). Only a durable archive record makes an envelope accepted.
 */
final class AcceptanceSequencer {
    /** An admissible envelope waiting for its place in the log. */
    record Candidate(UploadInfo upload, UploadBytes bytes, String envelopeSha256, Binding binding,
            String instance, CompletableFuture<CompletionOutcome> outcome) {
        Candidate(UploadInfo upload, UploadBytes bytes, String envelopeSha256, Binding binding, String instance) {
            this(upload, bytes, envelopeSha256, binding, instance, new CompletableFuture<>());
        }
    }

    private final Registry registry;
    private final PhotoArchive archive;
    /**
     * Runs {@link #lead}: at most one thread, made when an envelope finds nobody leading and ended
     * once idle, so that a registry that stops leaves no thread behind for long.
     */
    private final ExecutorService leader = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), task -> {
                Thread thread = new Thread(task, "codebound-acceptance-sequencer");
                thread.setDaemon(true);
                return thread;
            });
    /** Guarded by itself, as is {@link #leading}. */
    private final ArrayDeque<Candidate> queue = new ArrayDeque<>();
    private boolean leading;
    /**
     * Envelopes sequenced whose archive record is not durable yet, by hash; completes with the
     * record once it is. Written by the leader only; removed by the archive's journal thread.
     */
    private final Map<String, CompletableFuture<PhotoArchive.AcceptedPhoto>> settling = new ConcurrentHashMap<>();

    AcceptanceSequencer(Registry registry, PhotoArchive archive) {
        this.registry = registry;
        this.archive = archive;
    }

    /**
     * Queues {@code candidate}, starts the leader if nobody leads, and waits until its outcome is
     * durable.
     *
     * @throws IOException when the log or the archive failed: the upload stays undecided
     * @throws Error       when the leader met one while sequencing this candidate's batch
     */
    CompletionOutcome accept(Candidate candidate) throws IOException {
        boolean lead;
        synchronized (queue) {
            queue.add(candidate);
            lead = !leading;
            leading = true;
        }
        if (lead) {
            leader.execute(this::lead);
        }
        try {
            return candidate.outcome().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the envelope was being accepted");
        } catch (ExecutionException e) {
            throw asIoException(e.getCause());
        }
    }

    private void lead() {
        while (true) {
            List<Candidate> batch;
            synchronized (queue) {
                if (queue.isEmpty()) {
                    leading = false;
                    return;
                }
                batch = new ArrayList<>(queue);
                queue.clear();
            }
            try {
                sequence(batch);
            } catch (RuntimeException e) {
                // A fault of our own code: fail the batch rather than leave its uploads waiting for ever.
                fail(batch, e);
            } catch (Error e) {
                // The JVM is in trouble (a stack overflow, memory running out) and this thread stops leading:
                // no upload may wait for a leader that is gone. Fail this batch and everything queued behind
                // it (their uploads' threads get the error), give up the lead so that the next upload starts
                // a leader again, and let the error end this thread.
                List<Candidate> queued;
                synchronized (queue) {
                    queued = new ArrayList<>(queue);
                    queue.clear();
                    leading = false;
                }
                fail(batch, e);
                fail(queued, e);
                throw e;
            }
        }
    }

    /** Completes every candidate's outcome, and any settling record of theirs, with {@code failure}. */
    private void fail(List<Candidate> candidates, Throwable failure) {
        for (Candidate candidate : candidates) {
            Optional.ofNullable(settling.remove(candidate.envelopeSha256()))
                    .ifPresent(settled -> settled.completeExceptionally(failure));
            candidate.outcome().completeExceptionally(failure);
        }
    }

    /** One batch; every candidate's outcome is completed now or when its archive record settles. */
    private void sequence(List<Candidate> batch) {
        Map<String, Candidate> fresh = new LinkedHashMap<>();
        for (Candidate candidate : batch) {
            String sha = candidate.envelopeSha256();
            CompletableFuture<PhotoArchive.AcceptedPhoto> settled = settling.get(sha);
            if (settled == null) {
                Optional<PhotoArchive.AcceptedPhoto> earlier;
                try {
                    earlier = archive.find(sha);
                } catch (IOException e) {
                    answer(candidate, null, e);
                    continue;
                }
                if (earlier.isPresent()) {
                    answer(candidate, earlier.get(), null);
                    continue;
                }
                settled = new CompletableFuture<>();
                settling.put(sha, settled);
                fresh.put(sha, candidate);
            }
            settled.whenComplete((photo, failure) -> answer(candidate, photo, failure));
        }
        adoptAll(fresh);
        if (fresh.isEmpty()) {
            return;
        }
        List<TransparencyLog.Appended> logged;
        try {
            logged = registry.log().appendAll(fresh.values().stream().map(this::logEntry).toList());
        } catch (IOException | RuntimeException e) {
            fresh.keySet().forEach(sha -> settle(sha, null, e));
            return;
        }
        int i = 0;
        for (Candidate candidate : fresh.values()) {
            archive(candidate, logged.get(i++));
        }
    }

    private LogEntry logEntry(Candidate candidate) {
        // The log keeps acceptance times to the millisecond; the receipt states the same instant.
        Instant acceptedAt = Instant.ofEpochMilli(registry.clock().millis());
        return new LogEntry(HexFormat.of().parseHex(candidate.envelopeSha256()), candidate.binding().codeId(),
                candidate.binding().stationId(), acceptedAt);
    }

    /**
     * Adopts the batch's envelopes before the log's write, so that the archive makes their new
     * names durable while the log syncs rather than after it. An adopted envelope without a record
     * is nothing yet (see {@link PhotoArchive}); one that cannot be adopted is settled with the
     * failure and left out of the batch.
     */
    private void adoptAll(Map<String, Candidate> fresh) {
        for (Iterator<Map.Entry<String, Candidate>> candidates = fresh.entrySet().iterator(); candidates.hasNext(); ) {
            Map.Entry<String, Candidate> candidate = candidates.next();
            try {
                archive.adopt(candidate.getKey(), candidate.getValue().bytes());
            } catch (IOException | RuntimeException e) {
                candidates.remove();
                settle(candidate.getKey(), null, e);
            }
        }
    }

    /** Signs the adopted envelope's receipt and queues its archive record; settles it when durable. */
    private void archive(Candidate candidate, TransparencyLog.Appended appended) {
        try {
            record(candidate, appended);
        } catch (IOException | RuntimeException e) {
            settle(candidate.envelopeSha256(), null, e);
        }
    }

    /**
     * Signs the receipt at the code's next version and queues the record. A shared archive may
     * refuse it because another node took the version (sign again at the next one) or recorded the
     * envelope itself (its record answers this upload too).
     */
    private void record(Candidate candidate, TransparencyLog.Appended appended) throws IOException {
        String sha = candidate.envelopeSha256();
        Binding binding = candidate.binding();
        int version = archive.nextVersion(binding.codeId());
        // Each suite's receipts are signed with that suite's algorithm: SM2 for an SM2-sealed envelope.
        RegistryKeyring.KeyedCertificate receiptKey = registry.keyring().receiptSigning(binding.suiteId());
        Receipt receipt = new Receipt(registry.keyring().registryName(), sha, candidate.upload().length(),
                binding.photoDigestHex(), binding.codeId(), binding.stationId(), binding.captureTime(),
                appended.logged().acceptedAt(), version, KeyPairs.keyIdHex(receiptKey.certificate().getPublicKey()),
                Optional.of(appended.inclusion()), binding.suiteId());
        byte[] signed = ReceiptCodec.sign(receipt, receiptKey);
        PhotoArchive.AcceptedPhoto photo = new PhotoArchive.AcceptedPhoto(sha, candidate.upload().length(),
                binding.codeId(), version, binding.stationId(), binding.photoDigestHex(), binding.mediaType(),
                binding.captureTime(), appended.logged().acceptedAt(), new String(signed, StandardCharsets.UTF_8));
        archive.record(photo).whenComplete((ok, failure) -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof AlreadyRecordedException already) {
                settle(sha, already.recorded(), null);
            } else if (cause instanceof VersionTakenException) {
                try {
                    record(candidate, appended);
                } catch (IOException | RuntimeException e) {
                    settle(sha, null, e);
                }
            } else {
                settle(sha, photo, failure);
            }
        });
    }

    private void settle(String sha, PhotoArchive.AcceptedPhoto photo, Throwable failure) {
        CompletableFuture<PhotoArchive.AcceptedPhoto> settled = settling.remove(sha);
        if (settled == null) {
            return; // already failed with its whole batch
        }
        if (failure != null) {
            settled.completeExceptionally(failure);
        } else {
            settled.complete(photo);
        }
    }

    private static void answer(Candidate candidate, PhotoArchive.AcceptedPhoto photo, Throwable failure) {
        if (failure != null) {
            candidate.outcome().completeExceptionally(failure);
        } else {
            candidate.outcome().complete(EnvelopeAcceptance.again(photo, candidate.upload(), candidate.instance()));
        }
    }

    private static IOException asIoException(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IOException(cause);
    }
}
