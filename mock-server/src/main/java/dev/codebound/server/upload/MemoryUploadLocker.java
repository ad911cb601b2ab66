package dev.codebound.server.upload;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** An {@link UploadLocker} for one server process: a concurrent set of locked ids. */
public final class MemoryUploadLocker implements UploadLocker {
    private final Set<UploadId> held = ConcurrentHashMap.newKeySet();

    @Override
    public Optional<Lock> tryLock(UploadId id) {
        if (!held.add(id)) {
            return Optional.empty();
        }
        AtomicBoolean released = new AtomicBoolean();
        return Optional.of(() -> {
            if (released.compareAndSet(false, true)) {
                held.remove(id);
            }
        });
    }
}
